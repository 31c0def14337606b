/**
 * Stable codes for everything the config layer can refuse. The CLI maps them to exit
 * code 78 ("configuration error, do not restart me") and prints `hint` as the fix.
 */
export type ConfigErrorCode =
  | 'CONFIG_PARSE'
  | 'CONFIG_READ'
  | 'CONFIG_INCLUDE'
  | 'CONFIG_MISSING_ENV'
  | 'CONFIG_INVALID'
  | 'CONFIG_PATH'
  | 'CONFIG_EDIT'
  | 'CONFIG_WRITE'
  | 'CONFIG_PROFILE';

/** Options every config error takes besides its code and message. */
export interface ConfigErrorOptions {
  /** What the operator should do about it, e.g. "run `openclaw doctor`". */
  hint?: string;
  /** The file the problem is in, when there is one. */
  file?: string;
  cause?: unknown;
}

/** An error of the config layer, with a stable `code` and an operator-facing `hint`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;

  constructor(code: ConfigErrorCode, message: string, options: ConfigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
  }
}
