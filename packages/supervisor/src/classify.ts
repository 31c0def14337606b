import { SupervisorError } from './errors.ts';
import type { ExecResult } from './exec.ts';

/** What the hints may mention about the caller. */
export interface FailureContext {
  /** The numeric uid, to print `/run/user/<uid>` instead of `$(id -u)`. */
  uid?: number | undefined;
  /** The user name for linger hints; `$USER` when unknown. */
  user?: string | undefined;
  /** True when the runner already set `XDG_RUNTIME_DIR=/run/user/<uid>` itself, so exporting it cannot help. */
  runtimeDirGuessed?: boolean | undefined;
}

/** The foreground alternative when there is no service manager to run under. */
export const FOREGROUND_HINT = 'or run the gateway in the foreground: `openclaw gateway` (e.g. inside tmux or screen)';

const NO_SYSTEMD = /System has not been booted with systemd|systemd as init system|Host is down/i;
const NO_BUS = /Failed to connect to (user scope )?bus|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR|Failed to get D-Bus connection|No medium found/i;
const NOT_FOUND = /Unit (file )?\S+ (not found|does not exist)|No such file or directory|Unit \S+ not loaded|could not be found/i;
const DENIED = /Access denied|Permission denied|Interactive authentication required|not authorized|Operation not permitted/i;

/** The exact commands that give an SSH session a user bus. */
export function noBusHint(context: FailureContext): string {
  const runtimeDir = context.uid === undefined ? '/run/user/$(id -u)' : `/run/user/${context.uid}`;
  const linger = `sudo loginctl enable-linger ${context.user ?? '$USER'}`;
  if (context.runtimeDirGuessed === true) {
    return `there is no user manager at ${runtimeDir}: run \`${linger}\` and log in again; ${FOREGROUND_HINT}`;
  }
  return [
    `export XDG_RUNTIME_DIR=${runtimeDir} and retry;`,
    `if ${runtimeDir} does not exist, run \`${linger}\` and log in again;`,
    FOREGROUND_HINT,
  ].join(' ');
}

/** Maps a failed `systemctl`/`loginctl` run to a typed error with the operator's fix. */
export function classifyFailure(command: readonly string[], result: ExecResult, context: FailureContext = {}): SupervisorError {
  const text = `${result.stderr}\n${result.stdout}`.trim();
  const said = text.split('\n')[0] ?? '';
  const options = { command };
  if (result.code === 127) return unavailable(command);
  if (NO_SYSTEMD.test(text)) {
    return new SupervisorError('SUPERVISOR_UNAVAILABLE', `systemd is not running here (${said})`, {
      ...options,
      hint: `systemd user services need systemd as PID 1 (containers and WSL often lack it); ${FOREGROUND_HINT}`,
    });
  }
  if (NO_BUS.test(text)) {
    return new SupervisorError('SUPERVISOR_NO_USER_BUS', `cannot reach the systemd user bus (${said})`, { ...options, hint: noBusHint(context) });
  }
  if (DENIED.test(text)) {
    const linger = command[0] === 'loginctl';
    return new SupervisorError('SUPERVISOR_PERMISSION_DENIED', `${command.slice(0, 3).join(' ')}: permission denied (${said})`, {
      ...options,
      hint: linger
        ? `run \`sudo loginctl enable-linger ${context.user ?? '$USER'}\`; without lingering, systemd stops the user session on logout and kills the gateway`
        : 'run the command as the user who owns the service, not with sudo',
    });
  }
  if (command[0] === 'systemctl' && NOT_FOUND.test(text)) {
    return new SupervisorError('SUPERVISOR_NOT_INSTALLED', `Service not installed (${said})`, {
      ...options,
      hint: 'run `openclaw gateway install`',
    });
  }
  return new SupervisorError('SUPERVISOR_COMMAND_FAILED', `${command.join(' ')} exited with ${result.code}${said === '' ? '' : `: ${said}`}`, options);
}

/** The error for a missing `systemctl`/`loginctl` binary. */
export function unavailable(command: readonly string[], cause?: unknown): SupervisorError {
  return new SupervisorError('SUPERVISOR_UNAVAILABLE', `${command[0] ?? 'systemctl'} not found; systemd user services are required on Linux`, {
    command,
    cause,
    hint: `install systemd or use a host that runs it; ${FOREGROUND_HINT}`,
  });
}
