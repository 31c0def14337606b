import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, TIMED_OUT, computeBackoff, resolveBackoff, withTimeout } from './backoff.ts';
import { ManualScheduler } from '../../test/fake-channel.ts';

describe('computeBackoff', () => {
  it('doubles from 2 s and stops at 5 minutes without jitter', () => {
    const delays = Array.from({ length: 12 }, (_, i) => computeBackoff(DEFAULT_BACKOFF, i + 1, () => 0));
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000, 300_000]);
  });

  it('keeps every delay within [base, min(max, base * 1.2)] whatever the random source says', () => {
    const randoms = [0, 0.25, 0.5, 0.999_999, Math.random(), Math.random(), Math.random()];
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      const base = Math.min(2_000 * 2 ** (attempt - 1), Number.MAX_SAFE_INTEGER);
      for (const r of randoms) {
        const delay = computeBackoff(DEFAULT_BACKOFF, attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.min(base, 300_000));
        expect(delay).toBeLessThanOrEqual(Math.min(300_000, Math.round(base * 1.2)));
      }
    }
    expect(computeBackoff(DEFAULT_BACKOFF, 1, () => 0.999_999)).toBe(2_400);
    expect(computeBackoff(DEFAULT_BACKOFF, 8, () => 0.5)).toBe(281_600);
  });

  it('tolerates an out-of-range random source and attempt numbers below 1', () => {
    expect(computeBackoff(DEFAULT_BACKOFF, 1, () => 7)).toBe(2_400);
    expect(computeBackoff(DEFAULT_BACKOFF, 1, () => -1)).toBe(2_000);
    expect(computeBackoff(DEFAULT_BACKOFF, 0, () => 0)).toBe(2_000);
  });

  it('resolveBackoff overrides only the fields given', () => {
    expect(resolveBackoff({ maxMs: 30_000, factor: undefined })).toEqual({ ...DEFAULT_BACKOFF, maxMs: 30_000 });
    expect(Object.isFrozen(resolveBackoff())).toBe(true);
  });
});

describe('withTimeout', () => {
  it('resolves with the value, TIMED_OUT, or rejects with the error, and always clears its timer', async () => {
    const scheduler = new ManualScheduler();
    await expect(withTimeout(Promise.resolve(1), 10, scheduler)).resolves.toBe(1);
    await expect(withTimeout(Promise.reject(new Error('no')), 10, scheduler)).rejects.toThrow('no');
    expect(scheduler.pending()).toEqual([]);
    const hanging = withTimeout(new Promise(() => undefined), 10, scheduler);
    await scheduler.advance(10);
    await expect(hanging).resolves.toBe(TIMED_OUT);
  });
});
