/**
 * The exit codes of every `openclaw` command (documented in docs/exit-codes.md).
 * 78 is sysexits' EX_CONFIG: the service unit stops restarting on it.
 */
export const ExitCode = {
  ok: 0,
  /** The command ran and found something wrong (e.g. a check failed). */
  failure: 1,
  /** Bad flags or arguments: nothing was done. */
  usage: 2,
  /** A bug in openclaw: please report it. */
  internal: 70,
  /** The configuration is invalid: fix it before starting again. */
  config: 78,
} as const;
