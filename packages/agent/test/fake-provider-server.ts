import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake finished a request: it answered in full, the client hung up first, or it cut the stream itself. */
export type RequestEnd = 'completed' | 'client-closed' | 'cut';

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  readonly path: string;
  /** Node's lower-cased header record, e.g. `headers['x-api-key']`. */
  readonly headers: IncomingHttpHeaders;
  /** The API key as the provider reads it (`x-api-key` or `Authorization: Bearer`). */
  readonly apiKey: string | undefined;
  /** The parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  readonly body: unknown;
  /** Settles once the exchange is over; a hanging reply settles only when the client gives up. */
  readonly ended: Promise<RequestEnd>;
}

/** A successful model reply, streamed as SSE when the request asked for `stream: true`. */
export interface StreamReply {
  /** The reply text; an array is sent as one delta per element. Default: `echo: <last user message>`. */
  text?: string | string[];
  /** Pause between deltas. */
  delayMs?: number;
  /** Pause before the response headers are sent. */
  firstByteDelayMs?: number;
  /** Token counts reported to the client; default: rough estimates from the text lengths. */
  usage?: { input: number; output: number };
  /** The provider's own stop value (`end_turn`, `max_tokens`, `stop`, `length`…); default: its normal end. */
  stopReason?: string;
  /** Destroy the socket after this many deltas (0: right after the opening events). Non-streaming: no response at all. */
  cutAfterChunks?: number;
}

