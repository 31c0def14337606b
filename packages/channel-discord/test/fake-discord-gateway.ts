import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Server } from 'node:http';
import { guildCreatePayload, snowflake, userPayload } from './fake-discord-payloads.ts';
import type { FakeGuild, FakeUser } from './fake-discord-payloads.ts';

interface Session {
  socket: WebSocket;
  seq: number;
  /** Set once the session identified (READY sent) or resumed. */
  sessionId: string | undefined;
}

/** What the gateway needs to know about the fake's Discord. */
export interface FakeGatewayWorld {
  token: string;
  bot: FakeUser;
  guilds: readonly FakeGuild[];
  gatewayUrl: () => string;
}

/**
 * The gateway side of the fake (WebSocket, JSON encoding, no compression): HELLO, IDENTIFY →
 * READY + GUILD_CREATE per guild (or a scripted close), heartbeat ACKs, RESUME → RESUMED.
 */
export class FakeGateway {
  /** Every IDENTIFY: the token and the intents bitfield it asked for. */
  readonly identifies: { token: string; intents: number }[] = [];
  /** When set, every IDENTIFY is answered by closing with this code. */
  identifyCloseCode: number | undefined;
  readonly #wss: WebSocketServer;
  readonly #sessions = new Set<Session>();
  readonly #world: FakeGatewayWorld;

  constructor(server: Server, world: FakeGatewayWorld) {
    this.#world = world;
    this.#wss = new WebSocketServer({ server });
    this.#wss.on('connection', (socket) => this.#connect(socket));
  }

  /** Open sessions that identified or resumed. */
  get sessions(): number {
    return this.#live().length;
  }

  /** Sends a dispatch (op 0) to every live session; resolves once written. */
  async broadcast(event: string, data: unknown): Promise<void> {
    await Promise.all(this.#live().map((session) => this.#dispatch(session, event, data)));
  }

  /** Closes every open connection with `code` and waits for the close handshakes. */
  async closeAll(code: number, reason: string): Promise<void> {
    await Promise.all(
      [...this.#sessions].map(
        (session) =>
          new Promise<void>((resolve) => {
            session.socket.once('close', () => resolve());
            session.socket.close(code, reason);
          }),
      ),
    );
  }

  /** Stops reading from every open connection: frames the client sends (heartbeats, its close) go unanswered. */
  freeze(): void {
    for (const session of this.#sessions) session.socket.pause();
  }

  /** Drops every connection without a handshake and stops accepting new ones. */
  close(): void {
    for (const session of this.#sessions) session.socket.terminate();
    this.#wss.close();
  }

  #live(): Session[] {
    return [...this.#sessions].filter((s) => s.sessionId !== undefined);
  }

  #connect(socket: WebSocket): void {
    const session: Session = { socket, seq: 0, sessionId: undefined };
    this.#sessions.add(session);
    socket.on('close', () => this.#sessions.delete(session));
    socket.on('message', (data) => this.#onFrame(session, JSON.parse(String(data)) as { op: number; d: Record<string, unknown> }));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
  }

  #onFrame(session: Session, frame: { op: number; d: Record<string, unknown> }): void {
    if (frame.op === 1) {
      session.socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
    } else if (frame.op === 2) {
      void this.#identify(session, String(frame.d.token), Number(frame.d.intents));
    } else if (frame.op === 6) {
      session.sessionId = String(frame.d.session_id);
      void this.#dispatch(session, 'RESUMED', {});
    }
  }

  async #identify(session: Session, token: string, intents: number): Promise<void> {
    const { bot, guilds } = this.#world;
    this.identifies.push({ token, intents });
    if (token !== this.#world.token) return void session.socket.close(4004, 'Authentication failed.');
    if (this.identifyCloseCode !== undefined) return void session.socket.close(this.identifyCloseCode, 'Refused by the fake.');
    session.sessionId = snowflake();
    await this.#dispatch(session, 'READY', {
      v: 10,
      user: userPayload(bot),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.#world.gatewayUrl(),
      shard: [0, 1],
      application: { id: bot.id, flags: 0 },
    });
    for (const guild of guilds) await this.#dispatch(session, 'GUILD_CREATE', guildCreatePayload(guild, bot));
  }

  #dispatch(session: Session, event: string, data: unknown): Promise<void> {
    session.seq += 1;
    return new Promise((resolve, reject) => {
      session.socket.send(JSON.stringify({ op: 0, t: event, s: session.seq, d: data }), (error) => (error ? reject(error) : resolve()));
    });
  }
}
