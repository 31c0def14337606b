import { clientKey, isLoopbackAddress } from './ip.ts';

/** Options of {@link AuthRateLimiter}; the first three mirror `gateway.auth.rateLimit`. */
export interface RateLimitOptions {
  /** Failures allowed inside `windowMs`; the next one locks the client out. Default 10. */
  maxAttempts?: number;
  /** Sliding window that counts failures. Default 60 000 ms. */
  windowMs?: number;
  /** How long a locked-out client is refused. Default 300 000 ms. */
  lockoutMs?: number;
  /** Bound on tracked clients, so a flood of source addresses cannot exhaust memory. Default 10 000. */
  maxEntries?: number;
  /**
   * Never limit loopback clients. Off by default, unlike the original: an SSH tunnel
   * (`ssh -L 18789:127.0.0.1:18789`) or any local process reaches the gateway from
   * loopback too, so exempting loopback exempts exactly the attacker who got a foothold.
   */
  exemptLoopback?: boolean;
}

/** Injected time source, in milliseconds. */
export interface RateLimitDeps {
  clock?: () => number;
}

/** Verdict of {@link AuthRateLimiter.check}. */
export interface RateLimitResult {
  allowed: boolean;
  /** Failures still allowed before a lockout. */
  remaining: number;
  /** 0 when allowed; otherwise how long until the lockout ends (send as `retryAfterMs`). */
  retryAfterMs: number;
}

interface Entry {
  /** Failure times inside the window, oldest first (at most maxAttempts). */
  failures: number[];
  lockedUntil: number;
}

/** How often expired entries are swept on writes. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * In-memory brute-force limiter for shared-secret checks: after `maxAttempts` failures
 * within `windowMs` a client is locked out for `lockoutMs`. Clients are keyed by
 * `scope` plus their IPv4 address or IPv6 /64 (see {@link clientKey}). Memory is bounded
 * by `maxEntries`: expired entries are swept at most once a minute, and when the table is
 * still full the oldest unlocked entries (then the oldest locked ones) are evicted.
 *
 * State is per process: a restart forgives everyone, which is acceptable because the
 * lockout only needs to make online guessing of a 256-bit token hopeless, not impossible.
 */
export class AuthRateLimiter {
  readonly maxAttempts: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  readonly maxEntries: number;
  readonly exemptLoopback: boolean;
  private readonly clock: () => number;
  private readonly entries = new Map<string, Entry>();
  private lastPrune: number;

  constructor(options: RateLimitOptions = {}, deps: RateLimitDeps = {}) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.lockoutMs = options.lockoutMs ?? 300_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.exemptLoopback = options.exemptLoopback ?? false;
    this.clock = deps.clock ?? Date.now;
    this.lastPrune = this.clock();
  }

  /** Number of clients currently tracked. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether `address` may attempt authentication now. Does not count as an attempt. */
  check(address: string, scope = 'default'): RateLimitResult {
    if (this.isExempt(address)) return { allowed: true, remaining: this.maxAttempts, retryAfterMs: 0 };
    const entry = this.entries.get(this.key(address, scope));
    return entry ? this.verdict(entry, this.clock()) : { allowed: true, remaining: this.maxAttempts, retryAfterMs: 0 };
  }

  /** Counts a failed attempt; returns the verdict after it (locked once the limit is hit). */
  recordFailure(address: string, scope = 'default'): RateLimitResult {
    if (this.isExempt(address)) return { allowed: true, remaining: this.maxAttempts, retryAfterMs: 0 };
    const now = this.clock();
    this.maybePrune(now);
    const key = this.key(address, scope);
    const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    // Re-insert so Map order is least-recently-failed first, which eviction relies on.
    this.entries.delete(key);
    if (entry.lockedUntil <= now) {
      entry.failures = entry.failures.filter((time) => time > now - this.windowMs);
      entry.failures.push(now);
      if (entry.failures.length >= this.maxAttempts) {
        entry.lockedUntil = now + this.lockoutMs;
        entry.failures = [];
      }
    }
    this.entries.set(key, entry);
    this.evictOverflow(now, key);
    return this.verdict(entry, now);
  }

  /** A successful authentication clears the client's failures. */
  recordSuccess(address: string, scope = 'default'): void {
    this.entries.delete(this.key(address, scope));
  }

  /** Drops entries with no failure inside the window and no running lockout. */
  prune(now: number = this.clock()): void {
    this.lastPrune = now;
    for (const [key, entry] of this.entries) {
      if (this.isIdle(entry, now)) this.entries.delete(key);
    }
  }

  private key(address: string, scope: string): string {
    return `${scope}|${clientKey(address)}`;
  }

  private isExempt(address: string): boolean {
    return this.exemptLoopback && isLoopbackAddress(address);
  }

  private isIdle(entry: Entry, now: number): boolean {
    const lastFailure = entry.failures[entry.failures.length - 1];
    return entry.lockedUntil <= now && (lastFailure === undefined || lastFailure <= now - this.windowMs);
  }

  private verdict(entry: Entry, now: number): RateLimitResult {
    if (entry.lockedUntil > now) return { allowed: false, remaining: 0, retryAfterMs: entry.lockedUntil - now };
    const recent = entry.failures.filter((time) => time > now - this.windowMs).length;
    return { allowed: true, remaining: Math.max(0, this.maxAttempts - recent), retryAfterMs: 0 };
  }

  private maybePrune(now: number): void {
    if (now - this.lastPrune >= PRUNE_INTERVAL_MS || this.entries.size >= this.maxEntries) this.prune(now);
  }

  /** Evicts oldest unlocked entries, then oldest locked ones, never the one just written. */
  private evictOverflow(now: number, keep: string): void {
    for (const lockedToo of [false, true]) {
      for (const [key, entry] of this.entries) {
        if (this.entries.size <= this.maxEntries) return;
        if (key !== keep && (lockedToo || entry.lockedUntil <= now)) this.entries.delete(key);
      }
    }
  }
}
