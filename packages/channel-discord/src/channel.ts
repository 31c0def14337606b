import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Events, GatewayIntentBits, Partials, Routes } from 'discord.js';
import type { APIUser, CloseEvent, Message } from 'discord.js';
import { ChannelAuthError } from '@openclaw/gateway-core';
import type { ChannelContext, ChannelInstance, OutboundMessage, ProbeResult, SendResult } from '@openclaw/gateway-core';
import type { DiscordAccountConfig } from './accounts.ts';
import { MESSAGE_CONTENT_MISSING, maskToken, refusalError, refusalOfCloseCode, tokenHint, toChannelFailure } from './errors.ts';
import { lacksContent, toInbound } from './inbound.ts';
import { resolveSendable, sendText } from './outbound.ts';

/** The gateway intents the bot asks for. Message Content is privileged: it must be enabled in the Developer Portal. */
export const DISCORD_INTENTS = Object.freeze([
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
]);

/** How one Discord account connects; see `DiscordPluginOptions`. */
export interface DiscordConnectionOptions {
  /** Discord's REST API base (`https://discord.com/api`); a loopback fake's in tests. */
  restApi: string | undefined;
  /** How long discord.js waits for the guilds READY announced before it reports ready. */
  waitGuildTimeoutMs: number;
  /** `stop()` stops waiting for the gateway's close handshake after this long. */
  stopTimeoutMs: number;
}

/**
 * One running Discord bot: a discord.js client logged in with the account's token, handing
 * user messages to the gateway and posting its replies. discord.js resumes and reconnects
 * its gateway connection itself; this reports those changes and gives up (`context.fail`)
 * only when Discord closes the connection for good.
 */
export class DiscordChannel implements ChannelInstance {
  readonly textLimit: number;
  readonly lineLimit: number;
  readonly #context: ChannelContext<DiscordAccountConfig>;
  readonly #options: DiscordConnectionOptions;
  readonly #client: Client;
  #started = false;
  #login: Promise<void> | undefined;
  #stopped = false;
  #closeCode: number | undefined;
  #reportedMissingContent = false;

