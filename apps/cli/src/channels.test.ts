// `openclaw channels list | status | login`, `openclaw message send` and `openclaw pairing`
// through a running gateway: the built CLI against the built gateway, Telegram played by a
// loopback fake of the Bot API (the real grammY client talks to it).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeBotApi } from '@openclaw/channel-telegram/testing';
import { ChannelRegistry, createGateway, defineChannelPlugin, resolveGatewayAuth } from '@openclaw/gateway-core';
import { PairingStore } from '@openclaw/state';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { freePort, startGateway } from '../test/gateway-process.ts';
import { assertBuilt, runCli, runCliAsync, tempHome } from '../test/run-cli.ts';

const TOKEN = 'channels-cli-token-0123456789abcdef';
const TELEGRAM_TOKEN = '123456:telegram-cli-secret-token';
const DISCORD_TOKEN = 'discord.cli.secret-token-abcdefghijklmnop';

beforeAll(assertBuilt);

let home: string;
let port: number;
let gateway: GatewayProcess | undefined;

beforeEach(async () => {
  home = tempHome();
  port = await freePort();
});

afterEach(async () => {
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  gateway = undefined;
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(extra: Record<string, unknown>, dotenv = ''): void {
  const stateDir = join(home, '.openclaw');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, 'openclaw.json'), JSON.stringify({ gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } }, logging: { file: join(home, 'gateway.log') }, ...extra }), { mode: 0o600 });
  if (dotenv) writeFileSync(join(stateDir, '.env'), dotenv, { mode: 0o600 });
}

