import { chmodSync, copyFileSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GATEWAY_PORT, writeFileAtomic } from '@openclaw/config';
import { SupervisorError, detectVersionManagerNode, parseSystemdUnit, renderSystemdUnit } from '@openclaw/supervisor';
import { UsageError } from '../global-flags.ts';
import { printJson, printWarning } from '../output.ts';
import { loadValidConfig } from './gateway.ts';
import { journalCommand, reportNotInstalled, say, unitInstalled, withService } from './service-common.ts';
import type { ServiceContext, ServiceReport } from './service-common.ts';

/** Flags of `openclaw gateway install`. */
export interface ServiceInstallFlags {
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  port?: string;
}

/** Flags of `uninstall`, `start`, `stop`, `restart`. */
export interface ServiceFlags {
  json?: boolean;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be a port number 1-65535, not ${JSON.stringify(text)}`);
  return port;
}

/** The absolute path of the running CLI entry (symlinks of a global install resolved). */
function entryPath(): string {
  const entry = process.argv[1];
  if (entry === undefined) throw new UsageError('cannot tell where the openclaw entry script is (process.argv[1] is empty)');
  return realpathSync(entry);
}

/**
 * The unit this CLI would install: this node, this entry, the port from `--port`, the config
 * or `OPENCLAW_GATEWAY_PORT`, and the non-default paths and profile as Environment.
 */
function desiredUnit(context: ServiceContext, flags: ServiceInstallFlags, version: string): { text: string; port: number; nodePath: string } {
  const loaded = loadValidConfig();
  const envPort = Number(loaded.env.values['OPENCLAW_GATEWAY_PORT']);
  const port = flags.port !== undefined ? parsePort(flags.port) : (loaded.config.gateway?.port ?? (Number.isInteger(envPort) && envPort > 0 ? envPort : DEFAULT_GATEWAY_PORT));
  const { stateDir, configPath } = loaded.paths;
  const nodePath = process.execPath;
  const text = renderSystemdUnit({
    version,
    nodePath,
    entryPath: entryPath(),
    port,
    stateDir: stateDir === join(context.home, '.openclaw') ? undefined : stateDir,
    configPath: configPath === join(stateDir, 'openclaw.json') ? undefined : configPath,
    profile: context.profile,
    memoryMb: Math.floor(totalmem() / 2 ** 20),
  });
  return { text, port, nodePath };
}

function readUnit(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes `text` over the unit at `path` (the old one kept as `.bak`); false when it already says that. */
function writeUnitFile(path: string, installed: string | undefined, text: string): boolean {
  if (installed === text) return false;
  if (installed !== undefined) copyFileSync(path, `${path}.bak`);
  writeFileAtomic(path, text, { mode: 0o644, dirMode: 0o755 });
  chmodSync(path, 0o644);
  return true;
}

/**
 * Rewrites an installed unit as this openclaw would write it, keeping its port: what
 * `doctor --fix` does after an update so ExecStart and OPENCLAW_SERVICE_VERSION follow the
 * new version. Returns false when the unit is already current. Does not reload or restart.
 */
export function refreshInstalledUnit(context: ServiceContext, port: number, version: string): boolean {
  const { text } = desiredUnit(context, { port: String(port) }, version);
  return writeUnitFile(context.unitPath, readUnit(context.unitPath), text);
}

/** What differs between the installed unit and the one this CLI writes, for people. */
export function describeUnitChange(installed: string, wanted: string): { summary: string[]; lines: string[] } {
  const before = parseSystemdUnit(installed);
  const after = parseSystemdUnit(wanted);
  const summary: string[] = [];
  const oldVersion = before.environment['OPENCLAW_SERVICE_VERSION'];
  const newVersion = after.environment['OPENCLAW_SERVICE_VERSION'];
  if (oldVersion !== newVersion) summary.push(`version ${oldVersion ?? '(none)'} → ${newVersion ?? '(none)'}`);
  const oldExec = before.execStart?.join(' ');
  const newExec = after.execStart?.join(' ');
  if (oldExec !== newExec) summary.push(`ExecStart ${oldExec ?? '(none)'} → ${newExec ?? '(none)'}`);
  const keys = new Set([...Object.keys(before.environment), ...Object.keys(after.environment)]);
  for (const key of keys) {
    if (key !== 'OPENCLAW_SERVICE_VERSION' && before.environment[key] !== after.environment[key]) summary.push(`Environment ${key}`);
  }
  const oldLines = new Set(installed.split('\n'));
  const newLines = new Set(wanted.split('\n'));
  const lines = [...[...oldLines].filter((l) => !newLines.has(l)).map((l) => `- ${l}`), ...[...newLines].filter((l) => !oldLines.has(l)).map((l) => `+ ${l}`)];
  if (summary.length === 0) summary.push('other settings');
  return { summary, lines };
}

function describeRun(context: ServiceContext, verb: 'start' | 'restart'): string[] {
  return [
    'systemctl --user daemon-reload',
    `systemctl --user enable ${context.unit}`,
    `loginctl enable-linger ${context.user}   (only when Linger=no)`,
    `systemctl --user ${verb} ${context.unit}`,
  ];
}

/** Enables linger when it is off; a refusal is a warning with the sudo command, not a failure. */
async function ensureLinger(context: ServiceContext, warnings: string[]): Promise<string> {
  try {
    if (await context.runner.lingerEnabled(context.user)) return 'already enabled';
    await context.runner.enableLinger(context.user);
    return 'enabled';
  } catch (error) {
    if (!(error instanceof SupervisorError) || error.code === 'SUPERVISOR_NO_USER_BUS' || error.code === 'SUPERVISOR_UNAVAILABLE') throw error;
    const fix = `sudo loginctl enable-linger ${context.user}`;
    warnings.push(`could not enable linger: ${error.message}; run \`${fix}\``);
    printWarning(`could not enable linger for ${context.user} (${error.message}); without it systemd stops the gateway when you log out`, fix);
    return 'not enabled';
  }
}

