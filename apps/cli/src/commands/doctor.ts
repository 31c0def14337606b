import { homedir } from 'node:os';
import { loadConfig } from '@openclaw/config';
import { ExitCode } from '../exit-codes.ts';
import { print, printJson } from '../output.ts';
import { securityChecks, serviceChecks } from './doctor-audit.ts';
import { check, errorText, plural } from './doctor-check.ts';
import type { CheckStatus, DoctorCheck, DoctorContext } from './doctor-check.ts';
import { configChecks } from './doctor-config.ts';
import { sessionChecks } from './doctor-sessions.ts';
import { credentialChecks, lockCheck, permissionChecks } from './doctor-state.ts';
import { workspaceChecks } from './doctor-workspace.ts';
import { connectTarget, describeGatewayFailure, resolveTarget } from './gateway.ts';

/** Flags of `openclaw doctor`. */
export interface DoctorFlags {
  fix?: boolean;
  repair?: boolean;
  yes?: boolean;
  /** Accepted for compatibility: doctor never prompts; without --fix it only reports. */
  nonInteractive?: boolean;
  json?: boolean;
}

/** `doctor --json`: the whole answer. */
export interface DoctorReport {
  ok: boolean;
  fix: boolean;
  configPath: string;
  stateDir: string;
  checks: DoctorCheck[];
  /** Everything this run changed on disk. */
  changes: string[];
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warning: '⚠', problem: '✗' };
const SECTIONS = ['Config', 'State', 'Sessions', 'Credentials', 'Workspace', 'Security', 'Service', 'Gateway'];

/** Runs one group of checks; a failure inside it becomes a ✗ line instead of stopping doctor. */
async function guarded(section: string, id: string, run: () => DoctorCheck[] | Promise<DoctorCheck[]>): Promise<DoctorCheck[]> {
  try {
    return await run();
  } catch (error) {
    return [check(section, id, 'problem', 'check failed', errorText(error), { fix: 'fix the cause above and run `openclaw doctor` again' })];
  }
}

/**
 * The gateway the lock names: does it answer `health` over its WebSocket? A process that holds
 * the lock but does not answer is stuck (or listening elsewhere), which a restart fixes.
 */
async function probeCheck(context: DoctorContext, port: number | undefined): Promise<DoctorCheck> {
  const target = resolveTarget({ timeout: '3000' });
  const url = port === undefined ? target.url : `ws://127.0.0.1:${port}`;
  try {
    const protocol = await connectTarget({ ...target, url }, context.version, ['operator.read'], async (session) => {
      await session.request('health', {});
      return session.hello.protocol;
    });
    return check('Gateway', 'gateway.probe', 'ok', 'gateway probe', `answering at ${url} (protocol ${protocol})`);
  } catch (error) {
    const failure = describeGatewayFailure(error, { ...target, url });
    if (failure === undefined) throw error;
    return check('Gateway', 'gateway.probe', 'problem', 'gateway probe', `the gateway holding the lock does not answer at ${url}: ${failure.message}`, {
      fix: failure.fixes[0] ?? 'openclaw gateway restart',
    });
  }
}

/** Every check, in order; the config is migrated before the checks that read it. */
export async function runDoctor(flags: DoctorFlags, version: string): Promise<DoctorReport> {
  const fix = Boolean(flags.fix || flags.repair || flags.yes);
  const context: DoctorContext = { fix, version, home: homedir(), loaded: loadConfig(), changes: [] };
  const checks: DoctorCheck[] = [];
  // Modes first: the config rewrite below writes 0600 itself, which would hide a loose mode.
  checks.push(...(await guarded('State', 'state.permissions', () => permissionChecks(context))));
  checks.push(...(await guarded('Config', 'config', () => configChecks(context))));
  const lock = lockCheck(context);
  checks.push(...(await guarded('Sessions', 'sessions', () => sessionChecks(context, lock.live))));
  checks.push(...(await guarded('Credentials', 'credentials', () => credentialChecks(context))));
  checks.push(...(await guarded('Workspace', 'workspace', () => workspaceChecks(context))));
  checks.push(...(await guarded('Security', 'security', () => securityChecks(context))));
  checks.push(...(await guarded('Service', 'service', () => serviceChecks(context))));
  checks.push(lock.check);
  if (lock.live) checks.push(...(await guarded('Gateway', 'gateway.probe', async () => [await probeCheck(context, lock.port)])));
  checks.sort((a, b) => SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section));
  const { configPath, stateDir } = context.loaded.paths;
  return { ok: !checks.some((c) => c.status === 'problem'), fix, configPath, stateDir, checks, changes: context.changes };
}

function printReport(report: DoctorReport): void {
  print(`openclaw doctor — ${report.configPath}${report.fix ? ' (--fix)' : ''}`);
  let section = '';
  for (const c of report.checks) {
    if (c.section !== section) {
      section = c.section;
      print('');
      print(section);
    }
    print(`  ${MARK[c.status]} ${c.title}: ${c.detail}`);
    for (const line of c.lines ?? []) print(`      ${line}`);
    if (c.fix && c.status !== 'ok') print(`      fix: ${c.fix}`);
  }
  const count = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  const problems = count('problem');
  const warnings = count('warning');
  print('');
  print(`${problems === 0 ? '✓' : '✗'} ${plural(count('ok'), 'ok', 'ok')}, ${plural(warnings, 'warning')}, ${plural(problems, 'problem')}`);
  if (report.fix) {
    print(report.changes.length === 0 ? 'nothing changed' : `changed ${plural(report.changes.length, 'thing')}:`);
    for (const line of report.changes) print(`  ${line}`);
  } else if (report.checks.some((c) => c.status !== 'ok' && c.fix?.startsWith('openclaw doctor --fix'))) {
    print('nothing was changed; run `openclaw doctor --fix` to apply the repairs marked above');
  }
}

/** `openclaw doctor [--fix] [--yes] [--non-interactive] [--json]`: exit 0 unless something is ✗. */
export async function doctorCommand(flags: DoctorFlags, version: string): Promise<void> {
  const report = await runDoctor(flags, version);
  if (flags.json) printJson(report);
  else printReport(report);
  if (!report.ok) process.exitCode = ExitCode.failure;
}
