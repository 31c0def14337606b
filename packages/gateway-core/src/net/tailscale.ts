import type { TailscalePeerCheck } from './tailscale-peer.ts';
import { execFile } from 'node:child_process';
import { networkInterfaces as osNetworkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';
import { isLoopbackAddress, isTailnetIPv4, normalizeIp } from './ip.ts';
import type { RequestHeaders } from './client-address.ts';
import { headerValue } from './client-address.ts';

/** Result of running a program: its stdout and exit code (never throws on a non-zero exit). */
export interface ExecResult {
  stdout: string;
  code: number;
}

/** Runs `file` with `args` without a shell. Injected so tests can use a fake `tailscale`. */
export type ExecFn = (file: string, args: readonly string[]) => Promise<ExecResult>;

/** Options of {@link createExecFile}. */
export interface ExecFileOptions {
  /** Kill the child after this long; a hung `tailscale` must not hang a connect. Default 5000. */
  timeoutMs?: number;
  /** Environment of the child; its PATH is also where `file` is looked up. */
  env?: NodeJS.ProcessEnv;
  /** Largest stdout accepted, in bytes. Default 200 000 (whois JSON is a few KB). */
  maxBuffer?: number;
}

/**
 * The real {@link ExecFn}, on `child_process.execFile`. A missing program resolves with
 * code 127 and a timeout with code 124, like a shell would, so callers only look at `code`.
 */
export function createExecFile(options: ExecFileOptions = {}): ExecFn {
  return (file, args) =>
    new Promise((resolve) => {
      execFile(
        file,
        [...args],
        { timeout: options.timeoutMs ?? 5_000, maxBuffer: options.maxBuffer ?? 200_000, env: options.env, windowsHide: true, encoding: 'utf8' },
        (error, stdout) => {
          if (!error) return resolve({ stdout, code: 0 });
          const failure = error as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
          const code = typeof failure.code === 'number' ? failure.code : failure.code === 'ENOENT' ? 127 : failure.killed ? 124 : 1;
          resolve({ stdout: stdout ?? '', code });
        },
      );
    });
}

/** The default binary name; resolved through PATH. */
export const TAILSCALE_BINARY = 'tailscale';

/** Where {@link tailscaleIPv4} looks besides the CLI. */
export interface TailscaleIPv4Options {
  binary?: string;
  /** Defaults to `os.networkInterfaces`. */
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/**
 * This host's Tailscale IPv4: the first 100.64.0.0/10 line of `tailscale ip -4`, else the
 * first non-internal interface address in that range (tailscaled is up but the CLI is not
 * on PATH, e.g. under a minimal systemd PATH). Undefined when there is none.
 */
export async function tailscaleIPv4(exec: ExecFn, options: TailscaleIPv4Options = {}): Promise<string | undefined> {
  const result = await exec(options.binary ?? TAILSCALE_BINARY, ['ip', '-4']).catch(() => undefined);
  if (result?.code === 0) {
    const fromCli = result.stdout.split(/\s+/).find((line) => isTailnetIPv4(line));
    if (fromCli) return normalizeIp(fromCli);
  }
  const interfaces = (options.networkInterfaces ?? osNetworkInterfaces)();
  for (const addresses of Object.values(interfaces)) {
    for (const info of addresses ?? []) {
      if (info.family === 'IPv4' && !info.internal && isTailnetIPv4(info.address)) return info.address;
    }
  }
  return undefined;
}

/** Who `tailscale whois` says is behind a tailnet address. */
export interface TailscaleIdentity {
  login: string;
  name?: string;
}

/**
 * Looks up the identity behind a tailnet IP; null (or undefined, for simple stubs such
 * as "Tailscale is not in use") when unknown or on any failure.
 */
export type TailscaleWhois = (ip: string) => Promise<TailscaleIdentity | null | undefined>;

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Extracts the JSON object from whois output, which may carry warning lines around it. */
function parseWhoisJson(stdout: string): Record<string, unknown> | undefined {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed: unknown = JSON.parse(stdout.slice(start, end + 1));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `tailscale whois --json <ip>` and reads `UserProfile.LoginName` / `DisplayName`.
 * The IP is validated first and passed as one argv entry (no shell), so a header value
 * can never become a command-line option or a shell word.
 */
export async function tailscaleWhois(exec: ExecFn, ip: string, binary: string = TAILSCALE_BINARY): Promise<TailscaleIdentity | null> {
  const address = normalizeIp(ip);
  if (!address) return null;
  const result = await exec(binary, ['whois', '--json', address]).catch(() => undefined);
  if (result?.code !== 0) return null;
  const payload = parseWhoisJson(result.stdout);
  const profile = payload?.['UserProfile'];
  if (!profile || typeof profile !== 'object') return null;
  const login = stringField((profile as Record<string, unknown>)['LoginName']);
  if (!login) return null;
  const name = stringField((profile as Record<string, unknown>)['DisplayName']);
  return name ? { login, name } : { login };
}

/** Options of {@link createCachedWhois}. */
export interface CachedWhoisOptions {
  binary?: string;
  clock?: () => number;
  /** How long an answer is reused. Default 60 s. */
  cacheTtlMs?: number;
  /** How long a failed lookup is reused, so a flood of connects cannot fork-bomb us. Default 5 s. */
  errorTtlMs?: number;
  /** Bound on cached IPs. Default 1000. */
  maxEntries?: number;
}

/** A {@link TailscaleWhois} that caches answers per IP (each lookup forks a process). */
export function createCachedWhois(exec: ExecFn, options: CachedWhoisOptions = {}): TailscaleWhois {
  const clock = options.clock ?? Date.now;
  const maxEntries = options.maxEntries ?? 1_000;
  const cache = new Map<string, { value: TailscaleIdentity | null; expiresAt: number }>();
  return async (ip): Promise<TailscaleIdentity | null> => {
    const address = normalizeIp(ip);
    if (!address) return null;
    const hit = cache.get(address);
    if (hit && hit.expiresAt > clock()) return hit.value;
    const value = await tailscaleWhois(exec, address, options.binary);
    cache.delete(address);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(address, { value, expiresAt: clock() + (value ? (options.cacheTtlMs ?? 60_000) : (options.errorTtlMs ?? 5_000)) });
    return value;
  };
}

/** Why a request's Tailscale identity was not accepted. */
export type TailscaleFailure = 'tailscale_user_missing' | 'tailscale_proxy_missing' | 'tailscale_proxy_untrusted' | 'tailscale_whois_failed' | 'tailscale_user_mismatch';

/** Outcome of {@link verifyTailscaleRequest}. */
export type TailscaleVerification =
  | { ok: true; user: { login: string; name: string; profilePic?: string } }
  | { ok: false; reason: TailscaleFailure };

/** The rightmost X-Forwarded-For entry: the one `tailscale serve` itself appended. */
function nearestForwardedFor(headers: RequestHeaders): string | undefined {
  const entries = (headerValue(headers, 'x-forwarded-for') ?? '').split(',');
  return normalizeIp(entries[entries.length - 1]);
}

/**
 * Verifies a Tailscale Serve identity: the request must come from a loopback peer (the
 * local `tailscale serve` proxy) with `Tailscale-User-Login` and the X-Forwarded-For /
 * -Proto / -Host headers Serve adds, and `tailscale whois` of the forwarded IP must name
 * the same login (case-insensitive). Headers alone prove nothing: any local process, or a
 * client of some other proxy, can send them; with `peerCheck` (see `createProcPeerCheck`)
 * the loopback peer must also be tailscaled itself.
 */
export async function verifyTailscaleRequest(
  request: { remoteAddress: string | undefined; headers: RequestHeaders; remotePort?: number | undefined; localAddress?: string | undefined; localPort?: number | undefined },
  whois: TailscaleWhois,
  peerCheck?: TailscalePeerCheck,
): Promise<TailscaleVerification> {
  const login = headerValue(request.headers, 'tailscale-user-login')?.trim();
  if (!login) return { ok: false, reason: 'tailscale_user_missing' };
  const proxied =
    isLoopbackAddress(request.remoteAddress) &&
    ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'].every((name) => headerValue(request.headers, name)?.trim());
  if (!proxied) return { ok: false, reason: 'tailscale_proxy_missing' };
  const { remoteAddress, remotePort, localAddress, localPort } = request;
  if (peerCheck && !(await peerCheck({ remoteAddress, remotePort, localAddress, localPort }).catch(() => false))) return { ok: false, reason: 'tailscale_proxy_untrusted' };
  const clientIp = nearestForwardedFor(request.headers);
  const identity = clientIp ? await whois(clientIp).catch(() => null) : null;
  if (!identity) return { ok: false, reason: 'tailscale_whois_failed' };
  if (identity.login.trim().toLowerCase() !== login.toLowerCase()) return { ok: false, reason: 'tailscale_user_mismatch' };
  const profilePic = headerValue(request.headers, 'tailscale-user-profile-pic')?.trim();
  const name = identity.name ?? (headerValue(request.headers, 'tailscale-user-name')?.trim() || identity.login);
  return { ok: true, user: { login: identity.login, name, ...(profilePic ? { profilePic } : {}) } };
}
