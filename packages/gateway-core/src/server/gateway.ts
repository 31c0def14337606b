import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { GatewayLogger } from '../log/index.ts';
import { nullLogger } from '../log/index.ts';
import {
  AuthRateLimiter,
  GatewayBindError,
  allowedHostsFromOrigins,
  authorizeConnect,
  checkHost,
  checkOrigin,
  createCachedWhois,
  createProcPeerCheck,
  createExecFile,
  isLocalDirect,
  resolveClientAddress,
} from '../net/index.ts';
import type { RateLimitOptions, ResolvedGatewayAuth, TailscalePeerCheck, TailscaleWhois } from '../net/index.ts';
import { CLOSE_CODES, GATEWAY_EVENTS, eventFrame, HANDSHAKE_TIMEOUT_MS, MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, TICK_INTERVAL_MS } from '../protocol/index.ts';
import { GatewayConnection } from './connection.ts';
import type { ConnectionDeps, ConnectionRequest } from './connection.ts';
import { handleHttpRoute, refuse } from './http.ts';
import { MethodRegistry } from './registry.ts';
import type { MethodDefinition, MethodHandler } from './registry.ts';

/** Options of {@link createGateway}: what must be decided, then what may be. */
export interface GatewayOptions {
  /** Reported in `hello-ok.server.version` and `status`. */
  version: string;
  /** The resolved shared secret (see `resolveGatewayAuth`). */
  auth: ResolvedGatewayAuth;
  /** Default 18789; 0 picks a free port (tests). */
  port?: number;
  /** Hosts to listen on (see `resolveBindHosts`); default 127.0.0.1. */
  hosts?: readonly string[];
  /** Serve on an existing HTTP server instead of listening (the embedder owns it). */
  server?: Server;
  logger?: GatewayLogger;
  clock?: () => number;
  trustedProxies?: readonly string[];
  controlUi?: { enabled?: boolean; basePath?: string; allowedOrigins?: readonly string[] };
  /** `gateway.tailscale.mode` is serve/funnel: accept `*.ts.net` Host headers. */
  tailscaleServe?: boolean;
  /** Confirms Tailscale identities (needed only with `auth.allowTailscale`). */
  tailscaleWhois?: TailscaleWhois;
  /** Whether a loopback peer is tailscaled itself; default on Linux: the socket's owner uid from /proc (see `createProcPeerCheck`). */
  tailscalePeer?: TailscalePeerCheck;
  rateLimit?: RateLimitOptions;
  handshakeTimeoutMs?: number;
  tickIntervalMs?: number;
  maxPayloadBytes?: number;
  maxBufferedBytes?: number;
  /** Extra fields for `hello-ok.snapshot` (e.g. stateDir, configPath, sessionDefaults). */
  snapshot?: () => Record<string, unknown>;
  /**
   * Tried first for every HTTP request (before the Host check: a channel webhook is called
   * through a public proxy under its own host name); resolves true when it answered. It must
   * authenticate what it accepts itself (Telegram's webhook secret header).
   */
  httpHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /**
   * What `health` reports besides the gateway being up, e.g. channel state; `probe` is the
   * request's `probe` flag (active checks). A provider that throws makes `ok` false.
   */
  health?: (probe: boolean) => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** How long `stop()` waits for clients to finish the close handshake before dropping them. */
const STOP_GRACE_MS = 1_000;

/** Presence updates are sent at most this often. */
const PRESENCE_COALESCE_MS = 1_000;

const DEFAULTS = Object.freeze({
  port: 18789,
  hosts: ['127.0.0.1'] as readonly string[],
  basePath: '/',
  handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  tickIntervalMs: TICK_INTERVAL_MS,
  maxPayloadBytes: MAX_PAYLOAD_BYTES,
  maxBufferedBytes: MAX_BUFFERED_BYTES,
});

/** Where the gateway listens. */
export interface GatewayAddress {
  host: string;
  port: number;
}

/** A running (or stoppable) gateway. */
export interface Gateway {
  /** Listens (unless attached to a server) and starts the tick. */
  start(): Promise<GatewayAddress[]>;
  /** Sends `shutdown`, closes every client with 1012, stops listening. */
  stop(options?: { reason?: string; restartExpectedMs?: number | null }): Promise<void>;
  readonly addresses: readonly GatewayAddress[];
  readonly startedAt: number | undefined;
  readonly methods: MethodRegistry;
  registerMethod<P, R>(name: string, method: MethodHandler<P, R> | MethodDefinition<P, R>): () => void;
  /** Sends an event with the next `seq` to every connected client allowed to see it. */
  broadcast(event: string, payload: unknown, options?: { dropIfSlow?: boolean }): void;
  /** Clients that completed `connect`. */
  readonly clientCount: number;
  /** The presence list (`system-presence`). */
  presence(): Record<string, unknown>[];
}

function normaliseBasePath(path: string | undefined): string {
  const trimmed = (path ?? '/').trim() || '/';
  const leading = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return leading.endsWith('/') ? leading : `${leading}/`;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(GatewayBindError.fromListenError(error, { host, port }));
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Creates an embeddable OpenClaw gateway: one HTTP server per listen host serving the
 * WebSocket protocol (any path), `/healthz`, `/readyz` and the status page. It never
 * prints and never exits; pass a logger to see what it does.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const logger = options.logger ?? nullLogger;
  const clock = options.clock ?? Date.now;
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const basePath = normaliseBasePath(options.controlUi?.basePath);
  const allowedOrigins = options.controlUi?.allowedOrigins ?? [];
  const controlUiEnabled = options.controlUi?.enabled ?? true;
  const rateLimiter = new AuthRateLimiter(options.rateLimit ?? {}, { clock });
  const registry = new MethodRegistry();
  const connections = new Set<GatewayConnection>();
  const servers: Server[] = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayloadBytes });
  // The real `tailscale whois` is only consulted when Tailscale identities are accepted.
  const tailscaleWhois: TailscaleWhois =
    options.tailscaleWhois ?? (options.auth.allowTailscale ? createCachedWhois(createExecFile()) : async () => null);
  const tailscalePeer: TailscalePeerCheck | undefined = options.tailscalePeer ?? (options.auth.allowTailscale ? createProcPeerCheck() : undefined);
  let addresses: GatewayAddress[] = [];
  let startedAt: number | undefined;
  let stopping = false;
  let seq = 0;
  let presenceVersion = 0;
  let tick: NodeJS.Timeout | undefined;

  const presenceOf = (c: GatewayConnection): Record<string, unknown> => ({
    host: c.identity?.client.displayName ?? c.request.clientAddress,
    ip: c.request.clientAddress,
    version: c.identity?.client.version,
    platform: c.identity?.client.platform,
    deviceFamily: c.identity?.client.deviceFamily,
    mode: c.identity?.client.mode,
    instanceId: c.identity?.client.instanceId,
    deviceId: c.identity?.deviceId,
    roles: c.identity ? [c.identity.role] : [],
    scopes: c.identity?.scopes,
    ts: c.identity?.connectedAt,
  });
  const presence = () => [...connections].filter((c) => c.ready).map(presenceOf);

  const broadcast = (event: string, payload: unknown, opts: { dropIfSlow?: boolean } = {}) => {
    seq += 1;
    const serialized = JSON.stringify(eventFrame(event, payload, seq));
    for (const c of connections) if (c.ready) c.sendEvent(event, payload, { seq, dropIfSlow: opts.dropIfSlow ?? false, serialized });
  };

  // Presence changes with every connect and disconnect; one-shot CLI clients come and go in
  // bursts. Coalescing keeps that O(changes) instead of O(clients²) per burst.
  let presenceTimer: NodeJS.Timeout | undefined;
  const presenceChanged = () => {
    presenceVersion += 1;
    presenceTimer ??= setTimeout(() => {
      presenceTimer = undefined;
      if (!stopping) broadcast('presence', { presence: presence() }, { dropIfSlow: true });
    }, PRESENCE_COALESCE_MS);
    presenceTimer.unref();
  };

  const deps: ConnectionDeps = {
    registry,
    logger,
    clock,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    maxBufferedBytes: settings.maxBufferedBytes,
    authorize: async (params, request) => {
      const result = await authorizeConnect({
        auth: options.auth,
        presented: params.auth,
        request: { remoteAddress: request.remoteAddress, remotePort: request.remotePort, localAddress: request.localAddress, localPort: request.localPort, headers: request.headers },
        trustedProxies: options.trustedProxies,
        tailscaleWhois,
        tailscalePeer,
        client: params.client,
        rateLimiter,
      });
      return result.ok ? { ok: true, method: result.method } : { ok: false, message: result.message, retryAfterMs: result.retryAfterMs };
    },
    hello: (connection, protocol) => ({
      type: 'hello-ok',
      protocol,
      server: { version: options.version, host: hostname(), connId: connection.id },
      features: { methods: registry.names(), events: [...GATEWAY_EVENTS] },
      snapshot: {
        presence: presence(),
        health: {},
        stateVersion: { presence: presenceVersion, health: 0 },
        uptimeMs: startedAt === undefined ? 0 : clock() - startedAt,
        ...options.snapshot?.(),
      },
      policy: { maxPayload: settings.maxPayloadBytes, maxBufferedBytes: settings.maxBufferedBytes, tickIntervalMs: settings.tickIntervalMs },
    }),
    onReady: (connection) => {
      logger.info('client connected', { connId: connection.id, client: connection.identity?.client.id, mode: connection.identity?.client.mode, address: connection.request.clientAddress, auth: connection.identity?.authMethod });
      presenceChanged();
    },
    onClosed: (connection) => {
      connections.delete(connection);
      if (connection.ready) presenceChanged();
    },
  };

  const hostGuard = (req: IncomingMessage) =>
    checkHost(req.headers.host, {
      bindHosts: addresses.map((a) => a.host),
      port: addresses[0]?.port ?? settings.port,
      allowedHosts: allowedHostsFromOrigins(allowedOrigins),
      tailscaleServe: options.tailscaleServe ?? false,
    });

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    logger.error('http request failed', { error, url: req.url?.slice(0, 200) });
    if (!res.headersSent) refuse(res, 500, 'Internal Server Error');
    else res.destroy();
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (options.httpHandler) {
      options.httpHandler(req, res).then(
        (handled) => {
          if (!handled) routeRequest(req, res);
        },
        (error: unknown) => fail(req, res, error),
      );
      return;
    }
    routeRequest(req, res);
  };

  const routeRequest = (req: IncomingMessage, res: ServerResponse) => {
    // Nothing a client sends may take the gateway down: an unexpected throw is a 500.
    try {
      const host = hostGuard(req);
      if (!host.ok) return refuse(res, host.status, host.message);
      if (handleHttpRoute(req, res, { basePath, controlUiEnabled, ready: () => startedAt !== undefined && !stopping })) return;
      refuse(res, 404, 'Not Found');
    } catch (error) {
      fail(req, res, error);
    }
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgrade(req, socket, head);
    } catch (error) {
      logger.error('websocket upgrade failed', { error });
      socket.destroy();
    }
  };

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const rejectUpgrade = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}\n`);
    };
    if (stopping) return rejectUpgrade(503, 'gateway stopping');
    const host = hostGuard(req);
    if (!host.ok) return rejectUpgrade(host.status, host.message);
    const origin = checkOrigin(req.headers.origin, req.headers.host, allowedOrigins);
    if (!origin.ok) return rejectUpgrade(origin.status, origin.message);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const info = { remoteAddress: req.socket.remoteAddress, headers: req.headers };
      const request: ConnectionRequest = {
        remoteAddress: req.socket.remoteAddress,
        remotePort: req.socket.remotePort,
        localAddress: req.socket.localAddress,
        localPort: req.socket.localPort,
        clientAddress: resolveClientAddress(req.socket.remoteAddress, req.headers, options.trustedProxies) ?? 'unknown',
        headers: req.headers,
        localDirect: isLocalDirect(info, options.trustedProxies),
      };
      connections.add(new GatewayConnection(ws, request, deps));
    });
  };

  const attach = (server: Server) => {
    server.on('upgrade', onUpgrade);
    servers.push(server);
  };

  registry.register('health', async (params: unknown) => {
    const started = clock();
    const probe = typeof params === 'object' && params !== null && (params as { probe?: unknown }).probe === true;
    const base = { ok: true, ts: started, channels: {}, channelOrder: [], channelLabels: {} };
    try {
      const extra = (await options.health?.(probe)) ?? {};
      return { ...base, ...extra, durationMs: clock() - started };
    } catch (error) {
      logger.warn('health provider failed', { error });
      return { ...base, ok: false, error: error instanceof Error ? error.message : String(error), durationMs: clock() - started };
    }
  });
  registry.register('system-presence', () => presence());

  const gateway: Gateway = {
    get addresses() {
      return addresses;
    },
    get startedAt() {
      return startedAt;
    },
    get clientCount() {
      return [...connections].filter((c) => c.ready).length;
    },
    methods: registry,
    registerMethod: (name, method) => registry.register(name, method),
    broadcast,
    presence,
    async start() {
      if (startedAt !== undefined) return addresses;
      if (options.server) {
        attach(options.server);
        const address = options.server.address();
        addresses = typeof address === 'object' && address ? [{ host: address.address, port: address.port }] : [];
      } else {
        let port = settings.port;
        try {
          for (const host of settings.hosts) {
            const server = createServer(onRequest);
            attach(server);
            port = await listen(server, port, host);
            addresses.push({ host, port });
          }
        } catch (error) {
          await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
          servers.length = 0;
          addresses = [];
          throw error;
        }
      }
      startedAt = clock();
      tick = setInterval(() => broadcast('tick', { ts: clock() }, { dropIfSlow: true }), settings.tickIntervalMs);
      tick.unref();
      logger.info('gateway listening', { addresses });
      return addresses;
    },
    async stop(stopOptions = {}) {
      if (stopping) return;
      stopping = true;
      clearInterval(tick);
      clearTimeout(presenceTimer);
      broadcast('shutdown', { reason: stopOptions.reason ?? 'gateway stopping', restartExpectedMs: stopOptions.restartExpectedMs ?? null });
      for (const c of connections) c.close(CLOSE_CODES.SERVICE_RESTART, 'service restart');
      // A client that never answers the close handshake (a laptop asleep with the dashboard
      // open) would hold the server open for ws's 30 s timeout: cut it off after a second.
      const cutOff = setTimeout(() => {
        for (const c of connections) c.terminate();
      }, STOP_GRACE_MS);
      cutOff.unref();
      wss.close();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.off('upgrade', onUpgrade);
              if (options.server === server) return resolve();
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      clearTimeout(cutOff);
      logger.info('gateway stopped', { reason: stopOptions.reason ?? 'gateway stopping' });
    },
  };
  return gateway;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
