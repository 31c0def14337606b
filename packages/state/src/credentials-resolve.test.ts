import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialStore } from './credentials.ts';
import { NoApiKeyError, PROVIDER_ENV_VARS, providerEnvVars, resolveApiKey } from './credentials-resolve.ts';
import { StateError } from './errors.ts';
import { rejected } from '../test/rejected.ts';

const T0 = Date.parse('2026-02-01T10:00:00.000Z');
const SECRET = 'sk-SECRET-Plugh-9876543210';
const newStore = (encryptionKey?: Buffer) => new CredentialStore({ stateDir: mkdtempSync(join(tmpdir(), 'oc-resolve-')), clock: () => T0, encryptionKey });

describe('resolveApiKey', () => {
  it('knows the usual providers’ environment variables', () => {
    expect(providerEnvVars('anthropic')).toEqual(['ANTHROPIC_OAUTH_TOKEN', 'ANTHROPIC_API_KEY']);
    for (const [provider, name] of [['openai', 'OPENAI_API_KEY'], ['google', 'GEMINI_API_KEY'], ['openrouter', 'OPENROUTER_API_KEY'], ['groq', 'GROQ_API_KEY'], ['xai', 'XAI_API_KEY'], ['mistral', 'MISTRAL_API_KEY']] as const) {
      expect(PROVIDER_ENV_VARS[provider]).toContain(name);
    }
    expect(providerEnvVars('my-local-llm')).toEqual([]);
  });

  it('tries an explicit profile, then the environment, then stored profiles, then the config', async () => {
    const store = newStore();
    await store.write({ type: 'api_key', provider: 'openai', profile: 'default', key: 'stored-default' });
    await store.write({ type: 'token', provider: 'openai', profile: 'work', token: 'stored-work' });
    const config = { models: { providers: { openai: { apiKey: 'from-config' } } } };
    const env = { OPENAI_API_KEY: 'from-env' };

    expect(await resolveApiKey('openai', { store, env, config, profile: 'openai:work' })).toMatchObject({ key: 'stored-work', source: { kind: 'profile', profile: 'work', type: 'token', explicit: true } });
    expect(await resolveApiKey('openai', { store, env, config })).toEqual({ key: 'from-env', source: { kind: 'env', name: 'OPENAI_API_KEY' }, skipped: [] });
    expect(await resolveApiKey('openai', { store, env: { OPENAI_API_KEY: '  ' }, config })).toMatchObject({ key: 'stored-default', source: { kind: 'profile', profile: 'default', explicit: false } });
    await store.remove('openai', 'default');
    expect((await resolveApiKey('openai', { store, env: {}, config })).key).toBe('stored-work');
    await store.remove('openai', 'work');
    expect(await resolveApiKey('openai', { store, env: {}, config })).toEqual({ key: 'from-config', source: { kind: 'config', path: 'models.providers.openai.apiKey' }, skipped: [] });
  });

  it('follows auth.order (with or without the provider prefix) and uses only the profiles it lists', async () => {
    const store = newStore();
    for (const profile of ['default', 'a', 'b']) await store.write({ type: 'api_key', provider: 'anthropic', profile, key: `key-${profile}` });
    const order = (list: string[]) => ({ auth: { order: { anthropic: list } } });
    expect((await resolveApiKey('anthropic', { store, env: {}, config: order(['anthropic:b', 'a']) })).key).toBe('key-b');
    const missing = await resolveApiKey('anthropic', { store, env: {}, config: order(['gone', 'a']) });
    expect(missing).toMatchObject({ key: 'key-a', skipped: [{ profile: 'gone', reason: 'missing' }] });
    await expect(resolveApiKey('anthropic', { store, env: {}, config: order(['openai:default']) })).rejects.toMatchObject({ code: 'NO_API_KEY' });
    expect((await resolveApiKey('anthropic', { store, env: {} })).key).toBe('key-default');
  });

  it('skips expired tokens and OAuth logins, saying why', async () => {
    const store = newStore();
    await store.write({ type: 'oauth', provider: 'anthropic', profile: 'default', access: SECRET, refresh: 'r', expires: T0 - 1 });
    await store.write({ type: 'token', provider: 'anthropic', profile: 'old', token: SECRET, expiresAt: new Date(T0 - 60_000).toISOString() });
    await store.write({ type: 'oauth', provider: 'anthropic', profile: 'zz', access: 'fresh', refresh: 'r', expires: T0 + 60_000 });
    const found = await resolveApiKey('anthropic', { store, env: {}, now: T0 });
    expect(found).toMatchObject({ key: 'fresh', expiresAt: new Date(T0 + 60_000).toISOString() });
    expect(found.skipped).toEqual([
      { provider: 'anthropic', profile: 'default', reason: 'expired', expiresAt: new Date(T0 - 1).toISOString() },
      { provider: 'anthropic', profile: 'old', reason: 'expired', expiresAt: new Date(T0 - 60_000).toISOString() },
    ]);
    await store.remove('anthropic', 'zz');
    const miss = await rejected(resolveApiKey('anthropic', { store, env: {}, now: T0 }));
    expect(miss).toBeInstanceOf(NoApiKeyError);
    expect((miss as NoApiKeyError).skipped).toHaveLength(2);
    expect(miss.hint).toMatch(/anthropic:default expired at 2026-02-01T09:59:59.999Z/);
    const explicit = await rejected(resolveApiKey('anthropic', { store, env: {}, now: T0, profile: 'default' }));
    expect(explicit.code).toBe('CREDENTIAL_EXPIRED');
    for (const error of [miss, explicit]) expect(`${error.message} ${error.hint}`).not.toContain(SECRET);
  });

  it('fails with the exact NO_API_KEY message and a login hint naming the env var', async () => {
    const error = await rejected(resolveApiKey('openai', { store: newStore(), env: { ANTHROPIC_API_KEY: SECRET } }));
    expect(error.code).toBe('NO_API_KEY');
    expect(error.message).toBe('No API key found for provider "openai"');
    expect(error.hint).toBe('openclaw models auth login --provider openai or set OPENAI_API_KEY');
    const custom = await rejected(resolveApiKey('my-llm', { store: newStore(), env: {} }));
    expect(custom.hint).toBe('openclaw models auth login --provider my-llm or set models.providers.my-llm.apiKey');
  });

  it('reports an explicit profile that does not exist, and an undecryptable one instead of "no key"', async () => {
    const key = randomBytes(32);
    const store = newStore(key);
    const notFound = await rejected(resolveApiKey('openai', { store, env: {}, profile: 'work' }));
    expect(notFound.code).toBe('CREDENTIAL_NOT_FOUND');
    await store.write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    const other = new CredentialStore({ stateDir: join(store.dir, '..'), encryptionKey: randomBytes(32) });
    const wrongKey = await rejected(resolveApiKey('openai', { store: other, env: {} }));
    expect(wrongKey.code).toBe('CREDENTIAL_KEY');
    // …but a usable fallback still wins, and the skipped profile says why.
    const fallback = await resolveApiKey('openai', { store: other, env: {}, config: { models: { providers: { openai: { apiKey: 'cfg' } } } } });
    expect(fallback).toMatchObject({ key: 'cfg', skipped: [{ profile: 'default', reason: 'unreadable', code: 'CREDENTIAL_KEY' }] });
    expect(JSON.stringify(fallback.skipped)).not.toContain(SECRET);
  });

  it('never puts a secret in an error: every path, with a recognisable secret planted', async () => {
    const store = newStore();
    mkdirSync(store.dir, { recursive: true });
    const errors: StateError[] = [];
    writeFileSync(join(store.dir, 'openai.default.json'), `{"type":"api_key","key":${SECRET}}`); // JSON.parse would quote this in its message
    expect(() => JSON.parse(`{"type":"api_key","key":${SECRET}}`)).toThrow(SECRET.slice(0, 9));
    errors.push(await rejected(resolveApiKey('openai', { store, env: { OPENAI_API_KEY: '' } })));
    errors.push(await rejected(resolveApiKey('openai', { store, env: {}, profile: 'default' })));
    errors.push(await rejected(resolveApiKey('groq', { store, env: { OPENAI_API_KEY: SECRET, ANTHROPIC_API_KEY: SECRET } })));
    errors.push(await rejected(resolveApiKey('openai', { store, env: {}, profile: `../${SECRET}` })));
    errors.push(await rejected(resolveApiKey('openai', { store, env: {}, profile: `anthropic:${SECRET}` })));
    expect(errors.map((e) => e.code)).toEqual(['CREDENTIAL_INVALID', 'CREDENTIAL_INVALID', 'NO_API_KEY', 'INVALID_ID', 'INVALID_ID']);
    for (const error of errors) {
      // Even a prefix counts: JSON.parse quotes a few characters around the bad token.
      expect(`${error.message} ${error.hint} ${String(error.cause)} ${error.stack}`.toLowerCase()).not.toContain(SECRET.slice(0, 9).toLowerCase());
    }
  });
});
