/**
 * A loopback fake of Discord for tests: the REST API and the gateway WebSocket on one
 * `127.0.0.1` port, speaking enough of the real wire protocol that an unmodified discord.js
 * client logs in, receives messages and posts replies.
 *
 * ```ts
 * await using discord = await FakeDiscord.start({ guilds: [{ id: 'g1', channels: [{ id: 'c1' }] }] });
 * const plugin = createDiscordPlugin({ restApi: discord.restApi });   // token: discord.token
 * await discord.dispatchMessage({ channelId: 'c1', author: alice, content: `${mention(discord.bot)} hi` });
 * discord.posted;   // every POST /channels/:id/messages, in order
 * ```
 *
 * REST (`<restApi>/v10/…`, `Authorization: Bot <token>` or 401): `GET /gateway/bot`,
 * `GET /users/@me`, `GET /channels/:id`, `POST /channels/:id/messages`,
 * `POST /channels/:id/typing`, `POST /users/@me/channels`. Gateway: HELLO, IDENTIFY
 * (recorded, with its intents) → READY + GUILD_CREATE per guild, heartbeat ACKs, RESUME →
 * RESUMED. Scriptable refusals: {@link rejectIdentify} (4004, 4014), {@link rejectRest} (401).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './fake-discord-gateway.ts';
import { CHANNEL_TYPES, channelPayload, dmChannelPayload, messagePayload, snowflake, userPayload } from './fake-discord-payloads.ts';
import type { FakeGuild, FakeGuildChannel, FakeUser } from './fake-discord-payloads.ts';

export { snowflake } from './fake-discord-payloads.ts';
export type { FakeGuild, FakeGuildChannel, FakeUser } from './fake-discord-payloads.ts';

/** The token the fake accepts unless told otherwise (shaped like a real one). */
export const FAKE_DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkE1.fake-discord-bot-token-0123456789abcdef';

/** `<@id>`: how a Discord message mentions `user`. */
export function mention(user: Pick<FakeUser, 'id'>): string {
  return `<@${user.id}>`;
}

/** Options of {@link FakeDiscord.start}. */
export interface FakeDiscordOptions {
  /** The one valid bot token (default {@link FAKE_DISCORD_TOKEN}). */
  token?: string;
  /** The bot's user (default id `1000000000000000001`, username `openclaw-bot`). */
  bot?: Omit<FakeUser, 'bot'>;
  /** Guilds the bot is in (default one guild `g-100` with a text channel `c-100`). */
  guilds?: FakeGuild[];
}

/** One REST request, as received. */
export interface RecordedRequest {
  method: string;
  /** Without the `/api/v10` prefix: `/channels/c-100/messages`. */
  path: string;
  authorization: string | undefined;
  /** The parsed JSON body, if any. */
  body: unknown;
}

/** One message the bot posted (`POST /channels/:id/messages`). */
export interface PostedMessage {
  id: string;
  channelId: string;
  content: string;
  /** `message_reference.message_id`: the message it quotes. */
  replyTo: string | undefined;
  authorization: string | undefined;
  /** `allowed_mentions` as sent. */
  allowedMentions: unknown;
}

/** A message for {@link FakeDiscord.dispatchMessage}. */
export interface DispatchMessageInput {
  /** A guild channel or thread of the fake's guilds, or a DM channel from {@link FakeDiscord.dmChannelId}. */
  channelId: string;
  author: FakeUser;
  /** The text; `<@id>` in it mentions that user (as Discord parses them). */
  content: string;
  /** The member's nickname (guild messages). */
  nick?: string;
  /** Replies to this message id (one the bot posted counts as a reply to the bot). */
  replyTo?: string;
  /** Default: a fresh snowflake. */
  id?: string;
}

const API_PREFIX = '/api/v10';