/**
 * `openclaw gateway install [--force] [--dry-run] [--json] [--port N]`: writes the user unit,
 * then daemon-reload, enable, linger, start. An identical unit that is enabled and active is
 * left alone; a different one is replaced only with `--force` (the old one kept as `.bak`).
 */
export async function serviceInstall(flags: ServiceInstallFlags, version: string): Promise<void> {
  await withService('install', flags.json, async (context) => {
    const { text, port, nodePath } = desiredUnit(context, flags, version);
    const warnings: string[] = [];
    const managed = detectVersionManagerNode(nodePath);
    if (managed !== undefined) {
      warnings.push(`${managed.reason}; ${managed.suggestion}`);
      if (!flags.json) printWarning(managed.reason, managed.suggestion);
    }
    const installed = readUnit(context.unitPath);
    const change = installed === undefined || installed === text ? undefined : describeUnitChange(installed, text);
    const base = { action: 'install', unit: context.unit, unitPath: context.unitPath, port, warnings };

    if (flags.dryRun) {
      const state = installed === undefined ? 'would install' : change === undefined ? 'already installed (identical)' : flags.force ? 'would replace' : 'would refuse without --force';
      const commands = [`write ${context.unitPath} (mode 0644)`, ...describeRun(context, installed !== undefined && flags.force ? 'restart' : 'start')];
      if (flags.json) return printJson({ ...base, ok: true, result: 'dry-run', message: state, unitText: text, commands, changes: change?.summary } satisfies ServiceReport);
      say(false, `# dry run: ${state}; nothing is written and nothing is run`, ...(change ? change.summary.map((s) => `#   differs: ${s}`) : []), `# ${context.unitPath}`, text);
      say(false, '# would run:', ...commands.map((c) => `  ${c}`));
      return;
    }

    // Fails early, before anything is written, when there is no user bus or no systemd.
    const enabled = await context.runner.isEnabled(context.unit);
    if (change !== undefined && !flags.force) {
      const message = `${context.unitPath} exists and differs from the unit this openclaw would write (${change.summary.join('; ')})`;
      const fix = 'openclaw gateway install --force   (replaces it; the old unit is kept as .bak)';
      if (flags.json) printJson({ ...base, ok: false, result: 'differs', message, hints: [fix], changes: change.summary, diff: change.lines } satisfies ServiceReport);
      else {
        process.stderr.write(`error: ${message}\n`);
        for (const line of change.lines) process.stderr.write(`  ${line}\n`);
        process.stderr.write(`  fix: ${fix}\n`);
      }
      process.exitCode = 1;
      return;
    }
    if (installed === text && !flags.force && enabled && (await context.runner.isActive(context.unit))) {
      const message = `already installed: ${context.unitPath} is up to date, enabled and running`;
      if (flags.json) return printJson({ ...base, ok: true, result: 'already-installed', message } satisfies ServiceReport);
      return say(false, message, `  check: openclaw gateway status`);
    }

    writeUnitFile(context.unitPath, installed, text);
    const verb = installed !== undefined ? 'restart' : 'start';
    await context.runner.daemonReload();
    await context.runner.enable(context.unit);
    const linger = await ensureLinger(context, warnings);
    await context.runner[verb](context.unit);
    const result = installed === undefined ? 'installed' : installed === text ? 'started' : 'replaced';
    if (flags.json) return printJson({ ...base, ok: true, result, linger, changes: change?.summary } satisfies ServiceReport);
    say(
      false,
      `${result === 'replaced' ? 'replaced' : result === 'installed' ? 'installed' : 'unit unchanged at'} ${context.unitPath}${result === 'replaced' ? ` (old unit kept as ${context.unitPath}.bak)` : ''}`,
      `  systemctl --user daemon-reload: ok`,
      `  systemctl --user enable ${context.unit}: ok`,
      `  linger for ${context.user}: ${linger}`,
      `  systemctl --user ${verb} ${context.unit}: ok`,
      `gateway service ${verb === 'restart' ? 'restarted' : 'started'} on port ${port}`,
      `  check: openclaw gateway status`,
      `  logs:  ${journalCommand(context)}`,
    );
  });
}

