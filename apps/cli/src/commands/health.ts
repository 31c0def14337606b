import { ExitCode } from '../exit-codes.ts';
import { print, printJson } from '../output.ts';
import { connectTarget, describeGatewayFailure, resolveTarget } from './gateway.ts';
import type { RemoteFlags } from './gateway.ts';
import { describeLock, localFacts } from './status.ts';

/** Flags of `openclaw health`. */
export interface HealthFlags extends RemoteFlags {
  deep?: boolean;
}

/** One line of `openclaw health`. */
export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
}

type ProviderLine = { provider?: unknown; models?: unknown; ok?: unknown; url?: unknown; elapsedMs?: unknown; error?: unknown; hint?: unknown };
type HealthPayload = {
  ok?: unknown;
  durationMs?: unknown;
  channels?: Record<string, { configured?: unknown; probe?: { ok?: unknown; error?: unknown } } | undefined>;
  /** With `probe: true`: each provider of the default model chain. */
  providers?: ProviderLine[];
};

function channelChecks(health: HealthPayload): HealthCheck[] {
  return Object.entries(health.channels ?? {}).map(([id, channel]) => {
    const probe = channel?.probe;
    if (probe && probe.ok === false) return { name: `channel ${id}`, ok: false, detail: typeof probe.error === 'string' ? probe.error : 'probe failed', fix: `openclaw channels status --probe` };
    return { name: `channel ${id}`, ok: true, detail: channel?.configured === false ? 'not configured' : probe ? 'probe ok' : 'configured' };
  });
}

/** One line per model provider the gateway probed (`--deep`). */
function providerChecks(health: HealthPayload): HealthCheck[] {
  return (health.providers ?? []).map((p) => {
    const name = `provider ${String(p.provider)}`;
    const models = Array.isArray(p.models) ? p.models.join(', ') : '';
    if (p.ok === true) return { name, ok: true, detail: `reachable, key accepted (${models}; ${String(p.elapsedMs)} ms)` };
    return { name, ok: false, detail: `${typeof p.error === 'string' ? p.error : 'not reachable'} (${models})`, ...(typeof p.hint === 'string' ? { fix: p.hint } : {}) };
  });
}

/**
 * `openclaw health [--json] [--deep]`: the gateway's `health` (`--deep`: with probes, plus
 * this host's lock and config). Prints one ✓/✗ line per check; exit 1 if any failed.
 */
export async function healthCommand(flags: HealthFlags, version: string): Promise<void> {
  const target = resolveTarget(flags);
  const checks: HealthCheck[] = [];
  let health: HealthPayload | undefined;
  let gatewayPid: number | undefined;
  const started = Date.now();
  try {
    const result = await connectTarget(target, version, ['operator.read'], async (session) => {
      const payload = (await session.request('health', flags.deep ? { probe: true } : {})) as HealthPayload;
      const status = flags.deep ? ((await session.request('status', {})) as { pid?: number }) : undefined;
      return { protocol: session.hello.protocol, payload, pid: status?.pid };
    });
    health = result.payload;
    gatewayPid = result.pid;
    checks.push({ name: 'gateway', ok: true, detail: `reachable at ${target.url} (protocol ${result.protocol}, ${Date.now() - started} ms)` });
    checks.push(
      health.ok === true
        ? { name: 'health', ok: true, detail: 'ok' }
        : { name: 'health', ok: false, detail: 'the gateway reports a problem', fix: 'openclaw status --deep; openclaw logs' },
    );
    checks.push(...channelChecks(health), ...providerChecks(health));
  } catch (error) {
    const failure = describeGatewayFailure(error, target);
    if (failure === undefined) throw error;
    checks.push({ name: 'gateway', ok: false, detail: failure.message, ...(failure.fixes[0] ? { fix: failure.fixes[0] } : {}) });
  }

  if (flags.deep && !target.remote) {
    const local = localFacts(target);
    checks.push(
      local.config === 'invalid'
        ? { name: 'config', ok: false, detail: `${local.configPath}: ${local.configErrors} error${local.configErrors === 1 ? '' : 's'}`, fix: 'openclaw config validate' }
        : { name: 'config', ok: true, detail: local.config === 'missing' ? `no file at ${local.configPath} (defaults)` : `${local.configPath} is valid` },
    );
    const lock = local.lock;
    const lockOk = lock.state === 'held' ? gatewayPid === undefined || lock.pid === gatewayPid : lock.state === 'none' && health === undefined;
    const mismatch = lock.state === 'held' && gatewayPid !== undefined && lock.pid !== gatewayPid;
    checks.push({
      name: 'lock',
      ok: lockOk,
      detail: mismatch ? `${describeLock(lock)}, but the gateway that answered is pid ${gatewayPid}` : describeLock(lock),
      ...(lockOk ? {} : { fix: lock.state === 'none' ? 'the gateway that answered runs with another state dir (OPENCLAW_STATE_DIR / --profile)' : 'openclaw status' }),
    });
  }

  const ok = checks.every((c) => c.ok);
  if (flags.json) printJson({ ok, url: target.url, checks, ...(health ? { health } : {}) });
  else {
    for (const check of checks) {
      print(`${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
      if (!check.ok && check.fix) print(`    fix: ${check.fix}`);
    }
  }
  if (!ok) process.exitCode = ExitCode.failure;
}
