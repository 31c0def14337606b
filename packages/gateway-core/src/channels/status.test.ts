import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../server/gateway.ts';
import type { Gateway } from '../server/gateway.ts';
import { resolveGatewayAuth } from '../net/index.ts';
import { ChannelError, ChannelRegistry, accountSummaries, toChannelProtocolError } from './index.ts';
import { TestClient } from '../../test/ws-client.ts';
import { FakeChannel, fakeAccount } from '../../test/fake-channel.ts';

const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(registry: ChannelRegistry): Promise<{ gateway: Gateway; client: TestClient }> {
  const gateway = createGateway({ version: '0.0.0-test', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
  cleanups.push(() => gateway.stop());
  registry.registerMethods(gateway);
  const [address] = await gateway.start();
  const client = await TestClient.open(`ws://127.0.0.1:${address!.port}/`);
  cleanups.push(() => client.close());
  const hello = (await client.connect({ auth: { token: TOKEN } })) as { ok: boolean };
  expect(hello.ok).toBe(true);
  return { gateway, client };
}

function registryWith(...channels: [FakeChannel, Record<string, Parameters<typeof fakeAccount>[0]>][]): ChannelRegistry {
  const registry = new ChannelRegistry({ onInbound: async () => undefined, stopTimeoutMs: 50 });
  cleanups.push(() => registry.stopAll());
  for (const [fake, accounts] of channels) {
    registry.add(fake.plugin, Object.entries(accounts).map(([accountId, overrides]) => ({ accountId, config: fakeAccount(overrides) })));
  }
  return registry;
}

describe('channels.status over the wire', () => {
  it('answers the reference shape with every account snapshot', async () => {
    const registry = registryWith([new FakeChannel({ id: 'alpha', label: 'Alpha' }), { default: {}, spare: {} }], [new FakeChannel({ id: 'beta' }), { main: { authFailure: true } }]);
    await registry.startAll();
    const { client } = await serve(registry);
    const res = (await client.request('channels.status', {})) as { ok: boolean; payload: Record<string, unknown> };
    expect(res.ok).toBe(true);
    expect(Object.keys(res.payload).sort()).toEqual(['channelAccounts', 'channelDefaultAccountId', 'channelLabels', 'channelOrder', 'channels', 'ts']);
    expect(res.payload).toMatchObject({
      channelOrder: ['alpha', 'beta'],
      channelLabels: { alpha: 'Alpha', beta: 'beta' },
      channelDefaultAccountId: { alpha: 'default', beta: 'main' },
      channels: {
        alpha: { configured: true, running: true, connected: true, accounts: 2, connectedAccounts: 2, lastError: null },
        beta: { configured: true, running: false, connected: false, accounts: 1, connectedAccounts: 0, lastError: 'bot token revoked' },
      },
      channelAccounts: {
        alpha: [
          { accountId: 'default', enabled: true, configured: true, running: true, connected: true, reconnectAttempts: 0, lastInboundAt: null, mode: 'polling' },
          { accountId: 'spare', connected: true },
        ],
        beta: [{ accountId: 'main', state: 'auth-failed', lastError: 'bot token revoked', hint: 'set a new token' }],
      },
    });
    expect(res.payload.channelAccounts).not.toHaveProperty('alpha.0.probe');
  });

  it('with probe, probes each account within the timeout and isolates failures', async () => {
    const registry = registryWith(
      [new FakeChannel({ id: 'alpha' }), { ok: {}, hangs: { probe: 'hang' }, fails: { probe: 'fail' }, none: { probe: 'none' } }],
      [new FakeChannel({ id: 'beta' }), { down: { failStarts: 100 } }],
    );
    await registry.startAll();
    const { client } = await serve(registry);
    const res = (await client.request('channels.status', { probe: true, timeoutMs: 100 })) as { ok: boolean; payload: { channelAccounts: Record<string, Record<string, unknown>[]> } };
    expect(res.ok).toBe(true);
    const [ok, hangs, fails] = res.payload.channelAccounts.alpha!;
    expect(ok).toMatchObject({ lastProbeAt: expect.any(Number), probe: { ok: true, bot: { username: 'ok_bot' }, elapsedMs: expect.any(Number) } });
    expect(hangs).toMatchObject({ probe: { ok: false, error: 'probe timed out after 100 ms' } });
    expect(fails).toMatchObject({ probe: { ok: false, error: 'getMe failed' } });
    expect(res.payload.channelAccounts.beta![0]).toMatchObject({ probe: { ok: false, error: 'not running (retrying)' } });

    const bad = (await client.request('channels.status', { probe: 'yes' })) as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

describe('plugin methods', () => {
  it('registers extra methods as <channel>.<name>, validated and callable over the wire', async () => {
    const registry = registryWith([new FakeChannel(), { default: {}, second: {} }]);
    await registry.startAll();
    const { gateway, client } = await serve(registry);
    expect(gateway.methods.names()).toEqual(expect.arrayContaining(['channels.status', 'fake.echo']));
    expect(gateway.methods.has('web.login.start')).toBe(false);

    await expect(client.request('fake.echo', { text: 'hi', accountId: 'second' })).resolves.toMatchObject({
      ok: true,
      payload: { channel: 'fake', accountId: 'second', text: 'hi' },
    });
    await expect(client.request('fake.echo', { text: 'hi' })).resolves.toMatchObject({ ok: true, payload: { accountId: 'default' } });
    await expect(client.request('fake.echo', { text: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    await expect(client.request('fake.echo', { text: 'hi', accountId: 'zzz' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'channel "fake" has no account "zzz"', details: { code: 'ACCOUNT_UNKNOWN', hint: 'accounts: default, second' } },
    });
  });

  it('serves a login flow as web.login.start / web.login.wait and restarts the account once linked', async () => {
    const fake = new FakeChannel({ id: 'whats', login: true });
    const registry = registryWith([fake, { default: { needsLogin: true } }]);
    await registry.startAll();
    expect(registry.account('whats').snapshot).toMatchObject({ state: 'auth-failed', lastError: 'not linked' });
    const { client } = await serve(registry);
    await expect(client.request('web.login.start', { force: true })).resolves.toMatchObject({ ok: true, payload: { message: 'scan the code', qr: 'QR-default' } });
    await expect(client.request('web.login.wait', { timeoutMs: 1_000 })).resolves.toMatchObject({ ok: true, payload: { connected: true } });
    await expect.poll(() => registry.account('whats').snapshot.connected).toBe(true);
    await expect(client.request('web.login.start', { channel: 'nope' })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', details: { code: 'CHANNEL_UNKNOWN' } } });
  });

  it('with an error handler, a plugin whose method is invalid or clashes loses its methods, and the others keep theirs', async () => {
    const good = new FakeChannel({ id: 'good' });
    const bad = new FakeChannel({ id: 'bad' });
    (bad.plugin.methods as Record<string, unknown>)['Not Valid'] = { handler: () => 1 };
    const registry = new ChannelRegistry({ onInbound: async () => undefined });
    registry.add(good.plugin, [{ accountId: 'default', config: fakeAccount() }]);
    registry.add(bad.plugin, [{ accountId: 'default', config: fakeAccount() }]);
    const gateway = createGateway({ version: '0', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
    const failed: string[] = [];
    registry.registerMethods(gateway, (plugin, error) => failed.push(`${plugin.id}: ${(error as Error).message}`));
    expect(failed).toEqual(['bad: channel "bad" has an invalid method name "Not Valid"']);
    expect(gateway.methods.has('channels.status')).toBe(true);
    expect(gateway.methods.has('good.echo')).toBe(true);
    expect(gateway.methods.has('bad.echo')).toBe(false);
  });

  it('unregisters what it registered', async () => {
    const registry = registryWith([new FakeChannel(), { default: {} }]);
    const gateway = createGateway({ version: '0', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
    const remove = registry.registerMethods(gateway);
    expect(() => registry.registerMethods(gateway)).toThrow(/already registered/);
    remove();
    expect(gateway.methods.has('channels.status') || gateway.methods.has('fake.echo')).toBe(false);
  });
});

describe('toChannelProtocolError', () => {
  it('maps not-connected to a retryable UNAVAILABLE and passes other errors through', () => {
    const shape = (toChannelProtocolError(new ChannelError('CHANNEL_NOT_CONNECTED', 'x is not connected', { channel: 'x' })) as { toShape(): unknown }).toShape();
    expect(shape).toEqual({ code: 'UNAVAILABLE', message: 'x is not connected', retryable: true, details: { code: 'CHANNEL_NOT_CONNECTED', channel: 'x' } });
    const other = new Error('plain');
    expect(toChannelProtocolError(other)).toBe(other);
  });
});

describe('accountSummaries', () => {
  it('flattens the snapshot into one line per account for the status method', async () => {
    const registry = registryWith([new FakeChannel({ id: 'alpha' }), { a: {}, b: { authFailure: true } }]);
    await registry.startAll();
    expect(accountSummaries(registry.snapshot())).toEqual([
      { id: 'alpha', accountId: 'a', configured: true, running: true, connected: true, lastError: null },
      { id: 'alpha', accountId: 'b', configured: true, running: false, connected: false, lastError: 'bot token revoked' },
    ]);
  });
});
