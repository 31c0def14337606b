#!/usr/bin/env node
// Start-up cost of the built CLI against Node's own start-up.
// Usage: node bench/cli.mjs [--runs N]   (after `pnpm build`; scripts/bench.sh does both)
// Writes its table into docs/benchmarks.md between the bench:cli markers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineLine, quantile, writeSection } from './report.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } });
const runs = Number(values.runs);
const cli = join(import.meta.dirname, '..', 'apps', 'cli', 'dist', 'openclaw.js');
const home = mkdtempSync(join(tmpdir(), 'oc-bench-'));
const env = { PATH: process.env.PATH, HOME: home };

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function measure(label, argsFor) {
  time(argsFor(0)); // warm the page cache
  const samples = Array.from({ length: runs }, (_, i) => time(argsFor(i))).sort((a, b) => a - b);
  return { label, median: quantile(samples, 0.5), p90: quantile(samples, 0.9), min: samples[0] };
}

const rows = [
  measure('`node -e 0` (baseline)', () => ['-e', '0']),
  measure('`openclaw --version`', () => [cli, '--version']),
  measure('`openclaw config get gateway.port`', () => [cli, 'config', 'get', 'gateway.port']),
  measure('`openclaw config set gateway.port N`', (i) => [cli, 'config', 'set', 'gateway.port', String(19000 + (i % 50))]),
  measure('`openclaw config validate`', () => [cli, 'config', 'validate']),
  measure('`openclaw doctor` (no service, no network; target < 1 s, the original takes 11 s)', () => [cli, 'doctor']),
];
rmSync(home, { recursive: true, force: true });

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const table = [
  `Command: \`node bench/cli.mjs --runs ${runs}\` (wall time of the whole process, ${runs} runs each; config in a fresh temp HOME).`,
  '',
  machineLine(),
  '',
  '| command | median | p90 | min |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${fmt(r.median)} | ${fmt(r.p90)} | ${fmt(r.min)} |`),
  '',
  'Targets (issue: config layer): `config get` and `config set` under 150 ms median. The original OpenClaw takes 1.7 s for `config get` and 2.6–3.3 s for `config set`.',
].join('\n');
writeSection('cli', table);
process.stdout.write(`${table}\n`);
