#!/usr/bin/env node
// Idle RSS of the built CLI's gateway with every built-in channel configured: Telegram and
// Discord connected to loopback fakes (the real grammY and discord.js clients), WhatsApp
// configured but not linked (Baileys loaded, no session to connect with).
// Usage: node bench/channels.mjs   (after `pnpm build`; scripts/bench.sh does both)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeDiscord } from '../packages/channel-discord/test/fake-discord.ts';
import { FakeBotApi } from '../packages/channel-telegram/test/fake-bot-api.ts';
import { freePort } from './gateway-client.mjs';
import { machineLine, writeSection } from './report.mjs';

const cli = join(import.meta.dirname, '..', 'apps', 'cli', 'dist', 'openclaw.js');
const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';
const TELEGRAM_TOKEN = '123456:bench-telegram-token';


const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function idleRss(channels) {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-channels-'));
  mkdirSync(join(dir, '.openclaw'), { mode: 0o700 });
  const port = await freePort();
  writeFileSync(
    join(dir, '.openclaw', 'openclaw.json'),
    JSON.stringify({ gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } }, logging: { file: join(dir, 'gateway.log') }, ...(channels ? { channels } : {}) }),
    { mode: 0o600 },
  );
  const child = spawn(process.execPath, [cli, 'gateway'], { env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  while (!out.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}`);
    await sleep(20);
  }
  await sleep(5_000);
  const rss = rssMb(child.pid);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
  return rss;
}

const telegram = await FakeBotApi.start({ bots: [{ token: TELEGRAM_TOKEN, username: 'bench_bot' }] });
const discord = await FakeDiscord.start();
const none = await idleRss(undefined);
const all = await idleRss({
  telegram: { botToken: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot },
  discord: { token: discord.token, apiBaseUrl: discord.restApi },
  whatsapp: {},
});
// What a linked WhatsApp account adds: Baileys loaded (its protobuf definitions, the WASM signal bridge).
const probe = spawnSync(process.execPath, ['--input-type=module', '-e', "const b = process.memoryUsage().rss; await import('@whiskeysockets/baileys'); console.log(process.memoryUsage().rss - b);"], {
  cwd: join(import.meta.dirname, '..', 'packages', 'channel-whatsapp'),
  encoding: 'utf8',
});
const baileysMb = Number(probe.stdout.trim()) / 2 ** 20;
const connected = { telegram: telegram.callsTo('getUpdates').length > 0, discord: discord.identifies.length > 0 };
await telegram.close();
await discord.close();
if (!connected.telegram || !connected.discord) throw new Error(`a channel did not connect to its fake: ${JSON.stringify(connected)}`);

const table = [
  'Command: `node bench/channels.mjs` (the built CLI\'s gateway, settled for 5 s; Telegram and Discord connected to loopback fakes through the real grammY and discord.js clients, WhatsApp configured without a linked session).',
  '',
  machineLine(),
  '',
  '| what | openclaw (this repo) | target |',
  '|---|---|---|',
  `| idle RSS, no channels | ${none.toFixed(1)} MB | < 60 MB |`,
  `| idle RSS, Telegram + Discord + WhatsApp configured | ${all.toFixed(1)} MB | < 100 MB |`,
  `| added by a linked WhatsApp account (Baileys loaded; measured by importing it into a fresh Node) | +${baileysMb.toFixed(1)} MB | |`,
].join('\n');
writeSection('channels', table);
process.stdout.write(`${table}\n`);