  constructor(context: ChannelContext<DiscordAccountConfig>, options: DiscordConnectionOptions) {
    this.#context = context;
    this.#options = options;
    this.textLimit = context.config.textChunkLimit;
    this.lineLimit = context.config.maxLinesPerMessage;
    this.#client = new Client({
      intents: [...DISCORD_INTENTS],
      // DM channels are not cached before their first message: without this their messages are dropped.
      partials: [Partials.Channel],
      // An agent's reply should not ping @everyone or a role because the model wrote one.
      allowedMentions: { parse: ['users'], repliedUser: true },
      waitGuildTimeout: options.waitGuildTimeoutMs,
      ...((context.config.apiBaseUrl ?? options.restApi) === undefined ? {} : { rest: { api: context.config.apiBaseUrl ?? options.restApi } }),
    });
  }

  /** Logs in and resolves once discord.js is ready (guilds and their channels cached). */
  async start(): Promise<void> {
    const { config, accountId, signal } = this.#context;
    if (config.token === undefined) throw new ChannelAuthError('no Discord bot token is configured', { hint: tokenHint(accountId) });
    this.#context.reportStatus({ tokenSource: config.tokenSource });
    this.#listen();
    if (signal.aborted) throw new Error('start aborted');
    const stopWaiting = new AbortController();
    const ready = once(this.#client, Events.ClientReady, { signal: stopWaiting.signal });
    // Settles unobserved when login fails first; the race below reports that failure instead.
    ready.catch(() => undefined);
    const aborted = once(signal, 'abort', { signal: stopWaiting.signal }).then(() => {
      throw new Error('start aborted');
    });
    const login = this.#client.login(config.token);
    // stop() waits for this: destroying the client before login() has opened its gateway
    // connection leaves that connection open (discord.js connects after a destroy).
    this.#login = login.then(
      () => undefined,
      () => undefined,
    );
    try {
      await Promise.race([login.then(() => ready), aborted]);
    } catch (error) {
      const refusal = this.#closeCode === undefined ? undefined : refusalOfCloseCode(this.#closeCode);
      throw refusal === undefined ? toChannelFailure(error, accountId, config.token) : refusalError(refusal, accountId, error);
    } finally {
      stopWaiting.abort();
    }
    const user = this.#client.user!;
    this.#started = true;
    this.#context.reportStatus({ botId: user.id, botUsername: user.username });
  }

  /** Destroys the client; waits for the gateway's close handshake at most `stopTimeoutMs`. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const timeout = new AbortController();
    const deadline = delay(this.#options.stopTimeoutMs, undefined, { signal: timeout.signal, ref: false }).catch(() => undefined);
    if (this.#login) await Promise.race([this.#login, deadline]);
    const destroyed = this.#client.destroy().catch((error: unknown) => {
      this.#context.logger.debug('discord client destroy failed', { error: this.#mask(error) });
    });
    await Promise.race([destroyed, deadline]);
    timeout.abort();
    this.#client.removeAllListeners();
  }

  /** Posts `message` in channel (or thread, or user DM) `target`. */
  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    try {
      const channel = await resolveSendable(this.#client, message.threadId ?? target);
      return await sendText(channel, message, { maxChars: this.textLimit, maxLines: this.lineLimit });
    } catch (error) {
      throw toChannelFailure(error, this.#context.accountId, this.#context.config.token);
    }
  }

  /** Shows "<bot> is typing…" in `target` for about ten seconds. */
  async sendTyping(target: string, options?: { threadId?: string }): Promise<void> {
    try {
      const channel = await resolveSendable(this.#client, options?.threadId ?? target);
      await channel.sendTyping();
    } catch (error) {
      throw toChannelFailure(error, this.#context.accountId, this.#context.config.token);
    }
  }

  /** `GET /users/@me`: whether the token still works, and which bot it is. */
  async probe(options: { signal: AbortSignal }): Promise<ProbeResult> {
    const started = performance.now();
    try {
      const user = (await this.#client.rest.get(Routes.user('@me'), { signal: options.signal })) as APIUser;
      return { ok: true, bot: { id: user.id, username: user.username }, elapsedMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { ok: false, error: this.#mask(toChannelFailure(error, this.#context.accountId, this.#context.config.token)), elapsedMs: Math.round(performance.now() - started) };
    }
  }

  #listen(): void {
    const client = this.#client;
    const { logger } = this.#context;
    client.on(Events.MessageCreate, (message) => this.#onMessage(message));
    client.on(Events.ShardReady, () => this.#connected(true));
    client.on(Events.ShardResume, () => this.#connected(true));
    client.on(Events.ShardReconnecting, () => this.#connected(false));
    client.on(Events.ShardDisconnect, (event) => this.#onGivenUp(event));
    client.on(Events.ShardError, (error) => logger.warn('discord gateway error', { error: this.#mask(error) }));
    client.on(Events.Warn, (message) => logger.warn('discord.js warning', { message: this.#mask(message) }));
    client.on(Events.Error, (error) => logger.warn('discord client error', { error: this.#mask(error) }));
  }

  #connected(connected: boolean): void {
    if (!this.#started || this.#stopped) return;
    this.#context.logger.debug(connected ? 'discord gateway connected' : 'discord gateway reconnecting');
    this.#context.reportStatus({ connected });
  }

  /** discord.js does not reconnect after these closes (bad token, disallowed intents, …): the registry starts over or stops. */
  #onGivenUp(event: CloseEvent): void {
    this.#closeCode = event.code;
    if (!this.#started || this.#stopped) return;
    const refusal = refusalOfCloseCode(event.code);
    const error = refusal === undefined ? new Error(`Discord closed the gateway connection for good (code ${event.code})`) : refusalError(refusal, this.#context.accountId);
    this.#context.reportStatus({ connected: false });
    this.#context.fail(error);
  }

  #onMessage(message: Message): void {
    if (this.#stopped) return;
    const botId = this.#client.user?.id;
    if (botId === undefined) return;
    const input = toInbound(message, botId);
    if (input) {
      void this.#context.onInbound(input);
    } else if (!this.#reportedMissingContent && lacksContent(message, botId)) {
      this.#reportedMissingContent = true;
      this.#context.logger.warn(MESSAGE_CONTENT_MISSING, { guildId: message.guildId, channelId: message.channelId });
      this.#context.reportStatus({ lastError: MESSAGE_CONTENT_MISSING, warning: MESSAGE_CONTENT_MISSING });
    }
  }

  #mask(value: unknown): string {
    const text = value instanceof Error ? value.message || value.name : String(value);
    return maskToken(text, this.#context.config.token);
  }
}
