import type { BindMode } from './bind.ts';
import { IPV4_LOOPBACK } from './bind.ts';
import { GatewayConfigError, formatHostPort } from './errors.ts';
import { parseIp } from './ip.ts';

/** Input of {@link dashboardUrl} / {@link controlUiLinks}. */
export interface DashboardUrlOptions {
  bind: BindMode;
  customBindHost?: string | undefined;
  /** The Tailscale IPv4, required for bind "tailnet" (the gateway is not on loopback then). */
  tailnetIp?: string | undefined;
  port: number;
  /** `gateway.controlUi.basePath`, e.g. "/" or "/openclaw". */
  basePath?: string | undefined;
  /** Appended as `?token=`; omit for a URL without credentials. */
  token?: string | undefined;
}

/** Where the dashboard and the WebSocket are reached. */
export interface ControlUiLinks {
  httpUrl: string;
  wsUrl: string;
}

/** "/", "/openclaw/", "openclaw" -> "", "/openclaw", "/openclaw". */
function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '/').trim().replace(/\/+$/, '');
  if (!trimmed) return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The host a browser on this machine should use (§2.5): the custom host for bind
 * "custom" (127.0.0.1 if that is a wildcard address), the tailnet IP for bind "tailnet",
 * otherwise 127.0.0.1 (lan/auto listen on 0.0.0.0, which includes loopback).
 */
function dashboardHost(options: DashboardUrlOptions): string {
  if (options.bind === 'custom') {
    const ip = parseIp(options.customBindHost);
    if (!ip) throw new GatewayConfigError('CUSTOM_HOST_INVALID', 'gateway.customBindHost is not an IPv4 or IPv6 address', {
        hint: 'set it with: openclaw config set gateway.customBindHost 192.168.1.10',
      });
    return ip.address === '0.0.0.0' || ip.address === '::' ? IPV4_LOOPBACK : ip.address;
  }
  if (options.bind === 'tailnet') {
    const ip = parseIp(options.tailnetIp);
    if (!ip) {
      throw new GatewayConfigError('TAILNET_UNAVAILABLE', 'gateway.bind is tailnet, but this host has no Tailscale IPv4 address', {
        hint: 'start Tailscale (sudo tailscale up) and check `tailscale ip -4`',
      });
    }
    return ip.address;
  }
  return IPV4_LOOPBACK;
}

/** The dashboard's HTTP URL (trailing slash) and WebSocket URL, without credentials. */
export function controlUiLinks(options: DashboardUrlOptions): ControlUiLinks {
  const authority = formatHostPort(dashboardHost(options), options.port);
  const base = normalizeBasePath(options.basePath);
  return { httpUrl: `http://${authority}${base}/`, wsUrl: `ws://${authority}${base}` };
}

/**
 * The URL `openclaw dashboard` prints, e.g. `http://127.0.0.1:18789/?token=…` with the
 * token URL-encoded. The dashboard reads the token, stores it and strips it from the
 * address bar; pass the result through {@link redactUrl} before logging it.
 */
export function dashboardUrl(options: DashboardUrlOptions): string {
  const { httpUrl } = controlUiLinks(options);
  return options.token ? `${httpUrl}?token=${encodeURIComponent(options.token)}` : httpUrl;
}

/**
 * Replaces the value of every `token` / `password` parameter, in the query or in the
 * fragment (later dashboards use `#token=`), with `***` so URLs can be logged. Works on
 * the text, so the rest of the URL is left byte-for-byte as it was.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&#](?:token|password)=)[^&#]*/gi, '$1***');
}
