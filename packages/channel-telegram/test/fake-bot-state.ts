/**
 * One bot's state inside the fake Bot API: its update queue, webhook, chats and sent
 * messages, and the answers of the methods that do not long-poll.
 */
import type { Chat, Message, MessageEntity, Update, User } from 'grammy/types';

/** A bot the fake knows. */
export interface FakeBot {
  token: string;
  id: number;
  username: string;
  firstName: string;
}

/** What {@link FakeBotApi.pushMessage} builds a message from; everything has a default. */
export interface FakeMessageInput {
  text?: string;
  caption?: string;
  /** Default: user 1001, Ada Lovelace, @ada. */
  from?: Partial<User>;
  /** Default: the sender's private chat. */
  chat?: { id: number; type: 'private' | 'group' | 'supergroup' | 'channel'; title?: string; is_forum?: true };
  /** Default: derived from the text (or caption) as Telegram does. */
  entities?: MessageEntity[];
  /** The message this one replies to (e.g. one of {@link FakeBotApi.sentMessages}). */
  replyTo?: Message;
  /** A forum topic: sets `message_thread_id` and `is_topic_message`. */
  topicId?: number;
  /** Unix seconds (default: now). */
  date?: number;
}

/** The default sender of pushed messages. */
export const FAKE_USER: User = Object.freeze({ id: 1001, is_bot: false, first_name: 'Ada', last_name: 'Lovelace', username: 'ada' });

type MethodResult = { result: unknown } | { error: number; description: string };

/** Update types Telegram sends when `allowed_updates` is empty or was never given. */
const DEFAULT_ALLOWED = ['message', 'edited_message', 'channel_post', 'edited_channel_post', 'callback_query', 'inline_query'];

export class FakeBotState {
  readonly bot: FakeBot;
  readonly user: User;
  readonly sent: Message[] = [];
  webhook: { url: string; secretToken: string | undefined } | undefined;
  #queue: Update[] = [];
  #nextUpdateId = 100;
  #nextMessageId = 1;
  #allowed: readonly string[] = DEFAULT_ALLOWED;
  readonly #chats = new Map<number, Chat>();
  readonly #waiters = new Set<() => void>();

  constructor(bot: FakeBot) {
    this.bot = bot;
    this.user = { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username };
  }

  push(update: Omit<Update, 'update_id'>): Update {
    const full = { ...update, update_id: this.#nextUpdateId++ } as Update;
    this.#queue.push(full);
    for (const wake of [...this.#waiters]) wake();
    return full;
  }

  pushMessage(input: FakeMessageInput, kind: 'message' | 'edited_message'): Update {
    const from: User = { ...FAKE_USER, ...input.from };
    const chat = { ...(input.chat ?? { id: from.id, type: 'private' as const, first_name: from.first_name }) } as Chat;
    this.#chats.set(chat.id, chat);
    const body = input.text ?? input.caption;
    const entities = input.entities ?? (body === undefined ? [] : deriveEntities(body));
    const message = {
      message_id: this.#nextMessageId++,
      date: input.date ?? Math.floor(Date.now() / 1_000),
      chat,
      from,
      ...(input.text === undefined ? {} : { text: input.text, ...(entities.length ? { entities } : {}) }),
      ...(input.caption === undefined ? {} : { caption: input.caption, photo: [], ...(entities.length ? { caption_entities: entities } : {}) }),
      ...(input.topicId === undefined ? {} : { message_thread_id: input.topicId, is_topic_message: true }),
      ...(input.replyTo === undefined ? {} : { reply_to_message: input.replyTo }),
      ...(kind === 'edited_message' ? { edit_date: Math.floor(Date.now() / 1_000) } : {}),
    } as Message;
    return this.push({ [kind]: message } as Omit<Update, 'update_id'>);
  }

  /** Updates not yet confirmed, of the allowed types. */
  pending(offset: number): Update[] {
    return this.#queue.filter((u) => u.update_id >= offset && this.#allowed.includes(updateType(u)));
  }

  /** Applies `getUpdates`' side effects: confirming below `offset`, remembering `allowed_updates`. */
  confirm(offset: number, allowed: unknown): void {
    if (offset > 0) this.#queue = this.#queue.filter((u) => u.update_id >= offset);
    if (Array.isArray(allowed)) this.#allowed = allowed.length === 0 ? DEFAULT_ALLOWED : allowed.map(String);
  }

  /** Resolves when an update is pushed, after `ms`, or when `closed` aborts. */
  waitForUpdate(ms: number, closed: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        closed.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      closed.addEventListener('abort', done);
    });
  }

  /** Ends every held poll (on close). */
  releaseAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  handle(method: string, params: Record<string, unknown>): MethodResult {
    switch (method) {
      case 'getMe':
        return { result: { ...this.user, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
      case 'deleteWebhook':
        this.webhook = undefined;
        if (params.drop_pending_updates === true) this.#queue = [];
        return { result: true };
      case 'setWebhook':
        if (typeof params.url !== 'string' || !params.url.startsWith('https://')) return { error: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' };
        this.webhook = { url: params.url, secretToken: typeof params.secret_token === 'string' ? params.secret_token : undefined };
        if (Array.isArray(params.allowed_updates)) this.confirm(0, params.allowed_updates);
        return { result: true };
      case 'getWebhookInfo':
        return { result: { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.#queue.length } };
      case 'sendMessage':
        return this.#sendMessage(params);
      case 'sendChatAction':
        if (params.chat_id === undefined || typeof params.action !== 'string') return { error: 400, description: 'Bad Request: chat_id and action are required' };
        return { result: true };
      default:
        return { error: 404, description: 'Not Found' };
    }
  }

  #sendMessage(params: Record<string, unknown>): MethodResult {
    const chatId = Number(params.chat_id);
    const text = typeof params.text === 'string' ? params.text : '';
    if (!Number.isFinite(chatId)) return { error: 400, description: 'Bad Request: chat not found' };
    if (text.trim() === '') return { error: 400, description: 'Bad Request: message text is empty' };
    if (text.length > 4096) return { error: 400, description: 'Bad Request: message is too long' };
    const chat = this.#chats.get(chatId) ?? ({ id: chatId, type: chatId > 0 ? 'private' : 'supergroup', title: 'chat' } as Chat);
    const reply = params.reply_parameters as { message_id?: number } | undefined;
    const repliedTo = reply?.message_id === undefined ? undefined : this.sent.find((m) => m.message_id === reply.message_id);
    const message = {
      message_id: this.#nextMessageId++,
      date: Math.floor(Date.now() / 1_000),
      chat,
      from: this.user,
      text,
      ...(typeof params.message_thread_id === 'number' ? { message_thread_id: params.message_thread_id, is_topic_message: true } : {}),
      ...(repliedTo ? { reply_to_message: repliedTo } : {}),
    } as Message;
    this.sent.push(message);
    return { result: message };
  }
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? '';
}

/** The entities Telegram derives from a text: a leading `/command[@bot]` and `@username` mentions. */
export function deriveEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const mention of text.matchAll(/(?<![\w/@])@[A-Za-z0-9_]{5,32}/g)) {
    if (command && mention.index < command[0].length) continue;
    entities.push({ type: 'mention', offset: mention.index, length: mention[0].length });
  }
  return entities;
}
