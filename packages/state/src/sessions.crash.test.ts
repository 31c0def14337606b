import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChild, spawnChild } from '../test/child.ts';
import { parseTranscriptLine } from './transcript-format.ts';
import type { TranscriptEntry } from './transcript-format.ts';
import { SessionStore } from './sessions.ts';

// OPENCLAW_CRASH_KILLS raises the count for a longer soak.
const KILLS = Number(process.env.OPENCLAW_CRASH_KILLS ?? 500);
const LANES = 4;

/** Runs the crash child until a SIGKILL 0–60 ms after it is ready; returns the turns it reported done. */
function runUntilKilled(stateDir: string, key: string, lane: string, first: number, agentId: string, cacheDir: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawnChild('session-child.ts', ['crash', stateDir, key, lane, String(first), agentId], cacheDir);
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (timer === undefined && out.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), Math.random() * 60);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(watchdog);
      if (signal !== 'SIGKILL' || timer === undefined) return reject(new Error(`crash child exited ${code ?? signal} before its kill: ${err}`));
      // Only whole lines count: a number is reported once its line is complete.
      resolve(out.split('\n').slice(1, -1).map(Number));
    });
  });
}

/** Every line of a transcript, parsed; fails on anything but the header and entries. */
function transcriptEntries(file: string): TranscriptEntry[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((line, i) => {
    const parsed = parseTranscriptLine(line);
    expect([i, parsed.kind]).toEqual([i, i === 0 ? 'header' : 'entry']);
    return parsed.kind === 'entry' ? parsed.entry : (undefined as never);
  });
}

/** The text of a message the child wrote: `<tag>:<turn>:u:<padding>` or `<tag>:<turn>:a`. */
function textOf(e: TranscriptEntry): string {
  const content = e.message!.content;
  return typeof content === 'string' ? content : (content as Array<{ text: string }>)[0]!.text;
}

/** Turn numbers of `tag` that have both their user and assistant message. */
function completeTurns(entries: TranscriptEntry[], tag: string): Set<number> {
  const user = new Set<number>();
  const both = new Set<number>();
  for (const e of entries.slice(1)) {
    const [t, n, role] = textOf(e).split(':') as [string, string, string];
    if (t !== tag) continue;
    if (role === 'u') user.add(Number(n));
    else if (user.has(Number(n))) both.add(Number(n));
  }
  return both;
}

describe('crash safety', () => {
  it(`loses no reported turn and leaves only torn tails after ${KILLS} SIGKILLs mid-append`, { timeout: 240_000 }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-crash-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'oc-crash-cache-'));
    const started = Date.now();
    const reported = new Map<string, number[]>();
    let kills = 0;
    // Two lanes per agent: each sessions.json is shared by two writers that get killed.
    const agentOf = (i: number) => (i % 2 === 0 ? 'main' : 'work');
    await Promise.all(
      Array.from({ length: LANES }, async (_, i) => {
        const lane = `lane${i}`;
        const done: number[] = [];
        let next = 0;
        for (let k = 0; k < Math.ceil(KILLS / LANES); k++) {
          const turns = await runUntilKilled(stateDir, `dm:telegram:${i}`, lane, next, agentOf(i), cacheDir);
          kills++;
          done.push(...turns);
          if (turns.length > 0) next = turns[turns.length - 1]! + 1;
          // Between kills the index is always whole (written tmp + rename).
          const index = join(stateDir, 'agents', agentOf(i), 'sessions/sessions.json');
          if (existsSync(index)) expect(() => JSON.parse(readFileSync(index, 'utf8'))).not.toThrow();
        }
        reported.set(lane, done);
      }),
    );
    const killedIn = Date.now() - started;

    let checked = 0;
    let tornTails = 0;
    let staleTemp = 0;
    for (const agentId of ['main', 'work']) {
      const store = new SessionStore({ stateDir, agentId });
      const report = await store.repair();
      const dir = store.sessionsDir;
      expect(report.index).toBeUndefined();
      expect(report.transcripts).toHaveLength(LANES / 2);
      for (const t of report.transcripts) expect([t.file, t.header, t.malformedLines]).toEqual([t.file, 'ok', []]);
      expect(readdirSync(dir).filter((f) => f.startsWith('sessions.json.corrupt'))).toEqual([]);
      const index = JSON.parse(readFileSync(store.indexFile, 'utf8')) as Record<string, { sessionId: string; inputTokens?: number }>;
      for (let i = 0; i < LANES; i++) {
        if (agentOf(i) !== agentId) continue;
        const lane = `lane${i}`;
        const entry = index[`agent:${agentId}:telegram:dm:${i}`]!;
        const complete = completeTurns(transcriptEntries(join(dir, `${entry.sessionId}.jsonl`)), lane);
        const turns = reported.get(lane)!;
        for (const n of turns) expect([lane, n, complete.has(n)]).toEqual([lane, n, true]);
        expect(turns.length).toBeGreaterThan(0);
        checked += turns.length;
        expect(entry.inputTokens).toBeGreaterThanOrEqual(turns[turns.length - 1]!);
      }
      tornTails += readdirSync(dir).filter((f) => f.includes('.jsonl.corrupt-')).length;
      staleTemp += report.staleTempFiles.length;
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    console.info(`crash test: ${kills} SIGKILLs in ${LANES} lanes, ${checked} reported turns all present, ${tornTails} torn tails cut, ${staleTemp} stale temp files swept, ${(killedIn / 1000).toFixed(1)} s`);
  });
});

describe('several processes', () => {
  it('two processes appending to the same session never interleave', { timeout: 60_000 }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-two-'));
    const count = 150;
    const startAt = String(Date.now() + 1500);
    await Promise.all(['a', 'b'].map((tag) => runChild('session-child.ts', ['append', stateDir, 'main', tag, String(count), startAt])));
    const store = new SessionStore({ stateDir });
    const files = readdirSync(store.sessionsDir).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(1); // both resolved the same session
    const entries = transcriptEntries(join(store.sessionsDir, files[0]!));
    expect(entries).toHaveLength(1 + 2 * 2 * count);
    const all = Array.from({ length: count }, (_, n) => n);
    for (const tag of ['a', 'b']) expect([...completeTurns(entries, tag)]).toEqual(all);
    const tags = entries.slice(1).map((e) => textOf(e).split(':')[0]);
    const switches = tags.filter((tag, i) => i > 0 && tag !== tags[i - 1]);
    expect(switches.length).toBeGreaterThan(2); // they really ran at the same time
    const report = await store.repair();
    expect(report.transcripts[0]).toMatchObject({ malformedLines: [], entries: 4 * count });
    expect(report.transcripts[0]!.tornTail).toBeUndefined();
  });

  it('concurrent index writers lose no update, and a reader never sees half a file', { timeout: 60_000 }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'oc-index-'));
    const store = new SessionStore({ stateDir });
    await store.resolve('main');
    let running = true;
    let reads = 0;
    const writers = Promise.all(['x', 'y'].map((prefix) => runChild('session-child.ts', ['resolve', stateDir, prefix, '60']))).finally(() => (running = false));
    while (running) {
      const text = readFileSync(store.indexFile, 'utf8');
      expect(() => JSON.parse(text)).not.toThrow();
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writers;
    const keys = Object.keys(JSON.parse(readFileSync(store.indexFile, 'utf8')) as object);
    expect(keys).toHaveLength(121);
    expect(reads).toBeGreaterThan(10);
    expect(readdirSync(store.sessionsDir).filter((f) => f.endsWith('.jsonl'))).toHaveLength(121);
  });
});