/** An HTTP error in the provider's own error shape. */
export interface ErrorReply {
  status: number;
  /** Replaces the provider-shaped JSON body; a string is sent as is. */
  body?: unknown;
  /** The message inside the provider-shaped body. */
  message?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`. */
  headers?: Record<string, string>;
}

/** Never answer: only the client's abort or timeout ends the request. */
export interface HangReply {
  hang: true;
}

export type ScriptedReply = StreamReply | ErrorReply | HangReply;

export interface FakeProviderOptions {
  /** Chooses a reply when the script is empty; returning `undefined` falls back to the echo reply. */
  respond?: (request: RecordedRequest) => ScriptedReply | undefined;
  /** When set, any other API key gets a 401 (model calls and `GET /v1/models` alike). */
  apiKey?: string;
  /** Model id used when the request names none, and listed by `GET /v1/models`. */
  model?: string;
}

/** A running fake provider on 127.0.0.1. */
export interface FakeProvider {
  /** The value to pass to the SDK as `baseURL`. */
  readonly url: string;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Queues what the next model calls get, in order; `GET /v1/models` does not consume the script. */
  script(reply: ScriptedReply | ScriptedReply[]): void;
  /** Resolves with the n-th request (1-based) once it has arrived. */
  received(n?: number): Promise<RecordedRequest>;
  /** Drops every open connection, hanging ones included, and stops listening. */
  close(): Promise<void>;
}

/** A model reply resolved to concrete values, ready to be written in a provider's format. */
export interface Turn {
  id: string;
  model: string;
  chunks: string[];
  usage: { input: number; output: number };
  stopReason: string | undefined;
  /** The request's parsed body, for dialect-specific flags such as `stream_options`. */
  body: Record<string, unknown>;
}

/** What differs between providers: paths, auth header, and how replies and errors look on the wire. */
export interface ProviderDialect {
  /** URL prefix the SDK expects in `baseURL` (`''` or `'/v1'`). */
  readonly baseURLPath: string;
  readonly modelCallPath: string;
  readonly idPrefix: string;
  readonly defaultModel: string;
  apiKeyOf(headers: IncomingHttpHeaders): string | undefined;
  /** Headers on every response, e.g. a request id. */
  commonHeaders(): Record<string, string>;
  errorBody(status: number, message: string): unknown;
  modelList(model: string): unknown;
  message(turn: Turn): unknown;
  /** SSE frames, each a complete `…\n\n` block: before the deltas, one per delta, after them. */
  stream(turn: Turn): { opening: string[]; delta: (text: string) => string; closing: string[] };
}

/** Starts a fake provider speaking `dialect` on a random loopback port. */
export async function startFakeProvider(dialect: ProviderDialect, options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedReply[] = [];
  let waiters: { n: number; resolve: (r: RecordedRequest) => void }[] = [];
  const model = options.model ?? dialect.defaultModel;
  let ids = 0;

  const server = createServer((req, res) => {
    // Listen for the hang-up before reading the body, so a client that leaves early is still seen.
    let finish: (end: RequestEnd) => void = () => undefined;
    const ended = new Promise<RequestEnd>((resolve) => (finish = resolve));
    res.on('close', () => finish(res.writableFinished ? 'completed' : 'client-closed'));
    void readBody(req).then((raw) => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        apiKey: dialect.apiKeyOf(req.headers),
        body: parseBody(raw),
        ended,
      };
      requests.push(recorded);
      const due = waiters.filter((w) => w.n <= requests.length);
      waiters = waiters.filter((w) => w.n > requests.length);
      for (const w of due) w.resolve(requests[w.n - 1]!);

      const pathname = recorded.path.split('?')[0];
      const sendError = (reply: ErrorReply) => writeError(res, dialect, reply);
      if (options.apiKey !== undefined && recorded.apiKey !== options.apiKey) {
        sendError({ status: 401 });
      } else if (req.method === 'GET' && pathname === `/v1/models`) {
        writeJson(res, 200, dialect.modelList(model), dialect.commonHeaders());
      } else if (req.method === 'POST' && pathname === dialect.modelCallPath) {
        const reply = queue.shift() ?? options.respond?.(recorded) ?? {};
        if ('hang' in reply) return;
        if ('status' in reply) return sendError(reply);
        const body = isRecord(recorded.body) ? recorded.body : {};
        const turn = resolveTurn(reply, body, `${dialect.idPrefix}${(++ids).toString().padStart(6, '0')}`, model);
        void writeTurn(res, dialect, reply, turn, () => finish('cut'));
      } else {
        sendError({ status: 404, message: `${req.method} ${pathname} is not served by this fake` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${dialect.baseURLPath}`,
    requests,
    script: (reply) => void queue.push(...(Array.isArray(reply) ? reply : [reply])),
    received: (n = 1) =>
      requests.length >= n ? Promise.resolve(requests[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The text of the last user message, whether `content` is a string or a list of parts (both providers). */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const last = messages.filter((m) => isRecord(m) && m.role === 'user').at(-1);
  const content = isRecord(last) ? last.content : undefined;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p): p is { text: string } => isRecord(p) && p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('');
}

/** One SSE frame as the providers write it: an optional `event:` line, one `data:` line, a blank line. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`;
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveTurn(reply: StreamReply, body: Record<string, unknown>, id: string, model: string): Turn {
  const text = reply.text ?? ['echo: ', lastUserText(body)];
  const chunks = typeof text === 'string' ? [text] : text;
  const estimate = (s: string) => Math.max(1, Math.ceil(s.length / 4));
  return {
    id,
    model: typeof body.model === 'string' ? body.model : model,
    chunks,
    usage: reply.usage ?? { input: estimate(JSON.stringify(body.messages ?? '')), output: estimate(chunks.join('')) },
    stopReason: reply.stopReason,
    body,
  };
}

async function writeTurn(res: ServerResponse, dialect: ProviderDialect, reply: StreamReply, turn: Turn, cut: () => void) {
  if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs);
  if (res.destroyed) return;
  if (turn.body.stream !== true) {
    if (reply.cutAfterChunks !== undefined) return void (cut(), res.socket?.destroy());
    return writeJson(res, 200, dialect.message(turn), dialect.commonHeaders());
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...dialect.commonHeaders(),
  });
  res.flushHeaders();
  const frames = dialect.stream(turn);
  let flushed = Promise.resolve();
  const send = (frame: string) => (flushed = new Promise((resolve) => res.write(frame, () => resolve())));
  const cutSocket = async () => {
    cut();
    await flushed;
    // Client and fake share one event loop: after the next poll phase the client has read the bytes.
    await new Promise((resolve) => setImmediate(resolve));
    res.socket?.destroy();
  };
  for (const frame of frames.opening) send(frame);
  for (const [i, chunk] of turn.chunks.entries()) {
    if (i === reply.cutAfterChunks) return cutSocket();
    if (i > 0 && reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    send(frames.delta(chunk));
  }
  if (reply.cutAfterChunks !== undefined && reply.cutAfterChunks >= turn.chunks.length) return cutSocket();
  if (reply.delayMs) await sleep(reply.delayMs);
  if (res.destroyed) return;
  res.end(frames.closing.join(''));
}

function writeError(res: ServerResponse, dialect: ProviderDialect, reply: ErrorReply): void {
  const body = reply.body ?? dialect.errorBody(reply.status, reply.message ?? defaultErrorMessage(reply.status));
  writeJson(res, reply.status, body, { ...dialect.commonHeaders(), ...reply.headers });
}

function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function defaultErrorMessage(status: number): string {
  if (status === 401) return 'invalid api key';
  if (status === 429) return 'rate limited by the fake provider';
  if (status >= 500) return 'the fake provider failed';
  return `the fake provider answered ${status}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
