import { DEFAULT_GATEWAY_PORT, loadConfig } from '@openclaw/config';
import type { LoadedConfig, OpenClawConfig } from '@openclaw/config';
import { isLoopbackHost } from '@openclaw/gateway-core';
import { ExitCode } from '../exit-codes.ts';
import { UsageError } from '../global-flags.ts';
import { GatewayRequestError, GatewayTransportError, withGateway } from '../gateway-client.ts';
import type { GatewaySession } from '../gateway-client.ts';
import { printError, printJson, printWarning } from '../output.ts';
import { requireValidConfig } from './gateway-config.ts';

export { asConfigError } from './gateway-config.ts';

/** Flags of the commands that talk to a running gateway (`status`, `health`, `gateway call`). */
export interface RemoteFlags {
  url?: string;
  token?: string;
  password?: string;
  /** Milliseconds, as typed. */
  timeout?: string;
  json?: boolean;
}

/** Where a command connects and with which secret. */
export interface GatewayTarget {
  url: string;
  token: string | undefined;
  password: string | undefined;
  timeoutMs: number;
  /** The gateway is not this host's (an explicit non-loopback --url, or gateway.mode=remote). */
  remote: boolean;
  /** The URL came from --url. */
  explicit: boolean;
  /** The port of a local target (for the hints). */
  port: number;
  loaded: LoadedConfig;
}

/** The default of --timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Parses --timeout (milliseconds); bad values are usage errors. */
export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds, not ${JSON.stringify(text)}`);
  return value;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(text)} is not a URL; use ws://HOST:PORT, e.g. ws://127.0.0.1:18789`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError(`--url must start with ws:// or wss://, not ${url.protocol}//; e.g. ws://127.0.0.1:18789`);
  }
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/**
 * Works out which gateway to talk to: `--url`, else `gateway.remote.url` when
 * `gateway.mode` is remote, else this host's gateway on 127.0.0.1 and `gateway.port`. The
 * secret is `--token`/`--password`, else `OPENCLAW_GATEWAY_TOKEN`/`_PASSWORD`, else the
 * config's; the local `gateway.auth` secret is never sent to a non-loopback `--url`
 * (someone else's server must not receive it just because a URL was mistyped).
 */
export function resolveTarget(flags: RemoteFlags): GatewayTarget {
  const timeoutMs = parseTimeout(flags.timeout);
  const loaded = loadConfig();
  const gateway = loaded.config?.gateway;
  const env = loaded.env.values;
  const envPort = Number(env['OPENCLAW_GATEWAY_PORT']);
  const port = gateway?.port ?? (Number.isInteger(envPort) && envPort > 0 ? envPort : DEFAULT_GATEWAY_PORT);
  const envToken = nonEmpty(env['OPENCLAW_GATEWAY_TOKEN']);
  const envPassword = nonEmpty(env['OPENCLAW_GATEWAY_PASSWORD']);
  let url: string;
  let remote: boolean;
  let configSecret: { token?: string | undefined; password?: string | undefined } | undefined;
  if (flags.url !== undefined) {
    const parsed = parseUrl(flags.url);
    url = parsed.href.replace(/\/$/, '');
    remote = !isLoopbackHost(parsed.hostname.replace(/^\[|\]$/g, ''));
    if (gateway?.remote?.url !== undefined && sameUrl(gateway.remote.url, parsed)) configSecret = gateway.remote;
    else if (!remote) configSecret = gateway?.auth;
  } else if (gateway?.mode === 'remote' && gateway.remote?.url) {
    url = gateway.remote.url;
    remote = true;
    configSecret = gateway.remote;
  } else {
    url = `ws://127.0.0.1:${port}`;
    remote = false;
    configSecret = gateway?.auth;
  }
  const token = nonEmpty(flags.token) ?? envToken ?? nonEmpty(configSecret?.token);
  const password = nonEmpty(flags.password) ?? envPassword ?? nonEmpty(configSecret?.password);
  return { url, token, password, timeoutMs, remote, explicit: flags.url !== undefined, port, loaded };
}

