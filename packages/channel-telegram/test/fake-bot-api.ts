/**
 * A loopback fake of the Telegram Bot API, so the real grammY client runs unmodified against
 * it (`new Bot(token, { client: { apiRoot: fake.apiRoot } })`).
 *
 * It speaks the wire protocol of `https://api.telegram.org/bot<token>/<method>`: JSON bodies,
 * `{ ok, result }` / `{ ok: false, error_code, description, parameters }` answers, long-polled
 * `getUpdates` with `offset` confirmation and remembered `allowed_updates`, 409 while a
 * webhook is set. Every call is recorded; failures can be scripted per method.
 *
 * ```ts
 * await using fake = await FakeBotApi.start({ bots: [{ token: '123:abc', username: 'claw_bot' }] });
 * fake.pushMessage({ text: 'hello' });                       // a DM from the default user
 * fake.fail('getUpdates', FAKE_FAILURES.conflict, { times: 3 });
 * await fake.waitForCall('sendMessage');
 * fake.callsTo('sendMessage')[0]!.params.text;
 * ```
 *
 * Methods that take a `token` act on the first bot added when it is omitted.
 *
 * Not implemented: file uploads (multipart), media, edits, webhooks being called by the fake.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update, User } from 'grammy/types';
import { FakeBotState } from './fake-bot-state.ts';
import type { FakeBot, FakeMessageInput } from './fake-bot-state.ts';

export { FAKE_USER, deriveEntities } from './fake-bot-state.ts';
export type { FakeBot, FakeMessageInput } from './fake-bot-state.ts';

/** One request the fake received. */
export interface FakeCall {
  /** The token in the URL (also for unknown tokens). */
  token: string;
  method: string;
  /** The JSON body (or `{}`). */
  params: Record<string, unknown>;
  /** Epoch milliseconds the request arrived. */
  at: number;
  /** The HTTP status answered; undefined while a long poll is held or when the client left first. */
  status?: number;
  /** True when the client closed the connection before the answer (an aborted long poll). */
  aborted: boolean;
}

/** A scripted failure: Telegram's JSON error with this status, or a proxy's HTML page. */
export interface FakeFailure {
  /** HTTP status and `error_code`. */
  status: number;
  description?: string;
  /** Sent as `parameters.retry_after` (seconds), as Telegram does with 429. */
  retryAfter?: number;
  /** Answer with an HTML page instead of JSON (what an overloaded front proxy returns with 502). */
  html?: boolean;
}

