// The connect requests of three published OpenClaw clients, as captured against the
// original gateways (shared/reference/clients-in-the-wild.md), replayed over a real socket.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from './gateway.ts';
import type { Gateway } from './gateway.ts';
import { resolveGatewayAuth } from '../net/index.ts';
import { buildDeviceAuthPayload, deriveDeviceId, publicKeyToBase64Url, signDeviceAuthPayload } from '../protocol/index.ts';
import { TestClient } from '../../test/ws-client.ts';

const TOKEN = 'wild-token-0123456789abcdef0123456789abcdef';
const running: Gateway[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(running.splice(0).map((g) => g.stop()));
});

async function gatewayUrl(): Promise<string> {
  const gateway = createGateway({ version: 'wild', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
  running.push(gateway);
  const [address] = await gateway.start();
  return `ws://127.0.0.1:${address!.port}/`;
}

function device(clientId: string, mode: string, scopes: string[], nonce: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const key = publicKeyToBase64Url(publicKey);
  const id = deriveDeviceId(key)!;
  const signedAt = Date.now();
  const payload = buildDeviceAuthPayload({ deviceId: id, clientId, clientMode: mode, role: 'operator', scopes, signedAtMs: signedAt, token: TOKEN, nonce });
  return { id, publicKey: key, signature: signDeviceAuthPayload(privateKey, payload), signedAt, nonce };
}

async function hello(params: (nonce: string) => Record<string, unknown>) {
  const client = await TestClient.open(await gatewayUrl());
  clients.push(client);
  const nonce = (client.frames[0] as { payload: { nonce: string } }).payload.nonce;
  const res = (await client.request('connect', params(nonce))) as { ok: boolean; payload: { protocol: number }; error?: { message: string } };
  return { client, res };
}

describe('clients in the wild', () => {
  it('openclaw CLI 2026.9.6: protocol 4, token only, operator.read, then health and status', async () => {
    const { client, res } = await hello(() => ({
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'cli', version: '2026.9.6', platform: 'linux', deviceFamily: 'server', mode: 'cli', instanceId: 'a1b2' },
      scopes: ['operator.read'],
      auth: { token: TOKEN },
    }));
    expect(res.ok).toBe(true);
    expect(res.payload.protocol).toBe(4);
    expect(((await client.request('health', {})) as { ok: boolean }).ok).toBe(true);
  });

  it('openclaw CLI 2026.2.3: protocol 3 with a v2-signed Ed25519 device block', async () => {
    const scopes = ['operator.admin', 'operator.approvals', 'operator.pairing'];
    const { client, res } = await hello((nonce) => ({
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: 'cli', version: 'dev', platform: 'linux', mode: 'cli', instanceId: 'c3d4' },
      scopes,
      auth: { token: TOKEN },
      device: device('cli', 'cli', scopes, nonce),
    }));
    expect(res.error).toBeUndefined();
    expect(res.payload.protocol).toBe(3);
    expect(((await client.request('system-presence', {})) as { ok: boolean }).ok).toBe(true);
  });

  it('a forged device signature is refused', async () => {
    const scopes = ['operator.admin'];
    const { res } = await hello((nonce) => {
      const d = device('cli', 'cli', scopes, nonce);
      return { minProtocol: 3, maxProtocol: 3, client: { id: 'cli', version: 'dev', platform: 'linux', mode: 'cli' }, scopes, auth: { token: TOKEN }, device: { ...d, nonce: 'not-the-challenge' } };
    });
    expect(res.ok).toBe(false);
    expect(res.error?.message).toBe('device nonce mismatch');
  });

  it('openclaw-node 0.14.0: backend client with caps, commands, permissions, locale, userAgent and a device', async () => {
    const scopes = ['operator.read', 'operator.write'];
    const { client, res } = await hello((nonce) => ({
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'gateway-client', version: '0.3.0', mode: 'backend' },
      caps: [],
      commands: [],
      permissions: {},
      locale: 'en-US',
      userAgent: 'openclaw-node/0.14.0',
      scopes,
      auth: { token: TOKEN },
      device: device('gateway-client', 'backend', scopes, nonce),
    }));
    expect(res.error).toBeUndefined();
    expect(res.payload.protocol).toBe(4);
    expect(((await client.request('health', {})) as { ok: boolean }).ok).toBe(true);
  });

  it('an id-less frame after connect is answered as invalid without closing', async () => {
    const { client } = await hello(() => ({ minProtocol: 3, maxProtocol: 4, client: { id: 'cli', version: 'x', platform: 'linux', mode: 'cli' }, auth: { token: TOKEN } }));
    client.sendRaw(JSON.stringify({ type: 'req', method: 'health' }));
    const invalid = (await client.next((f) => f.type === 'res' && f.id === 'invalid')) as { error: { message: string } };
    expect(invalid.error.message).toMatch(/^invalid request frame/);
    expect(((await client.request('health', {})) as { ok: boolean }).ok).toBe(true);
  });
});
