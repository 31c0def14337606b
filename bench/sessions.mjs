#!/usr/bin/env node
// Session store: append throughput, and the cost of reading the last 50 messages of a
// 100,000-turn transcript (time and peak RSS of a fresh process).
// Usage: node bench/sessions.mjs [--turns N] [--seconds S]
// Runs against the TypeScript sources of packages/state (Node >= 22.18 strips types), not
// dist: the package entry point does not export the session API yet. It re-executes itself
// with --conditions=@openclaw/source so that '@openclaw/config' resolves to its sources too;
// no build is needed. Writes its table into docs/benchmarks.md between the bench:sessions markers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const CONDITION = '--conditions=@openclaw/source';
if (!process.execArgv.includes(CONDITION)) {
  const result = spawnSync(process.execPath, [CONDITION, import.meta.filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const src = join(import.meta.dirname, '..', 'packages', 'state', 'src');
const { SessionStore } = await import(join(src, 'sessions.ts'));
const { Transcript } = await import(join(src, 'transcript.ts'));
const { newHeader } = await import(join(src, 'transcript-format.ts'));
const { newReadStats, readLastEntries } = await import(join(src, 'transcript-read.ts'));

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '4' },
    'child-read': { type: 'string' },
    'child-idle': { type: 'string' },
  },
});

// --- child modes: one fresh process per measurement, so peak RSS is the read's own ---------
if (values['child-read'] !== undefined || values['child-idle'] !== undefined) {
  const stateDir = values['child-read'] ?? values['child-idle'];
  const store = new SessionStore({ stateDir });
  const start = process.hrtime.bigint();
  let messages = 0;
  let bytesRead = 0;
  if (values['child-read'] !== undefined) {
    messages = (await store.readLast('main', 50)).length;
    const stats = newReadStats();
    readLastEntries(store.transcriptFile(await store.get('main')), 50, { stats, filter: (e) => e.type === 'message' });
    bytesRead = stats.bytesRead;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ ms, messages, bytesRead, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const { machineLine, quantile, writeSection } = await import('./report.mjs');
const loadAtStart = loadavg()[0];
const turns = Number(values.turns);
const seconds = Number(values.seconds);
const root = mkdtempSync(join(tmpdir(), 'oc-bench-sessions-'));
const userMessage = (i) => ({ type: 'message', message: { role: 'user', content: `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`, timestamp: i } });
const assistantMessage = (i) => ({
  type: 'message',
  message: {
    role: 'assistant',
    content: [{ type: 'text', text: `reply ${i}: ${'consectetur adipiscing elit sed do '.repeat(18)}` }],
    api: 'anthropic-messages',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    usage: { input: 1200 + i, output: 150, cacheRead: 0, cacheWrite: 0, totalTokens: 1350 + i, cost: { total: 0.0042 } },
    stopReason: 'stop',
    timestamp: i,
  },
});

/** Turns per second through SessionStore.append (user, then assistant with endOfTurn) for `seconds`. */
async function throughput(fsync) {
  const stateDir = mkdtempSync(join(root, 'tp-'));
  const store = new SessionStore({ stateDir, fsync });
  await store.resolve('main');
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    await store.append('main', userMessage(n));
    await store.append('main', assistantMessage(n), { endOfTurn: true });
    n++;
  }
  const elapsed = (performance.now() - start) / 1000;
  store.close();
  return n / elapsed;
}

/** Turns per second of the transcript alone (no index update), default fsync policy. */
async function rawThroughput() {
  const t = await Transcript.open(join(root, 'raw.jsonl'), { header: newHeader('raw', Date.now()) });
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    t.append(userMessage(n));
    t.append(assistantMessage(n), { endOfTurn: true });
    n++;
  }
  const elapsed = (performance.now() - start) / 1000;
  t.close();
  return n / elapsed;
}

function child(mode, stateDir) {
  const result = spawnSync(process.execPath, [CONDITION, import.meta.filename, `--${mode}`, stateDir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const rate = (x) => `${Math.round(x).toLocaleString('en-US')} turns/s`;
const rows = [
  ['append, SessionStore, fsync `turn` (default)', rate(await throughput('turn'))],
  ['append, SessionStore, fsync `always`', rate(await throughput('always'))],
  ['append, SessionStore, fsync `never`', rate(await throughput('never'))],
  ['append, transcript only (no index update), fsync `turn`', rate(await rawThroughput())],
];

// A 100,000-turn transcript written by the real writer (fsync never, to build it quickly).
const bigDir = mkdtempSync(join(root, 'big-'));
const bigStore = new SessionStore({ stateDir: bigDir });
const { transcriptFile } = await bigStore.resolve('main');
bigStore.close();
const writer = await Transcript.open(transcriptFile, { fsync: 'never' });
for (let i = 0; i < turns; i++) {
  writer.append(userMessage(i));
  writer.append(assistantMessage(i), { endOfTurn: true });
}
writer.close();
const size = statSync(transcriptFile).size;
const idle = [1, 2, 3].map(() => child('child-idle', bigDir).maxRssKb).sort((a, b) => a - b);
const reads = Array.from({ length: 7 }, () => child('child-read', bigDir));
const times = reads.map((r) => r.ms).sort((a, b) => a - b);
const rss = reads.map((r) => r.maxRssKb).sort((a, b) => a - b);
if (reads.some((r) => r.messages !== 50)) throw new Error('readLast did not return 50 messages');
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
rows.push(
  [`readLast(50) of ${turns.toLocaleString('en-US')} turns (${(size / 2 ** 20).toFixed(0)} MiB transcript, page cache warm), median of 7`, `${quantile(times, 0.5).toFixed(2)} ms`],
  ['bytes read from the transcript by readLast(50)', `${(reads[0].bytesRead / 1024).toFixed(0)} KiB`],
  ['peak RSS of a fresh process: with readLast(50) / same process without it', `${mb(quantile(rss, 0.5))} / ${mb(quantile(idle, 0.5))}`],
);
rmSync(root, { recursive: true, force: true });

const table = [
  `Command: \`node bench/sessions.mjs\` (SessionStore from packages/state/src; ${seconds} s per append figure; transcripts in \`${tmpdir()}\`).`,
  '',
  `${machineLine()} 1-minute load average at start: ${loadAtStart.toFixed(1)} (other work on the machine makes the append rows noisy).`,
  '',
  '| what | result |',
  '|---|---|',
  ...rows.map(([what, result]) => `| ${what} | ${result} |`),
  '',
  `A turn is a user message plus an assistant message with usage (${(size / turns / 1024).toFixed(1)} KiB of JSONL). With the default`,
  'policy each turn costs one fdatasync of the transcript plus the index rewrite (lock file, tmp + fsync +',
  'rename + directory fsync of sessions.json), which is what bounds the append rows. readLast reads 64 KiB',
  'chunks from the end of the file, so its cost does not grow with the transcript; the peak RSS is Node with',
  'the TypeScript sources and the config schema loaded, and the read adds nothing measurable to it.',
].join('\n');
writeSection('sessions', table);
process.stdout.write(`${table}\n`);