function sameUrl(a: string, b: URL): boolean {
  try {
    return new URL(a).href.replace(/\/$/, '') === b.href.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** Opens a session to the target with the CLI's identity. */
export function connectTarget<T>(target: GatewayTarget, version: string, scopes: readonly string[], fn: (session: GatewaySession) => Promise<T>): Promise<T> {
  return withGateway({ url: target.url, token: target.token, password: target.password, timeoutMs: target.timeoutMs, version, scopes }, fn);
}

/** The likely fixes for a gateway that could not be reached. */
export function unreachableFixes(error: GatewayTransportError, target: GatewayTarget): string[] {
  const port = Number(new URL(target.url).port) || target.port;
  const tunnel = `if you reach it through an SSH tunnel, is the tunnel up? ssh -N -L ${port}:127.0.0.1:${port} user@gateway-host`;
  switch (error.failure) {
    case 'refused':
      if (target.remote) {
        return [
          `is the gateway at ${target.url} running? check with \`openclaw status\` on that host`,
          "is the port right, and does the gateway listen beyond loopback there (gateway.bind)? a firewall in the way?",
          `or reach it through an SSH tunnel: ssh -N -L ${port}:127.0.0.1:${port} user@gateway-host, then --url ws://127.0.0.1:${port}`,
        ];
      }
      return [
        'not running? start it: `openclaw gateway` (foreground), or `openclaw gateway start` when it is installed as a service',
        `wrong port? this CLI looked at port ${target.port}; pass --url ws://127.0.0.1:PORT or set gateway.port`,
        ...(target.explicit ? [tunnel] : []),
      ];
    case 'unreachable':
    case 'timeout':
      return target.remote
        ? [`is the host up and the port open? (${target.url})`, tunnel.replace('if you reach it', 'or, if you reach it'), 'raise --timeout on a slow link']
        : ['the gateway accepts connections but does not answer: is it overloaded or stopped (kill -CONT)? see `openclaw logs`', 'raise --timeout'];
    case 'upgrade-refused':
      return ['the gateway refused the WebSocket (its Host/Origin check): connect to 127.0.0.1, or add this origin to gateway.controlUi.allowedOrigins'];
    case 'not-gateway':
      return [`another program answers at ${target.url}: point --url at the gateway, or move one of them to another port (gateway.port)`];
    case 'closed':
      return ['the gateway went away mid-request (restarting or stopping?); try again'];
  }
}

/** Fixes for an error frame (mostly a refused `connect`). */
export function requestFixes(error: GatewayRequestError, target: GatewayTarget): string[] {
  if (error.method !== 'connect') return error.hint === undefined ? [] : [error.hint];
  const fixes: string[] = [];
  if (error.retryAfterMs !== undefined) fixes.push(`too many failed attempts from this address: wait ${Math.ceil(error.retryAfterMs / 1000)} s`);
  if (/token|password|unauthorized/i.test(error.message)) {
    fixes.push(
      target.token || target.password
        ? 'the secret was refused: pass the gateway\'s token with --token (or OPENCLAW_GATEWAY_TOKEN); on the gateway host: openclaw config get gateway.auth.token --reveal'
        : 'this gateway needs a secret: pass --token (or set OPENCLAW_GATEWAY_TOKEN), or --password',
    );
  }
  return fixes;
}

/** What went wrong talking to a gateway, for people (`message`, `fixes`) and for `--json` (`kind`). */
export interface GatewayFailure {
  kind: string;
  message: string;
  fixes: string[];
}

/** Describes a failed gateway conversation; undefined for errors that are not about the gateway. */
export function describeGatewayFailure(error: unknown, target: GatewayTarget): GatewayFailure | undefined {
  if (error instanceof GatewayTransportError) {
    return { kind: error.failure, message: `cannot reach the gateway at ${target.url}: ${error.message}`, fixes: unreachableFixes(error, target) };
  }
  if (error instanceof GatewayRequestError) {
    const what = error.method === 'connect' ? 'the gateway refused the connection' : `${error.method} failed`;
    return { kind: error.code, message: `${what}: ${error.message}`, fixes: requestFixes(error, target) };
  }
  return undefined;
}

/** Prints a failure as `error:` with its fixes on stderr. */
export function printFailure(failure: GatewayFailure): void {
  printError(failure.message, failure.fixes[0]);
  for (const fix of failure.fixes.slice(1)) process.stderr.write(`  or:   ${fix}\n`);
}

/**
 * Prints what a failed gateway conversation means and sets exit code 1. Returns false for
 * errors that are not about the gateway (those propagate to the generic handler).
 * `describe` lets a command say it better first (a refusal it knows, with its own fix).
 */
export function reportGatewayFailure(error: unknown, target: GatewayTarget, json = false, describe?: (error: unknown) => GatewayFailure | undefined): boolean {
  const failure = describe?.(error) ?? describeGatewayFailure(error, target);
  if (failure === undefined) return false;
  if (json) printJson({ ok: false, url: target.url, error: { kind: failure.kind, message: failure.message }, fixes: failure.fixes });
  else printFailure(failure);
  process.exitCode = ExitCode.failure;
  return true;
}

/** Loads the config; with errors, prints them and throws so the exit code is 78. */
export function loadValidConfig(): LoadedConfig & { config: OpenClawConfig } {
  return requireValidConfig(loadConfig());
}

/** Warns once when the config is invalid but a command can still go on with defaults. */
export function warnIfConfigInvalid(loaded: LoadedConfig): void {
  if (loaded.errors.length > 0) printWarning(`${loaded.paths.configPath} is invalid (${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}); using the defaults and the environment`, 'openclaw config validate');
}

/** Flags of `openclaw gateway call`. */
export interface GatewayCallFlags extends RemoteFlags {
  params?: string;
}

/** `openclaw gateway call <method> [--params JSON]`: one request, the payload as JSON. */
export async function gatewayCall(method: string, flags: GatewayCallFlags, version: string): Promise<void> {
  let params: unknown = {};
  if (flags.params !== undefined) {
    try {
      params = JSON.parse(flags.params);
    } catch (error) {
      throw new UsageError(`--params is not valid JSON: ${(error as Error).message}`);
    }
  }
  const target = resolveTarget(flags);
  try {
    const payload = await connectTarget(target, version, ['operator.admin'], (session) => session.request(method, params));
    printJson(payload ?? null);
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json)) throw error;
  }
}
