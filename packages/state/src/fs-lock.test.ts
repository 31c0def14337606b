import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StateError } from './errors.ts';
import { createExclusive, currentOwner, lockPathFor, readLockOwner, withFileLock } from './fs-lock.ts';
import type { LockOwner } from './fs-lock.ts';
import { processStartTime } from './process-info.ts';

const base = mkdtempSync(join(tmpdir(), 'oc-fslock-'));
let count = 0;
/** A fresh target file (holding "0") in its own directory. */
const target = () => {
  const dir = join(base, `t${++count}`);
  const file = join(dir, 'counter');
  return { dir, file };
};
afterAll(() => rmSync(base, { recursive: true, force: true }));

const children = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

function child(script: string, args: string[]) {
  const proc = spawn(process.execPath, ['--conditions=@openclaw/source', join(import.meta.dirname, '../test', script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(proc, 'exit').then(([code, signal]) => {
    children.delete(proc);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr };
  });
  /** Resolves once the child has printed `text`. */
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) resolve();
      };
      proc.stdout.on('data', check);
      check();
      void exited.then((result) => reject(new Error(`child exited before printing ${text}: ${result.stderr}`)));
    });
  return { proc, exited, printed };
}

/** A child holding the lock on `file`. */
async function holder(file: string) {
  const running = child('fs-lock-hold.ts', [file]);
  await running.printed('locked');
  return running;
}

async function rejection(promise: Promise<unknown>): Promise<StateError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StateError);
  return error as StateError;
}

const ensureDir = async (dir: string) => withFileLock(join(dir, 'init'), () => undefined);

describe('createExclusive', () => {
  it('creates the file complete with mode 0600, once, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(base, 'exclusive-'));
    const file = join(dir, 'lock');
    const previous = process.umask(0o022);
    try {
      expect(createExclusive(file, 'first')).toBe(true);
      expect(createExclusive(file, 'second')).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe('first');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['lock']);
    } finally {
      process.umask(previous);
    }
  });
});

describe('readLockOwner', () => {
  it('tells an absent, a torn and a valid lock apart', () => {
    const file = join(base, `owner${++count}`);
    expect(readLockOwner(file)).toBeUndefined();
    writeFileSync(file, '{"pid":');
    expect(readLockOwner(file)).toBeNull();
    writeFileSync(file, '');
    expect(readLockOwner(file)).toBeNull();
    const me = currentOwner();
    writeFileSync(file, JSON.stringify(me));
    expect(readLockOwner(file)).toEqual(me);
    expect(me).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid) });
  });
});

