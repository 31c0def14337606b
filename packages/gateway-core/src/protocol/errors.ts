import type { ErrorShape } from './frames.ts';

/**
 * The error codes that go on the wire, exactly the original's table
 * (`src/gateway/protocol/schema/error-codes.ts`, 2026.2.3).
 *
 * There is deliberately no `UNAUTHORIZED` or `RATE_LIMITED`: the original reports auth,
 * scope, role and handshake failures as `INVALID_REQUEST` with a descriptive message
 * ("unauthorized: gateway token mismatch …", "missing scope: operator.admin"), and published
 * clients branch on the codes they know (`NOT_PAIRED` starts pairing, `INVALID_REQUEST` with
 * `details.expectedProtocol` retries with that version). A new code would reach them as
 * something unknown. Rate limiting is expressed the same way: `INVALID_REQUEST` with
 * `retryable: true` and `retryAfterMs` (see {@link rateLimitedError}).
 */
export const ERROR_CODES = Object.freeze({
  /** A channel account (e.g. WhatsApp) is not linked. */
  NOT_LINKED: 'NOT_LINKED',
  /** The device is unknown or asked for more than it was approved for; pairing is needed. */
  NOT_PAIRED: 'NOT_PAIRED',
  /** An agent run did not finish in time. */
  AGENT_TIMEOUT: 'AGENT_TIMEOUT',
  /** Bad frame, bad params, unknown method, and every auth/authorization refusal. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** The handler failed or the service is not available right now. */
  UNAVAILABLE: 'UNAVAILABLE',
} as const);

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Optional parts of an error besides its code and message. */
export interface ProtocolErrorOptions {
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * An error that is an *answer*: a method handler (or the handshake) throws it and the server
 * turns it into `{ok:false, error: toShape()}` for that request. It says nothing about the
 * socket, unlike transport failures (bad JSON, oversize frames, slow consumers), which the
 * connection layer handles with close codes.
 */
export class GatewayProtocolError extends Error {
  override readonly name = 'GatewayProtocolError';
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly retryable: boolean | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: ProtocolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** The wire form; optional fields are left out when unset. */
  toShape(): ErrorShape {
    return errorShape(this.code, this.message, {
      details: this.details,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
    });
  }
}

/** Builds an {@link ErrorShape}, leaving out unset optional fields. */
export function errorShape(code: ErrorCode, message: string, options: Omit<ProtocolErrorOptions, 'cause'> = {}): ErrorShape {
  const shape: ErrorShape = { code, message };
  if (options.details !== undefined) shape.details = options.details;
  if (options.retryable !== undefined) shape.retryable = options.retryable;
  if (options.retryAfterMs !== undefined) shape.retryAfterMs = Math.max(0, Math.ceil(options.retryAfterMs));
  return shape;
}

/** True for {@link GatewayProtocolError}s, including ones from another copy of this module. */
export function isGatewayProtocolError(error: unknown): error is GatewayProtocolError {
  return error instanceof GatewayProtocolError || (error instanceof Error && error.name === 'GatewayProtocolError' && 'toShape' in error);
}

/**
 * What to answer when a handler throws: its own shape for a {@link GatewayProtocolError},
 * otherwise `UNAVAILABLE` with the error's message, as the original does.
 */
export function toErrorShape(error: unknown): ErrorShape {
  if (isGatewayProtocolError(error)) return error.toShape();
  const message = error instanceof Error ? error.message : String(error);
  return errorShape(ERROR_CODES.UNAVAILABLE, message || 'request failed');
}

/**
 * The answer to a client that is being rate limited: `INVALID_REQUEST` (the code clients
 * already treat as "auth refused"), marked retryable with the wait in `retryAfterMs`.
 */
export function rateLimitedError(retryAfterMs: number): GatewayProtocolError {
  return new GatewayProtocolError(ERROR_CODES.INVALID_REQUEST, 'unauthorized: too many failed authentication attempts (retry later)', {
    retryable: true,
    retryAfterMs,
  });
}
