import { setTimeout as sleep } from 'node:timers/promises';
import { computeBackoff } from '@openclaw/gateway-core';
import type { BackoffPolicy } from '@openclaw/gateway-core';
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { apiErrorCode, retryAfterMs } from './errors.ts';
import { apiSignal } from './signal.ts';

/** What a {@link LongPoller} needs: the API, its timing, and what to do with updates and failures. */
export interface LongPollerOptions {
  api: Api;
  /** `getUpdates` long-poll timeout. */
  timeoutSeconds: number;
  /** Delay between failed polls (attempt 1 after the first failure). */
  backoff: Readonly<BackoffPolicy>;
  random: () => number;
  /** Aborting it ends polling, as {@link LongPoller.stop} does. */
  signal: AbortSignal;
  /** How long `stop()` may spend confirming the updates already handled. */
  confirmTimeoutMs: number;
  /** Handles one update; awaited, in order, before the next poll. Must not throw. */
  handle(update: Update): Promise<void>;
  /** A poll failed; the next one follows after `delayMs`. */
  onFailure(error: unknown, attempt: number, delayMs: number): void;
  /** A poll succeeded after failures. */
  onRecovered(): void;
  /** Telegram refused the token (401): polling has ended. */
  onRefused(error: unknown): void;
}

/**
 * Long polling with `getUpdates`, owned by us rather than grammY's `bot.start()`: every
 * failure (409 Conflict from another consumer, 429, 5xx, the network) waits a capped,
 * jittered, growing delay (never less than Telegram's `retry_after`) instead of throwing
 * or retrying at a fixed rate, and `stop()` aborts the poll in flight instead of waiting for
 * it. Only `message` updates are requested.
 */
export class LongPoller {
  readonly #options: LongPollerOptions;
  readonly #controller = new AbortController();
  /** The next update id to ask for; everything below it was handled. */
  #offset = 0;
  /** The offset of the last poll Telegram answered: what it knows was handled. */
  #confirmed = 0;
  #failures = 0;
  #loop: Promise<void> | undefined;

  constructor(options: LongPollerOptions) {
    this.#options = options;
  }

  /** Starts the loop (once). */
  start(): void {
    if (this.#loop) return;
    const abort = () => this.#controller.abort();
    if (this.#options.signal.aborted) abort();
    else this.#options.signal.addEventListener('abort', abort, { once: true });
    this.#loop = this.#run();
  }

  /**
   * Aborts the poll in flight and waits for the loop to end; then, if updates were handled
   * since Telegram last heard the offset, confirms them with one short `getUpdates` (bounded
   * by `confirmTimeoutMs`) so a restart does not receive them again.
   */
  async stop(): Promise<void> {
    this.#controller.abort();
    await this.#loop;
    if (this.#offset <= this.#confirmed) return;
    const signal = AbortSignal.timeout(this.#options.confirmTimeoutMs);
    await this.#options.api.getUpdates({ offset: this.#offset, limit: 1, timeout: 0 }, apiSignal(signal)).catch(() => undefined);
  }

  async #run(): Promise<void> {
    const { api, timeoutSeconds, handle } = this.#options;
    const signal = this.#controller.signal;
    let allowed: ['message'] | undefined = ['message'];
    while (!signal.aborted) {
      const offset = this.#offset;
      // After a failure, a poll that returns at once tells whether it is over without holding the status for a whole long poll.
      const timeout = this.#failures > 0 ? 0 : timeoutSeconds;
      let updates: Update[];
      try {
        updates = await api.getUpdates({ offset, timeout, ...(allowed ? { allowed_updates: allowed } : {}) }, apiSignal(signal));
      } catch (error) {
        if (signal.aborted) return;
        if (apiErrorCode(error) === 401) return this.#options.onRefused(error);
        await this.#wait(error, signal);
        continue;
      }
      // Telegram remembers allowed_updates; sending it once is enough, as grammY does.
      allowed = undefined;
      this.#confirmed = offset;
      if (this.#failures > 0) {
        this.#failures = 0;
        this.#options.onRecovered();
      }
      for (const update of updates) {
        if (update.update_id < this.#offset) continue;
        this.#offset = update.update_id + 1;
        await handle(update);
      }
    }
  }

  async #wait(error: unknown, signal: AbortSignal): Promise<void> {
    this.#failures += 1;
    const delayMs = Math.max(computeBackoff(this.#options.backoff, this.#failures, this.#options.random), retryAfterMs(error));
    this.#options.onFailure(error, this.#failures, delayMs);
    await sleep(delayMs, undefined, { signal, ref: false }).catch(() => undefined);
  }
}
