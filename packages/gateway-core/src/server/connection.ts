import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  CONNECT_CHALLENGE_EVENT,
  ERROR_CODES,
  errorResponse,
  errorShape,
  eventAllowed,
  eventFrame,
  negotiateConnect,
  okResponse,
  parseClientFrame,
  parseConnectParams,
  authorizeMethod,
  toErrorShape,
  verifyDeviceIdentity,
} from '../protocol/index.ts';
import type { ConnectParams, ErrorShape, RequestFrame } from '../protocol/index.ts';
import type { GatewayLogger } from '../log/index.ts';
import type { MethodContext, MethodRegistry } from './registry.ts';

/** The outcome of checking a connect request's shared secret. */
export type ConnectAuthResult = { ok: true; method: string } | { ok: false; message: string; retryAfterMs?: number | undefined };

/** What a connection needs from its gateway; the gateway builds one per server. */
export interface ConnectionDeps {
  registry: MethodRegistry;
  logger: GatewayLogger;
  clock: () => number;
  handshakeTimeoutMs: number;
  maxBufferedBytes: number;
  /** Checks the shared secret (and the brute-force limit) of a connect request. */
  authorize(params: ConnectParams, request: ConnectionRequest): Promise<ConnectAuthResult>;
  /** The `hello-ok` payload minus the per-connection parts. */
  hello(connection: GatewayConnection, protocol: number): Record<string, unknown>;
  onReady(connection: GatewayConnection): void;
  onClosed(connection: GatewayConnection): void;
}

/** What is known about the HTTP request that opened the socket. */
export interface ConnectionRequest {
  /** The immediate peer (`socket.remoteAddress`). */
  remoteAddress: string | undefined;
  remotePort?: number | undefined;
  /** This end of the socket. */
  localAddress?: string | undefined;
  localPort?: number | undefined;
  /** The client, after trusted-proxy resolution of X-Forwarded-For. */
  clientAddress: string;
  headers: IncomingHttpHeaders;
  /** Loopback peer, loopback Host, no untrusted forwarding headers. */
  localDirect: boolean;
}

/** The identity a connection holds after `connect`. */
export interface ConnectionIdentity {
  protocol: number;
  role: string;
  scopes: string[];
  client: ConnectParams['client'];
  deviceId?: string | undefined;
  authMethod: string;
  connectedAt: number;
}

/**
 * One WebSocket client: the handshake (challenge, `connect`, negotiation, auth, device
 * identity, `hello-ok`), then requests dispatched to the method registry. Transport
 * problems close the socket; answerable problems become error responses.
 */
export class GatewayConnection {
  readonly id = randomUUID();
  readonly request: ConnectionRequest;
  identity: ConnectionIdentity | undefined;
  readonly #socket: WebSocket;
  readonly #deps: ConnectionDeps;
  readonly #nonce = randomUUID();
  readonly #abort = new AbortController();
  #handshakeTimer: NodeJS.Timeout | undefined;
  #closed = false;
  // Until `connect` has been answered, messages are handled one after another, so a request
  // sent right behind `connect` waits for the (asynchronous) auth instead of racing it.
  #handshaking: Promise<void> = Promise.resolve();

