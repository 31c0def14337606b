import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PairingStore } from '@openclaw/state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveGatewayAuth } from '../net/index.ts';
import { createGateway } from '../server/gateway.ts';
import { TestClient } from '../../test/ws-client.ts';
import { FakeChannel, fakeAccount } from '../../test/fake-channel.ts';
import { PAIRING_APPROVED_MESSAGE, registerChannelOpsMethods } from './channel-methods.ts';
import { deliverText } from './deliver.ts';
import { ChannelRegistry } from './registry.ts';

const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

type Response = { ok: boolean; payload?: Record<string, unknown>; error?: { code: string; message: string; details?: Record<string, unknown>; retryable?: boolean } };

let stateDir: string;
let pairing: PairingStore;
let fake: FakeChannel;
let registry: ChannelRegistry;
let now: number;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'oc-channel-ops-'));
  pairing = new PairingStore({ stateDir });
  fake = new FakeChannel({ id: 'fake' });
  registry = new ChannelRegistry({ onInbound: async () => undefined, stopTimeoutMs: 50 });
  registry.add(fake.plugin, [
    { accountId: 'default', config: fakeAccount() },
    { accountId: 'small', config: fakeAccount({ textLimit: 40, lineLimit: 2 }) },
    { accountId: 'broken', config: fakeAccount({ sendFails: true }) },
    { accountId: 'revoked', config: fakeAccount({ authFailure: true }) },
  ]);
  await registry.startAll();
  now = 1_700_000_000_000;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await registry.stopAll();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A gateway on loopback with the methods, and a client connected with `scopes`. */
async function connect(scopes: string[] = ['operator.admin']): Promise<(method: string, params?: unknown) => Promise<Response>> {
  const gateway = createGateway({ version: '0.0.0-test', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
  cleanups.push(() => gateway.stop());
  registerChannelOpsMethods(gateway, { registry, pairing, clock: () => now });
  const [address] = await gateway.start();
  const client = await TestClient.open(`ws://127.0.0.1:${address!.port}/`);
  cleanups.push(() => client.close());
  expect(((await client.connect({ auth: { token: TOKEN }, scopes })) as Response).ok).toBe(true);
  return async (method, params) => (await client.request(method, params)) as Response;
}

describe('send', () => {
  it('chunks by the account instance\'s text and line limits and returns every message id', async () => {
    const call = await connect();
    const res = await call('send', { channel: 'fake', accountId: 'small', to: 'chat-9', message: 'one two three\nfour\nfive\nsix seven eight nine ten eleven twelve', threadId: 't1' });
    expect(res.ok).toBe(true);
    const sent = fake.sent.filter((s) => s.accountId === 'small');
    expect(sent.length).toBeGreaterThan(1);
    for (const { target, message } of sent) {
      expect(target).toBe('chat-9');
      expect(message.threadId).toBe('t1');
      expect(message.text.length).toBeLessThanOrEqual(40);
      expect(message.text.split('\n').length).toBeLessThanOrEqual(2);
    }
    expect(sent.map((s) => s.message.text).join(' ').replace(/\s+/g, ' ')).toBe('one two three four five six seven eight nine ten eleven twelve');
    expect(res.payload).toEqual({ ok: true, channel: 'fake', to: 'chat-9', messageIds: sent.map((_, i) => `m${i + 1}`) });
  });

  it('uses the default account and needs operator.write', async () => {
    const read = await connect(['operator.read']);
    expect((await read('send', { channel: 'fake', to: 'c', message: 'hi' })).error).toMatchObject({ code: 'INVALID_REQUEST', message: 'missing scope: operator.write' });
    const write = await connect(['operator.write']);
    expect((await write('send', { channel: 'fake', to: 'c', message: 'hi' })).payload).toEqual({ ok: true, channel: 'fake', to: 'c', messageIds: ['m1'] });
    expect(fake.sent).toEqual([{ accountId: 'default', target: 'c', message: { text: 'hi' } }]);
  });

  it('says which channel or account is unknown, and what exists', async () => {
    const call = await connect();
    expect((await call('send', { channel: 'telegram', to: '1', message: 'hi' })).error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'unknown channel "telegram"',
      details: { code: 'CHANNEL_UNKNOWN', channel: 'telegram', hint: 'configured channels: fake' },
    });
    expect((await call('send', { channel: 'fake', accountId: 'nope', to: '1', message: 'hi' })).error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { code: 'ACCOUNT_UNKNOWN', hint: 'accounts: default, small, broken, revoked' },
    });
    expect((await call('send', { channel: 'fake', to: '1', message: '' })).error).toMatchObject({ code: 'INVALID_REQUEST', message: 'invalid params for send at message: message must not be empty' });
  });

  it('a disconnected account is UNAVAILABLE and retryable; a failing plugin is UNAVAILABLE with its error', async () => {
    const call = await connect();
    expect((await call('send', { channel: 'fake', accountId: 'revoked', to: '1', message: 'hi' })).error).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      details: { code: 'CHANNEL_NOT_CONNECTED', hint: 'last error: bot token revoked' },
    });
    const failed = (await call('send', { channel: 'fake', accountId: 'broken', to: '1', message: 'hi' })).error;
    expect(failed).toMatchObject({ code: 'UNAVAILABLE', details: { code: 'SEND_FAILED' } });
    expect(failed?.message).toContain('remote said 500');
  });

  it('an idempotency key is delivered once; a failed send under a key can be retried', async () => {
    const call = await connect();
    const first = await call('send', { channel: 'fake', to: 'c', message: 'once', idempotencyKey: 'k1' });
    const again = await call('send', { channel: 'fake', to: 'c', message: 'once', idempotencyKey: 'k1' });
    expect(again.payload).toEqual(first.payload);
    expect(fake.sent).toHaveLength(1);
    now += 11 * 60_000;
    await call('send', { channel: 'fake', to: 'c', message: 'once', idempotencyKey: 'k1' });
    expect(fake.sent).toHaveLength(2);

    expect((await call('send', { channel: 'fake', accountId: 'broken', to: 'c', message: 'x', idempotencyKey: 'k2' })).ok).toBe(false);
    expect((await call('send', { channel: 'fake', to: 'c', message: 'x', idempotencyKey: 'k2' })).ok).toBe(true);
    expect(fake.sent).toHaveLength(3);
  });
});