describe('withFileLock', () => {
  it('keeps N processes incrementing one counter from losing any update', async () => {
    const { dir, file } = target();
    await ensureDir(dir);
    writeFileSync(file, '0');
    const processes = 4;
    const times = 50;
    const runs = Array.from({ length: processes }, () => child('fs-lock-counter.ts', [file, String(times)]));
    for (const run of runs) {
      const { code, stdout, stderr } = await run.exited;
      expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'done\n', stderr: '' });
    }
    expect(Number(readFileSync(file, 'utf8'))).toBe(processes * times);
    expect(existsSync(lockPathFor(file))).toBe(false);
  });

  it('serialises concurrent callers in one process, in order', async () => {
    const { file } = target();
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withFileLock(file, async () => {
          inside++;
          most = Math.max(most, inside);
          await yieldToLoop();
          await new Promise((resolve) => setTimeout(resolve, 1));
          order.push(i);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(existsSync(lockPathFor(file))).toBe(false);
  });

  it('releases the lock when fn throws, and passes the error and the result through', async () => {
    const { file } = target();
    await expect(withFileLock(file, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lockPathFor(file))).toBe(false);
    await expect(withFileLock(file, () => 42)).resolves.toBe(42);
  });

  it('writes the lock with mode 0600, naming this process', async () => {
    const { file } = target();
    const previous = process.umask(0o022);
    try {
      await withFileLock(file, () => {
        const lock = lockPathFor(file);
        expect(statSync(lock).mode & 0o777).toBe(0o600);
        expect(readLockOwner(lock)).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid) });
      });
    } finally {
      process.umask(previous);
    }
  });

  it('takes over the lock of a SIGKILLed holder and reports it through onTakeover', async () => {
    const { file } = target();
    const held = await holder(file);
    const before = readLockOwner(lockPathFor(file));
    expect(before).toMatchObject({ pid: held.proc.pid });
    held.proc.kill('SIGKILL');
    await held.exited;
    const takeovers: LockOwner[] = [];
    await expect(withFileLock(file, () => 'ran', { onTakeover: (previous) => takeovers.push(previous) })).resolves.toBe('ran');
    expect(takeovers).toEqual([before]);
  });

  it('takes over a lock whose pid now belongs to another process (pid 1, another start time)', async () => {
    const { dir, file } = target();
    await ensureDir(dir);
    const stale: LockOwner = { pid: 1, startTime: processStartTime(1)! + 999, createdAt: new Date().toISOString() };
    writeFileSync(lockPathFor(file), JSON.stringify(stale));
    const takeovers: LockOwner[] = [];
    await withFileLock(file, () => undefined, { onTakeover: (previous) => takeovers.push(previous), timeoutMs: 2_000 });
    expect(takeovers).toEqual([stale]);
  });

  it('times out with LOCK_TIMEOUT naming a live holder, without running fn or touching its lock', async () => {
    const { file } = target();
    const held = await holder(file);
    const lock = readFileSync(lockPathFor(file), 'utf8');
    let ran = false;
    const started = Date.now();
    const error = await rejection(withFileLock(file, () => (ran = true), { timeoutMs: 300 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain(`held by pid ${held.proc.pid}`);
    expect(error.hint).toContain(`pid ${held.proc.pid}`);
    expect(error.file).toBe(lockPathFor(file));
    expect(ran).toBe(false);
    expect(readFileSync(lockPathFor(file), 'utf8')).toBe(lock);
    // Once the holder lets go, the lock is free.
    held.proc.stdin.end();
    expect((await held.exited).code).toBe(0);
    await expect(withFileLock(file, () => 'next', { timeoutMs: 2_000 })).resolves.toBe('next');
  });

  it('waits for a torn lock to age past staleMs, then takes it over', async () => {
    const { dir, file } = target();
    await ensureDir(dir);
    writeFileSync(lockPathFor(file), '{"pid":');
    await expect(rejection(withFileLock(file, () => undefined, { timeoutMs: 200, staleMs: 60_000 }))).resolves.toMatchObject({ code: 'LOCK_TIMEOUT' });
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(lockPathFor(file), old, old);
    await expect(withFileLock(file, () => 'ok', { timeoutMs: 2_000, staleMs: 60_000 })).resolves.toBe('ok');
  });

  it('clears a breaker left by a process that died while breaking a lock', async () => {
    const { dir, file } = target();
    await ensureDir(dir);
    const lock = lockPathFor(file);
    writeFileSync(lock, JSON.stringify({ pid: 1, startTime: processStartTime(1)! + 1, createdAt: new Date().toISOString() }));
    writeFileSync(`${lock}.break`, '999999');
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(`${lock}.break`, old, old);
    await expect(withFileLock(file, () => 'ok', { timeoutMs: 2_000 })).resolves.toBe('ok');
    expect(existsSync(`${lock}.break`)).toBe(false);
  });

  // Callers of one process wait for each other in an in-memory queue; `timeoutMs` covers
  // that wait too.
  it('a caller queued behind a slow in-process holder still times out after timeoutMs', async () => {
    const { file } = target();
    let finish!: () => void;
    const slow = withFileLock(file, () => new Promise<void>((resolve) => (finish = resolve)));
    await yieldToLoop();
    const started = Date.now();
    const second = withFileLock(file, () => 'ran', { timeoutMs: 200 }).then(
      () => 'ran',
      (error: unknown) => (error as StateError).code,
    );
    const outcome = await Promise.race([second, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_500))]);
    finish();
    await slow;
    await second;
    expect(outcome).toBe('LOCK_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  // A nested withFileLock on the same target could only wait for its own outer call.
  it('a nested withFileLock on the same target fails at once with LOCK_NESTED instead of hanging forever', async () => {
    const { file } = target();
    const nested = withFileLock(file, () => withFileLock(file, () => 'inner', { timeoutMs: 200 }), { timeoutMs: 200 }).then(
      () => 'ran',
      (error: unknown) => (error as StateError).code,
    );
    const outcome = await Promise.race([nested, new Promise((resolve) => setTimeout(() => resolve('hung'), 1_500))]);
    expect(outcome).toBe('LOCK_NESTED');
    // and the target is usable again afterwards
    expect(await withFileLock(file, () => 'after')).toBe('after');
  });
});
