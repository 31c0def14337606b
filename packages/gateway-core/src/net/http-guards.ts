import { isLoopbackHost } from './bind.ts';
import { isLoopbackAddress, parseHostHeader } from './ip.ts';

/** Outcome of a request guard; `status` and `message` are what to answer with. */
export type GuardResult = { ok: true } | { ok: false; status: number; message: string };

/** Input of {@link checkHost}. */
export interface HostCheckOptions {
  /** The hosts the gateway listens on (from {@link resolveBindHosts}). */
  bindHosts: readonly string[];
  /** The gateway port; only used in the refusal message (see {@link checkHost} on ports). */
  port: number;
  /** Extra host names to accept, e.g. {@link allowedHostsFromOrigins} of `controlUi.allowedOrigins`. */
  allowedHosts?: readonly string[] | undefined;
  /** `gateway.tailscale.mode` is serve/funnel: accept `*.ts.net`. */
  tailscaleServe?: boolean | undefined;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** The host names of `gateway.controlUi.allowedOrigins` (invalid entries are skipped). */
export function allowedHostsFromOrigins(allowedOrigins: readonly string[] | undefined): string[] {
  const hosts: string[] = [];
  for (const origin of allowedOrigins ?? []) {
    const url = parseOrigin(origin);
    if (url) hosts.push(bareHostname(url.hostname));
  }
  return hosts;
}

/**
 * DNS-rebinding defence for every HTTP request and WebSocket upgrade. The original
 * served the dashboard to any Host header, so a web page on attacker.example whose DNS
 * name was re-pointed at 127.0.0.1 could read it from the victim's browser.
 *
 * When every listen host is loopback, the Host header must name this machine:
 * `localhost`, `127.0.0.1` or `[::1]`; `*.ts.net` when Tailscale Serve fronts us; or a
 * host of `controlUi.allowedOrigins` (a local reverse proxy passing its public name).
 * Any port is accepted: SSH tunnels (`ssh -L 8080:127.0.0.1:18789`) and proxies change
 * it, and a rebinding attack is defeated by the name alone.
 *
 * Off loopback every Host is accepted: the gateway is reachable by IP and by whatever
 * DNS names point at the VPS, which we cannot know, and a secret is then mandatory
 * (see {@link assertStartable}); a rebinding page has no token, because the browser keeps
 * the dashboard's token in the real origin's storage.
 */
export function checkHost(hostHeader: string | undefined, options: HostCheckOptions): GuardResult {
  const loopbackOnly = options.bindHosts.length > 0 && options.bindHosts.every((host) => isLoopbackHost(host));
  if (!loopbackOnly) return { ok: true };
  const parsed = parseHostHeader(hostHeader);
  if (parsed) {
    const name = parsed.hostname;
    if (LOCAL_NAMES.has(name) || isLoopbackAddress(name)) return { ok: true };
    if (options.tailscaleServe && name.endsWith('.ts.net')) return { ok: true };
    if (options.allowedHosts?.some((allowed) => bareHostname(allowed) === name)) return { ok: true };
  }
  return {
    ok: false,
    status: 403,
    message:
      `host not allowed (the gateway listens on loopback only: open http://127.0.0.1:${options.port}/ ` +
      'or add this host\'s origin to gateway.controlUi.allowedOrigins)',
  };
}

/** Lower-cased hostname without IPv6 brackets or a trailing dot. */
function bareHostname(hostname: string): string {
  return hostname.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin.trim());
    return url.host ? url : undefined;
  } catch {
    return undefined;
  }
}

/** `scheme://host[:port]`, lower case, default port dropped: the form origins are compared in. */
function canonicalOrigin(origin: string): string | undefined {
  const url = parseOrigin(origin);
  return url ? `${url.protocol}//${url.host}`.toLowerCase() : undefined;
}

const ORIGIN_REFUSED =
  'origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)';

/**
 * The browser origin check of the Control UI / webchat connect (§1.3 step 6): allowed if
 * the Origin is listed in `controlUi.allowedOrigins`, if it names the same host and port
 * as the Host header, or if both are loopback (a dashboard on http://localhost:18789
 * talking to ws://127.0.0.1:18789). No Origin header means a non-browser client, which
 * could forge any Origin anyway: allowed. `Origin: null` (sandboxed frames, file://
 * pages) and unparseable origins are refused.
 */
export function checkOrigin(origin: string | undefined, host: string | undefined, allowedOrigins: readonly string[] | undefined): GuardResult {
  if (origin === undefined || origin.trim() === '') return { ok: true };
  const refused: GuardResult = { ok: false, status: 403, message: ORIGIN_REFUSED };
  const canonical = canonicalOrigin(origin);
  const url = parseOrigin(origin);
  if (!canonical || !url) return refused;
  if ((allowedOrigins ?? []).some((allowed) => canonicalOrigin(allowed) === canonical)) return { ok: true };
  const target = parseHostHeader(host);
  if (!target) return refused;
  const originName = bareHostname(url.hostname);
  const defaultPort = url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
  const originPort = url.port ? Number(url.port) : defaultPort;
  if (originName === target.hostname && originPort === (target.port ?? defaultPort)) return { ok: true };
  const local = (name: string) => name === 'localhost' || isLoopbackAddress(name);
  return local(originName) && local(target.hostname) ? { ok: true } : refused;
}

/**
 * CSP for the dashboard: a small same-origin page whose scripts and styles are files,
 * not inline. `connect-src 'self'` covers the same-origin WebSocket in CSP Level 3
 * browsers; nothing may frame the page (clickjacking), and no plugin, base or form
 * target can be injected.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers for every HTTP response. `Referrer-Policy: no-referrer` matters most:
 * the dashboard URL carries `?token=`, which must not leak to any link target. HTML gets
 * `Cache-Control: no-store` so the token-bearing page is not kept by caches or bfcache.
 */
export function securityHeaders(options: { html?: boolean } = {}): Record<string, string> {
  return {
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    ...(options.html ? { 'Cache-Control': 'no-store' } : {}),
  };
}