describe('pairing', () => {
  it('list, then approve: the sender is allowed and told through the channel', async () => {
    const { code } = (await pairing.request('fake', '42', { username: 'alice' })) as { code: string };
    await pairing.request('other', '7');
    const call = await connect();
    const all = (await call('pairing.list', {})).payload as { requests: { channel: string; id: string }[] };
    expect(all.requests.map((r) => [r.channel, r.id])).toEqual([
      ['fake', '42'],
      ['other', '7'],
    ]);
    expect(((await call('pairing.list', { channel: 'fake' })).payload as { requests: unknown[] }).requests).toEqual([expect.objectContaining({ id: '42', code, meta: { username: 'alice' } })]);

    const res = await call('pairing.approve', { channel: 'fake', code: code.toLowerCase() });
    expect(res.payload).toEqual({ ok: true, channel: 'fake', code, senderId: '42', meta: { username: 'alice' }, notified: true });
    expect(await pairing.allowFrom('fake')).toEqual(['42']);
    expect(fake.sent).toEqual([{ accountId: 'default', target: '42', message: { text: PAIRING_APPROVED_MESSAGE } }]);
    expect(PAIRING_APPROVED_MESSAGE).toBe('✅ OpenClaw access approved. Send a message to start chatting.');
  });

  it('a failed notification does not undo the approval', async () => {
    const { code } = (await pairing.request('other', '7')) as { code: string };
    const call = await connect();
    const res = await call('pairing.approve', { channel: 'other', code });
    expect(res.payload).toMatchObject({ ok: true, senderId: '7', notified: false, reason: 'unknown channel "other"' });
    expect(await pairing.isAllowed('other', '7')).toBe(true);
  });

  it('reject drops the request without access; an unknown code names the fix', async () => {
    const { code } = (await pairing.request('fake', '42')) as { code: string };
    const call = await connect();
    expect((await call('pairing.reject', { channel: 'fake', code })).payload).toEqual({ ok: true, channel: 'fake', code, senderId: '42' });
    expect(await pairing.list('fake')).toEqual([]);
    expect(await pairing.isAllowed('fake', '42')).toBe(false);
    expect(fake.sent).toEqual([]);
    expect((await call('pairing.approve', { channel: 'fake', code })).error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: `no pending pairing request with code ${code} on fake`,
      details: { code: 'PAIRING_CODE_UNKNOWN', hint: 'see the pending codes: openclaw pairing list fake' },
    });
    expect((await call('pairing.approve', { channel: '../x', code })).error).toMatchObject({ code: 'INVALID_REQUEST', details: { code: 'INVALID_ID' } });
  });

  it('pairing.* take operator.admin', async () => {
    const call = await connect(['operator.write', 'operator.pairing']);
    expect((await call('pairing.list', {})).error).toMatchObject({ code: 'INVALID_REQUEST', message: 'missing scope: operator.admin' });
  });
});

describe('deliverText', () => {
  it('quotes the replied-to message with the first piece only and skips blank pieces', async () => {
    const ids = await deliverText(registry, { channel: 'fake', accountId: 'small', target: 'g', text: `${'a'.repeat(30)} ${'b'.repeat(30)}`, replyToMessageId: 'in-1' });
    expect(ids).toEqual(['m1', 'm2']);
    expect(fake.sent.map((s) => s.message)).toEqual([{ text: 'a'.repeat(30), replyToMessageId: 'in-1' }, { text: 'b'.repeat(30) }]);
  });
});
