import { AsyncLocalStorage } from 'node:async_hooks';
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir } from '@openclaw/config';
import { StateError } from './errors.ts';
import { ownerStatus, processStartTime } from './process-info.ts';

/** What a lock file records about its holder. */
export interface LockOwner {
  pid: number;
  /** Process start time from /proc, so a recycled PID is not taken for the owner. */
  startTime?: number | undefined;
  createdAt: string;
}

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up after this long (default 10 s) with a LOCK_TIMEOUT error naming the holder. */
  timeoutMs?: number;
  /** How often to retry while another process holds the lock (default 25 ms). */
  pollMs?: number;
  /** A lock file that cannot be read is stale after this long (default 30 s). */
  staleMs?: number;
  /** Called when a dead or recycled owner's lock is taken over. */
  onTakeover?: (previous: LockOwner) => void;
}

const DEFAULTS = { timeoutMs: 10_000, pollMs: 25, staleMs: 30_000 } as const;

/** The lock file that guards `target`. */
export function lockPathFor(target: string): string {
  return `${target}.lock`;
}

/** This process, as a lock owner. */
export function currentOwner(): LockOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid), createdAt: new Date().toISOString() };
}

/**
 * Creates `path` exclusively with `content`, complete or not at all: the content goes to a
 * temporary file first and is hard-linked into place, which fails if `path` exists.
 * Returns false when `path` already exists.
 */
export function createExclusive(path: string, content: string): boolean {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

/** Reads a lock file: the owner, `null` if it is unreadable or torn, undefined if absent. */
export function readLockOwner(path: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Removes `lock` if it is stale, judged again under a short "breaker" lock so that two
 * processes that both saw the same stale lock cannot end up deleting each other's fresh one.
 */
function breakIfStale(lock: string, staleMs: number): LockOwner | null | 'live' {
  const breaker = `${lock}.break`;
  if (!createExclusive(breaker, String(process.pid))) {
    if (ageMs(breaker) > 5_000) unlinkIfPresent(breaker); // its holder died mid-break
    return 'live';
  }
  try {
    const owner = readLockOwner(lock);
    if (owner === undefined) return 'live'; // released meanwhile: just retry
    const stale = owner === null ? ageMs(lock) > staleMs : ownerStatus(owner.pid, owner.startTime) !== 'alive';
    if (!stale) return 'live';
    unlinkIfPresent(lock);
    return owner;
  } finally {
    unlinkIfPresent(breaker);
  }
}

// Callers inside one process queue here instead of polling the file against each other.
// Each entry is the promise that settles when the last queued caller is done.
const queues = new Map<string, Promise<void>>();
// The locks the current async call chain holds, to refuse a nested call that could only deadlock.
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();

function timeoutError(lock: string, timeoutMs: number): StateError {
  const holder = readLockOwner(lock);
  const who = holder ? ` (held by pid ${holder.pid}${holder.pid === process.pid ? ', this process' : ''} since ${holder.createdAt})` : '';
  return new StateError('LOCK_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${lock}${who}`, {
    file: lock,
    hint: holder ? `if pid ${holder.pid} is stuck, stop it; the lock is released when it exits` : `remove ${lock} if no openclaw process is running`,
  });
}

/** Resolves true when `promise` settles before `deadline`, false otherwise (the timer never outlives it). */
async function beforeDeadline(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `fn` while holding an exclusive lock on `target`, across processes: a lock file
 * `<target>.lock` holding the owner's pid and start time. A lock whose owner died (or
 * whose PID now belongs to another process) is taken over and reported through
 * `onTakeover`. Waits up to `timeoutMs` in all (queued behind callers of this process
 * included), then fails with LOCK_TIMEOUT naming the holder. Calling it again for the
 * same target from inside `fn` fails at once with LOCK_NESTED instead of deadlocking.
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T> | T, options: FileLockOptions = {}): Promise<T> {
  const lock = lockPathFor(target);
  const held = heldHere.getStore();
  if (held?.has(lock)) {
    throw new StateError('LOCK_NESTED', `${lock} is already held by this call chain; a nested lock on it would wait forever`, {
      file: lock,
      hint: 'this is a bug in openclaw; please report it',
    });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const deadline = Date.now() + timeoutMs;
  const previous = queues.get(lock) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = previous.then(() => mine);
  queues.set(lock, tail);
  try {
    if (!(await beforeDeadline(previous, deadline))) throw timeoutError(lock, timeoutMs);
    return await heldHere.run(new Set([...(held ?? []), lock]), () => holdWhile(lock, fn, deadline, timeoutMs, options));
  } finally {
    done();
    if (queues.get(lock) === tail) queues.delete(lock);
  }
}

async function holdWhile<T>(lock: string, fn: () => Promise<T> | T, deadline: number, timeoutMs: number, options: FileLockOptions): Promise<T> {
  const { pollMs, staleMs } = { ...DEFAULTS, ...options };
  ensurePrivateDir(dirname(lock));
  const me = JSON.stringify(currentOwner());
  while (!createExclusive(lock, me)) {
    const broken = breakIfStale(lock, staleMs);
    if (broken !== 'live') {
      if (broken) options.onTakeover?.(broken);
      continue;
    }
    if (Date.now() >= deadline) throw timeoutError(lock, timeoutMs);
    await sleep(pollMs);
  }
  try {
    return await fn();
  } finally {
    releaseIfOurs(lock, me);
  }
}

/** Removes the lock only if it still holds what we wrote (a takeover may have replaced it). */
function releaseIfOurs(lock: string, content: string): void {
  try {
    if (readFileSync(lock, 'utf8') === content) unlinkSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
