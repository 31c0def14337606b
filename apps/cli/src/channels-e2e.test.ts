// End to end: the built CLI's gateway runs the real grammY and discord.js clients against
// loopback fakes of Telegram and Discord, and the agent against a fake Anthropic server.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeProvider } from '@openclaw/agent/testing';
import { startFakeAnthropic } from '@openclaw/agent/testing';
import { FakeDiscord, mention } from '@openclaw/channel-discord/testing';
import { FakeBotApi } from '@openclaw/channel-telegram/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { WsClient, freePort, startGateway } from '../test/gateway-process.ts';
import { assertBuilt, runCliAsync, tempHome } from '../test/run-cli.ts';

const TOKEN = 'channels-e2e-token-0123456789abcdef';
const TELEGRAM_TOKEN = '123456:telegram-e2e-secret-token';
let home: string;
let port: number;
let provider: FakeProvider;
let telegram: FakeBotApi;
let discord: FakeDiscord;
let gateway: GatewayProcess | undefined;

beforeAll(() => assertBuilt());

beforeEach(async () => {
  home = tempHome();
  port = await freePort();
  provider = await startFakeAnthropic();
  telegram = await FakeBotApi.start({ bots: [{ token: TELEGRAM_TOKEN, username: 'claw_bot' }] });
  discord = await FakeDiscord.start();
});

afterEach(async () => {
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  gateway = undefined;
  await Promise.all([provider.close(), telegram.close(), discord.close()]);
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(channels: Record<string, unknown>): void {
  mkdirSync(join(home, '.openclaw'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(home, '.openclaw', 'openclaw.json'),
    JSON.stringify({
      gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } },
      models: { providers: { anthropic: { baseUrl: provider.url } } },
      agents: { defaults: { model: { primary: 'anthropic/claude-e2e', fallbacks: [] } } },
      session: { dmScope: 'per-channel-peer' },
      logging: { file: join(home, 'gateway.log') },
      channels,
    }),
    { mode: 0o600 },
  );
}

const telegramSection = { botToken: TELEGRAM_TOKEN, apiRoot: '', dmPolicy: 'pairing' };
const start = async () => (gateway = await startGateway([], { home, env: { ANTHROPIC_API_KEY: 'sk-ant-e2e' } }));

/** Runs the CLI without blocking this process (the fakes live in it). */
const cli = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) => runCliAsync(args, { home, ...options });

async function channelsStatus(): Promise<{ channelAccounts: Record<string, { state: string; connected: boolean }[]> }> {
  const result = await cli(['gateway', 'call', 'channels.status', '--url', `ws://127.0.0.1:${port}`, '--token', TOKEN]);
  return JSON.parse(result.stdout) as { channelAccounts: Record<string, { state: string; connected: boolean }[]> };
}

async function waitConnected(channel: string): Promise<void> {
  await vi.waitFor(async () => expect((await channelsStatus()).channelAccounts[channel]?.[0]?.connected).toBe(true), { timeout: 10_000, interval: 100 });
}

const sentTexts = () => telegram.callsTo('sendMessage').map((call) => String(call.params.text));

