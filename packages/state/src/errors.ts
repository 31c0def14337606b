/** Stable codes of every state-layer error; the CLI maps them to messages and exit codes. */
export type StateErrorCode =
  | 'LOCK_TIMEOUT'
  | 'LOCK_NESTED'
  | 'GATEWAY_RUNNING'
  | 'STATE_IO'
  | 'STATE_CORRUPT'
  | 'SESSION_NOT_FOUND'
  | 'CREDENTIAL_NOT_FOUND'
  | 'CREDENTIAL_INVALID'
  | 'CREDENTIAL_KEY'
  | 'CREDENTIAL_EXPIRED'
  | 'INVALID_ID'
  | 'NO_API_KEY'
  | 'PAIRING_CODE_UNKNOWN'
  | 'PAIRING_FULL';

/** Options every state error takes besides its code and message. */
export interface StateErrorOptions {
  /** What the operator should do about it, e.g. "run `openclaw gateway stop`". */
  hint?: string | undefined;
  /** The file involved, when there is one. */
  file?: string | undefined;
  cause?: unknown;
}

/** An error of the state layer, with a stable `code` and an operator-facing `hint`. */
export class StateError extends Error {
  override readonly name: string = 'StateError';
  readonly code: StateErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;

  constructor(code: StateErrorCode, message: string, options: StateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
  }
}
