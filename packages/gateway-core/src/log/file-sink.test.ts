import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSink } from './file-sink.ts';
import type { FileSinkOptions } from './file-sink.ts';
import { createLogger } from './logger.ts';
import type { LogRecord } from './logger.ts';

let root: string;
let dir: string;
let now: number;
let savedUmask: number;
const clock = () => now;
/** Local time, so the expected file names hold in any time zone. */
const at = (day: number, h: number, m = 0, s = 0) => new Date(2026, 1, day, h, m, s).getTime();
const record = (msg: string, extra: Record<string, unknown> = {}): LogRecord => ({ time: new Date(now).toISOString(), level: 'info', msg, ...extra });
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const parsed = (name: string) => read(name).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const sink = (options: FileSinkOptions = {}) => createFileSink({ dir, clock, ...options });

beforeEach(() => {
  savedUmask = process.umask(0o022);
  root = mkdtempSync(join(tmpdir(), 'oc-log-'));
  dir = join(root, 'openclaw');
  now = at(3, 12);
});
afterEach(() => {
  process.umask(savedUmask);
  rmSync(root, { recursive: true, force: true });
});

describe('createFileSink: files', () => {
  it('appends one JSON object per line to openclaw-YYYY-MM-DD.log (local date)', () => {
    const log = createLogger({ sinks: [sink()], clock });
    log.info('one', { n: 1 });
    log.warn('two');
    expect(readdirSync(dir)).toEqual(['openclaw-2026-02-03.log']);
    const text = read('openclaw-2026-02-03.log');
    expect(text.endsWith('\n')).toBe(true);
    expect(parsed('openclaw-2026-02-03.log')).toEqual([
      { time: new Date(now).toISOString(), level: 'info', msg: 'one', n: 1 },
      { time: new Date(now).toISOString(), level: 'warn', msg: 'two' },
    ]);
  });

  it('creates the directory 0700 and files 0600 under umask 022, and tightens looser ones', () => {
    const s = sink();
    s.write(record('x'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'openclaw-2026-02-03.log')).mode & 0o777).toBe(0o600);
    s.close();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'openclaw-2026-02-04.log'), '', { mode: 0o644 });
    now = at(4, 1);
    sink().write(record('y'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'openclaw-2026-02-04.log')).mode & 0o777).toBe(0o600);
  });

  it('switches to a new file at local midnight', () => {
    const s = sink();
    now = at(3, 23, 59, 59);
    s.write(record('before'));
    now = at(4, 0, 0, 1);
    s.write(record('after'));
    expect(parsed('openclaw-2026-02-03.log').map((r) => r['msg'])).toEqual(['before']);
    expect(parsed('openclaw-2026-02-04.log').map((r) => r['msg'])).toEqual(['after']);
    expect(s.stats()).toMatchObject({ file: join(dir, 'openclaw-2026-02-04.log'), linesWritten: 2 });
  });

  it('continues in the newest file of the day after a restart', () => {
    const options = { maxFileBytes: 300, maxFilesPerDay: 3 };
    const first = sink(options);
    for (let i = 0; i < 3; i += 1) first.write(record(`line ${i}`, { pad: 'x'.repeat(60) })); // 2 fit per file
    first.close();
    const second = sink(options);
    second.write(record('after restart'));
    expect(second.stats().file).toBe(join(dir, 'openclaw-2026-02-03.1.log'));
    expect(read('openclaw-2026-02-03.1.log')).toContain('after restart');
  });

  it('two writers on one directory never interleave lines', () => {
    const a = sink();
    const b = sink();
    for (let i = 0; i < 200; i += 1) (i % 2 ? a : b).write(record(`w${i}`, { body: 'y'.repeat(i * 10) }));
    const lines = parsed('openclaw-2026-02-03.log');
    expect(lines).toHaveLength(200);
  });
});

describe('createFileSink: size cap', () => {
  it('overflows into .1.log, then drops lines with one onset note and one count summary', () => {
    const s = sink({ maxFileBytes: 400, maxFilesPerDay: 2 });
    const line = (i: number) => record(`line ${i}`, { pad: 'x'.repeat(60) }); // ~120 bytes
    for (let i = 0; i < 20; i += 1) s.write(line(i));
    expect(readdirSync(dir).sort()).toEqual(['openclaw-2026-02-03.1.log', 'openclaw-2026-02-03.log']);
    expect(statSync(join(dir, 'openclaw-2026-02-03.log')).size).toBeLessThanOrEqual(400);
    const overflow = parsed('openclaw-2026-02-03.1.log');
    const notes = overflow.filter((r) => r['logSink']);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ level: 'warn', logCapReached: '2026-02-03' });
    const stats = s.stats();
    expect(stats.dropping).toBe(true);
    expect(stats.dropped).toBeGreaterThan(10);
    expect(stats.linesWritten + stats.dropped).toBe(20);

    now = at(4, 0, 0, 1);
    s.write(record('new day'));
    const next = parsed('openclaw-2026-02-04.log');
    expect(next[0]).toMatchObject({ level: 'warn', dropped: stats.dropped, date: '2026-02-03' });
    expect(next[1]).toMatchObject({ msg: 'new day' });
    expect(s.stats().dropping).toBe(false);
  });

  it('writes the drop count on close when the day is still capped', () => {
    const s = sink({ maxFileBytes: 200, maxFilesPerDay: 1 });
    for (let i = 0; i < 10; i += 1) s.write(record(`line ${i}`, { pad: 'x'.repeat(60) }));
    const dropped = s.stats().dropped;
    s.close();
    s.write(record('after close'));
    const lines = parsed('openclaw-2026-02-03.log');
    expect(lines.at(-1)).toMatchObject({ dropped, date: '2026-02-03' });
    expect(read('openclaw-2026-02-03.log')).not.toContain('after close');
  });

  it('replaces a record longer than maxLineBytes by a stub keeping time, level and msg', () => {
    const s = sink({ maxLineBytes: 1000 });
    s.write(record('huge', { body: 'z'.repeat(5000) }));
    expect(parsed('openclaw-2026-02-03.log')).toEqual([{ time: new Date(now).toISOString(), level: 'info', msg: 'huge', truncated: true, bytes: expect.any(Number) }]);
  });
});