describe('channels through the built gateway', () => {
  it('Telegram: an unknown DM gets a pairing code; once approved, the agent answers, long replies in chunks', async () => {
    writeConfig({ telegram: { ...telegramSection, apiRoot: telegram.apiRoot } });
    await start();
    telegram.pushMessage({ text: 'hello bot' });
    await telegram.waitForCall('sendMessage', { timeoutMs: 10_000 });
    const pairing = sentTexts()[0] ?? '';
    expect(pairing).toContain('OpenClaw: access not configured.');
    expect(pairing).toContain('Your Telegram user id: 1001');
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(pairing)?.[1];
    expect(pairing).toContain(`openclaw pairing approve telegram ${code}`);
    expect(provider.requests).toHaveLength(0);

    // A second message before approval gets no second code.
    telegram.pushMessage({ text: 'hello?' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentTexts()).toHaveLength(1);

    // The owner approves with the CLI (through the running gateway, which tells the sender).
    const approve = await cli(['pairing', 'approve', 'telegram', code ?? '']);
    expect(approve.code).toBe(0);
    await vi.waitFor(() => expect(sentTexts()).toContain('✅ OpenClaw access approved. Send a message to start chatting.'), { timeout: 10_000 });
    const long = `${'All work and no play. '.repeat(400)}The end.`;
    provider.script({ text: [long.slice(0, 4000), long.slice(4000)] });
    telegram.pushMessage({ text: 'tell me a long story' });
    await vi.waitFor(() => expect(sentTexts().join('')).toContain('The end.'), { timeout: 10_000 });
    const replies = telegram.callsTo('sendMessage').slice(2);
    expect(replies.length).toBeGreaterThan(1);
    for (const reply of replies) {
      expect(String(reply.params.text).length).toBeLessThanOrEqual(4096);
      expect(reply.params.chat_id).toBe(1001);
    }
    expect(replies.map((r) => String(r.params.text)).join(' ').replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' ').trim());
    expect(telegram.callsTo('sendChatAction').length).toBeGreaterThan(0);
    expect((provider.requests[0]?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'tell me a long story' }]);
  });

  it('Discord: a mention in an allowed channel is answered; an unmentioned message is ignored', async () => {
    writeConfig({ discord: { token: discord.token, apiBaseUrl: discord.restApi, guilds: { 'g-100': { requireMention: true } } } });
    await start();
    await waitConnected('discord');
    const alice = { id: '2000000000000000002', username: 'alice' };
    await discord.dispatchMessage({ channelId: 'c-100', author: alice, content: 'just chatting, no mention' });
    provider.script({ text: 'pong from the agent' });
    await discord.dispatchMessage({ channelId: 'c-100', author: alice, content: `${mention(discord.bot)} ping` });
    await vi.waitFor(() => expect(discord.postedIn('c-100')).toHaveLength(1), { timeout: 10_000 });
    expect(discord.postedIn('c-100')[0]).toMatchObject({ content: 'pong from the agent', authorization: `Bot ${discord.token}` });
    expect(provider.requests).toHaveLength(1);
    expect((provider.requests[0]?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'ping' }]);
  });

  it('one channel refused at login leaves the other answering', async () => {
    discord.rejectIdentify(4004);
    writeConfig({ discord: { token: discord.token, apiBaseUrl: discord.restApi }, telegram: { ...telegramSection, apiRoot: telegram.apiRoot, dmPolicy: 'open', allowFrom: ['*'] } });
    await start();
    // An operator client sees the channel's run as chat events, as it sees chat.send's.
    const watcher = await WsClient.open(`ws://127.0.0.1:${port}/`);
    expect((await watcher.connect({ min: 3, max: 4 }, TOKEN)).ok).toBe(true);
    provider.script({ text: 'still here' });
    telegram.pushMessage({ text: 'are you up?' });
    await vi.waitFor(() => expect(sentTexts()).toContain('still here'), { timeout: 10_000 });
    const final = await watcher.next((f) => f.event === 'chat' && (f.payload as { state?: string }).state === 'final');
    expect(final.payload).toMatchObject({ sessionKey: 'agent:main:telegram:dm:1001', message: { content: [{ type: 'text', text: 'still here' }] } });
    watcher.close();
    const payload = await channelsStatus();
    expect(payload.channelAccounts.discord?.[0]).toMatchObject({ state: 'auth-failed', connected: false });
    expect(payload.channelAccounts.telegram?.[0]).toMatchObject({ state: 'running', connected: true });
  });

  it('Telegram webhook mode: updates posted to the gateway port with the secret reach the agent', async () => {
    writeConfig({ telegram: { botToken: TELEGRAM_TOKEN, apiRoot: telegram.apiRoot, webhookUrl: 'https://bot.example.com/tg-hook', webhookSecret: 'hook_secret_123', dmPolicy: 'open', allowFrom: ['*'] } });
    await start();
    await vi.waitFor(() => expect(telegram.webhook()).toMatchObject({ url: 'https://bot.example.com/tg-hook', secretToken: 'hook_secret_123' }), { timeout: 10_000 });
    const update = { update_id: 1, message: { message_id: 7, date: Math.floor(Date.now() / 1000), chat: { id: 1001, type: 'private' }, from: { id: 1001, is_bot: false, first_name: 'Ada' }, text: 'via webhook' } };
    const post = (secret: string) =>
      fetch(`http://127.0.0.1:${port}/tg-hook`, { method: 'POST', headers: { 'content-type': 'application/json', host: 'bot.example.com', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
    expect((await post('wrong')).status).toBe(401);
    provider.script({ text: 'hooked' });
    expect((await post('hook_secret_123')).status).toBe(200);
    await vi.waitFor(() => expect(sentTexts()).toContain('hooked'), { timeout: 10_000 });
    expect(telegram.callsTo('getUpdates')).toHaveLength(0);
  });
});
