import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/ws-client.ts';
import { resolveGatewayAuth } from '../net/index.ts';
import { createGateway } from '../server/gateway.ts';
import type { Gateway } from '../server/gateway.ts';
import { buildStatus, registerStatusMethod } from './status.ts';
import type { StatusGateway, StatusMethodDeps } from './status.ts';

const TOKEN = 'status-test-token-0123456789abcdef';
const base: StatusMethodDeps = { version: '1.2.3', bindMode: 'loopback', stateDir: '/state', configPath: '/state/openclaw.json', pid: 4242 };
const stopped: StatusGateway = { addresses: [], startedAt: undefined, clientCount: 0 };

describe('buildStatus', () => {
  it('reports a gateway that has not started: no port, no uptime, empty summaries', async () => {
    expect(await buildStatus(stopped, { ...base, clock: () => 1_000 })).toEqual({
      version: '1.2.3',
      uptimeMs: 0,
      pid: 4242,
      bind: { mode: 'loopback', hosts: [] },
      port: null,
      stateDir: '/state',
      configPath: '/state/openclaw.json',
      lock: null,
      channels: [],
      sessions: { count: 0, recent: [] },
      clients: 0,
      ts: 1_000,
    });
  });

  it('takes hosts, port and uptime from the gateway and the rest from the providers', async () => {
    const gateway: StatusGateway = {
      addresses: [
        { host: '127.0.0.1', port: 18789 },
        { host: '::1', port: 18789 },
      ],
      startedAt: 10_000,
      clientCount: 2,
    };
    const status = await buildStatus(gateway, {
      ...base,
      clock: () => 12_500,
      lock: () => ({ pid: 4242, port: 18789 }),
      channels: () => [{ id: 'telegram', connected: true }],
      sessions: async () => ({ count: 3, recent: [{ key: 'agent:main:main', updatedAt: 12_000 }] }),
    });
    expect(status).toMatchObject({
      uptimeMs: 2_500,
      bind: { mode: 'loopback', hosts: ['127.0.0.1', '::1'] },
      port: 18789,
      lock: { pid: 4242, port: 18789 },
      channels: [{ id: 'telegram', connected: true }],
      sessions: { count: 3, recent: [{ key: 'agent:main:main', updatedAt: 12_000 }] },
      clients: 2,
    });
  });

  it('answers even when a provider throws, saying which part failed', async () => {
    const status = await buildStatus(stopped, {
      ...base,
      sessions: () => {
        throw new Error('sessions.json is damaged');
      },
      channels: async () => {
        throw new Error('registry gone');
      },
    });
    expect(status.sessions).toEqual({ count: 0, recent: [], error: 'sessions.json is damaged' });
    expect(status.channels).toEqual([]);
    expect(status.version).toBe('1.2.3');
  });

  it('defaults the pid to this process', async () => {
    const { pid: _pid, ...withoutPid } = base;
    expect((await buildStatus(stopped, withoutPid)).pid).toBe(process.pid);
  });
});

describe('registerStatusMethod on a running gateway', () => {
  let gateway: Gateway | undefined;
  let client: TestClient | undefined;

  afterEach(async () => {
    client?.close();
    await gateway?.stop();
  });

  it('answers `status` to a read-scoped client with the listening address', async () => {
    gateway = createGateway({ version: '1.2.3', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
    const remove = registerStatusMethod(gateway, { ...base, lock: () => ({ pid: 4242, port: 1 }) });
    const [address] = await gateway.start();
    client = await TestClient.open(`ws://127.0.0.1:${address!.port}/`);
    const hello = await client.connect({ auth: { token: TOKEN }, scopes: ['operator.read'] });
    expect((hello.payload as { features: { methods: string[] } }).features.methods).toContain('status');
    const res = (await client.request('status', {})) as { ok: boolean; payload: Record<string, unknown> };
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({ version: '1.2.3', port: address!.port, bind: { mode: 'loopback', hosts: ['127.0.0.1'] }, clients: 1, lock: { pid: 4242 } });
    remove();
    const gone = (await client.request('status', {})) as { ok: boolean; error: { message: string } };
    expect(gone.ok).toBe(false);
    expect(gone.error.message).toBe('unknown method: status');
  });
});
