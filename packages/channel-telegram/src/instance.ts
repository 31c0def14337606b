import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelAuthError } from '@openclaw/gateway-core';
import type { BackoffPolicy, ChannelContext, ChannelInstance, OutboundMessage, ProbeResult, SendResult } from '@openclaw/gateway-core';
import { Bot, webhookCallback } from 'grammy';
import type { Message, UserFromGetMe } from 'grammy/types';
import type { TelegramAccount } from './accounts.ts';
import { splitText } from './chunk.ts';
import { apiErrorCode, describeError, retryAfterMs } from './errors.ts';
import { KeyedQueue, toInboundMessage } from './inbound.ts';
import { LongPoller } from './poller.ts';
import { apiSignal } from './signal.ts';
import { claimToken } from './token-lock.ts';
import type { WebhookRoutes } from './webhooks.ts';

/** What every instance of one plugin shares: resolved plugin options and the webhook routes. */
export interface TelegramRuntime {
  apiRoot: string | undefined;
  pollTimeoutSeconds: number;
  pollBackoff: Readonly<BackoffPolicy>;
  random: () => number;
  sendRetries: number;
  maxRetryAfterSeconds: number;
  stopConfirmTimeoutMs: number;
  webhooks: WebhookRoutes;
}

/** Slack on top of the long-poll timeout before grammY gives up on any request. */
const REQUEST_TIMEOUT_SLACK_SECONDS = 15;

/** One Telegram bot account: a grammY `Bot` receiving by long polling or webhook. */
export class TelegramChannel implements ChannelInstance {
  readonly textLimit: number;
  readonly #context: ChannelContext<TelegramAccount>;
  readonly #runtime: TelegramRuntime;
  readonly #token: string;
  readonly #label: string;
  readonly #queue = new KeyedQueue();
  #bot: Bot | undefined;
  #poller: LongPoller | undefined;
  #releases: (() => void)[] = [];

  constructor(context: ChannelContext<TelegramAccount>, runtime: TelegramRuntime) {
    const { config, accountId } = context;
    if (config.botToken === undefined) throw new ChannelAuthError('no bot token', { hint: config.tokenError ?? 'set channels.telegram.botToken or TELEGRAM_BOT_TOKEN' });
    this.#context = context;
    this.#runtime = runtime;
    this.#token = config.botToken;
    this.#label = `telegram account "${accountId}"`;
    this.textLimit = config.textChunkLimit;
  }

