import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { ConfigError } from './errors.ts';
import { isAlive } from './write.ts';

/** Options of {@link withConfigLock}. */
export interface ConfigLockOptions {
  /** Give up after this long (default 5 s): config edits hold the lock for milliseconds. */
  timeoutMs?: number;
  /** A lock whose owner cannot be judged (torn or unreadable) is stale after this long (default 10 s). */
  staleMs?: number;
}

const DEFAULTS = Object.freeze({ timeoutMs: 5_000, staleMs: 10_000 });
const pause = new Int32Array(new SharedArrayBuffer(4));

/** The owner pid of a lock file, `null` if torn/unreadable, undefined if it is gone. */
function lockOwner(lock: string): number | null | undefined {
  try {
    const pid = (JSON.parse(readFileSync(lock, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Runs a read-modify-write of the config file while holding `<file>.lock`, so that two
 * writers (`openclaw config set` in a shell, `config.patch` from the dashboard, `doctor
 * --fix`) never lose each other's edit. Synchronous on purpose: the edits it guards are
 * synchronous and take milliseconds. A lock left by a dead process is taken over.
 */
export function withConfigLock<T>(file: string, fn: () => T, options: ConfigLockOptions = {}): T {
  const { timeoutMs, staleMs } = { ...DEFAULTS, ...options };
  const lock = `${file}.lock`;
  const mine = JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') break; // no directory yet: nobody else can be writing this file
      if (code !== 'EEXIST') throw new ConfigError('CONFIG_WRITE', `cannot lock ${file}: ${(error as Error).message}`, { file, cause: error });
    }
    const owner = lockOwner(lock);
    const stale = owner === null ? ageMs(lock) > staleMs : owner !== undefined && owner !== process.pid && !isAlive(owner);
    if (stale) {
      try {
        unlinkSync(lock);
      } catch {
        // Another writer removed it first.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new ConfigError('CONFIG_WRITE', `${file} is being changed by another process${owner ? ` (pid ${owner})` : ''}; nothing was written`, {
        file,
        hint: `try again; if no openclaw process is running, remove ${lock}`,
      });
    }
    Atomics.wait(pause, 0, 0, 10);
  }
  try {
    return fn();
  } finally {
    try {
      if (readFileSync(lock, 'utf8') === mine) unlinkSync(lock);
    } catch {
      // Not created (no directory yet) or already gone.
    }
  }
}
