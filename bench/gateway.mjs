#!/usr/bin/env node
// The gateway's own costs, measured on the built CLI:
// - start: from spawning `openclaw gateway` to the first accepted WebSocket connection (hello-ok),
// - idle RSS with no channels, after the gateway has settled, next to a bare Node HTTP server's,
// - wall time of `openclaw status` and `openclaw health` against it,
// - `health` round trips per second and p99 latency over loopback (10 clients, sequential requests each).
// Usage: node bench/gateway.mjs [--runs N]   (after `pnpm build`; scripts/bench.sh does both)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, freePort } from './gateway-client.mjs';
import { machineLine, quantile, writeSection } from './report.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const cli = join(import.meta.dirname, '..', 'apps', 'cli', 'dist', 'openclaw.js');
const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';


function home() {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-gw-'));
  mkdirSync(join(dir, '.openclaw'), { mode: 0o700 });
  writeFileSync(join(dir, '.openclaw', 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', auth: { mode: 'token', token: TOKEN } }, logging: { file: join(dir, 'gateway.log') } }), { mode: 0o600 });
  return dir;
}


async function startGateway() {
  const dir = home();
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [cli, 'gateway', '--port', String(port)], { env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  for (;;) {
    try {
      const client = await connect(port, TOKEN);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      return { child, port, dir, client, ms };
    } catch {
      if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function stopGateway({ child, dir, client }) {
  client.socket.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}

/** Idle RSS of a bare `http.createServer()` on loopback: the floor any Node server starts from here. */
async function bareServerRss() {
  const child = spawn(process.execPath, ['-e', "require('node:http').createServer((req, res) => res.end()).listen(0, '127.0.0.1')"], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 3000));
  const rss = rssMb(child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return rss;
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

function timeCli(args, dir) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: dir }, encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`openclaw ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return samples.sort((a, b) => a - b);
}

// 1. start to first accepted connection
const starts = [];
for (let i = 0; i < runs; i++) {
  const gw = await startGateway();
  starts.push(gw.ms);
  await stopGateway(gw);
}
starts.sort((a, b) => a - b);

// 2-4 on one gateway
const gw = await startGateway();
await new Promise((r) => setTimeout(r, 3000));
const idleRss = rssMb(gw.child.pid);
const statusTimes = timeCli(['status', '--json', '--url', `ws://127.0.0.1:${gw.port}`, '--token', TOKEN], gw.dir);
const healthTimes = timeCli(['health', '--json', '--url', `ws://127.0.0.1:${gw.port}`, '--token', TOKEN], gw.dir);

const clients = await Promise.all(Array.from({ length: 10 }, () => connect(gw.port, TOKEN)));
const latencies = [];
const deadline = Date.now() + 3000;
await Promise.all(
  clients.map(async (c) => {
    while (Date.now() < deadline) {
      const t = process.hrtime.bigint();
      await c.request('health');
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }),
);
const loadedRss = rssMb(gw.child.pid);
for (const c of clients) c.socket.close();
await stopGateway(gw);
const bareRss = await bareServerRss();
latencies.sort((a, b) => a - b);

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const table = [
  `Command: \`node bench/gateway.mjs --runs ${runs}\` (the built CLI's \`openclaw gateway\` on loopback with a token, no channels; ${runs} runs where repeated).`,
  '',
  machineLine(),
  '',
  '| what | openclaw (this repo) | target | original 2026.2.3 / 2026.9.6 |',
  '|---|---|---|---|',
  `| start → first accepted connection (median / p90) | ${fmt(quantile(starts, 0.5))} / ${fmt(quantile(starts, 0.9))} | < 500 ms | 2.5 s / 8–10 s |`,
  `| idle RSS, no channels | ${idleRss.toFixed(1)} MB | < 60 MB | 353 MB / 756–1,024 MB |`,
  `| idle RSS of a bare Node \`http.createServer()\` (for comparison) | ${bareRss.toFixed(1)} MB | | |`,
  `| RSS after the load below | ${loadedRss.toFixed(1)} MB | | |`,
  `| \`openclaw status\` wall time (median) | ${fmt(quantile(statusTimes, 0.5))} | < 200 ms | 2.0 s / 4.1 s |`,
  `| \`openclaw health\` wall time (median) | ${fmt(quantile(healthTimes, 0.5))} | < 200 ms | 1.1 s |`,
  `| \`health\` round trips/s, 10 clients over loopback, 3 s | ${Math.round(latencies.length / 3)} | | |`,
  `| \`health\` latency p50 / p99 | ${fmt(quantile(latencies, 0.5))} / ${fmt(quantile(latencies, 0.99))} | | |`,
].join('\n');
writeSection('gateway', table);
process.stdout.write(`${table}\n`);
