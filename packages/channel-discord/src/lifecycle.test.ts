import { describe, expect, it, vi } from 'vitest';
import { GatewayIntentBits } from 'discord.js';
import { ChannelRegistry } from '@openclaw/gateway-core';
import type { FakeUser } from '../test/fake-discord.ts';
import { startHarness } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';
import { resolveDiscordAccounts } from './accounts.ts';
import { createDiscordPlugin } from './plugin.ts';
import { MESSAGE_CONTENT_INTENT_HINT, toChannelFailure } from './errors.ts';

const alice: FakeUser = { id: '2000000000000000002', username: 'alice' };

/** Everything a log or status could leak the token through. */
function exposed(h: Harness, token: string): string[] {
  const texts = [...h.logs.lines(), JSON.stringify(h.registry.snapshot())];
  return texts.filter((text) => text.includes(token));
}

describe('start', () => {
  it('identifies with the guild, message, content and DM intents and reports the bot, never the token', async () => {
    await using h = await startHarness({ section: { token: undefined }, plugin: { env: {} }, idle: true });
    expect(h.snapshot()).toMatchObject({ configured: false, state: 'unconfigured' });

    await using ready = await startHarness();
    const { Guilds, GuildMessages, MessageContent, DirectMessages } = GatewayIntentBits;
    expect(ready.discord.identifies).toEqual([{ token: ready.discord.token, intents: Guilds | GuildMessages | MessageContent | DirectMessages }]);
    expect(ready.snapshot()).toMatchObject({ state: 'running', connected: true, tokenSource: 'config', botId: ready.discord.bot.id, botUsername: 'openclaw-bot', lastError: null });
    expect(exposed(ready, ready.discord.token)).toEqual([]);
  });

  it('takes the token from DISCORD_BOT_TOKEN and says so', async () => {
    const discordEnv = { DISCORD_BOT_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkE1.fake-discord-bot-token-0123456789abcdef' };
    await using h = await startHarness({ section: { token: undefined }, plugin: { env: discordEnv } });
    expect(h.snapshot()).toMatchObject({ state: 'running', tokenSource: 'env' });
  });

  it('a token Discord rejects (REST 401) is auth-failed with the fix, not retried', async () => {
    const wrong = 'MTAwMDAwMDAwMDAwMDAwMDAx.WRONG1.this-token-was-revoked-0123456789';
    await using h = await startHarness({ section: { token: wrong } });
    expect(h.snapshot()).toMatchObject({
      state: 'auth-failed',
      connected: false,
      lastError: expect.stringContaining('Discord rejected the bot token'),
      hint: expect.stringContaining('channels.discord.token (or DISCORD_BOT_TOKEN)'),
    });
    expect(h.discord.identifies).toEqual([]);
    expect(exposed(h, wrong)).toEqual([]);
  });

  it('a gateway close 4004 while identifying is auth-failed too', async () => {
    await using h = await startHarness({ idle: true });
    h.discord.rejectIdentify(4004);
    await h.registry.startAll();
    expect(h.snapshot()).toMatchObject({ state: 'auth-failed', lastError: expect.stringContaining('4004') });
    expect(h.discord.identifies).toHaveLength(1);
  });

  it('close 4014 (disallowed intents) is auth-failed with the Developer Portal fix', async () => {
    await using h = await startHarness({ idle: true });
    h.discord.rejectIdentify(4014);
    await h.registry.startAll();
    expect(h.snapshot()).toMatchObject({ state: 'auth-failed', lastError: expect.stringContaining('Message Content intent'), hint: MESSAGE_CONTENT_INTENT_HINT });
    expect(h.snapshot().hint).toContain('Developer Portal → your application → Bot → Privileged Gateway Intents');
    expect(exposed(h, h.discord.token)).toEqual([]);
  });

  it('an account without a token refuses to start when driven directly', async () => {
    const registry = new ChannelRegistry({ onInbound: async () => undefined });
    // Listed as configured anyway, as a caller that skips resolveAccounts might.
    const accounts = resolveDiscordAccounts({ accounts: { alt: {} } }, { env: {} }).map((account) => ({ ...account, configured: true }));
    registry.add(createDiscordPlugin({ env: {} }), accounts);
    await registry.startAll();
    expect(registry.account('discord', 'alt').snapshot).toMatchObject({ state: 'auth-failed', hint: expect.stringContaining('channels.discord.accounts.alt.token') });
  });
});

describe('while running', () => {
  it('reports a dropped connection and its resume, and keeps delivering', async () => {
    await using h = await startHarness();
    await h.discord.closeGateway(4000, 'unknown error');
    await vi.waitFor(() => expect(h.snapshot().connected).toBe(false));
    await vi.waitFor(() => expect(h.snapshot().connected).toBe(true), { timeout: 10_000 });
    expect(h.discord.identifies).toHaveLength(1);
    expect(h.snapshot().state).toBe('running');
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: 'after the resume' });
    await vi.waitFor(() => expect(h.routed.map((m) => m.text)).toEqual(['after the resume']));
  });

  it('a close discord.js does not recover from makes the registry start a new client', async () => {
    await using h = await startHarness({ registry: { backoff: { initialMs: 20 } } });
    await h.discord.closeGateway(4012, 'invalid API version');
    await vi.waitFor(() => expect(h.discord.identifies).toHaveLength(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'running', connected: true, lastError: expect.stringContaining('code 4012') }));
  });

  it('close 4014 while running is auth-failed with the intent fix', async () => {
    await using h = await startHarness({ registry: { backoff: { initialMs: 20 } } });
    await h.discord.closeGateway(4014, 'Disallowed intent(s).');
    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'auth-failed', connected: false, hint: MESSAGE_CONTENT_INTENT_HINT }));
    expect(h.discord.identifies).toHaveLength(1);
  });
});

