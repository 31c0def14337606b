/** Options of {@link WebhookAuthError}. */
export interface WebhookAuthErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * The reply endpoint refused the shared secret (it answered 401 or 403): retrying cannot
 * help, so the gateway stops the account and shows this message and hint until it is
 * restarted.
 *
 * The gateway recognises a credentials failure by the error's `name`, `ChannelAuthError`
 * (what gateway-core's `isChannelAuthError` checks), not by its class: a plugin's copy of
 * gateway-core is never the gateway's own, so `instanceof` could not work anyway. Declaring
 * the error here keeps this plugin free of run-time imports; importing `ChannelAuthError`
 * from `@openclaw/gateway-core` works as well where that package is installed.
 */
export class WebhookAuthError extends Error {
  override readonly name = 'ChannelAuthError';
  readonly code = 'CHANNEL_AUTH';
  readonly hint: string | undefined;

  constructor(message: string, options: WebhookAuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}
