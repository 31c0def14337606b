import { createAddressMatcher, isLoopbackAddress, normalizeIp, parseHostHeader } from './ip.ts';

/** Request headers as Node delivers them (`IncomingHttpHeaders` fits): lower-case names. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The parts of an HTTP/upgrade request the network checks look at. */
export interface RequestInfo {
  /** `socket.remoteAddress`: the immediate peer. */
  remoteAddress: string | undefined;
  headers: RequestHeaders;
}

/**
 * One header's value. Repeated headers are joined with ", " as HTTP allows for
 * list-valued headers, so a second X-Forwarded-For line cannot hide behind the first.
 */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** Whether the peer address is one of `trustedProxies` (exact IPs or CIDRs). */
export function isTrustedProxy(remoteAddress: string | undefined, trustedProxies: readonly string[] | undefined): boolean {
  return createAddressMatcher(trustedProxies).matches(remoteAddress);
}

/** An X-Forwarded-For entry without a port: "1.2.3.4:5678" and "[::1]:80" occur in the wild. */
function forwardedEntry(raw: string): string | undefined {
  const text = raw.trim();
  const direct = normalizeIp(text);
  if (direct) return direct;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (v4WithPort) return normalizeIp(v4WithPort[1]);
  const v6WithPort = /^\[([^\]]+)\]:\d{1,5}$/.exec(text);
  return v6WithPort ? normalizeIp(v6WithPort[1]) : undefined;
}

/**
 * The address of the client a request is really from. Forwarding headers are believed
 * only when the immediate peer is a trusted proxy; otherwise anyone could claim to be
 * 127.0.0.1 (or a random IP, to dodge the rate limiter) with one header.
 *
 * X-Forwarded-For is walked right to left: each trusted proxy appends the peer it saw,
 * so the first untrusted entry from the right is the client. Entries to the left of it
 * were supplied by the client and are ignored. An unparseable entry stops the walk at
 * the last hop we could trust. Without X-Forwarded-For, X-Real-IP is used. The result is
 * normalised (`::ffff:` unmapped, IPv6 compressed); undefined if there is no peer address.
 */
export function resolveClientAddress(
  remoteAddress: string | undefined,
  headers: RequestHeaders,
  trustedProxies: readonly string[] | undefined,
): string | undefined {
  const peer = normalizeIp(remoteAddress) ?? remoteAddress;
  const matcher = createAddressMatcher(trustedProxies);
  if (!peer || !matcher.matches(peer)) return peer;
  const forwardedFor = headerValue(headers, 'x-forwarded-for');
  if (forwardedFor !== undefined && forwardedFor.trim()) {
    let client = peer;
    const hops = forwardedFor.split(',');
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = forwardedEntry(hops[index] as string);
      if (!hop) return client;
      client = hop;
      if (!matcher.matches(hop)) return hop;
    }
    // Every hop is a trusted proxy: the leftmost one is the origin.
    return client;
  }
  const realIp = normalizeIp(headerValue(headers, 'x-real-ip')?.split(',')[0]);
  return realIp ?? peer;
}

/** Host names a browser on this machine uses for the gateway. */
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether a Host header names this machine: localhost, a loopback IP, or a `*.ts.net` Serve name. */
export function isLocalHostHeader(host: string | undefined): boolean {
  const parsed = parseHostHeader(host);
  if (!parsed) return false;
  return LOCAL_HOSTNAMES.has(parsed.hostname) || isLoopbackAddress(parsed.hostname) || parsed.hostname.endsWith('.ts.net');
}

/** Headers that show a proxy sits between the client and us. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-real-ip', 'x-forwarded-host'] as const;

/**
 * "Local direct" (§2.3): the client is this machine talking to us without a proxy in
 * between: the peer is loopback, the Host header names this machine, and there are no
 * forwarding headers at all. A request with forwarding headers came through a proxy
 * (nginx, `tailscale serve`) relaying someone else — even a trusted proxy may pass a
 * client's own forged `X-Forwarded-For: 127.0.0.1` through — so it never inherits local
 * trust; it authenticates like any remote client.
 */
export function isLocalDirect(request: RequestInfo, _trustedProxies?: readonly string[] | undefined): boolean {
  if (!isLoopbackAddress(normalizeIp(request.remoteAddress) ?? request.remoteAddress)) return false;
  if (!isLocalHostHeader(headerValue(request.headers, 'host'))) return false;
  return !FORWARDING_HEADERS.some((name) => headerValue(request.headers, name)?.trim());
}

