import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from './gateway.ts';
import type { Gateway, GatewayOptions } from './gateway.ts';
import { resolveGatewayAuth } from '../net/index.ts';
import { TestClient } from '../../test/ws-client.ts';

const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';
const running: Gateway[] = [];
const clients: TestClient[] = [];

async function start(overrides: Partial<GatewayOptions> = {}): Promise<{ gateway: Gateway; url: string; port: number }> {
  const gateway = createGateway({
    version: '0.0.0-test',
    auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }),
    port: 0,
    ...overrides,
  });
  running.push(gateway);
  const [address] = await gateway.start();
  return { gateway, url: `ws://127.0.0.1:${address!.port}/`, port: address!.port };
}

async function open(url: string, headers?: Record<string, string>): Promise<TestClient> {
  const client = await TestClient.open(url, headers);
  clients.push(client);
  return client;
}

function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(running.splice(0).map((g) => g.stop()));
});

describe('handshake', () => {
  it('sends connect.challenge first, then hello-ok with the negotiated protocol', async () => {
    const { url } = await start();
    const client = await open(url);
    const challenge = client.frames[0] as { payload: { nonce: string; ts: number } };
    expect(challenge.payload.nonce).toMatch(/^[0-9a-f-]{36}$/);
    const res = (await client.connect({ auth: { token: TOKEN } })) as { ok: boolean; payload: Record<string, unknown> };
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({
      type: 'hello-ok',
      protocol: 4,
      server: { version: '0.0.0-test' },
      policy: { maxPayload: 524288, maxBufferedBytes: 1572864, tickIntervalMs: 30000 },
    });
    expect((res.payload.features as { methods: string[] }).methods).toContain('health');
  });

  it.each([
    [3, 3, 3],
    [4, 4, 4],
    [3, 4, 4],
  ])('protocol range %i-%i gets %i', async (min, max, expected) => {
    const { url } = await start();
    const client = await open(url);
    const res = (await client.connect({ minProtocol: min, maxProtocol: max, auth: { token: TOKEN } })) as { payload: { protocol: number } };
    expect(res.payload.protocol).toBe(expected);
  });

  it('refuses a protocol it does not speak with close 1002', async () => {
    const { url } = await start();
    const client = await open(url);
    const res = (await client.connect({ minProtocol: 5, maxProtocol: 6, auth: { token: TOKEN } })) as { ok: boolean; error: { message: string } };
    expect(res.ok).toBe(false);
    expect(res.error.message).toMatch(/protocol mismatch/);
    expect((await client.closed).code).toBe(1002);
  });

  it('bad token and no token are refused with 1008 and a message naming the fix', async () => {
    const { url } = await start();
    const bad = await open(url);
    const badRes = (await bad.connect({ auth: { token: 'wrong' } })) as { ok: boolean; error: { message: string } };
    expect(badRes.error.message).toMatch(/^unauthorized: gateway token mismatch/);
    expect((await bad.closed).code).toBe(1008);
    const none = await open(url);
    const noneRes = (await none.connect()) as { ok: boolean; error: { message: string } };
    expect(noneRes.ok).toBe(false);
    expect(noneRes.error.message).toMatch(/^unauthorized: gateway token missing/);
    expect(JSON.stringify([badRes, noneRes])).not.toContain(TOKEN);
  });

  it('locks an address out after 10 failures and says when to retry', async () => {
    const { url } = await start();
    for (let i = 0; i < 10; i++) {
      const c = await open(url);
      await c.connect({ auth: { token: `wrong-${i}` } });
      await c.closed;
    }
    const locked = await open(url);
    const res = (await locked.connect({ auth: { token: TOKEN } })) as { ok: boolean; error: { retryable: boolean; retryAfterMs: number } };
    expect(res.ok).toBe(false);
    expect(res.error.retryable).toBe(true);
    expect(res.error.retryAfterMs).toBeGreaterThan(290_000);
  });

  it('a first request that is not connect is answered and closed; garbage is closed', async () => {
    const { url } = await start();
    const client = await open(url);
    const res = (await client.request('health')) as { ok: boolean; error: { message: string } };
    expect(res.error.message).toBe('invalid handshake: first request must be connect');
    expect((await client.closed).code).toBe(1008);
    const garbage = await open(url);
    garbage.sendRaw('not json');
    expect((await garbage.closed).code).toBe(1008);
  });

  it('closes a client that never says connect', async () => {
    const { url } = await start({ handshakeTimeoutMs: 100 });
    const client = await open(url);
    expect((await client.closed).code).toBe(1008);
  });
});