describe('createFileSink: retention', () => {
  const names = ['openclaw-2026-01-20.log', 'openclaw-2026-01-31.log', 'openclaw-2026-01-31.1.log', 'openclaw-2026-02-01.log', 'openclaw-2026-02-02.log', 'notes.txt'];
  const seed = () => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of names) writeFileSync(join(dir, name), 'x\n');
  };

  it('prunes files older than retentionDays at start and on each day switch, and nothing else', () => {
    seed();
    const s = sink({ retentionDays: 2 });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'openclaw-2026-02-01.log', 'openclaw-2026-02-02.log']);
    now = at(4, 0, 0, 1);
    s.write(record('tomorrow'));
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'openclaw-2026-02-02.log', 'openclaw-2026-02-04.log']);
    expect(s.stats().pruned).toBe(4);
  });

  it('deletes older days first to keep the directory within maxTotalBytes, never today', () => {
    seed();
    writeFileSync(join(dir, 'openclaw-2026-02-01.log'), 'x'.repeat(600));
    writeFileSync(join(dir, 'openclaw-2026-02-03.log'), 'x'.repeat(900));
    sink({ retentionDays: 30, maxTotalBytes: 1000 });
    // Oldest first: 01-20, 01-31, 01-31.1 and 02-01 go; 02-02 fits the budget and stays.
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'openclaw-2026-02-02.log', 'openclaw-2026-02-03.log']);
  });
});

describe('createFileSink: failures never throw', () => {
  it('counts writes that fail because the directory is a file, and recovers with a note', () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(dir, 'not a dir');
    const s = sink({ retryDelayMs: 1000 });
    expect(() => s.write(record('a'))).not.toThrow();
    s.write(record('b')); // within the retry delay: counted without touching the disk
    expect(s.stats()).toMatchObject({ failed: 2, errors: 1, linesWritten: 0 });
    expect(s.stats().lastError).toMatch(/^E[A-Z]+ /);
    unlinkSync(dir);
    now += 1001;
    s.write(record('c'));
    const lines = parsed('openclaw-2026-02-03.log');
    expect(lines[0]).toMatchObject({ level: 'warn', lost: 2, logSink: true });
    expect(lines[1]).toMatchObject({ msg: 'c' });
  });

  it('fails safely at the day switch when the directory has been replaced', () => {
    const s = sink();
    s.write(record('ok'));
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'squatter');
    now = at(4, 0, 0, 1);
    expect(() => s.write(record('lost'))).not.toThrow();
    expect(s.stats().failed).toBe(1);
  });

  it('refuses a directory that is a symlink or belongs to another user', () => {
    mkdirSync(join(root, 'elsewhere'));
    symlinkSync(join(root, 'elsewhere'), dir);
    const viaLink = sink();
    viaLink.write(record('x'));
    expect(viaLink.stats()).toMatchObject({ failed: 1, lastError: expect.stringMatching(/^ENOTDIR/) });
    expect(readdirSync(join(root, 'elsewhere'))).toEqual([]);
    unlinkSync(dir);
    if (process.getuid?.() === 0) {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 4242, 4242);
      const foreign = sink();
      foreign.write(record('x'));
      expect(foreign.stats().lastError).toMatch(/^EPERM/);
    }
  });

  it('reopens the file when it was deleted underneath', () => {
    const s = sink({ checkIntervalMs: 10 });
    s.write(record('first'));
    unlinkSync(join(dir, 'openclaw-2026-02-03.log'));
    now += 11;
    s.write(record('second'));
    expect(parsed('openclaw-2026-02-03.log').map((r) => r['msg'])).toEqual(['second']);
  });
});

describe('createFileSink: fixed logging.file', () => {
  it('writes to the path as-is and rotates by renaming, keeping maxFilesPerDay - 1 copies', () => {
    const file = join(root, 'logs', 'gateway.log');
    const s = createFileSink({ file, clock, maxFileBytes: 300, maxFilesPerDay: 3 });
    for (let i = 0; i < 20; i += 1) s.write(record(`line ${i}`, { pad: 'x'.repeat(60) }));
    expect(readdirSync(join(root, 'logs')).sort()).toEqual(['gateway.1.log', 'gateway.2.log', 'gateway.log']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.stats()).toMatchObject({ dropped: 0, failed: 0, linesWritten: 20 });
    expect(readFileSync(file, 'utf8')).toContain('line 19');
    now = at(4, 0, 0, 1);
    s.write(record('next day'));
    expect(readFileSync(file, 'utf8')).toContain('next day');
  });

  it('prunes rotated copies older than retentionDays', () => {
    const file = join(root, 'gw.log');
    writeFileSync(file, '');
    writeFileSync(join(root, 'gw.1.log'), 'old\n');
    const old = (now - 3 * 86_400_000) / 1000;
    utimesSync(join(root, 'gw.1.log'), old, old);
    createFileSink({ file, clock, retentionDays: 2 });
    expect(existsSync(join(root, 'gw.1.log'))).toBe(false);
    expect(existsSync(file)).toBe(true);
  });
});
