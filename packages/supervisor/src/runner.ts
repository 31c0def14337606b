import { classifyFailure, unavailable } from './classify.ts';
import { SupervisorError } from './errors.ts';
import { createExecFile } from './exec.ts';
import type { Exec, ExecResult } from './exec.ts';

/** Options of {@link createSystemdRunner}; every part is optional. */
export interface SystemdRunnerOptions {
  /** How commands run; the real `execFile` by default. */
  exec?: Exec | undefined;
  /** The environment the commands see; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * The caller's uid (`process.getuid()`). When given and `XDG_RUNTIME_DIR` is unset (plain
   * SSH, `su`), the runner sets it to `/run/user/<uid>` for its commands, the usual fix for
   * "Failed to connect to bus"; hints print the real path instead of `$(id -u)`.
   */
  uid?: number | undefined;
  /** The user name, for linger hints; `env.USER` by default. */
  user?: string | undefined;
  /** Timeout of each command; loginctl may wait on polkit. */
  timeoutMs?: number | undefined;
}

/** Defaults of {@link SystemdRunnerOptions}. */
export const SYSTEMD_RUNNER_DEFAULTS = Object.freeze({ timeoutMs: 30_000 });

/** The unit properties `status` and `doctor` read. */
export const SHOW_PROPERTIES = Object.freeze(['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'MainPID', 'ExecMainStatus', 'NRestarts'] as const);

/** Unit state from `systemctl --user show`. Numbers are 0 when systemd reports nothing. */
export interface UnitStatus {
  /** `loaded`, or `not-found` when the unit file is not installed. */
  loadState: string;
  activeState: string;
  subState: string;
  unitFileState: string;
  mainPid: number;
  /** The exit status of the last run of the main process. */
  execMainStatus: number;
  /** How often systemd restarted it since it was last started by hand. */
  restarts: number;
}

/** `systemctl --user` and `loginctl`, with failures turned into {@link SupervisorError}s. */
export interface SystemdRunner {
  daemonReload(): Promise<void>;
  /** `enable [--now] <unit>`. */
  enable(unit: string, options?: { now?: boolean }): Promise<void>;
  /** `disable [--now] <unit>`. */
  disable(unit: string, options?: { now?: boolean }): Promise<void>;
  start(unit: string): Promise<void>;
  stop(unit: string): Promise<void>;
  restart(unit: string): Promise<void>;
  /** Clears the failed state and the start-rate counter, so a unit that hit the limit can start. */
  resetFailed(unit: string): Promise<void>;
  /** `is-active`: true for active (or reloading); false for inactive, failed, activating, unknown. */
  isActive(unit: string): Promise<boolean>;
  /** `is-enabled`: true for enabled; false for disabled, static, masked or not installed. */
  isEnabled(unit: string): Promise<boolean>;
  /** `show <unit>`; a unit that is not installed reports `loadState: 'not-found'`. */
  show(unit: string): Promise<UnitStatus>;
  /** `loginctl enable-linger <user>`; `SUPERVISOR_PERMISSION_DENIED` with the sudo hint when refused. */
  enableLinger(user: string): Promise<void>;
  /** `loginctl show-user <user> -p Linger`; a user who is neither logged in nor lingering is false. */
  lingerEnabled(user: string): Promise<boolean>;
}

// States systemctl prints on stdout with a non-zero exit: an answer, not a failure.
const INACTIVE_STATES = new Set(['inactive', 'failed', 'activating', 'deactivating', 'unknown', 'maintenance']);
const NOT_ENABLED_STATES = new Set(['disabled', 'static', 'masked', 'masked-runtime', 'indirect', 'generated', 'transient', 'bad', 'not-found', 'linked', 'linked-runtime']);
const NO_LINGER_RECORD = /not logged in|No such user|does not exist|not known/i;

/** Creates a {@link SystemdRunner}. Nothing runs until a method is called. */
export function createSystemdRunner(options: SystemdRunnerOptions = {}): SystemdRunner {
  const exec = options.exec ?? createExecFile();
  const baseEnv = options.env ?? process.env;
  const uid = options.uid;
  const runtimeDirGuessed = uid !== undefined && !baseEnv.XDG_RUNTIME_DIR;
  const env = runtimeDirGuessed ? { ...baseEnv, XDG_RUNTIME_DIR: `/run/user/${uid}` } : baseEnv;
  const context = { uid, user: options.user ?? baseEnv.USER, runtimeDirGuessed };
  const timeoutMs = options.timeoutMs ?? SYSTEMD_RUNNER_DEFAULTS.timeoutMs;

  async function run(file: string, args: readonly string[]): Promise<ExecResult> {
    try {
      return await exec(file, args, { env, timeoutMs });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') throw unavailable([file, ...args], error);
      throw new SupervisorError('SUPERVISOR_COMMAND_FAILED', `${file} ${args.join(' ')} could not run: ${(error as Error).message}`, {
        command: [file, ...args],
        cause: error,
      });
    }
  }
  async function systemctl(args: readonly string[]): Promise<ExecResult> {
    const all = ['--user', ...args];
    const result = await run('systemctl', all);
    if (result.code !== 0) throw classifyFailure(['systemctl', ...all], result, context);
    return result;
  }
  // is-active / is-enabled answer "no" through the exit status; only unknown output is a failure.
  async function query(verb: string, unit: string, no: ReadonlySet<string>): Promise<boolean> {
    const args = ['--user', verb, unit];
    const result = await run('systemctl', args);
    if (result.code === 0) return true;
    const answer = result.stdout.trim().split('\n')[0] ?? '';
    if (no.has(answer)) return false;
    const error = classifyFailure(['systemctl', ...args], result, context);
    if (error.code === 'SUPERVISOR_NOT_INSTALLED') return false;
    throw error;
  }
  const withNow = (verb: string, unit: string, now?: boolean): string[] => (now === true ? [verb, '--now', unit] : [verb, unit]);

  return {
    daemonReload: async () => void (await systemctl(['daemon-reload'])),
    enable: async (unit, opts) => void (await systemctl(withNow('enable', unit, opts?.now))),
    disable: async (unit, opts) => void (await systemctl(withNow('disable', unit, opts?.now))),
    start: async (unit) => void (await systemctl(['start', unit])),
    stop: async (unit) => void (await systemctl(['stop', unit])),
    restart: async (unit) => void (await systemctl(['restart', unit])),
    resetFailed: async (unit) => void (await systemctl(['reset-failed', unit])),
    isActive: (unit) => query('is-active', unit, INACTIVE_STATES),
    isEnabled: (unit) => query('is-enabled', unit, NOT_ENABLED_STATES),
    async show(unit) {
      const result = await systemctl(['show', unit, '--no-pager', `--property=${SHOW_PROPERTIES.join(',')}`]);
      return parseShow(result.stdout);
    },
    async enableLinger(user) {
      const args = ['enable-linger', user];
      const result = await run('loginctl', args);
      if (result.code !== 0) throw classifyFailure(['loginctl', ...args], result, { ...context, user });
    },
    async lingerEnabled(user) {
      const args = ['show-user', user, '-p', 'Linger'];
      const result = await run('loginctl', args);
      if (result.code === 0) return /^Linger=yes$/m.test(result.stdout);
      if (NO_LINGER_RECORD.test(result.stderr)) return false;
      throw classifyFailure(['loginctl', ...args], result, { ...context, user });
    },
  };
}

/** Parses `Key=value` lines of `systemctl show` into a {@link UnitStatus}. */
export function parseShow(stdout: string): UnitStatus {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const text = (key: string): string => values.get(key) ?? '';
  const number = (key: string): number => {
    const n = Number.parseInt(text(key), 10);
    return Number.isFinite(n) ? n : 0;
  };
  return {
    loadState: text('LoadState'),
    activeState: text('ActiveState'),
    subState: text('SubState'),
    unitFileState: text('UnitFileState'),
    mainPid: number('MainPID'),
    execMainStatus: number('ExecMainStatus'),
    restarts: number('NRestarts'),
  };
}
