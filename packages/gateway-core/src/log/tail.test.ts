import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSink } from './file-sink.ts';
import { createLogger } from './logger.ts';
import { resolveLogFile, tailLog } from './tail.ts';

let dir: string;
let now: number;
const clock = () => now;
const at = (day: number, h: number) => new Date(2026, 1, day, h).getTime();
const today = () => join(dir, 'openclaw-2026-02-03.log');
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}`);
const append = (text: string[], file = today()) => appendFileSync(file, text.map((l) => `${l}\n`).join(''));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-tail-'));
  now = at(3, 12);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tailLog without a cursor', () => {
  it('returns the last `limit` lines and a cursor at the end of the last complete line', async () => {
    append(lines(0, 1000));
    const result = await tailLog({ dir, clock, limit: 3 });
    const size = statSync(today()).size;
    expect(result).toEqual({ file: today(), cursor: size, size, lines: lines(997, 1000) });
  });

  it('reads backwards within maxBytes and marks a byte-limited answer truncated', async () => {
    append(lines(0, 1000));
    const result = await tailLog({ dir, clock, limit: 100, maxBytes: 50 });
    expect(result.truncated).toBe(true);
    expect(result.lines.length).toBeGreaterThan(0);
    expect(result.lines.length).toBeLessThan(100);
    expect(result.lines.at(-1)).toBe('{"n":999}');
    // The first line of the window is only returned if it started inside it.
    for (const line of result.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('does not read the whole file: a 1 GiB sparse file costs no more than its tail', async () => {
    writeFileSync(today(), '');
    truncateSync(today(), 1024 ** 3);
    append(['', ...lines(0, 10)]);
    const started = performance.now();
    const result = await tailLog({ dir, clock, limit: 5 });
    expect(result.lines).toEqual(lines(5, 10));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('clamps limit and maxBytes to the protocol bounds', async () => {
    append(lines(0, 6000));
    expect((await tailLog({ dir, clock, limit: 1e9, maxBytes: 1e9 })).lines).toHaveLength(5000);
    expect((await tailLog({ dir, clock, limit: 0 })).lines).toEqual(lines(5999, 6000));
  });

  it('answers an empty result for a missing log', async () => {
    expect(await tailLog({ dir, clock })).toEqual({ file: today(), cursor: 0, size: 0, lines: [] });
  });
});

describe('tailLog with a cursor', () => {
  it('returns only what was appended after the cursor', async () => {
    append(lines(0, 10));
    const first = await tailLog({ dir, clock, limit: 5 });
    append(lines(10, 13));
    const next = await tailLog({ dir, clock, cursor: first.cursor });
    expect(next.lines).toEqual(lines(10, 13));
    expect(next.reset).toBeUndefined();
    expect(await tailLog({ dir, clock, cursor: next.cursor })).toMatchObject({ cursor: next.cursor, lines: [] });
  });

  it('pages forward by limit and maxBytes, marking that more is pending', async () => {
    append(lines(0, 10));
    const page = await tailLog({ dir, clock, cursor: 0, limit: 4 });
    expect(page).toMatchObject({ lines: lines(0, 4), truncated: true });
    const small = await tailLog({ dir, clock, cursor: page.cursor, maxBytes: 20 });
    expect(small).toMatchObject({ lines: lines(4, 6), truncated: true });
    const rest = await tailLog({ dir, clock, cursor: small.cursor });
    expect(rest.lines).toEqual(lines(6, 10));
    expect(rest.truncated).toBeUndefined();
  });

  it('holds back a partial last line until it is complete', async () => {
    append(lines(0, 2));
    appendFileSync(today(), '{"n":2,"half":');
    const first = await tailLog({ dir, clock });
    expect(first.lines).toEqual(lines(0, 2));
    expect(first.cursor).toBeLessThan(first.size);
    expect((await tailLog({ dir, clock, cursor: first.cursor })).lines).toEqual([]);
    appendFileSync(today(), 'true}\n');
    expect((await tailLog({ dir, clock, cursor: first.cursor })).lines).toEqual(['{"n":2,"half":true}']);
  });

  it('resets to the beginning when the file was rotated below the cursor', async () => {
    append(lines(0, 100));
    const before = await tailLog({ dir, clock });
    renameSync(today(), join(dir, 'old.log'));
    append(lines(100, 102));
    const after = await tailLog({ dir, clock, cursor: before.cursor });
    expect(after).toMatchObject({ reset: true, lines: lines(100, 102) });
  });

  it('resets when the caller says the cursor belongs to another file', async () => {
    append(lines(0, 100));
    const result = await tailLog({ dir, clock, cursor: 10, cursorFile: join(dir, 'openclaw-2026-02-02.log') });
    expect(result).toMatchObject({ reset: true, lines: lines(0, 100) });
  });

  it('resets when the file is gone, and moves a mid-line cursor to the next line', async () => {
    expect(await tailLog({ dir, clock, cursor: 50 })).toMatchObject({ cursor: 0, lines: [], reset: true });
    append(lines(0, 3));
    expect((await tailLog({ dir, clock, cursor: 3 })).lines).toEqual(lines(1, 3));
  });

  it('steps over a line longer than maxBytes instead of stalling on it', async () => {
    append(['{"big":"' + 'x'.repeat(5000) + '"}', ...lines(0, 2)]);
    const skipped = await tailLog({ dir, clock, cursor: 0, maxBytes: 100 });
    expect(skipped).toMatchObject({ lines: [], truncated: true });
    expect(skipped.cursor).toBeGreaterThan(5000);
    expect((await tailLog({ dir, clock, cursor: skipped.cursor, maxBytes: 100 })).lines).toEqual(lines(0, 2));
  });
});

describe('resolveLogFile', () => {
  it('picks today’s newest segment, else the newest earlier day, ignoring foreign and future files', async () => {
    mkdirSync(dir, { recursive: true });
    for (const name of ['openclaw-2026-02-01.log', 'openclaw-2026-02-02.log', 'openclaw-2026-02-02.1.log', 'openclaw-2026-02-09.log', 'other.log']) writeFileSync(join(dir, name), '');
    expect(await resolveLogFile({ dir, clock })).toBe(join(dir, 'openclaw-2026-02-02.1.log'));
    writeFileSync(today(), '');
    writeFileSync(join(dir, 'openclaw-2026-02-03.2.log'), '');
    expect(await resolveLogFile({ dir, clock })).toBe(join(dir, 'openclaw-2026-02-03.2.log'));
    expect(await resolveLogFile({ dir, file: 'rel/gw.log' })).toBe(join(process.cwd(), 'rel/gw.log'));
  });
});

describe('tailLog following the file sink', () => {
  it('follows across a size-cap overflow and midnight', async () => {
    const sink = createFileSink({ dir, clock, maxFileBytes: 2000 });
    const log = createLogger({ sinks: [sink], clock });
    const seen: string[] = [];
    let cursor: number | undefined;
    let file: string | undefined;
    const poll = async () => {
      const r = await tailLog({ dir, clock, cursor, cursorFile: file, limit: 5000 });
      seen.push(...r.lines.map((l) => (JSON.parse(l) as { msg: string }).msg));
      cursor = r.cursor;
      file = r.file;
    };
    for (let i = 0; i < 40; i += 1) {
      if (i === 30) now = at(4, 0);
      log.info(`m${i}`);
      await poll();
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
    expect(file).toBe(join(dir, 'openclaw-2026-02-04.log'));
  });
});
