// The webhook channel under gateway-core's real ChannelRegistry (and, for replies, its real
// router), with real HTTP both ways on loopback.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ChannelRegistry, createChannelRouter } from '@openclaw/gateway-core';
import type { ChannelAccountSnapshot, ChannelRouterOptions, InboundMessage } from '@openclaw/gateway-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startReplyEndpoint } from '../test/reply-endpoint.ts';
import type { ReplyEndpoint } from '../test/reply-endpoint.ts';
import webhookPlugin, { MAX_BODY_BYTES, SECRET_HEADER } from './index.ts';

const SECRET = 'webhook-test-secret-0123456789';
let endpoint: ReplyEndpoint;
let registry: ChannelRegistry;
let inbound: InboundMessage[];

beforeEach(async () => {
  endpoint = await startReplyEndpoint();
  inbound = [];
});

afterEach(async () => {
  await registry?.stopAll();
  await endpoint.close();
});

/** Adds the webhook channel with `section` on top of a working one and starts it. */
async function startChannel(section: Record<string, unknown> = {}, onInbound?: (message: InboundMessage) => Promise<void>): Promise<ChannelAccountSnapshot> {
  registry = new ChannelRegistry({ onInbound: onInbound ?? (async (message) => void inbound.push(message)), backoff: { initialMs: 60_000 } });
  const result = registry.addFromConfig(webhookPlugin, { port: 0, secret: SECRET, replyUrl: endpoint.url, ...section });
  expect(result.issues).toEqual([]);
  await registry.startAll();
  return account();
}

const account = (): ChannelAccountSnapshot => registry.snapshot().channelAccounts.webhook![0]!;

