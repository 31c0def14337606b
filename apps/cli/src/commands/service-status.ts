import { readFileSync } from 'node:fs';
import { EXIT_CONFIG, SupervisorError, parseSystemdUnit } from '@openclaw/supervisor';
import type { UnitStatus } from '@openclaw/supervisor';
import { ExitCode } from '../exit-codes.ts';
import { print, printError, printJson, printWarning } from '../output.ts';
import { connectTarget, describeGatewayFailure, printFailure, resolveTarget } from './gateway.ts';
import type { GatewayFailure, GatewayTarget } from './gateway.ts';
import { journalCommand, serviceContext, unitInstalled } from './service-common.ts';
import type { ServiceContext } from './service-common.ts';
import { describeLock, localFacts } from './status.ts';

/** Flags of `openclaw gateway status`. */
export interface ServiceStatusFlags {
  json?: boolean;
  /** Milliseconds for the WebSocket probe, as typed. */
  timeout?: string;
}

/** The probe is a liveness check, not a conversation: a short timeout by default. */
export const STATUS_PROBE_TIMEOUT_MS = 3000;

interface UnitFacts {
  version: string | undefined;
  execStart: string[] | undefined;
  port: number | undefined;
}

function unitFacts(context: ServiceContext): UnitFacts | undefined {
  if (!unitInstalled(context)) return undefined;
  const parsed = parseSystemdUnit(readFileSync(context.unitPath, 'utf8'));
  const argv = parsed.execStart ?? [];
  const flag = argv.indexOf('--port');
  const port = flag >= 0 ? Number(argv[flag + 1]) : Number.NaN;
  return { version: parsed.environment['OPENCLAW_SERVICE_VERSION'], execStart: parsed.execStart, port: Number.isInteger(port) ? port : undefined };
}

type Probe = { ok: true; url: string; version?: string | undefined; pid?: number | undefined } | { ok: false; url: string; failure: GatewayFailure };

async function probe(target: GatewayTarget, version: string): Promise<Probe> {
  try {
    const status = await connectTarget(target, version, ['operator.read'], (session) => session.request('status', {}));
    const payload = (status ?? {}) as { version?: string; pid?: number };
    return { ok: true, url: target.url, version: payload.version, pid: payload.pid };
  } catch (error) {
    const failure = describeGatewayFailure(error, target);
    if (failure === undefined) throw error;
    return { ok: false, url: target.url, failure };
  }
}

function describeSystemd(status: UnitStatus): string {
  const parts = [`${status.activeState} (${status.subState})`];
  if (status.mainPid > 0) parts.push(`pid ${status.mainPid}`);
  parts.push(`${status.restarts} restart${status.restarts === 1 ? '' : 's'}`, `last exit status ${status.execMainStatus}`);
  return parts.join(', ');
}

/**
 * `openclaw gateway status [--json] [--timeout MS]`: the unit file, systemd's view (`show`),
 * the gateway lock and a WebSocket probe. Exit 0 only when systemd says active and the
 * gateway answers; 1 otherwise, with the fix for the first thing that is wrong.
 */
export async function serviceStatus(flags: ServiceStatusFlags, version: string): Promise<void> {
  const context = serviceContext();
  const unit = unitFacts(context);
  let systemd: UnitStatus | undefined;
  let systemdError: SupervisorError | undefined;
  if (unit !== undefined) {
    try {
      systemd = await context.runner.show(context.unit);
    } catch (error) {
      if (!(error instanceof SupervisorError)) throw error;
      systemdError = error;
    }
  }
  const resolved = resolveTarget({ timeout: flags.timeout ?? String(STATUS_PROBE_TIMEOUT_MS) });
  // The service listens where its unit says, whatever the config says now.
  const target = unit?.port !== undefined && !resolved.remote ? { ...resolved, url: `ws://127.0.0.1:${unit.port}`, port: unit.port } : resolved;
  const facts = localFacts(target);
  const gateway = await probe(target, version);

  const problems: { message: string; fix: string }[] = [];
  if (unit === undefined) problems.push({ message: `Service not installed (no ${context.unitPath})`, fix: 'openclaw gateway install' });
  if (systemdError !== undefined) problems.push({ message: systemdError.message, fix: systemdError.hint ?? 'openclaw gateway install' });
  if (systemd !== undefined && systemd.execMainStatus === EXIT_CONFIG && systemd.activeState !== 'active') {
    problems.push({
      message: `the gateway exited with status ${EXIT_CONFIG}: its config is invalid, so systemd does not restart it`,
      fix: 'run `openclaw config validate`, fix what it reports, then `openclaw gateway restart`',
    });
  } else if (systemd !== undefined && systemd.activeState !== 'active') {
    problems.push({
      message: `the service is ${systemd.activeState} (${systemd.subState}), last exit status ${systemd.execMainStatus}`,
      fix: `see why: journalctl --user -u ${context.unit} -n 50; then \`openclaw gateway restart\``,
    });
  }
  const versionDrift = unit?.version !== undefined && unit.version !== version;
  const healthy = systemd?.activeState === 'active' && gateway.ok;

  if (flags.json) {
    printJson({
      action: 'status',
      ok: healthy,
      unit: context.unit,
      unitPath: context.unitPath,
      installed: unit !== undefined,
      unitVersion: unit?.version,
      execStart: unit?.execStart,
      systemd: systemd ?? null,
      lock: facts.lock,
      gateway: gateway.ok ? gateway : { ok: false, url: gateway.url, error: { kind: gateway.failure.kind, message: gateway.failure.message }, fixes: gateway.failure.fixes },
      problems,
      ...(systemdError ? { error: { code: systemdError.code, message: systemdError.message, hint: systemdError.hint } } : {}),
    });
  } else {
    print(`Service: ${context.unit}`);
    print(`  unit file  ${unit === undefined ? `not installed (${context.unitPath})` : context.unitPath}`);
    if (unit !== undefined) {
      print(`  version    ${unit.version ?? '—'}${versionDrift ? ` (this openclaw is ${version})` : ''}`);
      print(`  ExecStart  ${unit.execStart?.join(' ') ?? '—'}`);
      print(`  systemd    ${systemd === undefined ? 'unknown (see the error below)' : describeSystemd(systemd)}`);
    }
    print(`  lock       ${describeLock(facts.lock)}`);
    print(`Gateway: ${gateway.ok ? `answering at ${gateway.url}${gateway.version ? ` (v${gateway.version}${gateway.pid ? `, pid ${gateway.pid}` : ''})` : ''}` : `not answering at ${gateway.url}`}`);
    if (healthy) print(`  logs: ${journalCommand(context)}`);
    for (const problem of problems) printError(problem.message, problem.fix);
    if (!gateway.ok && problems.length === 0) printFailure(gateway.failure);
    if (versionDrift) printWarning(`the unit runs openclaw ${unit.version}, this is ${version}`, 'openclaw gateway install --force (rewrites the unit for this version)');
  }
  if (!healthy) process.exitCode = ExitCode.failure;
}
