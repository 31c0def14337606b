import { readGatewayLock } from '@openclaw/state';
import { ExitCode } from '../exit-codes.ts';
import { GatewayTransportError } from '../gateway-client.ts';
import { print, printJson } from '../output.ts';
import { connectTarget, describeGatewayFailure, printFailure, resolveTarget, warnIfConfigInvalid } from './gateway.ts';
import type { GatewayTarget, RemoteFlags } from './gateway.ts';

/** Flags of `openclaw status`. */
export interface StatusFlags extends RemoteFlags {
  deep?: boolean;
}

/** What this host knows without a gateway: the config file and the lock. */
export interface LocalFacts {
  configPath: string;
  config: 'valid' | 'missing' | 'invalid';
  configErrors: number;
  stateDir: string;
  lock:
    | { state: 'none'; file: string }
    | { state: 'held' | 'stale'; file: string; pid?: number | undefined; port?: number | undefined; reason?: string; createdAt?: string | undefined }
    | { state: 'unknown'; file: string; error: string };
}

/** Reads the local config state and the gateway lock (never changes anything). */
export function localFacts(target: GatewayTarget): LocalFacts {
  const { loaded } = target;
  const { stateDir, configPath } = loaded.paths;
  let lock: LocalFacts['lock'];
  try {
    const found = readGatewayLock(stateDir);
    if (found.state === 'none') lock = { state: 'none', file: found.file };
    else if (found.state === 'held') lock = { state: 'held', file: found.file, pid: found.info.pid, port: found.info.port, createdAt: found.info.createdAt };
    else lock = { state: 'stale', file: found.file, pid: found.info?.pid, port: found.info?.port, reason: found.reason };
  } catch (error) {
    lock = { state: 'unknown', file: `${stateDir}/gateway.lock`, error: error instanceof Error ? error.message : String(error) };
  }
  const config = !loaded.exists ? 'missing' : loaded.errors.length > 0 ? 'invalid' : 'valid';
  return { configPath, config, configErrors: loaded.errors.length, stateDir, lock };
}

/** One line describing the lock, for people. */
export function describeLock(lock: LocalFacts['lock']): string {
  switch (lock.state) {
    case 'none':
      return 'none (no gateway is running for this state dir)';
    case 'held':
      return `held by pid ${lock.pid}${lock.port === undefined ? '' : `, port ${lock.port}`}${lock.createdAt ? ` since ${lock.createdAt}` : ''}`;
    case 'stale':
      return lock.reason === 'unreadable'
        ? `stale: ${lock.file} is damaged; the next \`openclaw gateway\` replaces it`
        : `stale: pid ${lock.pid} ${lock.reason === 'recycled' ? 'now belongs to another program' : 'is no longer running'}; the next \`openclaw gateway\` takes it over`;
    case 'unknown':
      return `cannot read ${lock.file}: ${lock.error}`;
  }
}

function describeConfig(facts: LocalFacts): string {
  if (facts.config === 'missing') return `${facts.configPath} (not found: the defaults apply)`;
  if (facts.config === 'invalid') return `${facts.configPath} (invalid: ${facts.configErrors} error${facts.configErrors === 1 ? '' : 's'}; openclaw config validate)`;
  return facts.configPath;
}

/** "3d 4h", "5m 2s", "12s". */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function row(label: string, value: unknown): void {
  print(`  ${label.padEnd(10)} ${value === undefined || value === null || value === '' ? '—' : String(value)}`);
}

type StatusPayload = {
  version?: string;
  uptimeMs?: number;
  pid?: number;
  bind?: { mode?: string; hosts?: string[] };
  port?: number | null;
  stateDir?: string;
  configPath?: string;
  lock?: { pid?: number; port?: number } | null;
  channels?: { id?: string; connected?: boolean; lastError?: string | null }[];
  sessions?: { count?: number };
  clients?: number;
};

function printSummary(target: GatewayTarget, protocol: number | undefined, status: StatusPayload, health: { ok?: unknown } | undefined): void {
  print(`Gateway: reachable at ${target.url}${protocol === undefined ? '' : ` (protocol ${protocol})`}`);
  row('version', status.version);
  row('uptime', status.uptimeMs === undefined ? undefined : formatDuration(status.uptimeMs));
  row('pid', status.pid);
  const hosts = status.bind?.hosts?.join(', ');
  row('listening', hosts ? `${hosts} port ${status.port ?? '?'}${status.bind?.mode ? ` (bind ${status.bind.mode})` : ''}` : undefined);
  row('state dir', status.stateDir);
  row('config', status.configPath);
  row('lock', status.lock ? `pid ${status.lock.pid}, port ${status.lock.port}` : 'none');
  row('clients', status.clients);
  const channels = status.channels ?? [];
  row('channels', channels.length === 0 ? 'none configured' : channels.map((c) => `${c.id}: ${c.connected ? 'connected' : c.lastError ? `error (${c.lastError})` : 'not connected'}`).join(', '));
  row('sessions', status.sessions?.count ?? 0);
  row('health', health === undefined ? undefined : health.ok === true ? 'ok' : 'not ok (openclaw health)');
}

/**
 * `openclaw status [--json] [--deep]`: asks the gateway for `status` and `health` (`--deep`:
 * a probing health check). When no gateway answers, says why and what this host knows
 * (config, lock), and exits 1.
 */
export async function statusCommand(flags: StatusFlags, version: string): Promise<void> {
  const target = resolveTarget(flags);
  if (!flags.json) warnIfConfigInvalid(target.loaded);
  try {
    const result = await connectTarget(target, version, ['operator.read'], async (session) => {
      const status = (await session.request('status', {})) as StatusPayload;
      const health = (await session.request('health', flags.deep ? { probe: true } : {})) as { ok?: unknown };
      return { protocol: session.hello.protocol, server: session.hello.server, status, health };
    });
    if (flags.json) printJson({ ok: true, url: target.url, ...result });
    else printSummary(target, result.protocol, result.status, result.health);
  } catch (error) {
    const failure = describeGatewayFailure(error, target);
    if (failure === undefined) throw error;
    // This host's facts help only when no gateway answered here; a refusal is about the secret.
    const local = target.remote || !(error instanceof GatewayTransportError) ? undefined : localFacts(target);
    if (flags.json) {
      printJson({ ok: false, url: target.url, error: { kind: failure.kind, message: failure.message }, fixes: failure.fixes, ...(local ? { local } : {}) });
    } else {
      printFailure(failure);
      if (local) {
        print(`Gateway: not reachable at ${target.url}`);
        row('config', describeConfig(local));
        row('state dir', local.stateDir);
        row('lock', describeLock(local.lock));
        if (local.lock.state === 'held') print(`  note: pid ${local.lock.pid} holds the lock but did not answer at ${target.url}; is it on another port, or hung?`);
      }
    }
    process.exitCode = ExitCode.failure;
  }
}
