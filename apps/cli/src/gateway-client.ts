import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How the CLI reaches a gateway for one command. */
export interface GatewayClientOptions {
  /** `ws://host:port` or `wss://…`. */
  url: string;
  token?: string | undefined;
  password?: string | undefined;
  /** For the connection and handshake, and again for each request. */
  timeoutMs: number;
  /** The CLI's version, sent as `client.version`. */
  version: string;
  /** Default `["operator.read"]`: a status probe asks for no more than it needs. */
  scopes?: readonly string[];
}

/** The gateway answered and said no: an error frame (bad token, unknown method, missing scope …). */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
  /** The protocol error code, e.g. `INVALID_REQUEST`. */
  readonly code: string;
  /** The request that failed (`connect` when the handshake was refused). */
  readonly method: string;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(method: string, error: { code?: unknown; message?: unknown; retryAfterMs?: unknown; details?: unknown }) {
    super(typeof error.message === 'string' ? error.message : 'request failed');
    this.method = method;
    this.code = typeof error.code === 'string' ? error.code : 'UNKNOWN';
    this.retryAfterMs = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;
    this.details = error.details;
  }

  /** `details.code`: which refusal it was (`CHANNEL_UNKNOWN`, `PAIRING_CODE_UNKNOWN` …), when the gateway says. */
  get detailCode(): string | undefined {
    return this.#detail('code');
  }

  /** `details.hint`: the fix the gateway suggests, if any. */
  get hint(): string | undefined {
    return this.#detail('hint');
  }

  #detail(key: string): string | undefined {
    const value = typeof this.details === 'object' && this.details !== null ? (this.details as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  }
}

/** Why the transport failed, as far as the CLI can tell. */
export type GatewayTransportFailure =
  /** Nothing listens on the port (the gateway is not running, or another port). */
  | 'refused'
  /** No answer in time, no route, or the name does not resolve (host down, tunnel down). */
  | 'unreachable'
  /** A gateway answers HTTP on the port but refused the WebSocket (Host or Origin not allowed). */
  | 'upgrade-refused'
  /** Something that is not an OpenClaw gateway answers on the port. */
  | 'not-gateway'
  /** The connection was made, then closed or went silent. */
  | 'closed'
  | 'timeout';

/** The transport failed: no gateway was reached, or it went away mid-request. */
export class GatewayTransportError extends Error {
  override readonly name = 'GatewayTransportError';
  readonly failure: GatewayTransportFailure;
  readonly url: string;

  constructor(failure: GatewayTransportFailure, url: string, message: string) {
    super(message);
    this.failure = failure;
    this.url = url;
  }
}

