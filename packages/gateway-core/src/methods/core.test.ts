import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from '@openclaw/state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/ws-client.ts';
import { resolveGatewayAuth } from '../net/index.ts';
import { createGateway } from '../server/gateway.ts';
import type { Gateway } from '../server/gateway.ts';
import { CORE_METHODS, registerCoreMethods } from './core.ts';

const TOKEN = 'core-methods-test-token-0123456789';
// Each secret has a distinct marker, so a leak names itself.
const SECRETS = ['LEAK1-gateway-token-abcdef', 'LEAK2-bot-token-abcdef', 'LEAK3-api-key-abcdef', 'LEAK4-hooks-token'];
const CONFIG = `{
  // the operator's notes
  gateway: { port: 18789, auth: { mode: 'token', token: '${SECRETS[0]}' } },
  channels: { telegram: { botToken: '${SECRETS[1]}' } },
  hooks: { token: '${SECRETS[3]}' },
  agents: {
    defaults: { model: { primary: 'anthropic/claude-opus-4-5', fallbacks: ['local/llama3'] } },
    list: [{ id: 'main', default: true, identity: { name: 'Claw', emoji: '🦞' } }],
  },
  models: { providers: { local: { apiKey: '${SECRETS[2]}', models: [{ id: 'llama3', contextWindow: 8192 }] } } },
}
`;

type Res = { ok: boolean; payload: Record<string, unknown>; error?: { code: string; message: string } };

let dir: string;
let gateway: Gateway;
let client: TestClient;
let store: SessionStore;
let configPath: string;
let logFile: string;
const answers: unknown[] = [];

async function call(method: string, params: unknown = {}, on = client): Promise<Res> {
  const res = (await on.request(method, params)) as unknown as Res;
  answers.push(res);
  return res;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-core-methods-'));
  configPath = join(dir, 'openclaw.json');
  writeFileSync(configPath, CONFIG);
  logFile = join(dir, 'logs', 'gateway.log');
  mkdirSync(join(dir, 'logs'));
  store = new SessionStore({ stateDir: dir });
  gateway = createGateway({ version: '1.2.3', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
  registerCoreMethods(gateway, { configPath, env: {}, cwd: null, home: dir, version: '1.2.3', sessions: () => store, logFile });
  const [address] = await gateway.start();
  client = await TestClient.open(`ws://127.0.0.1:${address!.port}/`);
  await client.connect({ auth: { token: TOKEN } });
});

afterEach(async () => {
  client.close();
  await gateway.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('registerCoreMethods over a real WebSocket', () => {
  it('announces every method in hello-ok and answers each main path, never with a secret', async () => {
    expect(gateway.methods.names()).toEqual(expect.arrayContaining([...CORE_METHODS]));

    const got = await call('config.get');
    expect(got.payload).toMatchObject({ path: configPath, exists: true, valid: true, errors: [] });
    const raw = got.payload.raw as string;
    expect(raw).toContain("// the operator's notes");
    expect(raw.match(/\[redacted\]/g)).toHaveLength(4);

    const set = await call('config.set', { raw: raw.replace('port: 18789', 'port: 19000'), baseHash: got.payload.hash, note: 'ignored' });
    expect(set.payload).toMatchObject({ ok: true, changed: true, restartRequired: true });
    expect(readFileSync(configPath, 'utf8')).toBe(CONFIG.replace('port: 18789', 'port: 19000'));

    const stale = await call('config.patch', { raw: { session: { mainKey: 'home' } }, baseHash: got.payload.hash });
    expect(stale).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'config changed since it was read (baseHash mismatch); reload and retry' } });
    const patched = await call('config.patch', { raw: '{ session: { mainKey: "home" } }', baseHash: set.payload.hash });
    expect(patched.payload).toMatchObject({ ok: true, changed: true, restartRequired: false });
    expect(readFileSync(configPath, 'utf8')).toContain("// the operator's notes");

    const schema = await call('config.schema');
    expect(schema.payload).toMatchObject({ version: '1.2.3', schema: { type: 'object' } });

    expect((await call('models.list')).payload).toEqual({
      models: [
        { id: 'anthropic/claude-opus-4-5', name: 'claude-opus-4-5', provider: 'anthropic' },
        { id: 'local/llama3', name: 'llama3', provider: 'local', contextWindow: 8192 },
      ],
    });
    expect((await call('agents.list')).payload).toEqual({ defaultId: 'main', mainKey: 'home', scope: 'per-sender', agents: [{ id: 'main', name: 'Claw', identity: { name: 'Claw', emoji: '🦞' } }] });

    await store.resolve('main', { channel: 'webchat' });
    await store.append('main', { type: 'message', message: { role: 'user', content: 'hello gateway' } }, { endOfTurn: true });
    const list = await call('sessions.list', { limit: 10 });
    expect(list.payload).toMatchObject({ count: 1, sessions: [{ key: 'agent:main:main', channel: 'webchat' }] });
    const preview = await call('sessions.preview', { keys: ['main'] });
    expect(preview.payload).toMatchObject({ previews: [{ key: 'agent:main:main', status: 'ok', messages: [{ role: 'user', text: 'hello gateway' }] }] });
    const reset = await call('sessions.reset', { key: 'main' });
    expect(reset.payload).toMatchObject({ key: 'agent:main:main', previousSessionId: (list.payload.sessions as { sessionId: string }[])[0]!.sessionId });
    expect((await call('sessions.delete', { key: 'main' })).payload).toEqual({ ok: true, key: 'agent:main:main', deleted: true });

    appendFileSync(logFile, '{"msg":"one"}\n{"msg":"two"}\n');
    const tail = await call('logs.tail', { limit: 1 });
    expect(tail.payload).toMatchObject({ file: logFile, lines: ['{"msg":"two"}'], cursor: 28, size: 28 });
    appendFileSync(logFile, '{"msg":"three"}\n');
    expect((await call('logs.tail', { cursor: 28 })).payload).toMatchObject({ lines: ['{"msg":"three"}'] });

    const all = JSON.stringify(answers);
    for (const secret of SECRETS) expect(all).not.toContain(secret.slice(0, 5));
  });

  it('refuses bad params as INVALID_REQUEST and leaves scopes to the gateway', async () => {
    expect(await call('logs.tail', { limit: 6000 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('invalid params for logs.tail at limit') } });
    expect(await call('sessions.preview', { keys: ['main'], maxChars: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await call('config.set', {})).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('at raw') } });

    const reader = await TestClient.open(`ws://127.0.0.1:${gateway.addresses[0]!.port}/`);
    try {
      await reader.connect({ auth: { token: TOKEN }, scopes: ['operator.read'] });
      expect((await call('sessions.list', {}, reader)).ok).toBe(true);
      expect((await call('models.list', {}, reader)).ok).toBe(true);
      expect(await call('config.get', {}, reader)).toMatchObject({ ok: false, error: { message: 'missing scope: operator.admin' } });
      expect(await call('sessions.delete', { key: 'main' }, reader)).toMatchObject({ ok: false, error: { message: 'missing scope: operator.admin' } });
    } finally {
      reader.close();
    }
  });

  it('registers all or nothing', () => {
    const other = createGateway({ version: '1', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0 });
    other.registerMethod('logs.tail', () => 'taken');
    const before = other.methods.names();
    expect(() => registerCoreMethods(other, { configPath, version: '1', sessions: () => store })).toThrow('gateway method "logs.tail" is already registered');
    expect(other.methods.names()).toEqual(before);
  });
});