/**
 * `openclaw gateway uninstall`: stop, disable, remove the unit, daemon-reload. Nothing
 * installed is not an error (exit 0): the wanted end state already holds. Linger is left
 * as it is; other user services may rely on it.
 */
export async function serviceUninstall(flags: ServiceFlags): Promise<void> {
  await withService('uninstall', flags.json, async (context) => {
    const base = { action: 'uninstall', unit: context.unit, unitPath: context.unitPath };
    if (!unitInstalled(context)) {
      const message = `not installed: no ${context.unitPath}; nothing to do`;
      if (flags.json) return printJson({ ...base, ok: true, result: 'not-installed', message } satisfies ServiceReport);
      return say(false, message);
    }
    await context.runner.stop(context.unit);
    await context.runner.disable(context.unit);
    rmSync(context.unitPath, { force: true });
    await context.runner.daemonReload();
    if (flags.json) return printJson({ ...base, ok: true, result: 'uninstalled' } satisfies ServiceReport);
    say(
      false,
      `uninstalled ${context.unit}: stopped, disabled, ${context.unitPath} removed, daemon reloaded`,
      `  the state dir is kept; linger is left as it was (sudo loginctl disable-linger ${context.user} turns it off)`,
    );
  });
}

const DONE = { start: 'started', stop: 'stopped', restart: 'restarted' } as const;

/** `openclaw gateway start|stop|restart`: the same through `systemctl --user`. */
export async function serviceControl(verb: 'start' | 'stop' | 'restart', flags: ServiceFlags): Promise<void> {
  await withService(verb, flags.json, async (context) => {
    if (!unitInstalled(context)) return reportNotInstalled(context, verb, flags.json);
    await context.runner[verb](context.unit);
    if (flags.json) return printJson({ action: verb, ok: true, result: DONE[verb], unit: context.unit, unitPath: context.unitPath } satisfies ServiceReport);
    say(false, `${DONE[verb]} ${context.unit}`);
    if (verb === 'stop') say(false, `  it starts again at the next boot while enabled; \`openclaw gateway uninstall\` removes it`);
    else say(false, `  check: openclaw gateway status`, `  logs:  ${journalCommand(context)}`);
  });
}