describe('after connect', () => {
  it('answers bad frames and unknown methods without closing, and enforces scopes', async () => {
    const { url } = await start();
    const client = await open(url);
    await client.connect({ auth: { token: TOKEN }, scopes: ['operator.read'] });
    client.sendRaw('{"nope":');
    const invalid = await client.next((f) => f.type === 'res' && f.id === 'invalid');
    expect((invalid as { error: { message: string } }).error.message).toMatch(/^invalid request frame/);
    const unknown = (await client.request('no.such.method')) as { error: { message: string } };
    expect(unknown.error.message).toBe('unknown method: no.such.method');
    const health = (await client.request('health')) as { ok: boolean; payload: { ok: boolean } };
    expect(health.payload.ok).toBe(true);
    const presence = (await client.request('system-presence')) as { ok: boolean };
    expect(presence.ok).toBe(true);
    const gatewayFor = client;
    expect(gatewayFor.socket.readyState).toBe(gatewayFor.socket.OPEN);
  });

  it('health merges what the health provider reports, passing the probe flag; a failing provider is ok: false', async () => {
    const probes: boolean[] = [];
    const { url } = await start({
      health: (probe) => {
        probes.push(probe);
        if (probes.length === 3) throw new Error('channel registry exploded');
        return { channelOrder: ['fake'], channels: { fake: { connected: true } } };
      },
    });
    const client = await open(url);
    await client.connect({ auth: { token: TOKEN } });
    const plain = (await client.request('health')) as { payload: { ok: boolean; channelOrder: string[] } };
    expect(plain.payload).toMatchObject({ ok: true, channelOrder: ['fake'] });
    await client.request('health', { probe: true });
    expect(probes).toEqual([false, true]);
    const failed = (await client.request('health')) as { payload: { ok: boolean; error: string } };
    expect(failed.payload).toMatchObject({ ok: false, error: 'channel registry exploded' });
  });

  it('refuses a method above the granted scope', async () => {
    const { url, gateway } = await start();
    gateway.registerMethod('config.get', () => ({}));
    const client = await open(url);
    await client.connect({ auth: { token: TOKEN }, scopes: ['operator.read'] });
    const res = (await client.request('config.get')) as { error: { message: string } };
    expect(res.error.message).toBe('missing scope: operator.admin');
  });

  it('skips droppable events for a client that stops reading, and closes it (1008) on a required one', async () => {
    const { url, gateway } = await start({ maxBufferedBytes: 64 * 1024 });
    const slow = await open(url);
    await slow.connect({ auth: { token: TOKEN } });
    // Stop reading: the kernel buffers fill and the server's queue for this client grows.
    const raw = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const big = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 40; i++) gateway.broadcast('tick', { big }, { dropIfSlow: true });
    expect(slow.socket.readyState).toBe(slow.socket.OPEN);
    gateway.broadcast('health', { big });
    raw.resume();
    expect(await slow.closed).toMatchObject({ code: 1008, reason: 'slow consumer' });
    // Far fewer than 40 ticks reached it: the droppable ones were skipped once it lagged.
    expect(slow.frames.filter((f) => f.event === 'tick').length).toBeLessThan(40);
    const fresh = await open(url);
    await fresh.connect({ auth: { token: TOKEN } });
    expect(((await fresh.request('health')) as { ok: boolean }).ok).toBe(true);
  });

  it('closes a client that keeps requesting large answers but never reads them', async () => {
    const { url, gateway } = await start({ maxBufferedBytes: 64 * 1024 });
    gateway.registerMethod('big', () => 'x'.repeat(200 * 1024));
    const greedy = await open(url);
    await greedy.connect({ auth: { token: TOKEN } });
    const raw = (greedy.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    for (let i = 0; i < 60; i++) greedy.sendRaw(JSON.stringify({ type: 'req', id: `b${i}`, method: 'big' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    raw.resume();
    expect(await greedy.closed).toMatchObject({ code: 1008, reason: 'slow consumer' });
    expect(greedy.frames.filter((f) => f.type === 'res').length).toBeLessThan(60);
  });

  it('stop() does not wait for a client that never answers the close handshake', { timeout: 10_000 }, async () => {
    const { url, gateway } = await start();
    const asleep = await open(url);
    await asleep.connect({ auth: { token: TOKEN } });
    (asleep.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await gateway.stop({ reason: 'test over' });
    running.splice(running.indexOf(gateway), 1);
  });

  it('an oversized frame closes only that client', async () => {
    const { url } = await start();
    const big = await open(url);
    const other = await open(url);
    await big.connect({ auth: { token: TOKEN } });
    await other.connect({ auth: { token: TOKEN } });
    big.sendRaw('x'.repeat(600 * 1024));
    expect((await big.closed).code).toBe(1009);
    const res = (await other.request('health')) as { ok: boolean };
    expect(res.ok).toBe(true);
  });

  it('broadcasts ticks with increasing seq, and shutdown then 1012 on stop', async () => {
    const { url, gateway } = await start({ tickIntervalMs: 50 });
    const client = await open(url);
    await client.connect({ auth: { token: TOKEN } });
    const first = (await client.next((f) => f.event === 'tick')) as { seq: number };
    const second = (await client.next((f) => f.event === 'tick' && (f.seq as number) > first.seq)) as { seq: number };
    expect(second.seq).toBeGreaterThan(first.seq);
    await gateway.stop({ reason: 'test over' });
    const shutdown = (await client.next((f) => f.event === 'shutdown')) as { payload: { reason: string } };
    expect(shutdown.payload.reason).toBe('test over');
    expect((await client.closed).code).toBe(1012);
  });
});

describe('HTTP on the same port', () => {
  it('serves /healthz, /readyz and the status page with security headers', async () => {
    const { port } = await start();
    expect((await httpGet(port, '/healthz')).body).toBe('{"ok":true}');
    expect((await httpGet(port, '/readyz')).status).toBe(200);
    const page = await httpGet(port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/status.js" defer></script>');
    expect(page.headers['content-security-policy']).toBeDefined();
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await httpGet(port, '/status.js')).body).toContain("searchParams.delete('token')");
    expect((await httpGet(port, '/nope')).status).toBe(404);
  });

  it('answers a request target that is not a URL with 400 and keeps running', async () => {
    const { port } = await start();
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect((await httpGet(port, '/healthz')).status).toBe(200);
  });

  it('refuses a foreign Host header on loopback (DNS rebinding) and a hostile Origin', async () => {
    const { port, url } = await start();
    expect((await httpGet(port, '/', { Host: 'evil.example:18789' })).status).toBe(403);
    const foreign = new TestClient(url, { Host: 'evil.example' });
    expect((await foreign.closed).code).toBe(1006);
    const hostile = new TestClient(url, { Origin: 'https://evil.example' });
    expect((await hostile.closed).code).toBe(1006);
    const local = await open(url, { Origin: `http://127.0.0.1:${port}` });
    expect(local.frames[0]).toMatchObject({ event: 'connect.challenge' });
  });
});
