import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../test/child.ts';
import { newHeader, parseTranscriptLine } from './transcript-format.ts';
import type { TranscriptEntry } from './transcript-format.ts';
import { newReadStats, readLastEntries } from './transcript-read.ts';
import { repairTranscript } from './transcript-repair.ts';
import { Transcript } from './transcript.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'oc-transcript-'));
const mode = (path: string) => statSync(path).mode & 0o777;
const lines = (file: string) => readFileSync(file, 'utf8').split('\n');
const T0 = Date.parse('2026-02-05T10:00:00.000Z');

function clockFrom(start: number) {
  let now = start;
  return () => (now += 1000);
}

async function newTranscript(dir = tempDir(), options: Parameters<typeof Transcript.open>[1] = {}) {
  const file = join(dir, 'sess-1.jsonl');
  return Transcript.open(file, { header: newHeader('sess-1', T0, { sessionKey: 'agent:main:main' }), clock: clockFrom(T0), ...options });
}

const user = (text: string) => ({ type: 'message', message: { role: 'user', content: text } });

describe('transcript format and appends', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('writes a v3 header, then one entry per line chained by parentId, 0600 under umask 022', async () => {
    const t = await newTranscript();
    const a = t.append(user('hello'));
    const b = t.append({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'hi' }], usage: { input: 3, output: 1 } } }, { endOfTurn: true });
    t.close();
    const [header, l1, l2, end] = lines(t.file);
    expect(JSON.parse(header!)).toEqual({ type: 'session', version: 3, id: 'sess-1', timestamp: '2026-02-05T10:00:00.000Z', sessionKey: 'agent:main:main' });
    expect(Object.keys(JSON.parse(l1!))).toEqual(['type', 'id', 'parentId', 'timestamp', 'message']);
    expect(JSON.parse(l1!)).toEqual({ ...a, parentId: null, timestamp: '2026-02-05T10:00:01.000Z' });
    expect(a.id).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.parse(l2!)).toMatchObject({ id: b.id, parentId: a.id, message: { usage: { input: 3 } } });
    expect(end).toBe('');
    expect(t.created).toBe(true);
    expect(mode(t.file)).toBe(0o600);
  });

  it('continues the parent chain after reopening', async () => {
    const dir = tempDir();
    const first = await newTranscript(dir);
    const a = first.append(user('one'));
    first.close();
    const again = await newTranscript(dir);
    expect(again.created).toBe(false);
    expect(again.append(user('two')).parentId).toBe(a.id);
    again.close();
    expect(lines(again.file).filter(Boolean)).toHaveLength(3);
  });

  it.each([
    ['always', [1, 2, 3, 4]],
    ['turn', [0, 1, 1, 2]],
    ['never', [0, 0, 0, 0]],
  ] as const)('fsync policy %s: fsyncs after each append as expected', async (fsync, syncs) => {
    const t = await newTranscript(tempDir(), { fsync });
    const seen = [false, true, false, true].map((endOfTurn) => {
      t.append(user('x'), { endOfTurn });
      return t.stats.syncs;
    });
    t.close();
    expect(seen).toEqual(syncs);
  });

  it('fails with SESSION_NOT_FOUND when the file is missing and no header is given', async () => {
    await expect(Transcript.open(join(tempDir(), 'nope.jsonl'))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });
});

