import type { BindMode } from '../net/index.ts';
import type { Gateway } from '../server/gateway.ts';

/** One channel account in the `status` summary (the channel registry fills these in later). */
export interface ChannelStatusSummary {
  /** Channel id, e.g. `telegram`. */
  id: string;
  accountId?: string;
  configured?: boolean;
  running?: boolean;
  connected?: boolean;
  lastError?: string | null;
}

/** One recently active session. */
export interface RecentSessionSummary {
  key: string;
  sessionId?: string;
  /** Epoch milliseconds of the last activity. */
  updatedAt?: number;
  channel?: string;
}

/** The session part of `status`: how many there are and the most recent ones. */
export interface SessionsSummary {
  count: number;
  recent: RecentSessionSummary[];
  /** Set when the session provider failed; the rest of `status` is still answered. */
  error?: string;
}

/** Who holds the gateway lock, as `status` reports it. */
export interface GatewayLockSummary {
  pid: number;
  port: number;
}

/** The payload of the `status` method. */
export interface GatewayStatus {
  version: string;
  uptimeMs: number;
  pid: number;
  bind: { mode: BindMode; hosts: string[] };
  /** The port listened on; null before `start()` or when attached to a server that is not listening. */
  port: number | null;
  stateDir: string;
  configPath: string;
  lock: GatewayLockSummary | null;
  channels: ChannelStatusSummary[];
  sessions: SessionsSummary;
  /** Clients that completed `connect`, this one included. */
  clients: number;
  /** Epoch milliseconds when the answer was made. */
  ts: number;
}

/** What `status` reads from the gateway it is registered on. */
export type StatusGateway = Pick<Gateway, 'addresses' | 'startedAt' | 'clientCount'>;

/**
 * Everything `status` reports besides the gateway's own addresses and uptime. The
 * providers are called on every request, so they should answer from memory (a cached
 * session index, the channel registry's snapshots), not walk the disk.
 */
export interface StatusMethodDeps {
  version: string;
  /** `gateway.bind` as configured (the resolved hosts come from the gateway). */
  bindMode: BindMode;
  stateDir: string;
  configPath: string;
  /** Default `process.pid`. */
  pid?: number;
  /** Epoch milliseconds (default `Date.now`); use the gateway's clock. */
  clock?: () => number;
  /** The gateway lock this process holds, or null (embedders without a lock). */
  lock?: () => GatewayLockSummary | null;
  channels?: () => ChannelStatusSummary[] | Promise<ChannelStatusSummary[]>;
  sessions?: () => SessionsSummary | Promise<SessionsSummary>;
}

const EMPTY_SESSIONS: SessionsSummary = Object.freeze({ count: 0, recent: [] }) as SessionsSummary;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Builds the `status` payload. A failing session provider becomes `sessions.error` and a
 * failing channel provider an empty list, so one broken part never hides the rest.
 */
export async function buildStatus(gateway: StatusGateway, deps: StatusMethodDeps): Promise<GatewayStatus> {
  const clock = deps.clock ?? Date.now;
  const now = clock();
  const addresses = gateway.addresses;
  let sessions: SessionsSummary;
  try {
    sessions = deps.sessions ? await deps.sessions() : { ...EMPTY_SESSIONS, recent: [] };
  } catch (error) {
    sessions = { count: 0, recent: [], error: messageOf(error) };
  }
  let channels: ChannelStatusSummary[];
  try {
    channels = deps.channels ? [...(await deps.channels())] : [];
  } catch {
    channels = [];
  }
  return {
    version: deps.version,
    uptimeMs: gateway.startedAt === undefined ? 0 : Math.max(0, now - gateway.startedAt),
    pid: deps.pid ?? process.pid,
    bind: { mode: deps.bindMode, hosts: addresses.map((a) => a.host) },
    port: addresses[0]?.port ?? null,
    stateDir: deps.stateDir,
    configPath: deps.configPath,
    lock: deps.lock?.() ?? null,
    channels,
    sessions,
    clients: gateway.clientCount,
    ts: now,
  };
}

/**
 * Registers the `status` method (scope `operator.read`) on a gateway. Returns the function
 * that removes it again.
 */
export function registerStatusMethod(gateway: StatusGateway & Pick<Gateway, 'registerMethod'>, deps: StatusMethodDeps): () => void {
  return gateway.registerMethod('status', () => buildStatus(gateway, deps));
}