/** The failures Telegram really sends, ready to script with {@link FakeBotApi.fail}. */
export const FAKE_FAILURES = Object.freeze({
  /** Another process is long-polling the same token. */
  conflict: { status: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' },
  unauthorized: { status: 401, description: 'Unauthorized' },
  badGateway: { status: 502, html: true },
  tooManyRequests: (retryAfter: number): FakeFailure => ({ status: 429, description: `Too Many Requests: retry after ${retryAfter}`, retryAfter }),
} satisfies Record<string, FakeFailure | ((n: number) => FakeFailure)>);

/** Options of {@link FakeBotApi.start}. */
export interface FakeBotApiOptions {
  /** Bots the fake knows; any other token gets 401. Default: none (add with {@link FakeBotApi.addBot}). */
  bots?: (Partial<FakeBot> & { token: string })[];
  /** Longest a `getUpdates` is held, whatever its `timeout` asks (default: no cap). */
  maxHoldMs?: number;
}

interface ScriptedFailure {
  method: string;
  token: string | undefined;
  failure: FakeFailure;
  remaining: number;
}

type Answer = { status: number; body: unknown } | { status: number; html: string };

/** The fake server; see the module comment. Close it with `await using` or {@link close}. */
export class FakeBotApi {
  /** Pass as grammY's `client.apiRoot`: `http://127.0.0.1:<port>`. */
  readonly apiRoot: string;
  /** Every request, in arrival order. */
  readonly calls: FakeCall[] = [];
  readonly #server: Server;
  readonly #bots = new Map<string, FakeBotState>();
  readonly #maxHoldMs: number;
  #failures: ScriptedFailure[] = [];
  readonly #listeners = new Set<() => void>();

  private constructor(server: Server, options: FakeBotApiOptions) {
    this.#server = server;
    this.#maxHoldMs = options.maxHoldMs ?? Number.POSITIVE_INFINITY;
    this.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const bot of options.bots ?? []) this.addBot(bot);
  }

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeBotApi(server, options);
    server.on('request', (req, res) => void fake.#serve(req, res));
    return fake;
  }

  /** Registers a bot; `id` defaults to the token's numeric prefix, `username` to `bot<id>_bot`. */
  addBot(bot: Partial<FakeBot> & { token: string }): FakeBot {
    const id = bot.id ?? (Number.parseInt(bot.token, 10) || this.#bots.size + 1);
    const state = new FakeBotState({ token: bot.token, id, username: bot.username ?? `bot${id}_bot`, firstName: bot.firstName ?? 'Claw' });
    this.#bots.set(bot.token, state);
    return state.bot;
  }

  /** The bot's user object, as `getMe` returns it and as `from` of the messages it sent. */
  botUser(token?: string): User {
    return this.#bot(token).user;
  }

  /**
   * Queues a `message` update (or `edited_message` with `kind`) for `getUpdates`. Defaults: a
   * private chat with user 1001 (Ada, @ada), entities derived from the text as Telegram does
   * (`@mentions`, a leading `/command`). Returns the update.
   */
  pushMessage(input: FakeMessageInput = {}, options: { token?: string; kind?: 'message' | 'edited_message' } = {}): Update {
    const update = this.#bot(options.token).pushMessage(input, options.kind ?? 'message');
    return update;
  }

  /** Queues any update (its `update_id` is assigned). */
  pushUpdate(update: Omit<Update, 'update_id'>, token?: string): Update {
    return this.#bot(token).push(update);
  }

  /** The messages the bot sent with `sendMessage`, as Telegram returned them. */
  sentMessages(token?: string): Message[] {
    return [...this.#bot(token).sent];
  }

  /** The webhook set with `setWebhook`, if any. */
  webhook(token?: string): { url: string; secretToken: string | undefined } | undefined {
    return this.#bot(token).webhook;
  }

  /** Calls to `method`, optionally of one token only. */
  callsTo(method: string, token?: string): FakeCall[] {
    return this.calls.filter((call) => call.method === method && (token === undefined || call.token === token));
  }

  /** Answers the next `times` calls to `method` (of `token`, default any) with `failure` instead. `times` may be `Infinity`. */
  fail(method: string, failure: FakeFailure, options: { times?: number; token?: string } = {}): void {
    this.#failures.push({ method, token: options.token, failure, remaining: options.times ?? 1 });
  }

  /** Drops every scripted failure not used yet. */
  clearFailures(): void {
    this.#failures = [];
  }

  /** Resolves with the `count`-th call (default 1st) to `method` once it arrived; rejects after `timeoutMs` (default 5000). */
  waitForCall(method: string, options: { count?: number; token?: string; timeoutMs?: number } = {}): Promise<FakeCall> {
    const count = options.count ?? 1;
    const found = () => this.callsTo(method, options.token)[count - 1];
    return new Promise((resolve, reject) => {
      const check = () => {
        const call = found();
        if (!call) return;
        this.#listeners.delete(check);
        clearTimeout(timer);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`no call #${count} to ${method} within ${options.timeoutMs ?? 5_000} ms (saw ${this.callsTo(method).length})`));
      }, options.timeoutMs ?? 5_000);
      this.#listeners.add(check);
      check();
    });
  }

  /** Ends held polls and closes every connection. */
  async close(): Promise<void> {
    for (const bot of this.#bots.values()) bot.releaseAll();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #bot(token: string | undefined): FakeBotState {
    const bot = token === undefined ? this.#bots.values().next().value : this.#bots.get(token);
    if (!bot) throw new Error(token === undefined ? 'the fake has no bots: addBot() first' : 'unknown bot token');
    return bot;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', this.apiRoot).pathname);
    const params = await readJson(req).catch(() => undefined);
    const call: FakeCall = { token: match ? decodeURIComponent(match[1]!) : '', method: match?.[2] ?? '', params: params ?? {}, at: Date.now(), aborted: false };
    this.calls.push(call);
    for (const listener of [...this.#listeners]) listener();
    const closed = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) call.aborted = true;
      closed.abort();
    });
    const answer = !match ? apiError(404, 'Not Found') : params === undefined ? apiError(400, 'Bad Request: invalid JSON') : await this.#answer(call, closed.signal);
    if (closed.signal.aborted) return;
    call.status = answer.status;
    if ('html' in answer) res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.html);
    else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  async #answer(call: FakeCall, closed: AbortSignal): Promise<Answer> {
    const bot = this.#bots.get(call.token);
    if (!bot) return apiError(401, 'Unauthorized');
    const scripted = this.#failures.find((f) => f.method === call.method && (f.token === undefined || f.token === call.token) && f.remaining > 0);
    if (scripted) {
      scripted.remaining -= 1;
      const { status, description, retryAfter, html } = scripted.failure;
      if (html) return { status, html: `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>` };
      return apiError(status, description ?? `Error ${status}`, retryAfter === undefined ? undefined : { retry_after: retryAfter });
    }
    if (call.method === 'getUpdates') return this.#getUpdates(bot, call.params, closed);
    const result = bot.handle(call.method, call.params);
    return 'error' in result ? apiError(result.error, result.description) : { status: 200, body: { ok: true, result: result.result } };
  }

  async #getUpdates(bot: FakeBotState, params: Record<string, unknown>, closed: AbortSignal): Promise<Answer> {
    if (bot.webhook) return apiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = typeof params.offset === 'number' ? params.offset : 0;
    const limit = typeof params.limit === 'number' ? params.limit : 100;
    const holdMs = Math.min((typeof params.timeout === 'number' ? params.timeout : 0) * 1_000, this.#maxHoldMs);
    bot.confirm(offset, params.allowed_updates);
    if (bot.pending(offset).length === 0 && holdMs > 0) await bot.waitForUpdate(holdMs, closed);
    return { status: 200, body: { ok: true, result: bot.pending(offset).slice(0, limit) } };
  }
}

function apiError(status: number, description: string, parameters?: Record<string, unknown>): Answer {
  return { status, body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) } };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
