import type { ChannelInboundInput, ChatType } from '@openclaw/gateway-core';
import type { Message, UserFromGetMe } from 'grammy/types';

/**
 * The gateway's view of a Telegram message, or undefined for what the gateway does not
 * handle: messages from bots (this one included), without text or caption, or from a chat
 * that is neither private nor a (super)group.
 */
export function toInboundMessage(message: Message, me: Pick<UserFromGetMe, 'id' | 'username'>): ChannelInboundInput | undefined {
  const from = message.from;
  if (!from || from.is_bot) return undefined;
  const text = message.text ?? message.caption;
  if (text === undefined || text.trim() === '') return undefined;
  const chatType = chatTypeOf(message.chat.type);
  if (!chatType) return undefined;
  const senderName = [from.first_name, from.last_name].filter(Boolean).join(' ');
  return {
    chatType,
    chatId: String(message.chat.id),
    senderId: String(from.id),
    ...(senderName ? { senderName } : {}),
    ...(from.username ? { senderUsername: from.username } : {}),
    text,
    messageId: String(message.message_id),
    ...(message.is_topic_message && message.message_thread_id !== undefined ? { threadId: String(message.message_thread_id) } : {}),
    mentioned: isAddressedToBot(message, me),
    timestamp: message.date * 1_000,
    raw: message,
  };
}

/**
 * True when `message` names the bot: an `@username` mention or a text mention of it, a
 * `/command@username`, or a reply to one of its messages. In a forum topic every message
 * "replies" to the topic's first message; that does not count.
 */
export function isAddressedToBot(message: Message, me: Pick<UserFromGetMe, 'id' | 'username'>): boolean {
  const text = message.text ?? message.caption ?? '';
  const handle = `@${me.username}`.toLowerCase();
  for (const entity of message.entities ?? message.caption_entities ?? []) {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention' && part === handle) return true;
    if (entity.type === 'text_mention' && entity.user.id === me.id) return true;
    if (entity.type === 'bot_command' && part.endsWith(handle)) return true;
  }
  const reply = message.reply_to_message;
  if (!reply || (message.is_topic_message && reply.message_id === message.message_thread_id)) return false;
  return reply.from?.id === me.id;
}

function chatTypeOf(type: Message['chat']['type']): ChatType | undefined {
  if (type === 'private') return 'direct';
  if (type === 'group' || type === 'supergroup') return 'group';
  return undefined;
}

/**
 * Runs tasks one after another per key and concurrently across keys, so a long agent run in
 * one chat neither reorders that chat's messages nor holds up the others (nor the poll loop).
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** Queues `task` after the previous task of `key`; its failure is passed to `onError`. */
  push(key: string, task: () => Promise<void>, onError: (error: unknown) => void): void {
    const tail = (this.#tails.get(key) ?? Promise.resolve()).then(task).catch(onError);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
  }
}