/** The fake; see the module comment. */
export class FakeDiscord {
  readonly token: string;
  readonly bot: FakeUser;
  readonly guilds: readonly FakeGuild[];
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Every message posted through REST, in order. */
  readonly posted: PostedMessage[] = [];
  readonly #server: Server;
  readonly #gateway: FakeGateway;
  readonly #users = new Map<string, FakeUser>();
  readonly #dmChannels = new Map<string, FakeUser>();
  #restStatus: number | undefined;

  private constructor(options: FakeDiscordOptions) {
    this.token = options.token ?? FAKE_DISCORD_TOKEN;
    this.bot = { id: '1000000000000000001', username: 'openclaw-bot', ...options.bot, bot: true };
    this.guilds = options.guilds ?? [{ id: 'g-100', name: 'test guild', channels: [{ id: 'c-100', name: 'general' }] }];
    this.#users.set(this.bot.id, this.bot);
    this.#server = createServer((req, res) => void this.#rest(req, res));
    this.#gateway = new FakeGateway(this.#server, { token: this.token, bot: this.bot, guilds: this.guilds, gatewayUrl: () => this.gatewayUrl });
  }

  /** Starts the fake on `127.0.0.1`, on a free port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject);
      fake.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** The base to pass as discord.js's `rest.api` (`http://127.0.0.1:<port>/api`). */
  get restApi(): string {
    return `http://127.0.0.1:${this.#port()}/api`;
  }

  /** The gateway URL `GET /gateway/bot` hands out. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port()}/gateway`;
  }

  /** Gateway connections that are open and identified (or resumed). */
  get sessions(): number {
    return this.#gateway.sessions;
  }

  /** Every IDENTIFY: the token and the intents bitfield it asked for. */
  get identifies(): readonly { token: string; intents: number }[] {
    return this.#gateway.identifies;
  }

  /** Posted messages in `channelId`. */
  postedIn(channelId: string): PostedMessage[] {
    return this.posted.filter((p) => p.channelId === channelId);
  }

