import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CLI } from './run-cli.ts';

/** A port nobody listens on right now: listen on port 0, note the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A `openclaw gateway` child process. */
export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `openclaw ...args` in the background with a clean environment (HOME set, no OPENCLAW_* leaking in). */
export function spawnCli(args: readonly string[], options: { home: string; env?: Record<string, string> }): GatewayProcess {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.home, ...options.env };
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid!, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `predicate` holds, polling; throws with `describe()` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, describe: () => string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts `openclaw gateway ...args` and resolves once it printed its listening line, or
 * rejects with its output if it exited first.
 */
export async function startGateway(args: readonly string[], options: { home: string; env?: Record<string, string> }): Promise<GatewayProcess> {
  const gateway = spawnCli(['gateway', ...args], options);
  let exited = false;
  void gateway.exited.then(() => (exited = true));
  await waitFor(
    () => gateway.stdout().includes('Press Ctrl-C to stop.') || exited,
    () => `gateway did not start\nstdout: ${gateway.stdout()}\nstderr: ${gateway.stderr()}`,
  );
  if (exited) throw new Error(`gateway exited before listening\nstdout: ${gateway.stdout()}\nstderr: ${gateway.stderr()}`);
  return gateway;
}

type Frame = Record<string, unknown>;

/**
 * A protocol client on the platform's WebSocket (not the gateway's own `ws` library), so
 * the tests also show an independent client implementation gets along with the gateway.
 */
export class WsClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #socket: WebSocket;
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  #ids = 0;

  private constructor(url: string) {
    this.#socket = new WebSocket(url);
    this.#socket.addEventListener('message', (event) => {
      const frame = JSON.parse(String(event.data)) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    this.closed = new Promise((resolve) => this.#socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })));
  }

  /** Opens a connection and waits for `connect.challenge`. */
  static async open(url: string): Promise<WsClient> {
    const client = new WsClient(url);
    await client.next((f) => f.type === 'event' && f.event === 'connect.challenge');
    return client;
  }

  next(match: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Sends a request and resolves with its response frame. */
  request(method: string, params?: unknown): Promise<Frame> {
    const id = `t${++this.#ids}`;
    this.#socket.send(JSON.stringify({ type: 'req', id, method, params }));
    return this.next((f) => f.type === 'res' && f.id === id);
  }

  /** `connect` as the given protocol range, with an optional token. */
  connect(range: { min: number; max: number }, token?: string, scopes: readonly string[] = ['operator.read']): Promise<Frame> {
    return this.request('connect', {
      minProtocol: range.min,
      maxProtocol: range.max,
      client: { id: 'cli', version: 'test', platform: process.platform, mode: 'cli', instanceId: 'gateway-test' },
      scopes,
      ...(token === undefined ? {} : { auth: { token } }),
    });
  }

  close(): void {
    this.#socket.close();
  }
}