function post(url: string, body: unknown, headers: Record<string, string> = { [SECRET_HEADER]: SECRET }): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('webhook channel', () => {
  it('hands a POSTed message to the gateway and POSTs replies, with the secret, to replyUrl', async () => {
    const started = await startChannel();
    expect(started).toMatchObject({ state: 'running', connected: true, replyTo: new URL(endpoint.url).origin });
    const url = String(started.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/message$/);

    const response = await post(url, { from: 'alice', name: 'Alice', text: 'hello', id: 'm-1' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ok: true, id: 'm-1' });
    await vi.waitFor(() => expect(inbound).toHaveLength(1));
    expect(inbound[0]).toMatchObject({ channel: 'webhook', accountId: 'default', chatType: 'direct', chatId: 'alice', senderId: 'alice', senderName: 'Alice', text: 'hello', messageId: 'm-1' });

    await post(url, { from: 'bob', chat: 'team', text: 'hi all', mentioned: true });
    await vi.waitFor(() => expect(inbound).toHaveLength(2));
    expect(inbound[1]).toMatchObject({ chatType: 'group', chatId: 'team', senderId: 'bob', mentioned: true });

    const sent = await registry.send({ channel: 'webhook', target: 'team', message: { text: 'hi bob', replyToMessageId: 'm-2', threadId: 't' } });
    const [delivered] = await endpoint.waitForPosts(1);
    expect(delivered?.headers[SECRET_HEADER]).toBe(SECRET);
    expect(delivered?.headers['content-type']).toBe('application/json');
    expect(delivered?.body).toEqual({ chat: 'team', text: 'hi bob', id: sent.messageIds[0], replyTo: 'm-2', thread: 't' });
    expect(account().lastOutboundAt).not.toBeNull();
  });

  it('refuses requests without the secret, at other paths, with other methods and with bad bodies', async () => {
    const url = String((await startChannel()).url);
    const cases: [Promise<Response>, number][] = [
      [post(url, { from: 'a', text: 'x' }, {}), 401],
      [post(url, { from: 'a', text: 'x' }, { [SECRET_HEADER]: `${SECRET}x` }), 401],
      [post(url.replace('/message', '/other'), { from: 'a', text: 'x' }), 404],
      [fetch(url, { headers: { [SECRET_HEADER]: SECRET } }), 405],
      [post(url, 'not json'), 400],
      [post(url, { from: 'a' }), 400],
      [post(url, { from: '', text: 'x' }), 400],
      [post(url, { from: 'a', text: 'x', mentioned: 'yes' }), 400],
      [post(url, { from: 'a', text: 'x'.repeat(MAX_BODY_BYTES) }), 413],
    ];
    for (const [response, status] of cases) {
      const answer = await response;
      expect(answer.status).toBe(status);
      expect(await answer.json()).toMatchObject({ ok: false, error: expect.any(String) });
    }
    expect(inbound).toEqual([]);
    expect(account()).toMatchObject({ state: 'running', connected: true });
  });

  it('through the gateway router: access policy applies and long replies arrive in textLimit pieces', async () => {
    const turns: string[] = [];
    // No pairing approvals: this account's DMs go by its allowlist.
    const pairing: ChannelRouterOptions['pairing'] = { request: async () => ({ approved: true }), allowFrom: async () => [] };
    let route: (message: InboundMessage) => Promise<void> = async () => undefined;
    const url = String((await startChannel({ dmPolicy: 'allowlist', allowFrom: ['alice'], textLimit: 20 }, (message) => route(message))).url);
    route = createChannelRouter({
      channels: registry,
      pairing,
      session: () => ({ dmScope: 'per-channel-peer' }),
      runTurn: async (request) => {
        turns.push(request.message);
        return { status: 'ok', text: `you said: ${request.message}. ${'and more words '.repeat(4)}` };
      },
    });

    await post(url, { from: 'mallory', text: 'let me in' });
    await post(url, { from: 'alice', text: 'tell me' });
    const expected = `you said: tell me. ${'and more words '.repeat(4)}`.trim();
    const replies = () => endpoint.received.map((r) => r.body as { chat: string; text: string });
    await vi.waitFor(() => expect(replies().map((b) => b.text).join(' ').replace(/\s+/g, ' ').trim()).toBe(expected));
    expect(turns).toEqual(['tell me']);
    expect(replies().length).toBeGreaterThan(1);
    expect(replies().every((b) => b.chat === 'alice' && b.text.length <= 20)).toBe(true);
  });

  it('stops the account as auth-failed when the reply endpoint refuses the secret', async () => {
    const url = String((await startChannel()).url);
    endpoint.answerWith(403);
    await expect(registry.send({ channel: 'webhook', target: 'alice', message: { text: 'hi' } })).rejects.toMatchObject({ code: 'SEND_FAILED' });
    await vi.waitFor(() => expect(account().state).toBe('auth-failed'));
    expect(account()).toMatchObject({ connected: false, lastError: 'the reply endpoint refused the shared secret (HTTP 403)', hint: expect.stringContaining('channels.webhook.secret') });
    // The instance was stopped: nothing listens any more.
    await expect(post(url, { from: 'a', text: 'x' })).rejects.toThrow();
  });

  it('reports a failed delivery without stopping the account', async () => {
    await startChannel();
    endpoint.answerWith(500);
    await expect(registry.send({ channel: 'webhook', target: 'alice', message: { text: 'hi' } })).rejects.toMatchObject({ code: 'SEND_FAILED', message: expect.stringContaining('HTTP 500') });
    expect(account()).toMatchObject({ state: 'running', connected: true });
  });

  it('retries when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const snapshot = await startChannel({ port: (blocker.address() as AddressInfo).port });
      expect(snapshot).toMatchObject({ state: 'retrying', connected: false, lastError: expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/) });
    } finally {
      blocker.close();
    }
  });

  it('probes the reply endpoint', async () => {
    await startChannel();
    const status = await registry.probe();
    expect(status.channelAccounts.webhook?.[0]?.probe).toMatchObject({ ok: true, status: 200 });
    expect(endpoint.received.at(-1)).toMatchObject({ method: 'HEAD', headers: { [SECRET_HEADER]: SECRET } });
    endpoint.answerWith(401);
    expect((await registry.probe()).channelAccounts.webhook?.[0]?.probe).toMatchObject({ ok: false, status: 401 });
  });

  it('closes its port on stop', async () => {
    const url = String((await startChannel()).url);
    await registry.stopAll();
    expect(account().state).toBe('stopped');
    await expect(post(url, { from: 'a', text: 'x' })).rejects.toThrow();
  });
});
