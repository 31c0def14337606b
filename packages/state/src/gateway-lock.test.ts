import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StateError } from './errors.ts';
import { GATEWAY_LOCK_DEFAULTS, acquireGatewayLock, gatewayLockPath, readGatewayLock } from './gateway-lock.ts';
import type { GatewayLockHandle, GatewayLockInfo } from './gateway-lock.ts';
import { processStartTime } from './process-info.ts';

const base = mkdtempSync(join(tmpdir(), 'oc-gwlock-'));
let dirCount = 0;
const stateDir = () => join(base, `state-${++dirCount}`);
const request = (dir: string, port = 18789) => ({ stateDir: dir, port, configPath: join(dir, 'openclaw.json'), version: '0.0.0-test' });
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

afterAll(() => rmSync(base, { recursive: true, force: true }));

// Handles acquired in-process are released after each test, so a failing test leaves no hooks behind.
const held: GatewayLockHandle[] = [];
async function acquire(...args: Parameters<typeof acquireGatewayLock>): Promise<GatewayLockHandle> {
  const handle = await acquireGatewayLock(...args);
  held.push(handle);
  return handle;
}
const children = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const handle of held.splice(0)) handle.release();
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

interface Child {
  child: ChildProcessWithoutNullStreams;
  /** The next JSON line the child prints. */
  next(): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--conditions=@openclaw/source', join(import.meta.dirname, '../test', script), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    children.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stderr };
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(JSON.parse(line) as Record<string, unknown>);
      waiting.push((text) => resolve(JSON.parse(text) as Record<string, unknown>));
      void exited.then(({ code, signal, stderr: err }) => reject(new Error(`child exited (${code ?? signal}) before printing: ${err}`)));
    });
  return { child, next, exited };
}

/** A child holding the lock of `dir`; resolves once it has it. */
async function holdingChild(dir: string, port: number, ...flags: string[]): Promise<Child & { info: GatewayLockInfo }> {
  const child = startChild('gateway-lock-hold.ts', [dir, String(port), ...flags]);
  const line = await child.next();
  expect(line.event).toBe('acquired');
  return { ...child, info: line.info as GatewayLockInfo };
}

