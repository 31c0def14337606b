import { describe, expect, it } from 'vitest';
import { AuthRateLimiter } from './rate-limit.ts';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

const IP = '203.0.113.5';

describe('AuthRateLimiter', () => {
  it('locks a client out for 5 minutes after 10 failures within a minute', () => {
    const time = clock();
    const limiter = new AuthRateLimiter({}, { clock: time.now });
    expect(limiter.check(IP)).toEqual({ allowed: true, remaining: 10, retryAfterMs: 0 });
    for (let attempt = 1; attempt <= 9; attempt++) {
      time.state.now += 1_000;
      expect(limiter.recordFailure(IP)).toEqual({ allowed: true, remaining: 10 - attempt, retryAfterMs: 0 });
    }
    time.state.now += 1_000;
    expect(limiter.recordFailure(IP)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 300_000 });
    expect(limiter.check(IP).allowed).toBe(false);
  });

  it('retryAfterMs counts down with the clock and the lockout ends after 5 minutes', () => {
    const time = clock();
    const limiter = new AuthRateLimiter({}, { clock: time.now });
    for (let attempt = 0; attempt < 10; attempt++) limiter.recordFailure(IP);
    time.state.now += 60_000;
    expect(limiter.check(IP)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 240_000 });
    time.state.now += 239_999;
    expect(limiter.check(IP).retryAfterMs).toBe(1);
    // Failures during a lockout neither extend it nor count afterwards.
    expect(limiter.recordFailure(IP).retryAfterMs).toBe(1);
    time.state.now += 1;
    expect(limiter.check(IP)).toEqual({ allowed: true, remaining: 10, retryAfterMs: 0 });
  });

  it('forgets failures older than the window (sliding)', () => {
    const time = clock();
    const limiter = new AuthRateLimiter({}, { clock: time.now });
    for (let attempt = 0; attempt < 9; attempt++) limiter.recordFailure(IP);
    time.state.now += 60_001;
    expect(limiter.check(IP).remaining).toBe(10);
    expect(limiter.recordFailure(IP)).toEqual({ allowed: true, remaining: 9, retryAfterMs: 0 });
  });

  it('success clears the failures', () => {
    const limiter = new AuthRateLimiter({ maxAttempts: 3 }, { clock: clock().now });
    limiter.recordFailure(IP);
    limiter.recordFailure(IP);
    limiter.recordSuccess(IP);
    expect(limiter.check(IP).remaining).toBe(3);
    expect(limiter.size).toBe(0);
  });

  it('keeps scopes and clients apart, IPv4-mapped spellings together, IPv6 per /64', () => {
    const limiter = new AuthRateLimiter({ maxAttempts: 2 }, { clock: clock().now });
    limiter.recordFailure('::ffff:203.0.113.5', 'shared-secret');
    limiter.recordFailure(IP, 'shared-secret');
    expect(limiter.check(IP, 'shared-secret').allowed).toBe(false);
    expect(limiter.check(IP).allowed).toBe(true);
    expect(limiter.check('203.0.113.6', 'shared-secret').allowed).toBe(true);
    limiter.recordFailure('2001:db8:0:1::a');
    limiter.recordFailure('2001:db8:0:1::b');
    expect(limiter.check('2001:db8:0:1::c').allowed).toBe(false);
    expect(limiter.check('2001:db8:0:2::c').allowed).toBe(true);
  });

  it('does not exempt loopback unless asked to', () => {
    const strict = new AuthRateLimiter({ maxAttempts: 1 }, { clock: clock().now });
    strict.recordFailure('127.0.0.1');
    expect(strict.check('127.0.0.1').allowed).toBe(false);
    const lenient = new AuthRateLimiter({ maxAttempts: 1, exemptLoopback: true }, { clock: clock().now });
    lenient.recordFailure('::1');
    expect(lenient.check('::1').allowed).toBe(true);
    expect(lenient.size).toBe(0);
  });

  it('prunes idle entries so memory stays bounded', () => {
    const time = clock();
    const limiter = new AuthRateLimiter({ maxEntries: 100 }, { clock: time.now });
    for (let index = 0; index < 50; index++) limiter.recordFailure(`198.51.100.${index}`);
    expect(limiter.size).toBe(50);
    time.state.now += 61_000;
    limiter.recordFailure('203.0.113.200');
    expect(limiter.size).toBe(1);
  });

  it('never holds more than maxEntries, evicting unlocked clients before locked ones', () => {
    const time = clock();
    const limiter = new AuthRateLimiter({ maxAttempts: 2, maxEntries: 10 }, { clock: time.now });
    limiter.recordFailure('192.0.2.1');
    limiter.recordFailure('192.0.2.1');
    for (let index = 0; index < 1_000; index++) {
      limiter.recordFailure(`10.0.${index >> 8}.${index & 255}`);
      expect(limiter.size).toBeLessThanOrEqual(10);
    }
    expect(limiter.check('192.0.2.1').allowed).toBe(false);
    expect(limiter.check('10.0.3.231').remaining).toBe(1);
  });
});
