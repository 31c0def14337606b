#!/usr/bin/env node
// The agent's costs inside the gateway, measured on the built CLI against a loopback fake
// Anthropic server (the real SDK runs inside the gateway):
// - overhead per turn: from sending `chat.send` to the first `chat` delta, minus the fake
//   provider's own delay before its first byte;
// - RSS of the gateway while 20 sessions stream at once.
// Usage: node bench/agent.mjs [--turns N]   (after `pnpm build`; scripts/bench.sh does both)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { startFakeAnthropic } from '../packages/agent/test/fake-providers.ts';
import { connect, freePort } from './gateway-client.mjs';
import { machineLine, quantile, writeSection } from './report.mjs';

const { values } = parseArgs({ options: { turns: { type: 'string', default: '200' } } });
const turns = Number(values.turns);
const cli = join(import.meta.dirname, '..', 'apps', 'cli', 'dist', 'openclaw.js');
const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';
const PROVIDER_DELAY_MS = 20;
const CONCURRENT = 20;



const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const fake = await startFakeAnthropic();
const dir = mkdtempSync(join(tmpdir(), 'oc-bench-agent-'));
mkdirSync(join(dir, '.openclaw'), { mode: 0o700 });
const port = await freePort();
writeFileSync(
  join(dir, '.openclaw', 'openclaw.json'),
  JSON.stringify({
    gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } },
    models: { providers: { anthropic: { baseUrl: fake.url } } },
    agents: { defaults: { model: { primary: 'anthropic/claude-bench', fallbacks: [] } } },
    logging: { file: join(dir, 'gateway.log') },
  }),
  { mode: 0o600 },
);
const child = spawn(process.execPath, [cli, 'gateway'], { env: { PATH: process.env.PATH, HOME: dir, ANTHROPIC_API_KEY: 'sk-ant-bench' }, stdio: ['ignore', 'ignore', 'inherit'] });

const waiters = new Map();
let client;
for (;;) {
  try {
    client = await connect(port, TOKEN, (frame) => waiters.get(frame.payload?.runId)?.(frame));
    break;
  } catch {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const idleRss = rssMb(child.pid);

/** Sends one message; resolves with ms to the first delta and ms to the final event. */
function turn(c, sessionKey, runId) {
  return new Promise((resolve) => {
    const sent = process.hrtime.bigint();
    let first;
    waiters.set(runId, (frame) => {
      if (frame.event !== 'chat') return;
      const ms = Number(process.hrtime.bigint() - sent) / 1e6;
      if (frame.payload.state === 'delta' && first === undefined) first = ms;
      if (frame.payload.state !== 'delta') {
        waiters.delete(runId);
        resolve({ first: first ?? ms, total: ms, state: frame.payload.state });
      }
    });
    void c.request('chat.send', { sessionKey, message: 'hello', idempotencyKey: runId });
  });
}

// 1. Overhead per turn. Every session gets fresh history each time (reset), so the history
// read does not grow; the first turns load the SDK and are not counted.
const overheads = [];
for (let i = 0; i < turns + 5; i++) {
  fake.script({ text: ['first', ' second'], firstByteDelayMs: PROVIDER_DELAY_MS });
  const r = await turn(client, `bench-${i % 10}`, `overhead-${i}`);
  if (r.state !== 'final') throw new Error(`turn ended ${r.state}`);
  if (i >= 5) overheads.push(r.first - PROVIDER_DELAY_MS);
}
overheads.sort((a, b) => a - b);

// 2. RSS while 20 sessions stream at once (each reply: 60 chunks, 25 ms apart).
let peak = rssMb(child.pid);
const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid))), 50);
for (let i = 0; i < CONCURRENT; i++) fake.script({ text: Array.from({ length: 60 }, (_, n) => `token${n} `), delayMs: 25 });
const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => turn(client, `concurrent-${i}`, `concurrent-${i}`)));
clearInterval(sampler);
if (results.some((r) => r.state !== 'final')) throw new Error('a concurrent turn did not finish');

client.socket.close();
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
await fake.close();
rmSync(dir, { recursive: true, force: true });

const fmt = (ms) => `${ms.toFixed(2)} ms`;
const table = [
  `Command: \`node bench/agent.mjs --turns ${turns}\` (the built CLI's gateway, one WebSocket client, a loopback fake Anthropic server answering through the real SDK inside the gateway; the fake waits ${PROVIDER_DELAY_MS} ms before its first byte).`,
  '',
  machineLine(),
  '',
  '| what | openclaw (this repo) | target |',
  '|---|---|---|',
  `| gateway overhead per turn: \`chat.send\` → first \`chat\` delta, minus the provider's ${PROVIDER_DELAY_MS} ms (p50 / p90 / p99, ${turns} turns) | ${fmt(quantile(overheads, 0.5))} / ${fmt(quantile(overheads, 0.9))} / ${fmt(quantile(overheads, 0.99))} | p50 < 5 ms |`,
  `| RSS before the first turn (no SDK loaded yet) | ${idleRss.toFixed(1)} MB | |`,
  `| peak RSS while ${CONCURRENT} sessions stream at once (60 deltas each) | ${peak.toFixed(1)} MB | |`,
].join('\n');
writeSection('agent', table);
process.stdout.write(`${table}\n`);