/** The parts of `hello-ok` the CLI reads. */
export interface HelloOk {
  protocol: number;
  server: { version?: string; host?: string; connId?: string };
  features?: { methods?: string[]; events?: string[] };
  snapshot?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An open, authenticated connection. */
export interface GatewaySession {
  readonly hello: HelloOk;
  /** Sends one request and resolves with its payload; an error frame rejects with {@link GatewayRequestError}. */
  request(method: string, params?: unknown): Promise<unknown>;
  /** Calls `listener` with every event the gateway sends from now on; returns the unsubscribe. */
  onEvent(listener: EventListener): () => void;
  /** Resolves when the connection closes (the gateway stopped, the network dropped, `close()`). */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Receives the gateway's events (`chat`, `agent`, `tick`, `shutdown` …). */
export type EventListener = (event: string, payload: unknown) => void;

type Frame = { type?: unknown; id?: unknown; ok?: unknown; event?: unknown; payload?: unknown; error?: unknown };
type Pending = { method: string; resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout };

/** Without a `connect.challenge` within this time, connect anyway (as the original client does). */
const CHALLENGE_WAIT_MS = 750;

/**
 * Connects, answers the challenge with a `connect` request (protocol 3–4, client id `cli`,
 * mode `cli`, the token or password), and resolves once `hello-ok` arrived. Transport
 * failures are diagnosed (see {@link diagnoseUnreachable}) before rejecting.
 */
export function openGateway(options: GatewayClientOptions): Promise<GatewaySession> {
  const url = options.url;
  const pending = new Map<string, Pending>();
  let ids = 0;
  let opened = false;
  let connectSent = false;
  let closed: { code: number; reason: string } | undefined;
  const ws = new WebSocket(url);
  const listeners = new Set<EventListener>();
  let markClosed: (value: { code: number; reason: string }) => void = () => undefined;
  const closedPromise = new Promise<{ code: number; reason: string }>((resolve) => (markClosed = resolve));

  const send = (method: string, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = `cli-${++ids}`;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new GatewayTransportError('timeout', url, `the gateway did not answer ${method} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      pending.set(id, { method, resolve, reject, timer });
      ws.send(JSON.stringify({ type: 'req', id, method, params }));
    });

  const failAll = (error: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(error);
    }
  };

  return new Promise<GatewaySession>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(challengeTimer);
      try {
        ws.close();
      } catch {
        // Closing a socket that never opened can throw; it is gone either way.
      }
      reject(error);
    };
    const deadline = setTimeout(() => {
      const what = opened ? 'finish the handshake' : 'accept the connection';
      fail(new GatewayTransportError(opened ? 'timeout' : 'unreachable', url, `the gateway at ${url} did not ${what} within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    let challengeTimer: NodeJS.Timeout | undefined;

    const sendConnect = () => {
      if (connectSent) return;
      connectSent = true;
      clearTimeout(challengeTimer);
      const auth = options.token ? { token: options.token } : options.password ? { password: options.password } : undefined;
      send('connect', {
        minProtocol: 3,
        maxProtocol: 4,
        client: { id: 'cli', version: options.version, platform: process.platform, mode: 'cli', instanceId: randomUUID() },
        role: 'operator',
        scopes: [...(options.scopes ?? ['operator.read'])],
        ...(auth ? { auth } : {}),
      }).then(
        (payload) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve({
            hello: payload as HelloOk,
            request: send,
            onEvent: (listener) => {
              listeners.add(listener);
              return () => listeners.delete(listener);
            },
            closed: closedPromise,
            close: () => ws.close(),
          });
        },
        (error: Error) => fail(error),
      );
    };

    ws.addEventListener('open', () => {
      opened = true;
      challengeTimer = setTimeout(sendConnect, CHALLENGE_WAIT_MS);
    });
    ws.addEventListener('message', (event) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(event.data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') return sendConnect();
      if (frame.type === 'event' && typeof frame.event === 'string') {
        for (const listener of listeners) listener(frame.event, frame.payload);
        return;
      }
      if (frame.type !== 'res' || typeof frame.id !== 'string') return;
      const p = pending.get(frame.id);
      if (!p) return;
      const payload = frame.payload as { status?: unknown } | undefined;
      // Long-running methods first answer {status: "accepted"}; the final answer follows.
      if (frame.ok === true && payload?.status === 'accepted' && p.method !== 'connect') return;
      clearTimeout(p.timer);
      pending.delete(frame.id);
      if (frame.ok === true) p.resolve(frame.payload);
      else p.reject(new GatewayRequestError(p.method, (frame.error ?? {}) as Record<string, unknown>));
    });
    ws.addEventListener('close', (event) => {
      closed = { code: event.code, reason: event.reason };
      markClosed(closed);
      const reason = closed.reason ? `: ${closed.reason}` : '';
      const error = new GatewayTransportError('closed', url, `the gateway closed the connection (code ${closed.code}${reason})`);
      failAll(error);
      if (!opened) {
        diagnoseUnreachable(url, options.timeoutMs).then(fail, fail);
      } else fail(error);
    });
    ws.addEventListener('error', () => {
      // The close event follows with the details we can get; nothing to add here.
    });
  });
}

/** Opens a session, runs `fn`, and always closes the connection. */
export async function withGateway<T>(options: GatewayClientOptions, fn: (session: GatewaySession) => Promise<T>): Promise<T> {
  const session = await openGateway(options);
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Works out why a WebSocket could not be opened (the WebSocket API says only "failed") by
 * asking the same host and port for `/healthz` over plain HTTP(S).
 */
export function diagnoseUnreachable(url: string, timeoutMs: number): Promise<GatewayTransportError> {
  const target = new URL(url);
  const secure = target.protocol === 'wss:';
  const where = target.host;
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port || (secure ? 443 : 80), path: '/healthz', method: 'GET', timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk.slice(0, 1000)));
        res.on('end', () => {
          const gateway = res.statusCode === 200 && /"ok"\s*:\s*true/.test(body);
          resolve(
            gateway
              ? new GatewayTransportError('upgrade-refused', url, `the gateway at ${where} answers HTTP but refused the WebSocket connection`)
              : new GatewayTransportError('not-gateway', url, `something at ${where} answered, but it is not an OpenClaw gateway (HTTP ${res.statusCode ?? '?'} for /healthz)`),
          );
        });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve(new GatewayTransportError('unreachable', url, `no answer from ${where} within ${timeoutMs} ms`));
    });
    req.on('error', (error) => {
      const code = errnoOf(error);
      if (code === 'ECONNREFUSED') resolve(new GatewayTransportError('refused', url, `nothing is listening on ${where} (connection refused)`));
      else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') resolve(new GatewayTransportError('unreachable', url, `cannot resolve the host name ${target.hostname}`));
      else resolve(new GatewayTransportError('unreachable', url, `cannot reach ${where}: ${code ?? (error as Error).message}`));
    });
    req.end();
  });
}