describe('torn and malformed lines', () => {
  it('cuts a torn last line on open and keeps its bytes aside (0600)', async () => {
    const dir = tempDir();
    const t = await newTranscript(dir);
    t.append(user('kept'));
    t.close();
    const sound = readFileSync(t.file);
    appendFileSync(t.file, '{"type":"message","id":"abcd12');
    const reopened = await newTranscript(dir);
    expect(reopened.tornTail).toMatchObject({ offset: sound.length, bytes: 30 });
    expect(readFileSync(reopened.file)).toEqual(sound);
    expect(readFileSync(reopened.tornTail!.savedTo, 'utf8')).toBe('{"type":"message","id":"abcd12');
    expect(reopened.tornTail!.savedTo).toMatch(/sess-1\.jsonl\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(mode(reopened.tornTail!.savedTo)).toBe(0o600);
    reopened.append(user('after'));
    reopened.close();
    expect(lines(reopened.file).filter(Boolean).map((l) => parseTranscriptLine(l).kind)).toEqual(['header', 'entry', 'entry']);
  });

  it('cuts a complete but unparsable last line', async () => {
    const dir = tempDir();
    const t = await newTranscript(dir);
    t.append(user('kept'));
    t.close();
    appendFileSync(t.file, '\u0000\u0000garbage\n');
    const reopened = await newTranscript(dir);
    expect(reopened.tornTail?.bytes).toBe(10);
    reopened.close();
    expect(lines(reopened.file).filter(Boolean)).toHaveLength(2);
  });

  it('skips and reports a malformed middle line, never dropping the transcript', async () => {
    const dir = tempDir();
    const t = await newTranscript(dir);
    t.append(user('one'));
    appendFileSync(t.file, 'not json\n');
    t.append(user('three'));
    t.close();
    const reopened = await newTranscript(dir);
    expect(reopened.tornTail).toBeUndefined();
    reopened.close();
    const read = readLastEntries(t.file, 10);
    expect(read.entries.map((e) => e.message?.content)).toEqual(['one', 'three']);
    expect(read.malformedOffsets).toHaveLength(1);
    const report = await repairTranscript(t.file);
    expect(report).toMatchObject({ header: 'ok', sessionId: 'sess-1', entries: 2, malformedLines: [3] });
    expect(report.tornTail).toBeUndefined();
    expect(lines(t.file)[2]).toBe('not json'); // reported, not removed
  });

  it('repair with dropMalformed moves malformed lines aside and keeps the rest byte for byte', async () => {
    const dir = tempDir();
    const t = await newTranscript(dir);
    t.append(user('one'));
    appendFileSync(t.file, '{"broken":\n');
    t.append(user('two'));
    t.close();
    appendFileSync(t.file, '{"torn');
    const before = lines(t.file);
    const report = await repairTranscript(t.file, { dropMalformed: true, clock: () => T0 });
    expect(report.tornTail?.bytes).toBe(6);
    expect(report.malformedLines).toEqual([3]);
    expect(readFileSync(report.removedLines!.savedTo, 'utf8')).toBe('{"broken":\n');
    expect(lines(t.file)).toEqual([before[0], before[1], before[3], '']);
    expect(mode(t.file)).toBe(0o600);
    expect((await repairTranscript(t.file)).malformedLines).toEqual([]);
  });

  it('an appender whose file got a torn line from another process starts a fresh line', async () => {
    const t = await newTranscript();
    t.append(user('mine 1'));
    appendFileSync(t.file, '{"type":"message","id":"dead'); // another writer died mid-line
    const mine = t.append(user('mine 2'));
    t.close();
    expect(readLastEntries(t.file, 5).entries.map((e) => e.message?.content)).toEqual(['mine 1', 'mine 2']);
    expect(mine.parentId).not.toBeNull();
    expect((await repairTranscript(t.file)).malformedLines).toEqual([3]);
  });
});

describe('readLast', () => {
  it('reads the last n entries of a 24 MB transcript from a few 64 KiB chunks', () => {
    const file = join(tempDir(), 'big.jsonl');
    const pad = 'x'.repeat(200);
    const count = 100_000;
    const body = [JSON.stringify(newHeader('big', T0))];
    for (let i = 0; i < count; i++) {
      const entry: TranscriptEntry = { type: 'message', id: i.toString(16).padStart(8, '0'), parentId: null, timestamp: 'x', message: { role: 'user', content: `${i} ${pad}` } };
      body.push(JSON.stringify(entry));
    }
    writeFileSync(file, `${body.join('\n')}\n`);
    expect(statSync(file).size).toBeGreaterThan(24e6);
    const stats = newReadStats();
    const { entries } = readLastEntries(file, 50, { stats });
    expect(entries.map((e) => e.message?.content)).toEqual(Array.from({ length: 50 }, (_, i) => `${count - 50 + i} ${pad}`));
    expect(stats.bytesRead).toBeLessThanOrEqual(3 * 64 * 1024);
  });

  it('assembles lines longer than a chunk, filters, and ignores a torn tail without changing the file', () => {
    const dir = tempDir();
    const file = join(dir, 't.jsonl');
    const long = 'L'.repeat(10_000);
    const entries = [
      { type: 'message', id: '00000001', parentId: null, timestamp: 't', message: { role: 'user', content: long } },
      { type: 'model_change', id: '00000002', parentId: '00000001', timestamp: 't', provider: 'p', modelId: 'm' },
      { type: 'message', id: '00000003', parentId: '00000002', timestamp: 't', message: { role: 'assistant', content: 'short' } },
    ];
    const text = `${JSON.stringify(newHeader('t', T0))}\n${entries.map((e) => JSON.stringify(e)).join('\n')}\n{"torn`;
    writeFileSync(file, text);
    const read = readLastEntries(file, 2, { chunkSize: 1024, filter: (e) => e.type === 'message' });
    expect(read.entries.map((e) => e.id)).toEqual(['00000001', '00000003']);
    expect(read.entries[0]!.message?.content).toBe(long);
    expect(read.tornTailBytes).toBe(6);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readLastEntries(join(dir, 'missing.jsonl'), 5).entries).toEqual([]);
    expect(readLastEntries(file, 100, { chunkSize: 7 }).entries).toHaveLength(3);
  });
});

describe('concurrent appenders', () => {
  it('two processes appending to one transcript never interleave or tear lines', async () => {
    const dir = tempDir();
    const t = await newTranscript(dir);
    t.close();
    const count = 400;
    const startAt = String(Date.now() + 1500);
    await Promise.all(['a', 'b'].map((tag) => runChild('transcript-append-child.ts', [t.file, tag, String(count), startAt])));
    const all = lines(t.file);
    expect(all.pop()).toBe('');
    const seen: Record<string, number[]> = { a: [], b: [] };
    for (const line of all.slice(1)) {
      const parsed = parseTranscriptLine(line);
      expect(parsed.kind).toBe('entry');
      const content = (parsed as { entry: TranscriptEntry }).entry.message!.content as string;
      const [tag, i, body] = content.split(':') as [string, string, string];
      expect(body).toBe(tag.repeat(body.length)); // no foreign bytes inside a line
      seen[tag]!.push(Number(i));
    }
    const inOrder = Array.from({ length: count }, (_, i) => i);
    expect(seen).toEqual({ a: inOrder, b: inOrder });
    // Both really wrote concurrently: their lines alternate somewhere.
    const tags = all.slice(1).map((l) => l.includes('"content":"a:') ? 'a' : 'b');
    expect(tags.filter((tag, i) => i > 0 && tag !== tags[i - 1]).length).toBeGreaterThan(2);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  });
});
