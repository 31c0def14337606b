// Primary model, then fallbacks: which failures move on to the next model, and the waits
// between attempts.
import { NoApiKeyError } from '@openclaw/state';
import { AgentError } from './errors.ts';
import type { ModelRef } from './models.ts';

/** What a failed attempt means for the run. */
export type FailureKind =
  /** Aborted by the caller or the run's timeout: stop, no fallback. */
  | 'abort'
  /** Rate limit, overload, 5xx, 408, timeouts, connection failures: try the next model. */
  | 'retryable'
  /** Missing or refused credentials (no key, 401, 403): the next model may have its own. */
  | 'auth'
  /** A request the provider will refuse again (400, 404, …): stop. */
  | 'fatal';

const MAX_MESSAGE = 300;

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** Classifies an error thrown by a model call (the SDKs' error classes are recognised by name and status). */
export function classifyFailure(error: unknown, signal?: AbortSignal): FailureKind {
  if (signal?.aborted) return 'abort';
  if (error instanceof AgentError) {
    if (error.code === 'ABORTED' || error.code === 'TIMEOUT') return 'abort';
    if (error.code === 'NO_API_KEY') return 'auth';
    if (error.code === 'PROVIDER_UNREACHABLE') return 'retryable';
    return error.code === 'PROVIDER_ERROR' && error.status !== undefined ? classifyStatus(error.status) : 'fatal';
  }
  if (error instanceof NoApiKeyError) return 'auth';
  const name = nameOf(error);
  if (name === 'AbortError' || name === 'APIUserAbortError') return 'abort';
  const status = statusOf(error);
  if (status !== undefined) return classifyStatus(status);
  // APIConnectionError, APIConnectionTimeoutError, a stream cut mid-way, fetch failures.
  return 'retryable';
}

function classifyStatus(status: number): FailureKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return 'retryable';
  return 'fatal';
}

/** A short, secret-free description of a provider failure. */
export function describeFailure(error: unknown): string {
  const status = statusOf(error);
  let text = error instanceof Error ? error.message : String(error);
  // The SDKs put the response body in the message; keep the provider's own words, short.
  const match = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  if (match?.[1]) text = `${status ?? ''} ${match[1].replace(/\\"/g, '"')}`.trim();
  if (nameOf(error) === 'APIConnectionError' || nameOf(error) === 'APIConnectionTimeoutError') {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) text = `${text}: ${cause.message}`;
  }
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

/** Turns any failure of a model call into an {@link AgentError}. */
export function toAgentError(error: unknown, model: ModelRef | undefined, signal?: AbortSignal): AgentError {
  if (error instanceof AgentError) return error;
  if (error instanceof NoApiKeyError) return new AgentError('NO_API_KEY', error.message, { hint: error.hint, model: model?.ref, cause: error });
  const kind = classifyFailure(error, signal);
  if (kind === 'abort') return new AgentError('ABORTED', 'the run was aborted', { model: model?.ref });
  const status = statusOf(error);
  const where = model ? `${model.ref}: ` : '';
  if (status === undefined) {
    return new AgentError('PROVIDER_UNREACHABLE', `${where}${describeFailure(error)}`, {
      model: model?.ref,
      hint: model ? `check that ${model.provider}'s API is reachable from this host (models.providers.${model.provider}.baseUrl for a local server)` : undefined,
      cause: error,
    });
  }
  const hint =
    kind === 'auth' && model ? `the provider refused the key: openclaw models auth login --provider ${model.provider}` : status === 429 ? 'rate limited: wait, or add fallbacks (agents.defaults.model.fallbacks)' : undefined;
  return new AgentError('PROVIDER_ERROR', `${where}${describeFailure(error)}`, { status, model: model?.ref, hint, cause: error });
}

/** Backoff before attempt `attempt` (1 = the first fallback): 250 ms doubling to 4 s, with jitter. */
export function fallbackDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(4_000, 250 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Waits `ms`, or rejects with ABORTED when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AgentError('ABORTED', 'the run was aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AgentError('ABORTED', 'the run was aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
