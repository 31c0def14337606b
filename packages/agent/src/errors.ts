/** Stable codes of {@link AgentError}. */
export type AgentErrorCode =
  /** A model reference that names no provider/model and no alias. */
  | 'MODEL_UNKNOWN'
  /** No credentials for the provider of every model tried. */
  | 'NO_API_KEY'
  /** The provider answered with an error (status in `status`). */
  | 'PROVIDER_ERROR'
  /** The provider could not be reached (connection refused, DNS, TLS, reset). */
  | 'PROVIDER_UNREACHABLE'
  /** The run took longer than its timeout. */
  | 'TIMEOUT'
  /** The run was aborted (`chat.abort`, `/stop`, shutdown). */
  | 'ABORTED'
  /** The session's queue is full. */
  | 'QUEUE_FULL';

/** Options of {@link AgentError}. */
export interface AgentErrorOptions {
  /** What the operator can do about it (a command, a config key). */
  hint?: string | undefined;
  /** HTTP status of a provider error. */
  status?: number | undefined;
  /** The model (`provider/model`) the error came from. */
  model?: string | undefined;
  cause?: unknown;
}

/**
 * An agent run failed. `code` is stable; `message` never contains a secret (provider error
 * bodies are cut and API keys are never part of them), so it can be shown and logged.
 */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;
  readonly hint: string | undefined;
  readonly status: number | undefined;
  readonly model: string | undefined;

  constructor(code: AgentErrorCode, message: string, options: AgentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.status = options.status;
    this.model = options.model;
  }
}