/** A pid that surely does not run: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid!;
}

function writeLock(dir: string, content: string, ageMs = 0): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = gatewayLockPath(dir);
  writeFileSync(file, content, { mode: 0o600 });
  if (ageMs > 0) {
    const then = (Date.now() - ageMs) / 1000;
    utimesSync(file, then, then);
  }
  return file;
}

const lockJson = (fields: Partial<GatewayLockInfo> & { pid: number }) =>
  JSON.stringify({ port: 4242, configPath: '/c/openclaw.json', version: 'old', createdAt: new Date().toISOString(), ...fields });

const readLock = (dir: string) => JSON.parse(readFileSync(gatewayLockPath(dir), 'utf8')) as GatewayLockInfo;

async function rejection(promise: Promise<unknown>): Promise<StateError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StateError);
  return error as StateError;
}

describe('acquireGatewayLock', () => {
  it('writes <stateDir>/gateway.lock with mode 0600 under umask 022, recording who holds it', async () => {
    const dir = stateDir();
    const previous = process.umask(0o022);
    try {
      const lock = await acquire(request(dir));
      expect(lock.file).toBe(join(dir, 'gateway.lock'));
      expect(statSync(lock.file).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(lock.tookOverFrom).toBeUndefined();
      const info = readLock(dir);
      expect(info).toEqual(lock.info);
      expect(info).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid), bootId, port: 18789, configPath: join(dir, 'openclaw.json'), version: '0.0.0-test' });
      expect(Date.parse(info.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      // Nothing else is left behind: no claim, no temporary file.
      expect(readFileSync(lock.file, 'utf8').endsWith('\n')).toBe(true);
      expect(existsSync(`${lock.file}.break`)).toBe(false);
    } finally {
      process.umask(previous);
    }
  });

  it('has frozen defaults: exit hook on, signal handling off', () => {
    expect(Object.isFrozen(GATEWAY_LOCK_DEFAULTS)).toBe(true);
    expect(GATEWAY_LOCK_DEFAULTS).toMatchObject({ releaseOnExit: true, handleSignals: false, waitMs: 0 });
  });

  it('refuses while another live gateway holds the lock, naming its pid and port', async () => {
    const dir = stateDir();
    const owner = await holdingChild(dir, 18790);
    const error = await rejection(acquireGatewayLock(request(dir)));
    expect(error.code).toBe('GATEWAY_RUNNING');
    expect(error.message).toBe(`gateway already running (pid ${owner.child.pid}, port 18790) for ${dir}`);
    expect(error.hint).toContain(`kill ${owner.child.pid}`);
    expect(error.file).toBe(gatewayLockPath(dir));
    // The refusal changed nothing.
    expect(readLock(dir)).toEqual(owner.info);
  });

  it('tells to use `openclaw gateway stop` when the running gateway is a service', async () => {
    const dir = stateDir();
    const service = await acquire({ ...request(dir), service: 'openclaw-gateway.service' });
    const error = await rejection(acquireGatewayLock(request(dir, 1)));
    expect(error.message).toBe(`gateway already running (pid ${process.pid}, port 18789) for ${dir}`);
    expect(error.hint).toContain('openclaw gateway stop');
    expect(error.hint).toContain('openclaw-gateway.service');
    service.release();
  });

  it('refuses a second acquisition in the same process', async () => {
    const dir = stateDir();
    await acquire(request(dir));
    expect((await rejection(acquireGatewayLock(request(dir)))).code).toBe('GATEWAY_RUNNING');
  });

  it('takes over the lock of a gateway that was SIGKILLed, and reports it as dead', async () => {
    const dir = stateDir();
    const owner = await holdingChild(dir, 18791);
    owner.child.kill('SIGKILL');
    expect((await owner.exited).signal).toBe('SIGKILL');
    expect(readGatewayLock(dir)).toEqual({ state: 'stale', file: gatewayLockPath(dir), info: owner.info, reason: 'dead' });
    const lock = await acquire(request(dir));
    expect(lock.tookOverFrom).toEqual({ ...owner.info, reason: 'dead' });
    expect(readLock(dir)).toEqual(lock.info);
  });

  it('waits up to waitMs for a live owner to exit', async () => {
    const dir = stateDir();
    const owner = await holdingChild(dir, 18792);
    setTimeout(() => owner.child.stdin.end(), 300);
    const started = Date.now();
    const lock = await acquire(request(dir), { waitMs: 20_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // It released the lock on its way out, so there was nothing to take over.
    expect(lock.tookOverFrom).toBeUndefined();
  });

  it('takes over a lock whose pid now belongs to an unrelated process (pid 1, another start time)', async () => {
    const dir = stateDir();
    const startOfInit = processStartTime(1);
    expect(startOfInit).toBeTypeOf('number');
    writeLock(dir, lockJson({ pid: 1, startTime: startOfInit! + 12345, bootId }));
    expect(readGatewayLock(dir)).toMatchObject({ state: 'stale', reason: 'recycled', info: { pid: 1, port: 4242 } });
    const lock = await acquire(request(dir));
    expect(lock.tookOverFrom).toMatchObject({ reason: 'recycled', pid: 1, startTime: startOfInit! + 12345, port: 4242, version: 'old' });
  });

  it('takes over a lock naming this very pid with another start time (a restarted container reuses pids)', async () => {
    const dir = stateDir();
    writeLock(dir, lockJson({ pid: process.pid, startTime: processStartTime(process.pid)! - 1 }));
    const lock = await acquire(request(dir));
    expect(lock.tookOverFrom).toMatchObject({ reason: 'recycled', pid: process.pid });
  });

  it('treats a lock from an earlier boot as dead even if its pid and start time match a live process', async () => {
    const dir = stateDir();
    writeLock(dir, lockJson({ pid: process.ppid, startTime: processStartTime(process.ppid), bootId: '00000000-0000-0000-0000-000000000000' }));
    expect(readGatewayLock(dir)).toMatchObject({ state: 'stale', reason: 'dead' });
    expect((await acquire(request(dir))).tookOverFrom).toMatchObject({ reason: 'dead', pid: process.ppid });
  });

  it('takes over the lock of a gateway that exited but was never reaped (a zombie)', async () => {
    // `sleep 0` becomes a child of `sleep 30`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
      const zombie = Number(chunk.toString().trim());
      const state = () => readFileSync(`/proc/${zombie}/stat`, 'utf8').split(') ')[1]!.charAt(0);
      while (state() !== 'Z') await new Promise((resolve) => setTimeout(resolve, 10));
      const dir = stateDir();
      writeLock(dir, lockJson({ pid: zombie, startTime: processStartTime(zombie), bootId }));
      expect(readGatewayLock(dir)).toMatchObject({ state: 'stale', reason: 'dead', info: { pid: zombie } });
      expect((await acquire(request(dir))).tookOverFrom).toMatchObject({ reason: 'dead', pid: zombie });
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('judges a lock without start time or boot id (another version or OS) by its pid alone', async () => {
    const dir = stateDir();
    writeLock(dir, lockJson({ pid: process.ppid }));
    expect(readGatewayLock(dir)).toMatchObject({ state: 'held', info: { pid: process.ppid, port: 4242 } });
    expect((await rejection(acquireGatewayLock(request(dir)))).message).toContain(`pid ${process.ppid}, port 4242`);
    writeLock(dir, JSON.stringify({ pid: await deadPid() }));
    expect((await acquire(request(dir))).tookOverFrom).toMatchObject({ reason: 'dead' });
  });

  describe('damaged lock files', () => {
    const damaged = ['', '{"pid":', 'not json', 'null', '{"port":18789}', '{"pid":"123"}', '{"pid":-5}', '\u0000\u0000\u0000'];

    it.each(damaged.map((content) => [JSON.stringify(content), content]))('replaces %s once it is older than unreadableStaleMs', async (_name, content) => {
      const dir = stateDir();
      writeLock(dir, content, 10_000);
      expect(readGatewayLock(dir)).toEqual({ state: 'stale', file: gatewayLockPath(dir), info: undefined, reason: 'unreadable' });
      const lock = await acquire(request(dir));
      expect(lock.tookOverFrom).toMatchObject({ reason: 'unreadable' });
      expect(lock.tookOverFrom!.reason === 'unreadable' && lock.tookOverFrom!.ageMs).toBeGreaterThanOrEqual(9_000);
      expect(readLock(dir)).toEqual(lock.info);
    });

    it('waits for a young damaged file to age (or be completed) instead of refusing', async () => {
      const dir = stateDir();
      const file = writeLock(dir, '');
      // Just written, its mtime can be a little ahead of Date.now() (sub-millisecond precision,
      // clocks of a network file system): still young.
      const justAhead = (Date.now() + 50) / 1000;
      utimesSync(file, justAhead, justAhead);
      const started = Date.now();
      const lock = await acquire(request(dir), { unreadableStaleMs: 400, pollMs: 10 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(lock.tookOverFrom).toMatchObject({ reason: 'unreadable' });
    });

    it('judges a young file normally once its writer completes it', async () => {
      const dir = stateDir();
      const file = writeLock(dir, '{"pid":');
      setTimeout(() => writeFileSync(file, lockJson({ pid: process.ppid })), 150);
      const error = await rejection(acquireGatewayLock(request(dir), { unreadableStaleMs: 5_000, pollMs: 10 }));
      expect(error.message).toContain(`pid ${process.ppid}`);
    });

    it('replaces a damaged file whose mtime is far in the future (clock stepped back) at once', async () => {
      const dir = stateDir();
      const file = writeLock(dir, 'garbage');
      const future = Date.now() / 1000 + 3600;
      utimesSync(file, future, future);
      const started = Date.now();
      expect((await acquire(request(dir))).tookOverFrom).toMatchObject({ reason: 'unreadable' });
      expect(Date.now() - started).toBeLessThan(GATEWAY_LOCK_DEFAULTS.unreadableStaleMs);
    });
  });

  it('clears a takeover claim left by a process that died mid-takeover', async () => {
    const dir = stateDir();
    const dead = await deadPid();
    writeLock(dir, lockJson({ pid: dead }));
    writeFileSync(`${gatewayLockPath(dir)}.break`, JSON.stringify({ pid: dead, createdAt: new Date().toISOString() }));
    const lock = await acquire(request(dir));
    expect(lock.tookOverFrom).toMatchObject({ reason: 'dead', pid: dead });
    expect(existsSync(`${gatewayLockPath(dir)}.break`)).toBe(false);
    expect(existsSync(`${gatewayLockPath(dir)}.break.break`)).toBe(false);
  });

  it('gives up with GATEWAY_RUNNING naming the pid while a live process holds the takeover claim', async () => {
    const dir = stateDir();
    writeLock(dir, lockJson({ pid: await deadPid() }));
    const claim = `${gatewayLockPath(dir)}.break`;
    writeFileSync(claim, JSON.stringify({ pid: process.ppid, createdAt: new Date().toISOString() }));
    const error = await rejection(acquireGatewayLock(request(dir), { claimTimeoutMs: 200, pollMs: 10 }));
    expect(error.code).toBe('GATEWAY_RUNNING');
    expect(error.message).toContain(`pid ${process.ppid}`);
    // Neither the live claim nor the stale lock was touched.
    expect(existsSync(claim)).toBe(true);
    expect(readGatewayLock(dir)).toMatchObject({ state: 'stale', reason: 'dead' });
  });

  it('reports I/O failures as STATE_IO naming the path, with a hint', async () => {
    const file = join(base, `not-a-dir-${++dirCount}`);
    writeFileSync(file, '');
    const error = await rejection(acquireGatewayLock(request(join(file, 'state'))));
    expect(error.code).toBe('STATE_IO');
    expect(error.message).toContain(join(file, 'state'));
    expect(error.hint).toBeTruthy();

    const dir = stateDir();
    mkdirSync(gatewayLockPath(dir), { recursive: true });
    const isDir = await rejection(acquireGatewayLock(request(dir)));
    expect(isDir).toMatchObject({ code: 'STATE_IO', file: gatewayLockPath(dir) });
    expect(isDir.hint).toContain(gatewayLockPath(dir));
    expect(() => readGatewayLock(dir)).toThrow(StateError);
  });
});

describe('release', () => {
  it('removes the lock and its hooks, is idempotent, and works with `using`', async () => {
    const dir = stateDir();
    const before = { exit: process.listenerCount('exit'), term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
    const lock = await acquireGatewayLock(request(dir), { handleSignals: true });
    expect(process.listenerCount('exit')).toBe(before.exit + 1);
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    lock.release();
    expect(lock.released).toBe(true);
    expect(existsSync(lock.file)).toBe(false);
    expect({ exit: process.listenerCount('exit'), term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }).toEqual(before);
    lock.release();

    {
      using scoped = await acquireGatewayLock(request(dir), { releaseOnExit: false });
      expect(readGatewayLock(dir)).toEqual({ state: 'held', file: scoped.file, info: scoped.info });
      expect(process.listenerCount('exit')).toBe(before.exit);
    }
    expect(readGatewayLock(dir)).toEqual({ state: 'none', file: gatewayLockPath(dir) });
  });

  it('never removes a lock that another process holds now', async () => {
    const dir = stateDir();
    const lock = await acquireGatewayLock(request(dir));
    // Someone removed our file by hand and another gateway started.
    rmSync(lock.file);
    const other = await holdingChild(dir, 18793);
    lock.release();
    expect(readLock(dir)).toEqual(other.info);
    expect(readGatewayLock(dir)).toMatchObject({ state: 'held', info: { pid: other.child.pid } });
  });

  it('never removes a later lock of this same process', async () => {
    const dir = stateDir();
    const first = await acquireGatewayLock(request(dir));
    rmSync(first.file);
    await new Promise((resolve) => setTimeout(resolve, 5)); // another createdAt
    const second = await acquire(request(dir, 9999));
    first.release();
    expect(readLock(dir)).toEqual(second.info);
  });

  it('happens when the process exits normally', async () => {
    const dir = stateDir();
    const child = startChild('gateway-lock-hold.ts', [dir, '18794', '--exit']);
    expect((await child.next()).event).toBe('acquired');
    expect(await child.exited).toMatchObject({ code: 0, signal: null });
    expect(existsSync(gatewayLockPath(dir))).toBe(false);
  });

  it('is skipped on exit with releaseOnExit: false; the next start then takes the dead lock over', async () => {
    const dir = stateDir();
    const child = startChild('gateway-lock-hold.ts', [dir, '18795', '--exit', '--no-exit-hook']);
    const line = await child.next();
    expect((await child.exited).code).toBe(0);
    expect(readGatewayLock(dir)).toMatchObject({ state: 'stale', reason: 'dead', info: line.info });
    expect((await acquire(request(dir))).tookOverFrom).toMatchObject({ reason: 'dead', pid: child.child.pid });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('happens on %s with handleSignals, and the process still dies by that signal', async (signal) => {
    const dir = stateDir();
    const owner = await holdingChild(dir, 18796, '--signals');
    owner.child.kill(signal);
    const { code, signal: died } = await owner.exited;
    expect({ code, died }).toEqual({ code: null, died: signal });
    expect(existsSync(gatewayLockPath(dir))).toBe(false);
  });

  it('on a signal the host itself handles, releases but leaves the ending to the host', async () => {
    const dir = stateDir();
    const owner = await holdingChild(dir, 18797, '--signals', '--host-listener');
    owner.child.kill('SIGTERM');
    expect(await owner.next()).toEqual({ event: 'host-sigterm' });
    expect(await owner.exited).toMatchObject({ code: 0, signal: null });
    expect(existsSync(gatewayLockPath(dir))).toBe(false);
  });

  it('does not touch signals unless asked: SIGTERM kills without releasing, and the lock is taken over as dead', async () => {
    const dir = stateDir();
    const owner = await holdingChild(dir, 18798);
    owner.child.kill('SIGTERM');
    expect((await owner.exited).signal).toBe('SIGTERM');
    expect((await acquire(request(dir))).tookOverFrom).toMatchObject({ reason: 'dead', pid: owner.child.pid });
  });
});

describe('readGatewayLock', () => {
  it('reports none, held, and stale without changing anything', async () => {
    const dir = stateDir();
    const file = gatewayLockPath(dir);
    expect(readGatewayLock(dir)).toEqual({ state: 'none', file });
    expect(existsSync(dir)).toBe(false);

    const lock = await acquire(request(dir));
    expect(readGatewayLock(dir)).toEqual({ state: 'held', file, info: lock.info });
    lock.release();

    const dead = await deadPid();
    const stale = lockJson({ pid: dead, startTime: 1, bootId });
    writeLock(dir, stale, 60_000);
    const { mtimeMs } = statSync(file);
    expect(readGatewayLock(dir)).toEqual({ state: 'stale', file, info: JSON.parse(stale) as GatewayLockInfo, reason: 'dead' });
    expect(readFileSync(file, 'utf8')).toBe(stale);
    expect(statSync(file).mtimeMs).toBe(mtimeMs);

    // A young damaged file is reported stale too: a gateway never leaves one half-written.
    writeLock(dir, '{');
    expect(readGatewayLock(dir)).toEqual({ state: 'stale', file, info: undefined, reason: 'unreadable' });
    expect(readFileSync(file, 'utf8')).toBe('{');
  });

  it('reports only well-typed fields of a foreign lock', () => {
    const dir = stateDir();
    writeLock(dir, JSON.stringify({ pid: process.ppid, port: 'eighty', configPath: 7, extra: true, version: '1.2.3' }));
    expect(readGatewayLock(dir)).toEqual({ state: 'held', file: gatewayLockPath(dir), info: { pid: process.ppid, version: '1.2.3' } });
  });
});

describe('takeover race', () => {
  // Three processes meet at a barrier and take the same stale lock at the same moment,
  // round after round. In every round exactly one may win; the others must be told
  // GATEWAY_RUNNING (never some I/O error from tripping over each other's files).
  it('lets exactly one of three racing processes take a stale lock, every round', async () => {
    const raceDir = join(base, `race-${++dirCount}`);
    const rounds = 150;
    const count = 3;
    const dead = await deadPid();
    const startOfInit = processStartTime(1)!;
    const kinds: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const dir = join(raceDir, `r${round}`);
      const kind = (['dead', 'recycled', 'unreadable'] as const)[round % 3]!;
      kinds.push(kind);
      if (kind === 'dead') writeLock(dir, lockJson({ pid: dead }));
      else if (kind === 'recycled') writeLock(dir, lockJson({ pid: 1, startTime: startOfInit + 1 }));
      else writeLock(dir, '{"pid": 12', 60_000);
    }
    const racers = Array.from({ length: count }, (_, me) => startChild('gateway-lock-race.ts', [raceDir, String(rounds), String(me), String(count)]));
    const outputs: string[] = await Promise.all(
      racers.map(async ({ child, exited }) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        const { code, stderr } = await exited;
        expect(stderr).toBe('');
        expect(code).toBe(0);
        return out;
      }),
    );
    const results = outputs.map((out) => out.trim().split('\n'));
    for (let round = 0; round < rounds; round++) {
      const lines = results.map((lines) => lines[round]);
      const winners = lines.filter((line) => line?.startsWith(`${round} won`));
      expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
      expect(winners[0]).toBe(`${round} won ${kinds[round]}`);
      expect(lines.filter((line) => line === `${round} lost GATEWAY_RUNNING`)).toHaveLength(count - 1);
      // The lock on disk is the winner's, and no claim is left behind.
      const winner = lines.indexOf(winners[0]);
      expect(readLock(join(raceDir, `r${round}`))).toMatchObject({ pid: racers[winner]!.child.pid, port: 1000 + winner });
      expect(existsSync(`${gatewayLockPath(join(raceDir, `r${round}`))}.break`)).toBe(false);
    }
  });
});
