import { afterAll, describe, expect, it } from 'vitest';
import { createGateway } from './gateway.ts';
import { resolveGatewayAuth } from '../net/index.ts';
import { TestClient } from '../../test/ws-client.ts';

const TOKEN = 'scale-token-0123456789abcdef0123456789abcdef';
const COUNT = 1_000;

describe('many clients', () => {
  const gateway = createGateway({ version: 'scale', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await gateway.stop();
  });

  it(`holds ${COUNT} concurrent idle connections and still answers`, { timeout: 120_000 }, async () => {
    const [address] = await gateway.start();
    const url = `ws://127.0.0.1:${address!.port}/`;
    // Connect in batches so the test measures holding connections, not a SYN flood.
    for (let i = 0; i < COUNT; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, COUNT - i) }, () => TestClient.open(url, {}, 30_000)));
      await Promise.all(batch.map((c) => c.connect({ auth: { token: TOKEN }, scopes: ['operator.read'] })));
      clients.push(...batch);
    }
    expect(gateway.clientCount).toBe(COUNT);
    const [first, last] = [clients[0]!, clients[COUNT - 1]!];
    expect(((await first.request('health')) as { ok: boolean }).ok).toBe(true);
    expect(((await last.request('health')) as { ok: boolean }).ok).toBe(true);
    expect(clients.every((c) => c.socket.readyState === c.socket.OPEN)).toBe(true);
  });
});
