import { WebSocket } from 'ws';

/** A tiny protocol client for tests: collects every frame, answers nothing by itself. */
export class TestClient {
  readonly frames: Record<string, unknown>[] = [];
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];
  #ids = 0;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url, { headers });
    this.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    this.closed = new Promise((resolve) => this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.socket.on('error', () => undefined);
  }

  static async open(url: string, headers?: Record<string, string>, timeoutMs = 5_000): Promise<TestClient> {
    const client = new TestClient(url, headers);
    await client.next((f) => f.type === 'event' && f.event === 'connect.challenge', timeoutMs);
    return client;
  }

  next(match: (frame: Record<string, unknown>) => boolean, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Sends a request and resolves with its (final) response frame. */
  async request(method: string, params?: unknown): Promise<Record<string, unknown>> {
    const id = `r${++this.#ids}`;
    this.socket.send(JSON.stringify({ type: 'req', id, method, params }));
    return this.next((f) => f.type === 'res' && f.id === id);
  }

  connect(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.request('connect', {
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: 'cli', version: '2026.9.6', platform: 'linux', mode: 'cli', instanceId: 'test' },
      scopes: ['operator.admin'],
      ...overrides,
    });
  }

  close(): void {
    this.socket.close();
  }
}
