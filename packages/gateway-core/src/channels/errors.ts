/**
 * Stable codes of {@link ChannelError}: what went wrong between the gateway and a channel.
 *
 * - `CHANNEL_INVALID`: a plugin or account id is not usable (bad characters, duplicate).
 * - `CHANNEL_UNKNOWN` / `ACCOUNT_UNKNOWN`: nothing by that name was added to the registry.
 * - `CHANNEL_NOT_CONNECTED`: the account exists but is not connected right now.
 * - `SEND_FAILED` / `PROBE_FAILED` / `LOGIN_FAILED`: the plugin threw; the cause is attached.
 * - `LOGIN_UNSUPPORTED`: the channel has no login flow.
 * - `TIMEOUT`: the plugin did not answer in time.
 */
export type ChannelErrorCode =
  | 'CHANNEL_INVALID'
  | 'CHANNEL_UNKNOWN'
  | 'ACCOUNT_UNKNOWN'
  | 'CHANNEL_NOT_CONNECTED'
  | 'SEND_FAILED'
  | 'PROBE_FAILED'
  | 'LOGIN_UNSUPPORTED'
  | 'LOGIN_FAILED'
  | 'TIMEOUT';

/** Options every channel error takes besides its code and message. */
export interface ChannelErrorOptions {
  /** The fix, phrased as something the operator can run or set. */
  hint?: string;
  channel?: string;
  accountId?: string;
  cause?: unknown;
}

/** An error the channel registry throws to its caller (the gateway's `send`, the CLI). */
export class ChannelError extends Error {
  override readonly name: string = 'ChannelError';
  readonly code: ChannelErrorCode;
  readonly hint: string | undefined;
  readonly channel: string | undefined;
  readonly accountId: string | undefined;

  constructor(code: ChannelErrorCode, message: string, options: ChannelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.channel = options.channel;
    this.accountId = options.accountId;
  }
}

/** Options of {@link ChannelAuthError}. */
export interface ChannelAuthErrorOptions {
  /** The fix, e.g. `set channels.telegram.botToken` or `run openclaw channels login`. */
  hint?: string;
  cause?: unknown;
}

/**
 * Thrown by a plugin when the remote refused its credentials (revoked bot token, logged-out
 * WhatsApp session). Retrying cannot help, so the registry does not retry: the account is
 * reported as `auth-failed` with this message and hint until it is restarted.
 */
export class ChannelAuthError extends Error {
  override readonly name = 'ChannelAuthError';
  readonly code = 'CHANNEL_AUTH';
  readonly hint: string | undefined;

  constructor(message: string, options: ChannelAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/**
 * True for a {@link ChannelAuthError}, including one from another copy of this package (an
 * extension that bundles its own gateway-core), which `instanceof` would miss.
 */
export function isChannelAuthError(error: unknown): error is ChannelAuthError {
  return error instanceof ChannelAuthError || (error instanceof Error && error.name === 'ChannelAuthError');
}

/** The message of anything thrown, for status snapshots and logs. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : String(error);
}