  /** The DM channel between the bot and `user` (made on first use), for {@link dispatchMessage}. */
  dmChannelId(user: FakeUser): string {
    const existing = [...this.#dmChannels].find(([, recipient]) => recipient.id === user.id);
    if (existing) return existing[0];
    const id = `dm-${user.id}`;
    this.#dmChannels.set(id, user);
    this.#users.set(user.id, user);
    return id;
  }

  /**
   * Sends MESSAGE_CREATE to every identified gateway session, as Discord would for a message
   * in `channelId`. Resolves with the message id once the frames are written.
   */
  async dispatchMessage(input: DispatchMessageInput): Promise<string> {
    this.#users.set(input.author.id, input.author);
    const where = this.#locate(input.channelId);
    const repliedTo = input.replyTo === undefined ? undefined : (this.posted.some((p) => p.id === input.replyTo) ? this.bot : input.author);
    const mentioned = [...input.content.matchAll(/<@!?(\d+)>/g)].map(([, id]) => this.#users.get(id!) ?? { id: id!, username: `user-${id}` });
    const id = input.id ?? snowflake();
    const payload = messagePayload({
      id,
      channelId: input.channelId,
      channelType: where.type,
      guildId: where.guildId,
      author: input.author,
      content: input.content,
      mentions: repliedTo === this.bot && !mentioned.includes(this.bot) ? [...mentioned, this.bot] : mentioned,
      nick: input.nick,
      reference: repliedTo && input.replyTo !== undefined ? { id: input.replyTo, author: repliedTo } : undefined,
    });
    await this.#gateway.broadcast('MESSAGE_CREATE', payload);
    return id;
  }

  /** From now on, closes every IDENTIFY with `code` (4004 bad token, 4014 disallowed intents); `undefined` stops. */
  rejectIdentify(code: number | undefined): void {
    this.#gateway.identifyCloseCode = code;
  }

  /** From now on, answers every REST request with `status` (e.g. 401); `undefined` stops. */
  rejectRest(status: number | undefined): void {
    this.#restStatus = status;
  }

  /** Closes every open gateway connection with `code`, as Discord does when it drops or refuses a session. */
  async closeGateway(code: number, reason = ''): Promise<void> {
    await this.#gateway.closeAll(code, reason);
  }

  /** Stops answering on the open gateway connections (a hung network): the client's close handshake never completes. */
  freezeGateway(): void {
    this.#gateway.freeze();
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  #locate(channelId: string): { guildId: string | undefined; type: number; channel?: FakeGuildChannel } {
    for (const guild of this.guilds) {
      const channel = guild.channels.find((c) => c.id === channelId);
      if (channel) return { guildId: guild.id, type: channel.type === 'thread' ? CHANNEL_TYPES.thread : CHANNEL_TYPES.text, channel };
    }
    if (this.#dmChannels.has(channelId)) return { guildId: undefined, type: CHANNEL_TYPES.dm };
    throw new Error(`fake discord: no channel ${channelId}; add it to a guild or use dmChannelId()`);
  }

  // ---- REST ----

  async #rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = decodeURIComponent((req.url ?? '').split('?')[0]!.replace(API_PREFIX, ''));
    const request: RecordedRequest = { method: req.method ?? 'GET', path, authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined };
    this.requests.push(request);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (this.#restStatus !== undefined) return reply(this.#restStatus, { message: `${this.#restStatus}: refused by the fake`, code: 0 });
    if (request.authorization !== `Bot ${this.token}`) return reply(401, { message: '401: Unauthorized', code: 0 });
    const answer = this.#route(request);
    return answer ? reply(answer.status, answer.body) : reply(404, { message: '404: Not Found', code: 0 });
  }

  #route(request: RecordedRequest): { status: number; body?: unknown } | undefined {
    const { method, path } = request;
    const route = `${method} ${path.replace(/^\/channels\/[^/]+/, '/channels/:id')}`;
    const channelId = path.split('/')[2] ?? '';
    switch (route) {
      case 'GET /gateway/bot':
        return { status: 200, body: { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } };
      case 'GET /users/@me':
        return { status: 200, body: userPayload(this.bot) };
      case 'POST /users/@me/channels': {
        const recipient = String((request.body as { recipient_id?: unknown }).recipient_id);
        const user = this.#users.get(recipient);
        if (!user) return { status: 404, body: { message: 'Unknown User', code: 10013 } };
        return { status: 200, body: dmChannelPayload(this.dmChannelId(user), user) };
      }
      case 'GET /channels/:id':
        return this.#channel(channelId);
      case 'POST /channels/:id/typing':
        return this.#channel(channelId).status === 200 ? { status: 204 } : this.#channel(channelId);
      case 'POST /channels/:id/messages':
        return this.#channel(channelId).status === 200 ? this.#post(channelId, request) : this.#channel(channelId);
      default:
        return undefined;
    }
  }

  #channel(id: string): { status: number; body: unknown } {
    const recipient = this.#dmChannels.get(id);
    if (recipient) return { status: 200, body: dmChannelPayload(id, recipient) };
    const guild = this.guilds.find((g) => g.channels.some((c) => c.id === id));
    const channel = guild?.channels.find((c) => c.id === id);
    if (!guild || !channel) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    return { status: 200, body: channelPayload(channel, guild.id, this.bot.id) };
  }

  #post(channelId: string, request: RecordedRequest): { status: number; body: unknown } {
    const body = request.body as { content?: string; message_reference?: { message_id?: string }; allowed_mentions?: unknown };
    const id = snowflake();
    const replyTo = body.message_reference?.message_id;
    this.posted.push({ id, channelId, content: body.content ?? '', replyTo, authorization: request.authorization, allowedMentions: body.allowed_mentions });
    const where = this.#locate(channelId);
    const reference = replyTo === undefined ? undefined : { id: replyTo, author: this.bot };
    return { status: 200, body: messagePayload({ id, channelId, channelType: where.type, guildId: where.guildId, author: this.bot, content: body.content ?? '', mentions: [], reference }) };
  }
}
