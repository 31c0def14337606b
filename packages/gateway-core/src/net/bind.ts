import { createServer } from 'node:net';
import { GatewayConfigError } from './errors.ts';
import { isLoopbackAddress, isTailnetIPv4, parseIp } from './ip.ts';
import type { ExecFn } from './tailscale.ts';
import { createExecFile, tailscaleIPv4 } from './tailscale.ts';

/** `gateway.bind`. */
export type BindMode = 'loopback' | 'lan' | 'tailnet' | 'auto' | 'custom';

/** What {@link resolveBindHosts} reads from `gateway`. */
export interface BindSettings {
  bind: BindMode;
  customBindHost?: string | undefined;
}

/** The outside world {@link resolveBindHosts} consults; injected so tests need no network. */
export interface BindDeps {
  /** Whether a socket can listen on `host` right now (see {@link canBindHost}). */
  canBind(host: string): Promise<boolean>;
  /** This host's Tailscale IPv4, if it has one (see {@link tailscaleIPv4}). */
  tailscaleIPv4(): Promise<string | undefined>;
}

export const IPV4_LOOPBACK = '127.0.0.1';
export const IPV6_LOOPBACK = '::1';
export const IPV4_ANY = '0.0.0.0';

const TAILNET_HINT =
  'start Tailscale and log in (sudo tailscale up), check `tailscale ip -4`; ' +
  'or keep gateway.bind loopback and publish it with gateway.tailscale.mode serve';

const CUSTOM_HINT =
  'set an address of this host, e.g. openclaw config set gateway.customBindHost 192.168.1.10 ' +
  '(an IPv4 or IPv6 literal, not a hostname), or use gateway.bind loopback';

/** 127.0.0.1 and ::1, whichever can be bound; [] if neither. */
async function loopbackHosts(deps: BindDeps): Promise<string[]> {
  const [v4, v6] = await Promise.all([deps.canBind(IPV4_LOOPBACK), deps.canBind(IPV6_LOOPBACK)]);
  return [...(v4 ? [IPV4_LOOPBACK] : []), ...(v6 ? [IPV6_LOOPBACK] : [])];
}

/**
 * The hosts the gateway listens on for `gateway.bind` (§2.1), with three deliberate
 * departures from the original, which fell back to 0.0.0.0 (every interface) whenever
 * the requested address did not work:
 * - `loopback` never widens: if neither 127.0.0.1 nor ::1 can be bound it refuses
 *   (`LOOPBACK_UNAVAILABLE`) rather than exposing the gateway.
 * - `custom` with an address that is not an IPv4/IPv6 literal refuses
 *   (`CUSTOM_HOST_INVALID`). A valid address that is not on this host is left to
 *   `listen()`, whose EADDRNOTAVAIL becomes a {@link GatewayBindError}.
 * - `tailnet` without a Tailscale IPv4 refuses (`TAILNET_UNAVAILABLE`) instead of
 *   quietly serving loopback or every interface.
 * `auto` keeps the original meaning: loopback when it can be bound, else 0.0.0.0 (which
 * {@link assertStartable} then refuses without a secret).
 */
export async function resolveBindHosts(settings: BindSettings, deps: BindDeps): Promise<string[]> {
  switch (settings.bind) {
    case 'loopback': {
      const hosts = await loopbackHosts(deps);
      if (hosts.length === 0) {
        throw new GatewayConfigError('LOOPBACK_UNAVAILABLE', 'gateway.bind is loopback, but neither 127.0.0.1 nor ::1 can be bound', {
          hint: 'the loopback interface is down or not usable here (check `ip addr show lo`); the gateway will not fall back to every interface',
        });
      }
      return hosts;
    }
    case 'auto': {
      if (!(await deps.canBind(IPV4_LOOPBACK))) return [IPV4_ANY];
      return [IPV4_LOOPBACK, ...((await deps.canBind(IPV6_LOOPBACK)) ? [IPV6_LOOPBACK] : [])];
    }
    case 'lan':
      return [IPV4_ANY];
    case 'tailnet': {
      const address = await deps.tailscaleIPv4();
      if (!address || !isTailnetIPv4(address)) {
        throw new GatewayConfigError('TAILNET_UNAVAILABLE', 'gateway.bind is tailnet, but this host has no Tailscale IPv4 address (100.64.0.0/10)', {
          hint: TAILNET_HINT,
        });
      }
      return [address];
    }
    case 'custom':
      return [customHost(settings.customBindHost)];
  }
}

/** Validates `gateway.customBindHost`; keeps an IPv6 zone id (needed for link-local). */
function customHost(value: string | undefined): string {
  const text = value?.trim();
  if (!text) {
    throw new GatewayConfigError('CUSTOM_HOST_INVALID', 'gateway.bind is custom, but gateway.customBindHost is not set', { hint: CUSTOM_HINT });
  }
  const ip = parseIp(text);
  if (!ip) {
    throw new GatewayConfigError('CUSTOM_HOST_INVALID', `gateway.customBindHost ${JSON.stringify(text)} is not an IPv4 or IPv6 address`, {
      hint: CUSTOM_HINT,
    });
  }
  const bare = text.replace(/^\[|\]$/g, '');
  const zone = ip.family === 6 ? bare.indexOf('%') : -1;
  return zone >= 0 ? `${ip.address}${bare.slice(zone)}` : ip.address;
}

/** Whether a bind host is loopback-only: 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return host.trim().toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

/**
 * Whether a socket can listen on `host`: listens on port 0 (any free port) and closes
 * again. False for any error (EADDRNOTAVAIL, EAFNOSUPPORT on hosts without IPv6, ...).
 */
export function canBindHost(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port: 0, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** The real {@link BindDeps}: {@link canBindHost} and `tailscale ip -4` / interfaces. */
export function defaultBindDeps(exec: ExecFn = createExecFile()): BindDeps {
  return { canBind: canBindHost, tailscaleIPv4: () => tailscaleIPv4(exec) };
}
