/**
 * How long to wait before restarting a channel account that failed, as the original computes
 * it (`src/infra/backoff.ts`): `min(maxMs, initialMs · factor^(attempt-1) · (1 + jitter · r))`
 * with `r` uniform in [0, 1). Jitter only ever lengthens a delay, and `maxMs` is a hard cap.
 */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  initialMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** Growth per failure. */
  factor: number;
  /** Fraction of the delay added at random (0.2 = up to 20 % longer). */
  jitter: number;
  /** Consecutive failures after which the registry gives up (default: never). */
  maxAttempts: number;
}

/** 2 s, doubling, at most 5 minutes, up to 20 % jitter, retried for ever. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  initialMs: 2_000,
  maxMs: 300_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: Number.POSITIVE_INFINITY,
});

/** {@link DEFAULT_BACKOFF} with the given fields replaced (undefined ones ignored). */
export function resolveBackoff(overrides: Partial<BackoffPolicy> = {}): Readonly<BackoffPolicy> {
  return Object.freeze({
    initialMs: overrides.initialMs ?? DEFAULT_BACKOFF.initialMs,
    maxMs: overrides.maxMs ?? DEFAULT_BACKOFF.maxMs,
    factor: overrides.factor ?? DEFAULT_BACKOFF.factor,
    jitter: overrides.jitter ?? DEFAULT_BACKOFF.jitter,
    maxAttempts: overrides.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts,
  });
}

/**
 * The delay before retry number `attempt` (1 for the first retry). `random` returns a number
 * in [0, 1); inject one in tests.
 */
export function computeBackoff(policy: Readonly<BackoffPolicy>, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const base = policy.initialMs * policy.factor ** exponent;
  const r = Math.min(Math.max(random(), 0), 1);
  const delay = Math.min(policy.maxMs, base * (1 + policy.jitter * r));
  return Math.max(0, Math.round(delay));
}

/**
 * Timers, injected so retries and timeouts can be driven by a fake clock in tests. The
 * default is {@link systemScheduler}.
 */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending channel retry never keeps a process alive by itself. */
export const systemScheduler: Scheduler = Object.freeze({
  setTimeout(callback: () => void, ms: number): unknown {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  },
});

/** What {@link withTimeout} resolves with when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Races `work` against a timer. Resolves with the work's value or {@link TIMED_OUT}; rejects
 * only when the work rejects first. The timer is always cleared.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, scheduler: Scheduler): Promise<T | typeof TIMED_OUT> {
  return new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
    const timer = scheduler.setTimeout(() => resolve(TIMED_OUT), ms);
    work.then(
      (value) => {
        scheduler.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        scheduler.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
