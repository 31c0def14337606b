import { WebSocket } from 'ws';

type Frame = Record<string, unknown>;

/**
 * An operator connection to a gateway for the agent's tests: connects with a token, keeps
 * every frame, and waits for responses and events by predicate.
 */
export class OperatorClient {
  readonly frames: Frame[] = [];
  readonly #socket: WebSocket;
  #listeners: ((frame: Frame) => void)[] = [];
  #nextId = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      for (const listener of this.#listeners) listener(frame);
    });
  }

  /** Opens `url` and completes the handshake as a CLI operator with admin scope. */
  static async connect(url: string, token: string): Promise<OperatorClient> {
    const socket = new WebSocket(url);
    const client = new OperatorClient(socket);
    await client.waitFor((f) => f.event === 'connect.challenge');
    const hello = await client.call('connect', { minProtocol: 3, maxProtocol: 4, client: { id: 'cli', version: 'test', platform: 'linux', mode: 'cli' }, scopes: ['operator.admin'], auth: { token } });
    if (hello.ok !== true) throw new Error(`connect refused: ${JSON.stringify(hello.error)}`);
    return client;
  }

  /** The first frame (already received or still to come) that `match` accepts. */
  waitFor(match: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for a frame`)), timeoutMs);
      const listener = (frame: Frame) => {
        if (!match(frame)) return;
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== listener);
        resolve(frame);
      };
      this.#listeners.push(listener);
    });
  }

  /** Sends a request; resolves with its first response (an interim `accepted` one for `agent`). */
  call(method: string, params?: unknown): Promise<Frame> {
    const id = `q${++this.#nextId}`;
    this.#socket.send(JSON.stringify({ type: 'req', id, method, params }));
    return this.waitFor((f) => f.type === 'res' && f.id === id);
  }

  close(): void {
    this.#socket.close();
  }
}
