/**
 * Stable codes for everything the supervisor can refuse or fail at. The CLI maps each
 * to a message and prints `hint` as the exact fix.
 */
export type SupervisorErrorCode =
  /** No systemd (containers, WSL without systemd, macOS): `systemctl` is missing or PID 1 is not systemd. */
  | 'SUPERVISOR_UNAVAILABLE'
  /** systemd is there but the user bus is not reachable: plain SSH without `XDG_RUNTIME_DIR`, no user session. */
  | 'SUPERVISOR_NO_USER_BUS'
  /** The unit file is not installed. */
  | 'SUPERVISOR_NOT_INSTALLED'
  /** systemd/logind said no: enabling linger for oneself needs polkit or root. */
  | 'SUPERVISOR_PERMISSION_DENIED'
  /** The command ran and failed for a reason we do not recognise; `message` carries its stderr. */
  | 'SUPERVISOR_COMMAND_FAILED'
  /** The unit/plist input is unusable: relative paths, a bad profile, control characters. */
  | 'SUPERVISOR_INVALID_INPUT'
  /** A secret was about to be written into a unit file. */
  | 'SUPERVISOR_SECRET_IN_UNIT';

/** Options every supervisor error takes besides its code and message. */
export interface SupervisorErrorOptions {
  /** What the operator should run or do about it. */
  hint?: string | undefined;
  /** The argv that failed, e.g. `['systemctl', '--user', 'start', 'openclaw-gateway.service']`. */
  command?: readonly string[] | undefined;
  cause?: unknown;
}

/** An error of the supervisor, with a stable `code` and an operator-facing `hint`. */
export class SupervisorError extends Error {
  override readonly name = 'SupervisorError';
  readonly code: SupervisorErrorCode;
  readonly hint: string | undefined;
  readonly command: readonly string[] | undefined;

  constructor(code: SupervisorErrorCode, message: string, options: SupervisorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.command = options.command;
  }
}
