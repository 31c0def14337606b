import { chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CredentialStore, readGatewayLock } from '@openclaw/state';
import type { GatewayLockStatus } from '@openclaw/state';
import { check, errorText, plural } from './doctor-check.ts';
import type { DoctorCheck, DoctorContext } from './doctor-check.ts';

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** `<stateDir>/agents/<id>/sessions` directories that exist, by agent id. */
export function sessionDirs(stateDir: string): Array<{ agentId: string; dir: string }> {
  const agents = join(stateDir, 'agents');
  return list(agents)
    .map((agentId) => ({ agentId, dir: join(agents, agentId, 'sessions') }))
    .filter(({ dir }) => {
      try {
        return lstatSync(dir).isDirectory();
      } catch {
        return false;
      }
    });
}

interface Target {
  path: string;
  dir: boolean;
}

/** Every path whose mode doctor checks: private dirs 0700, private files 0600. Symlinks are not followed. */
function permissionTargets(stateDir: string, configPath: string): Target[] {
  const targets: Target[] = [{ path: stateDir, dir: true }];
  const credentials = join(stateDir, 'credentials');
  const privateDirs = [credentials, ...sessionDirs(stateDir).map(({ dir }) => dir)];
  for (const dir of privateDirs) {
    if (!existsSync(dir)) continue;
    targets.push({ path: dir, dir: true });
    for (const name of list(dir)) targets.push({ path: join(dir, name), dir: false });
  }
  targets.push({ path: join(stateDir, '.env'), dir: false }, { path: configPath, dir: false });
  return targets;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/**
 * State-dir permissions: dirs 0700, files 0600 (with --fix: chmod). A config file others can
 * read is also a security problem, reported in its own check.
 */
export function permissionChecks(context: DoctorContext): DoctorCheck[] {
  const { stateDir, configPath } = context.loaded.paths;
  if (!existsSync(stateDir)) {
    return [check('State', 'state.permissions', 'ok', 'permissions', `no state dir yet at ${stateDir} (the gateway creates it 0700)`)];
  }
  const loose: string[] = [];
  const fixed: string[] = [];
  const failed: string[] = [];
  let configMode: number | undefined;
  let configFixed = false;
  for (const target of permissionTargets(stateDir, configPath)) {
    let stat;
    try {
      stat = lstatSync(target.path);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink() || stat.isDirectory() !== target.dir) continue;
    if (target.path === configPath) configMode = stat.mode;
    if ((stat.mode & 0o077) === 0) continue;
    const wanted = target.dir ? 0o700 : 0o600;
    const line = `${target.path} is ${octal(stat.mode)}, should be ${octal(wanted)}`;
    if (!context.fix) {
      loose.push(line);
      continue;
    }
    try {
      chmodSync(target.path, wanted);
      if (target.path === configPath) configFixed = true;
      fixed.push(`chmod ${octal(wanted)} ${target.path} (was ${octal(stat.mode)})`);
    } catch (error) {
      failed.push(`${line}: ${errorText(error)}`);
    }
  }
  context.changes.push(...fixed);
  const out: DoctorCheck[] = [];
  if (failed.length > 0) {
    out.push(check('State', 'state.permissions', 'problem', 'permissions', `could not fix ${plural(failed.length, 'path')}`, { fix: 'chmod them as shown (are they owned by another user?)', lines: failed }));
  } else if (loose.length > 0) {
    out.push(check('State', 'state.permissions', 'warning', 'permissions', `${plural(loose.length, 'path')} readable by other users`, { fix: 'openclaw doctor --fix (chmod 0700 dirs, 0600 files)', lines: loose }));
  } else if (fixed.length > 0) {
    out.push(check('State', 'state.permissions', 'ok', 'permissions', `fixed ${plural(fixed.length, 'path')}`, { changed: true, lines: fixed }));
  } else {
    out.push(check('State', 'state.permissions', 'ok', 'permissions', `${stateDir}: dirs 0700, files 0600`));
  }
  if (configMode !== undefined && (configMode & 0o004) !== 0) {
    out.push(
      configFixed
        ? check('Security', 'security.config-readable', 'ok', 'config file mode', `${configPath} was world-readable (${octal(configMode)}); now 0600`, { changed: true })
        : check('Security', 'security.config-readable', 'problem', 'config file mode', `${configPath} is world-readable (${octal(configMode)}): every user of this machine can read its tokens`, {
            fix: `openclaw doctor --fix (or chmod 600 ${configPath})`,
          }),
    );
  }
  return out;
}

/** The gateway lock: who holds it. Read only; a live gateway stops doctor from repairing sessions. */
export function lockCheck(context: DoctorContext): { check: DoctorCheck; live: boolean; port?: number | undefined } {
  let lock: GatewayLockStatus;
  try {
    lock = readGatewayLock(context.loaded.paths.stateDir);
  } catch (error) {
    return { check: check('Gateway', 'gateway.lock', 'warning', 'gateway lock', `cannot read the lock: ${errorText(error)}`), live: false };
  }
  if (lock.state === 'none') return { check: check('Gateway', 'gateway.lock', 'ok', 'gateway lock', 'none: no gateway is running for this state dir'), live: false };
  if (lock.state === 'held') {
    const port = lock.info.port === undefined ? '' : `, port ${lock.info.port}`;
    return { check: check('Gateway', 'gateway.lock', 'ok', 'gateway lock', `held by a running gateway (pid ${lock.info.pid}${port})`), live: true, port: lock.info.port };
  }
  const why = lock.reason === 'unreadable' ? 'the file is damaged' : lock.reason === 'recycled' ? `pid ${lock.info.pid} now belongs to another program` : `pid ${lock.info.pid} is no longer running`;
  return { check: check('Gateway', 'gateway.lock', 'ok', 'gateway lock', `stale (${why}); the next \`openclaw gateway\` replaces it`), live: false };
}

/** Stored model credentials: unreadable or expired ones, with the login command. */
export async function credentialChecks(context: DoctorContext): Promise<DoctorCheck[]> {
  let summaries;
  try {
    summaries = await new CredentialStore({ stateDir: context.loaded.paths.stateDir }).list();
  } catch (error) {
    return [check('Credentials', 'credentials', 'problem', 'credentials', errorText(error), { fix: `check ${join(context.loaded.paths.stateDir, 'credentials')} by hand` })];
  }
  if (summaries.length === 0) return [check('Credentials', 'credentials', 'ok', 'credentials', 'none stored (API keys may come from the environment)')];
  const out: DoctorCheck[] = [];
  for (const summary of summaries) {
    const id = `credentials.${summary.provider}.${summary.profile}`;
    const title = `${summary.provider}:${summary.profile}`;
    const login = `openclaw models auth login --provider ${summary.provider}`;
    if (summary.problem) {
      out.push(check('Credentials', id, 'problem', title, `${summary.file}: ${summary.problem.message}`, { fix: summary.problem.hint ?? login }));
    } else if (summary.expired) {
      out.push(check('Credentials', id, 'warning', title, `expired${summary.expiresAt ? ` at ${summary.expiresAt}` : ''} (${summary.file})`, { fix: login }));
    } else {
      out.push(check('Credentials', id, 'ok', title, `${summary.type ?? 'credential'}${summary.encrypted ? ', encrypted' : ''}${summary.expiresAt ? `, expires ${summary.expiresAt}` : ''}`));
    }
  }
  return out;
}