  async start(): Promise<void> {
    const { config, signal, logger } = this.#context;
    this.#releases.push(claimToken(this.#token, this.#label));
    const timeoutSeconds = this.#runtime.pollTimeoutSeconds + REQUEST_TIMEOUT_SLACK_SECONDS;
    const apiRoot = config.apiRoot ?? this.#runtime.apiRoot;
    const bot = new Bot(this.#token, { client: { timeoutSeconds, ...(apiRoot ? { apiRoot } : {}) } });
    this.#bot = bot;
    const mode = config.webhookUrl === undefined ? 'polling' : 'webhook';
    const webhook = mode === 'webhook' ? { webhookPath: config.webhookPath } : {};
    // Before the first call, so an account whose token is refused still shows where the token came from.
    this.#context.reportStatus({ mode, tokenSource: config.tokenSource, ...webhook, ...(mode === 'polling' ? { polling: 'ok' } : {}) });
    const me = await this.#call('getMe', () => bot.api.getMe(apiSignal(signal)));
    bot.botInfo = me;
    bot.on('message', (ctx) => this.#receive(ctx.message, me));
    if (config.webhookUrl === undefined) await this.#startPolling(bot);
    else await this.#startWebhook(bot, config.webhookUrl);
    this.#context.reportStatus({ botUsername: me.username, botId: me.id });
    logger.info('telegram bot connected', { botUsername: me.username, mode, ...webhook });
  }

  async stop(): Promise<void> {
    try {
      await this.#poller?.stop();
    } finally {
      for (const release of this.#releases.splice(0)) release();
    }
  }

  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    const bot = this.#started();
    const pieces = splitText(message.text, this.textLimit);
    if (pieces.length === 0) throw new Error('refusing to send an empty message (Telegram rejects it)');
    const messageIds: string[] = [];
    for (const [index, piece] of pieces.entries()) {
      const options = {
        ...threadOption(message.threadId),
        ...(index === 0 && message.replyToMessageId !== undefined
          ? { reply_parameters: { message_id: Number(message.replyToMessageId), allow_sending_without_reply: true } }
          : {}),
      };
      const step = pieces.length === 1 ? 'sendMessage' : `sendMessage (part ${index + 1} of ${pieces.length})`;
      const sent = await this.#withRateLimit(step, () => bot.api.sendMessage(chatIdOf(target), piece, options, apiSignal(this.#context.signal)));
      messageIds.push(String(sent.message_id));
    }
    return { messageIds };
  }

  async sendTyping(target: string, options: { threadId?: string } = {}): Promise<void> {
    const bot = this.#started();
    await this.#call('sendChatAction', () => bot.api.sendChatAction(chatIdOf(target), 'typing', threadOption(options.threadId), apiSignal(this.#context.signal)));
  }

  async probe(options: { signal: AbortSignal }): Promise<ProbeResult> {
    const started = this.#context.clock();
    const elapsed = () => this.#context.clock() - started;
    if (!this.#bot) return { ok: false, error: 'not started' };
    try {
      const me = await this.#bot.api.getMe(apiSignal(AbortSignal.any([options.signal, this.#context.signal])));
      return { ok: true, bot: { id: me.id, username: me.username }, elapsedMs: elapsed() };
    } catch (error) {
      return { ok: false, error: describeError(error, this.#token), elapsedMs: elapsed() };
    }
  }

  async #startPolling(bot: Bot): Promise<void> {
    const { signal, logger } = this.#context;
    // A webhook left behind (by an earlier webhook-mode run) makes getUpdates answer 409.
    await this.#call('deleteWebhook', () => bot.api.deleteWebhook({ drop_pending_updates: false }, apiSignal(signal)));
    this.#poller = new LongPoller({
      api: bot.api,
      timeoutSeconds: this.#runtime.pollTimeoutSeconds,
      backoff: this.#runtime.pollBackoff,
      random: this.#runtime.random,
      signal,
      confirmTimeoutMs: this.#runtime.stopConfirmTimeoutMs,
      handle: (update) => bot.handleUpdate(update).catch((error: unknown) => logger.warn('telegram update handling failed', { error: describeError(error, this.#token) })),
      onFailure: (error, attempt, delayMs) => {
        const lastError = pollFailure(error, this.#token, delayMs);
        // Receiving is interrupted, sending is not (sendMessage works through a 409 or a
        // getUpdates blip): the account stays connected so replies still go out.
        this.#context.reportStatus({ polling: 'retrying', lastError });
        logger.warn('telegram polling failed', { error: lastError, attempt, delayMs });
      },
      onRecovered: () => {
        this.#context.reportStatus({ polling: 'ok', lastError: null });
        logger.info('telegram polling recovered');
      },
      onRefused: (error) => this.#context.fail(this.#authError('getUpdates', error)),
    });
    this.#poller.start();
  }

  async #startWebhook(bot: Bot, url: string): Promise<void> {
    const { config, signal } = this.#context;
    const secret = config.webhookSecret;
    const path = config.webhookPath!;
    // Claim the local path first: if another account serves it, Telegram must not be pointed here.
    const handler = webhookCallback(bot, 'http', { secretToken: secret, onTimeout: 'return' });
    this.#releases.push(this.#runtime.webhooks.add(path, this.#label, handler));
    await this.#call('setWebhook', () =>
      bot.api.setWebhook(url, { secret_token: secret, allowed_updates: ['message'], drop_pending_updates: false }, apiSignal(signal)),
    );
  }

  #receive(message: Message, me: UserFromGetMe): void {
    const input = toInboundMessage(message, me);
    const { logger } = this.#context;
    if (!input) {
      logger.debug('ignored a telegram message', { chatId: String(message.chat.id), messageId: String(message.message_id) });
      return;
    }
    const key = `${input.chatId}:${input.threadId ?? ''}`;
    this.#queue.push(key, () => this.#context.onInbound(input), (error) => logger.warn('telegram inbound failed', { error: describeError(error, this.#token) }));
  }

  #started(): Bot {
    if (!this.#bot?.isInited()) throw new Error(`${this.#label} is not started`);
    return this.#bot;
  }

  /** Runs one API call; its failure becomes a token-free error (a ChannelAuthError for a refused token). */
  async #call<T>(step: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#failure(step, error);
    }
  }

  /** {@link #call}, waiting out up to `sendRetries` 429 answers of at most `maxRetryAfterSeconds` each. */
  async #withRateLimit<T>(step: string, run: () => Promise<T>): Promise<T> {
    const { sendRetries, maxRetryAfterSeconds } = this.#runtime;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await run();
      } catch (error) {
        const waitMs = retryAfterMs(error);
        const retry = apiErrorCode(error) === 429 && attempt < sendRetries && waitMs <= maxRetryAfterSeconds * 1_000;
        if (!retry) throw this.#failure(step, error);
        this.#context.logger.warn('telegram rate limit; retrying', { step, retryAfterMs: waitMs, attempt: attempt + 1 });
        await sleep(Math.max(waitMs, 1_000), undefined, { signal: this.#context.signal });
      }
    }
  }

  #failure(step: string, error: unknown): Error {
    const code = apiErrorCode(error);
    if (code === 401 || (step === 'getMe' && code === 404)) return this.#authError(step, error);
    return new Error(`telegram ${step} failed: ${describeError(error, this.#token)}`);
  }

  #authError(step: string, error: unknown): ChannelAuthError {
    const { tokenSource, tokenFile, accountId } = this.#context.config;
    const where = accountId === 'default' ? 'channels.telegram' : `channels.telegram.accounts.${accountId}`;
    const source = tokenSource === 'env' ? 'TELEGRAM_BOT_TOKEN' : tokenSource === 'file' ? `the file ${tokenFile}` : `${where}.botToken`;
    return new ChannelAuthError(`Telegram refused the bot token (${step}: ${describeError(error, this.#token)})`, {
      hint: `check the token in ${source} against @BotFather (/mybots → API Token), then restart the channel`,
    });
  }
}

/** A status line for a failed poll; a 409 says who the other consumer probably is. */
function pollFailure(error: unknown, token: string, delayMs: number): string {
  const retry = `retrying in ${(delayMs / 1_000).toFixed(1)} s`;
  if (apiErrorCode(error) === 409) {
    return `polling conflict: another process is receiving this bot's updates (or a webhook is set) — ${describeError(error, token)}; ${retry}`;
  }
  return `telegram getUpdates failed: ${describeError(error, token)}; ${retry}`;
}

/** Telegram takes numeric chat ids as numbers and `@channelname` as a string. */
function chatIdOf(target: string): number | string {
  return /^-?\d+$/.test(target) ? Number(target) : target;
}

function threadOption(threadId: string | undefined): { message_thread_id?: number } {
  return threadId === undefined ? {} : { message_thread_id: Number(threadId) };
}