  constructor(socket: WebSocket, request: ConnectionRequest, deps: ConnectionDeps) {
    this.#socket = socket;
    this.request = request;
    this.#deps = deps;
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? undefined : data.toString();
      if (this.identity) void this.#onMessage(text);
      else this.#handshaking = this.#handshaking.then(() => this.#onMessage(text));
    });
    socket.on('close', () => this.#onClose());
    socket.on('error', (error) => deps.logger.debug('websocket error', { connId: this.id, error }));
    this.#handshakeTimer = setTimeout(() => this.close(CLOSE_CODES.POLICY, 'handshake timeout'), deps.handshakeTimeoutMs);
    this.#handshakeTimer.unref();
    this.#send(eventFrame(CONNECT_CHALLENGE_EVENT, { nonce: this.#nonce, ts: deps.clock() }));
  }

  /** True once `connect` succeeded. */
  get ready(): boolean {
    return this.identity !== undefined;
  }

  /** Bytes queued in the socket, for the slow-consumer rule. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /**
   * Sends an event if the connection may see it. Slow consumers are skipped or closed.
   * `serialized` is the frame already encoded by a broadcast, so N clients cost one stringify.
   */
  sendEvent(event: string, payload: unknown, options: { seq?: number; dropIfSlow?: boolean; serialized?: string } = {}): void {
    if (!this.identity || !eventAllowed({ role: this.identity.role, scopes: this.identity.scopes }, event)) return;
    if (this.#socket.bufferedAmount > this.#deps.maxBufferedBytes) {
      if (options.dropIfSlow) return;
      this.close(CLOSE_CODES.POLICY, 'slow consumer');
      return;
    }
    if (options.serialized !== undefined) this.#sendText(options.serialized);
    else this.#send(eventFrame(event, payload, options.seq));
  }

  /** Drops the socket without the closing handshake (a client that does not answer it). */
  terminate(): void {
    this.#closed = true;
    this.#abort.abort();
    this.#socket.terminate();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    this.#socket.close(code, reason);
  }

  #send(frame: unknown): void {
    this.#sendText(JSON.stringify(frame));
  }

  #sendText(text: string): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    // Responses count too: a client that sends requests but never reads would otherwise make
    // the gateway buffer every answer in memory.
    if (this.#socket.bufferedAmount > this.#deps.maxBufferedBytes) {
      this.close(CLOSE_CODES.POLICY, 'slow consumer');
      return;
    }
    this.#socket.send(text);
  }

  #refuse(id: string, error: ErrorShape, closeCode: number): void {
    this.#send(errorResponse(id, error));
    this.close(closeCode, error.message.slice(0, 120));
  }

  async #onMessage(text: string | undefined): Promise<void> {
    if (this.#closed) return;
    const parsed = text === undefined ? undefined : parseClientFrame(text);
    if (!this.identity) {
      await this.#handshake(parsed);
      return;
    }
    if (!parsed?.ok) {
      const message = parsed ? parsed.message : 'binary frames are not supported';
      this.#send(errorResponse(parsed?.ok === false && parsed.id ? parsed.id : 'invalid', errorShape(ERROR_CODES.INVALID_REQUEST, `invalid request frame: ${message}`)));
      return;
    }
    void this.#dispatch(parsed.frame);
  }

  async #handshake(parsed: ReturnType<typeof parseClientFrame> | undefined): Promise<void> {
    if (!parsed?.ok) {
      this.close(CLOSE_CODES.POLICY, 'invalid handshake');
      return;
    }
    const frame = parsed.frame;
    if (frame.method !== 'connect') {
      this.#refuse(frame.id, errorShape(ERROR_CODES.INVALID_REQUEST, 'invalid handshake: first request must be connect'), CLOSE_CODES.POLICY);
      return;
    }
    clearTimeout(this.#handshakeTimer);
    const params = parseConnectParams(frame.params);
    if (!params.ok) {
      this.#refuse(frame.id, errorShape(ERROR_CODES.INVALID_REQUEST, params.message), CLOSE_CODES.POLICY);
      return;
    }
    const negotiated = negotiateConnect(params.params);
    if (!negotiated.ok) {
      const { refusal } = negotiated;
      this.#refuse(frame.id, errorShape(refusal.code, refusal.message, refusal.details ? { details: refusal.details } : {}), refusal.closeCode);
      return;
    }
    const auth = await this.#deps.authorize(params.params, this.request);
    if (this.#closed) return;
    if (!auth.ok) {
      this.#deps.logger.warn('connect refused', { connId: this.id, client: params.params.client.id, address: this.request.clientAddress, reason: auth.message });
      const options = auth.retryAfterMs === undefined ? {} : { retryable: true, retryAfterMs: auth.retryAfterMs };
      this.#refuse(frame.id, errorShape(ERROR_CODES.INVALID_REQUEST, auth.message, options), CLOSE_CODES.POLICY);
      return;
    }
    let deviceId: string | undefined;
    const device = params.params.device;
    if (device) {
      const { value } = negotiated;
      const verified = verifyDeviceIdentity({
        device,
        clientId: params.params.client.id,
        clientMode: params.params.client.mode,
        role: value.role,
        scopes: value.signedScopes,
        ...(params.params.scopes === undefined ? { fallbackScopes: value.scopes } : {}),
        token: params.params.auth?.token ?? params.params.auth?.password ?? '',
        challengeNonce: this.#nonce,
        allowV1: this.request.localDirect,
        nowMs: this.#deps.clock(),
      });
      if (!verified.ok) {
        this.#refuse(frame.id, errorShape(ERROR_CODES.INVALID_REQUEST, verified.message), CLOSE_CODES.POLICY);
        return;
      }
      deviceId = verified.deviceId;
    }
    this.identity = {
      protocol: negotiated.value.protocol,
      role: negotiated.value.role,
      scopes: negotiated.value.scopes,
      client: params.params.client,
      deviceId,
      authMethod: auth.method,
      connectedAt: this.#deps.clock(),
    };
    this.#send(okResponse(frame.id, this.#deps.hello(this, negotiated.value.protocol)));
    this.#deps.onReady(this);
  }

  async #dispatch(frame: RequestFrame): Promise<void> {
    const identity = this.identity!;
    const allowed = authorizeMethod({ role: identity.role, scopes: identity.scopes }, frame.method);
    if (!allowed.ok && this.#deps.registry.has(frame.method)) {
      this.#send(errorResponse(frame.id, errorShape(ERROR_CODES.INVALID_REQUEST, allowed.message)));
      return;
    }
    const context: MethodContext = {
      connId: this.id,
      client: identity.client,
      role: identity.role,
      scopes: identity.scopes,
      clientAddress: this.request.clientAddress,
      sendInterim: (payload) => this.#send(okResponse(frame.id, payload)),
      signal: this.#abort.signal,
    };
    try {
      const payload = await this.#deps.registry.invoke(frame.method, frame.params, context);
      this.#send(okResponse(frame.id, payload));
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === ERROR_CODES.UNAVAILABLE) this.#deps.logger.warn('method failed', { method: frame.method, connId: this.id, error });
      this.#send(errorResponse(frame.id, shape));
    }
  }

  #onClose(): void {
    clearTimeout(this.#handshakeTimer);
    this.#closed = true;
    this.#abort.abort();
    this.#deps.onClosed(this);
  }
}