describe('openclaw channels list', () => {
  it('lists channels, accounts and where each token comes from, never the token', () => {
    writeConfig(
      { channels: { telegram: { botToken: '${TELEGRAM_BOT_TOKEN}', accounts: { work: { tokenFile: '~/missing-token' } } }, discord: { token: DISCORD_TOKEN, dm: { policy: 'allowlist', allowFrom: ['1'] } } } },
      `TELEGRAM_BOT_TOKEN=${TELEGRAM_TOKEN}\n`,
    );
    const result = runCli(['channels', 'list'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  telegram  pairing: 0 pending, 0 approved\n');
    expect(result.stdout).toMatch(/ {4}default {2}configured, DMs: pairing; token from the config \(channels\.telegram\.botToken\)\n/);
    expect(result.stdout).toMatch(/ {4}work {5}not configured, DMs: pairing; channels\.telegram\.accounts\.work\.tokenFile: cannot read .*missing-token \(ENOENT\)\n/);
    expect(result.stdout).toMatch(/ {4}default {2}configured, DMs: allowlist; token from the config \(channels\.discord\.token\)\n/);
    expect(result.stdout + result.stderr).not.toContain('secret-token');

    const json = JSON.parse(runCli(['channels', 'list', '--json'], { home }).stdout) as { channels: { id: string; accounts: { accountId: string; configured: boolean; credential: { kind: string } }[] }[] };
    expect(json.channels.map((c) => c.id)).toEqual(['telegram', 'discord']);
    expect(json.channels[0]?.accounts).toMatchObject([
      { accountId: 'default', configured: true, credential: { kind: 'config' } },
      { accountId: 'work', configured: false, credential: { kind: 'none' } },
    ]);
    expect(JSON.stringify(json)).not.toContain('secret-token');
  });

  it('WhatsApp: whether each account is linked, from its session files', () => {
    writeConfig({ channels: { whatsapp: { accounts: { home: {}, work: {} } } } });
    const session = join(home, '.openclaw', 'channels', 'whatsapp', 'work');
    mkdirSync(session, { recursive: true });
    writeFileSync(join(session, 'creds.json'), JSON.stringify({ me: { id: '15551234567:3@s.whatsapp.net' } }));
    const result = runCli(['channels', 'list'], { home });
    expect(result.stdout).toMatch(/ {4}home {2}not configured, DMs: pairing; not linked; fix: openclaw channels login --channel whatsapp \(session in .*channels\/whatsapp\/home\)\n/);
    expect(result.stdout).toMatch(/ {4}work {2}configured, DMs: pairing; linked as 15551234567:3@s\.whatsapp\.net/);
  });

  it('names the env file a token comes from, and says when nothing is configured', () => {
    writeConfig({ channels: { telegram: {} } }, `TELEGRAM_BOT_TOKEN=${TELEGRAM_TOKEN}\n`);
    const result = runCli(['channels', 'list'], { home });
    expect(result.stdout).toMatch(/default {2}configured, DMs: pairing; token from TELEGRAM_BOT_TOKEN \(.*\.openclaw\/\.env \(\.env in the state dir\)\)/);
    expect(result.stdout).not.toContain(TELEGRAM_TOKEN);
    writeConfig({});
    expect(runCli(['channels', 'list'], { home }).stdout).toMatch(/^No channels configured in .*openclaw\.json\.\n/);
  });
});

describe('a gateway without channels', () => {
  it('message send names the channel it does not have; channels status and login say what to do', async () => {
    writeConfig({});
    gateway = await startGateway([], { home });
    const send = runCli(['message', 'send', '--channel', 'telegram', '--target', '1001', '--message', 'hi'], { home });
    expect(send.code).toBe(1);
    expect(send.stderr).toContain(`error: the gateway at ws://127.0.0.1:${port} cannot send on telegram: unknown channel "telegram" (configured channels: none)`);
    expect(send.stderr).toContain('fix: configure channels.telegram in');
    const json = JSON.parse(runCli(['message', 'send', '--channel', 'telegram', '-t', '1', '-m', 'hi', '--json'], { home }).stdout) as { ok: boolean; error: { kind: string } };
    expect(json).toMatchObject({ ok: false, error: { kind: 'CHANNEL_UNKNOWN' } });

    const status = runCli(['channels', 'status'], { home });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`The gateway at ws://127.0.0.1:${port} runs no channels.`);

    const login = runCli(['channels', 'login'], { home });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('runs no channel with a QR login');
  });

  it('pairing approve goes through the gateway; the sender cannot be told without the channel', async () => {
    writeConfig({});
    gateway = await startGateway([], { home });
    const store = new PairingStore({ stateDir: join(home, '.openclaw') });
    const request = await store.request('telegram', '1001');
    const code = request.approved ? '' : request.code;
    const result = runCli(['pairing', 'approve', 'telegram', code, '--json'], { home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, source: 'gateway', senderId: '1001', notified: false, reason: 'unknown channel "telegram"' });
    expect(await store.isAllowed('telegram', '1001')).toBe(true);
    const again = runCli(['pairing', 'approve', 'telegram', code], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: no pending pairing request with code ${code} on telegram\n  fix: see the pending codes: openclaw pairing list telegram\n`);
  });
});

describe('a gateway running Telegram', () => {
  let telegram: FakeBotApi;

  beforeEach(async () => {
    telegram = await FakeBotApi.start({ bots: [{ token: TELEGRAM_TOKEN, username: 'claw_bot' }] });
    writeConfig({ channels: { telegram: { botToken: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot, dmPolicy: 'pairing' } } });
    gateway = await startGateway([], { home });
  });

  afterEach(async () => {
    await telegram.close();
  });

  const sent = () => telegram.callsTo('sendMessage').map((call) => ({ chat: call.params.chat_id, text: String(call.params.text) }));

  it('channels status shows the account; message send delivers in chunks of at most 4096', async () => {
    await vi.waitFor(async () => expect((await runCliAsync(['channels', 'status'], { home })).stdout).toMatch(/ {4}default {2}connected, mode polling, tokenSource config/), { timeout: 10_000, interval: 100 });
    const probed = await runCliAsync(['channels', 'status', '--probe', '--json'], { home });
    expect(JSON.parse(probed.stdout)).toMatchObject({ channelOrder: ['telegram'], channelAccounts: { telegram: [{ accountId: 'default', connected: true, probe: { ok: true } }] } });
    expect(probed.stdout).not.toContain(TELEGRAM_TOKEN);

    const text = `${'Lorem ipsum dolor sit amet. '.repeat(200)}Fin.`;
    const result = await runCliAsync(['message', 'send', '--channel', 'telegram', '--target', '1001', '--message', text], { home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Sent to telegram 1001: 2 messages \d+, \d+\n$/);
    expect(sent().map((m) => m.chat)).toEqual([1001, 1001]);
    for (const message of sent()) expect(message.text.length).toBeLessThanOrEqual(4096);
    expect(sent().map((m) => m.text).join(' ').replace(/\s+/g, ' ')).toBe(text.trim().replace(/\s+/g, ' '));

    const unknownAccount = await runCliAsync(['message', 'send', '--channel', 'telegram', '--account', 'work', '-t', '1', '-m', 'x'], { home });
    expect(unknownAccount.code).toBe(1);
    expect(unknownAccount.stderr).toContain('channel "telegram" has no account "work" (accounts: default)');
  });

  it('pairing: the code the sender got is listed; approve tells them through Telegram', async () => {
    telegram.pushMessage({ text: 'hello bot' });
    await telegram.waitForCall('sendMessage', { timeoutMs: 10_000 });
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(sent()[0]?.text ?? '')?.[1] ?? '';
    expect(code).not.toBe('');

    const list = await runCliAsync(['pairing', 'list', 'telegram'], { home });
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(new RegExp(`^telegram\\s+${code}\\s+1001 \\(@ada, Ada`, 'm'));

    const approve = await runCliAsync(['pairing', 'approve', 'telegram', code], { home });
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toBe('Approved telegram sender 1001 (@ada, Ada Lovelace).\nThey were told through the channel that they can start chatting.\n');
    expect(sent().at(-1)).toEqual({ chat: 1001, text: '✅ OpenClaw access approved. Send a message to start chatting.' });
    expect(await new PairingStore({ stateDir: join(home, '.openclaw') }).isAllowed('telegram', '1001')).toBe(true);
  });
});

describe('openclaw channels login', () => {
  it('prints the QR payload and how to draw it, then waits for the link', async () => {
    // An in-process gateway whose one channel has a QR login (WhatsApp itself needs a phone).
    let linked = false;
    const plugin = defineChannelPlugin({
      id: 'qrchat',
      create: () => ({ start: async () => undefined, stop: async () => undefined, send: async () => ({ messageIds: [] }) }),
      login: {
        start: async (context) => ({ message: `Scan the code for ${context.accountId}.`, qr: "2@abc,def'ghi" }),
        wait: async () => {
          linked = true;
          return { connected: true, message: 'linked as +15550001111' };
        },
      },
    });
    const registry = new ChannelRegistry({ onInbound: async () => undefined });
    registry.add(plugin, [{ accountId: 'phone', config: {} }]);
    const server = createGateway({ version: 'test', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
    registry.registerMethods(server);
    const [address] = await server.start();
    try {
      const remote = ['--url', `ws://127.0.0.1:${address!.port}`, '--token', TOKEN];
      const result = await runCliAsync(['channels', 'login', '--channel', 'qrchat', ...remote], { home });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Scan the code for phone.\n');
      expect(result.stdout).toContain("  qrencode -t ANSIUTF8 '2@abc,def'\\''ghi'\n");
      expect(result.stdout).toContain('Linked: linked as +15550001111; the gateway restarts it with the new credentials.\n');
      expect(linked).toBe(true);
      const json = await runCliAsync(['channels', 'login', '--channel', 'qrchat', '--json', ...remote], { home });
      expect(json.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
        { step: 'started', message: 'Scan the code for phone.', qr: "2@abc,def'ghi" },
        { step: 'done', connected: true, message: 'linked as +15550001111' },
      ]);
    } finally {
      await registry.stopAll();
      await server.stop();
    }
  });
});