describe('probe', () => {
  it('asks GET /users/@me for the bot, and reports a refused token', async () => {
    await using h = await startHarness();
    const ok = await h.registry.probe();
    expect(ok.channelAccounts.discord![0]!.probe).toEqual({ ok: true, bot: { id: h.discord.bot.id, username: 'openclaw-bot' }, elapsedMs: expect.any(Number) });
    expect(h.discord.requests.filter((r) => r.path === '/users/@me').map((r) => r.authorization)).toEqual([`Bot ${h.discord.token}`]);

    h.discord.rejectRest(401);
    const refused = await h.registry.probe();
    expect(refused.channelAccounts.discord![0]!.probe).toMatchObject({ ok: false, error: expect.stringContaining('Discord rejected the bot token') });
  });
});

describe('stop', () => {
  it('closes the gateway connection', async () => {
    await using h = await startHarness();
    expect(h.discord.sessions).toBe(1);
    await h.registry.stopAll();
    expect(h.snapshot()).toMatchObject({ state: 'stopped', connected: false });
    await vi.waitFor(() => expect(h.discord.sessions).toBe(0));
  });

  it('a stop while login is still under way leaves no gateway session behind', async () => {
    await using h = await startHarness({ idle: true });
    void h.registry.startAll();
    await new Promise((resolve) => setImmediate(resolve));
    await h.registry.stopAll();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.discord.sessions).toBe(0);
  });

  it('does not wait for a gateway that no longer answers beyond its own stop timeout', async () => {
    await using h = await startHarness({ plugin: { stopTimeoutMs: 50 }, registry: { stopTimeoutMs: 10_000 } });
    h.discord.freezeGateway();
    await h.registry.stopAll();
    expect(h.snapshot().state).toBe('stopped');
    expect(h.logs.records.filter((r) => r.msg.includes('stop timed out'))).toEqual([]);
  });
});

describe('toChannelFailure', () => {
  it('masks the token in an error and drops the error it came from', () => {
    const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkE1.secret';
    const failure = toChannelFailure(new Error(`request failed: Authorization: Bot ${token}`), 'default', token);
    expect(failure.message).toBe('request failed: Authorization: Bot [redacted]');
    expect(failure.cause).toBeUndefined();
    const plain = new Error('socket hang up');
    expect(toChannelFailure(plain, 'default', token)).toBe(plain);
  });
});
