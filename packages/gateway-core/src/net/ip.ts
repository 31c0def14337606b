import { BlockList, isIP } from 'node:net';

/** An IP literal in canonical form: IPv4 dotted quad, or compressed lower-case IPv6. */
export interface ParsedIp {
  address: string;
  family: 4 | 6;
}

/**
 * Parses an IP literal as it appears in sockets, headers and config: tolerates
 * `[brackets]`, an IPv6 zone id (`%eth0`, dropped) and surrounding spaces, and turns
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, as dual-stack sockets report IPv4 peers) into plain
 * IPv4 so that `127.0.0.1` and `::ffff:127.0.0.1` are one client. Returns undefined for
 * anything that is not an IP literal (hostnames included).
 */
export function parseIp(input: string | undefined | null): ParsedIp | undefined {
  if (!input) return undefined;
  let text = input.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    text = text.slice(1, end);
  }
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 4) return { address: text, family: 4 };
  if (family !== 6) return undefined;
  // The WHATWG URL parser canonicalises IPv6 (compression, case, embedded IPv4 -> hex).
  const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const high = Number.parseInt(mapped[1] as string, 16);
    const low = Number.parseInt(mapped[2] as string, 16);
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 4 };
  }
  return { address: canonical, family: 6 };
}

/** Canonical form of an IP literal, or undefined if it is not one. */
export function normalizeIp(input: string | undefined | null): string | undefined {
  return parseIp(input)?.address;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(input: string | undefined | null): boolean {
  const ip = parseIp(input);
  if (!ip) return false;
  return ip.family === 4 ? ip.address.startsWith('127.') : ip.address === '::1';
}

/** True for the Tailscale CGNAT range 100.64.0.0/10 that tailnet IPv4 addresses come from. */
export function isTailnetIPv4(input: string | undefined | null): boolean {
  const ip = parseIp(input);
  if (ip?.family !== 4) return false;
  const [first, second] = ip.address.split('.').map(Number);
  return first === 100 && second !== undefined && second >= 64 && second <= 127;
}

/** The eight 16-bit groups of a canonical IPv6 address, as hex strings. */
function ipv6Groups(canonical: string): string[] {
  const [head = '', tail] = canonical.split('::');
  const left = head ? head.split(':') : [];
  if (tail === undefined) return left;
  const right = tail ? tail.split(':') : [];
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
}

/**
 * The key one client is counted under: the IPv4 address, or the IPv6 /64. A single
 * IPv6 host normally owns a whole /64, so per-address counting would let it rotate
 * addresses and never be limited.
 */
export function clientKey(input: string): string {
  const ip = parseIp(input);
  if (!ip) return input;
  if (ip.family === 4) return ip.address;
  return `${ipv6Groups(ip.address).slice(0, 4).join(':')}::/64`;
}

/** A compiled list of IPs and CIDRs (e.g. `gateway.trustedProxies`). */
export interface AddressMatcher {
  /** Whether the address (any accepted spelling) is covered by an entry. */
  matches(address: string | undefined | null): boolean;
  /** Entries that are neither an IP nor a CIDR; they match nothing. */
  readonly invalid: readonly string[];
}

const matcherCache = new WeakMap<readonly string[], AddressMatcher>();

/**
 * Compiles exact IPs and CIDRs (IPv4 and IPv6; IPv4-mapped entries count as IPv4).
 * Invalid entries are reported in `invalid` and otherwise ignored: failing closed
 * (trusting nobody) is the safe reading of a typo in a trust list. Compiled matchers are
 * cached per array, so pass a list that is not mutated afterwards (config arrays are not).
 */
export function createAddressMatcher(entries: readonly string[] | undefined): AddressMatcher {
  const list = entries ?? [];
  const cached = matcherCache.get(list);
  if (cached) return cached;
  const blocks = new BlockList();
  const invalid: string[] = [];
  for (const entry of list) {
    const slash = entry.indexOf('/');
    const ip = parseIp(slash < 0 ? entry : entry.slice(0, slash));
    const prefixText = slash < 0 ? undefined : entry.slice(slash + 1).trim();
    let prefix = prefixText === undefined ? undefined : Number(prefixText);
    // "::ffff:10.0.0.0/104" names an IPv4 /8 once the address is unmapped.
    if (prefix !== undefined && ip?.family === 4 && entry.includes(':')) prefix -= 96;
    const max = ip?.family === 4 ? 32 : 128;
    if (!ip || (prefix !== undefined && (prefixText === '' || !Number.isInteger(prefix) || prefix < 0 || prefix > max))) {
      invalid.push(entry);
      continue;
    }
    const type = ip.family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) blocks.addAddress(ip.address, type);
    else blocks.addSubnet(ip.address, prefix, type);
  }
  const matcher: AddressMatcher = {
    matches(address) {
      const ip = parseIp(address);
      return ip !== undefined && blocks.check(ip.address, ip.family === 4 ? 'ipv4' : 'ipv6');
    },
    invalid,
  };
  matcherCache.set(list, matcher);
  return matcher;
}

/** Splits a Host header (or URL authority) into lower-case hostname and optional port. */
export function parseHostHeader(value: string | undefined | null): { hostname: string; port: number | undefined } | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim().toLowerCase();
  if (!text) return undefined;
  let hostname: string;
  let rest: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return undefined;
    hostname = text.slice(1, end);
    rest = text.slice(end + 1);
    if (!parseIp(hostname)) return undefined;
  } else {
    const colon = text.indexOf(':');
    hostname = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon);
  }
  // A trailing dot is the same DNS name ("localhost." == "localhost").
  if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  if (!hostname || !/^[a-z0-9.:_-]+$/.test(hostname)) return undefined;
  if (rest === '') return { hostname, port: undefined };
  if (!/^:\d{1,5}$/.test(rest)) return undefined;
  const port = Number(rest.slice(1));
  return port <= 65_535 ? { hostname, port } : undefined;
}
