/**
 * Stable codes for the gateway's operator-facing refusals. Every one of them is a
 * configuration problem that a restart cannot fix, so the CLI maps them to exit code 78
 * (EX_CONFIG, which the systemd unit treats as "do not restart me") and prints `hint`.
 */
export type GatewayConfigErrorCode =
  | 'BIND_REFUSED_NO_AUTH'
  | 'AUTH_TOKEN_MISSING'
  | 'AUTH_PASSWORD_MISSING'
  | 'TAILSCALE_REQUIRES_LOOPBACK'
  | 'FUNNEL_REQUIRES_PASSWORD'
  | 'TAILNET_UNAVAILABLE'
  | 'CUSTOM_HOST_INVALID'
  | 'LOOPBACK_UNAVAILABLE';

/** Options every gateway config error takes besides its code and message. */
export interface GatewayConfigErrorOptions {
  /** The fix, phrased as something the operator can run or set. */
  hint?: string;
  cause?: unknown;
}

/**
 * The gateway refuses to start because of how it is configured (bind, auth, Tailscale).
 * Messages and hints never contain a secret.
 */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
  readonly code: GatewayConfigErrorCode;
  readonly hint: string | undefined;

  constructor(code: GatewayConfigErrorCode, message: string, options: GatewayConfigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** Where a listen attempt was made. */
export interface ListenTarget {
  host: string;
  port: number;
}

/** Formats `host:port`, bracketing IPv6 literals so the port stays readable. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A transport failure while opening the listening socket (port taken, privileged port,
 * address not on this host). Unlike {@link GatewayConfigError} this can be transient
 * (another instance still shutting down), so the CLI does not map it to exit code 78.
 */
export class GatewayBindError extends Error {
  override readonly name = 'GatewayBindError';
  /** The errno code from `listen()`, e.g. `EADDRINUSE`; `UNKNOWN` if there was none. */
  readonly code: string;
  readonly host: string;
  readonly port: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, target: ListenTarget, options: GatewayConfigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.host = target.host;
    this.port = target.port;
    this.hint = options.hint;
  }

  /** Wraps the error a `net.Server` emitted from `listen()` with an explanation and a fix. */
  static fromListenError(error: unknown, target: ListenTarget): GatewayBindError {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
    const where = `ws://${formatHostPort(target.host, target.port)}`;
    switch (code) {
      case 'EADDRINUSE':
        return new GatewayBindError(code, `cannot listen on ${where}: port ${target.port} is already in use (EADDRINUSE)`, target, {
          hint: `another gateway or another program is listening on port ${target.port}: stop it (openclaw gateway stop) or choose another port with gateway.port / OPENCLAW_GATEWAY_PORT`,
          cause: error,
        });
      case 'EACCES':
        return new GatewayBindError(code, `cannot listen on ${where}: permission denied for port ${target.port} (EACCES)`, target, {
          hint: 'ports below 1024 need root or CAP_NET_BIND_SERVICE; use an unprivileged port such as the default 18789',
          cause: error,
        });
      case 'EADDRNOTAVAIL':
        return new GatewayBindError(code, `cannot listen on ${where}: address ${target.host} is not assigned to this host (EADDRNOTAVAIL)`, target, {
          hint: 'check gateway.customBindHost against `ip addr`, or for bind "tailnet" that Tailscale is up (tailscale status)',
          cause: error,
        });
      default: {
        const detail = error instanceof Error ? error.message : String(error);
        return new GatewayBindError(code, `cannot listen on ${where} (port ${target.port}): ${detail}`, target, { cause: error });
      }
    }
  }
}
