// Tailscale Serve forwards to the gateway over loopback, and so can any local user: the
// identity headers prove something only when the loopback peer really is tailscaled. On
// Linux the kernel says who owns each socket (/proc/net/tcp, the `uid` column), and
// /proc/<pid>/status says which uid tailscaled runs as; another user cannot fake either.
import { readFileSync, readdirSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';

/** Both ends of a TCP connection, as the server socket sees them. */
export interface SocketEnds {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
}

/** Says whether the peer of a loopback connection is the local tailscaled. */
export type TailscalePeerCheck = (ends: SocketEnds) => Promise<boolean>;

/** Options of {@link createProcPeerCheck}. */
export interface ProcPeerCheckOptions {
  /** Default `/proc`; tests point it at a fake tree. */
  procRoot?: string;
  /** Default `process.platform`; without /proc (macOS) the check cannot be made and passes. */
  platform?: NodeJS.Platform;
  /** The daemon's process name. Default `tailscaled`. */
  processName?: string;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** An IPv4 address as /proc/net/tcp prints it: the 32-bit value in host (little-endian) order. */
function procIpv4(ip: string): string {
  return ip.split('.').map(Number).reverse().map(hex2).join('');
}

/** An IPv6 address as /proc/net/tcp6 prints it: four 32-bit words, each in host order. */
function procIpv6(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return `0000000000000000FFFF0000${procIpv4(mapped[1])}`;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (!ip.includes('::') && left.length !== 8) return undefined;
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right].map((g) => parseInt(g || '0', 16));
  let out = '';
  for (let i = 0; i < 8; i += 2) {
    const bytes = [(groups[i] ?? 0) >> 8, (groups[i] ?? 0) & 0xff, (groups[i + 1] ?? 0) >> 8, (groups[i + 1] ?? 0) & 0xff];
    out += bytes.reverse().map(hex2).join('');
  }
  return out;
}

/** `ADDR:PORT` of an endpoint in the given table's notation. */
function procEndpoint(ip: string, port: number, table: 'tcp' | 'tcp6'): string | undefined {
  const address = table === 'tcp' ? (isIPv4(ip) ? procIpv4(ip) : undefined) : isIPv4(ip) ? `0000000000000000FFFF0000${procIpv4(ip)}` : procIpv6(ip);
  return address === undefined ? undefined : `${address}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The uid owning the socket whose local end is `remote` and whose remote end is `local` (the peer's side). */
export function socketOwnerUid(procRoot: string, ends: SocketEnds): number | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = ends;
  if (!remoteAddress || remotePort === undefined || !localAddress || localPort === undefined) return undefined;
  for (const table of ['tcp', 'tcp6'] as const) {
    const peer = procEndpoint(remoteAddress, remotePort, table);
    const us = procEndpoint(localAddress, localPort, table);
    if (!peer || !us) continue;
    for (const line of (read(join(procRoot, 'net', table)) ?? '').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1] === peer && cols[2] === us && cols[7] !== undefined) return Number(cols[7]);
    }
  }
  return undefined;
}

/** The uids the processes named `name` run as (the real uid, from /proc/<pid>/status). */
export function processUids(procRoot: string, name: string): Set<number> {
  const uids = new Set<number>();
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return uids;
  }
  for (const pid of pids) {
    if (read(join(procRoot, pid, 'comm'))?.trim() !== name) continue;
    const uid = /^Uid:\s+(\d+)/m.exec(read(join(procRoot, pid, 'status')) ?? '')?.[1];
    if (uid !== undefined) uids.add(Number(uid));
  }
  return uids;
}

/**
 * The Linux check: the peer's socket must belong to the uid tailscaled runs as (root, as its
 * package installs it). A local user's forged request comes from a socket of their own uid.
 */
export function createProcPeerCheck(options: ProcPeerCheckOptions = {}): TailscalePeerCheck {
  const procRoot = options.procRoot ?? '/proc';
  const platform = options.platform ?? process.platform;
  const name = options.processName ?? 'tailscaled';
  return async (ends) => {
    if (platform !== 'linux') return true;
    const uid = socketOwnerUid(procRoot, ends);
    if (uid === undefined) return false;
    return processUids(procRoot, name).has(uid);
  };
}
