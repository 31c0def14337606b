import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from './credentials.ts';
import { CREDENTIAL_MIGRATIONS } from './credentials-format.ts';
import { StateError } from './errors.ts';
import { rejected } from '../test/rejected.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const stateDir = () => mkdtempSync(join(tmpdir(), 'oc-cred-'));
const T0 = Date.parse('2026-02-01T10:00:00.000Z');
const clock = () => T0;
const SECRET = 'sk-ant-SECRET-Xyzzy-0123456789';

function caught(fn: () => unknown): StateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StateError) return error;
    throw error;
  }
  throw new Error('expected a StateError');
}

describe('CredentialStore (clear text)', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('writes <provider>.<profile>.json 0600 in a 0700 dir and reads it back', async () => {
    const dir = stateDir();
    const store = new CredentialStore({ stateDir: dir, clock });
    const written = await store.write({ type: 'api_key', provider: 'Anthropic', profile: 'default', key: SECRET, email: 'me@example.com' });
    expect(written).toEqual({ type: 'api_key', provider: 'anthropic', profile: 'default', key: SECRET, email: 'me@example.com', version: 1, createdAt: '2026-02-01T10:00:00.000Z' });
    const file = join(dir, 'credentials', 'anthropic.default.json');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'credentials'))).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);
    const loaded = await store.read('anthropic', 'default');
    expect(loaded).toEqual({ record: written, file, encrypted: false, needsEncryption: false });
    expect(readdirSync(join(dir, 'credentials'))).toEqual(['anthropic.default.json']);
  });

  it('mirrors an OAuth expiry into expiresAt and lists metadata only', async () => {
    const store = new CredentialStore({ stateDir: stateDir(), clock });
    await store.write({ type: 'oauth', provider: 'openai', profile: 'work', access: SECRET, refresh: `${SECRET}-r`, expires: T0 - 1000, email: 'a@b.c' });
    await store.write({ type: 'token', provider: 'anthropic', profile: 'setup', token: SECRET, expiresAt: '2027-01-01T00:00:00.000Z' });
    const list = await store.list();
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect(JSON.stringify(list)).not.toContain('a@b.c');
    expect(list.map((s) => [s.provider, s.profile, s.type, s.expired, s.expiresAt, s.mode])).toEqual([
      ['anthropic', 'setup', 'token', false, '2027-01-01T00:00:00.000Z', 0o600],
      ['openai', 'work', 'oauth', true, new Date(T0 - 1000).toISOString(), 0o600],
    ]);
  });

  it('removes, and reports a missing credential with the login command', async () => {
    const store = new CredentialStore({ stateDir: stateDir(), clock });
    await store.write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    expect(await store.remove('openai', 'default')).toBe(true);
    expect(await store.remove('openai', 'default')).toBe(false);
    expect(await store.find('openai', 'default')).toBeUndefined();
    const error = await rejected(store.read('openai', 'default'));
    expect(error.code).toBe('CREDENTIAL_NOT_FOUND');
    expect(error.hint).toBe('openclaw models auth login --provider openai');
    expect(await store.list()).toEqual([]);
  });

  it.each([['..'], ['../etc'], ['a/b'], ['a.b'], [''], ['-x'], ['x'.repeat(65)], ['a\\b']])('refuses the id %j', (id) => {
    const store = new CredentialStore({ stateDir: stateDir() });
    const error = caught(() => store.fileFor(id, 'default'));
    expect(error.code).toBe('INVALID_ID');
    expect(error.message).toMatch(/^invalid provider id: .*no dots or slashes/);
    expect(caught(() => store.fileFor('openai', id)).message).toMatch(/^invalid profile id/);
  });

  it('migrates a version-less legacy record on read, in memory', async () => {
    expect(CREDENTIAL_MIGRATIONS.map((m) => [m.from, m.to])).toEqual([[0, 1]]);
    const dir = stateDir();
    const file = join(dir, 'credentials', 'anthropic.legacy.json');
    mkdirSync(join(dir, 'credentials'), { recursive: true });
    writeFileSync(file, JSON.stringify({ mode: 'api_key', provider: 'anthropic', apiKey: SECRET }));
    const loaded = await new CredentialStore({ stateDir: dir }).read('anthropic', 'legacy');
    expect(loaded.migratedFrom).toBe(0);
    expect(loaded.record).toMatchObject({ version: 1, type: 'api_key', provider: 'anthropic', profile: 'legacy', key: SECRET });
    expect(loaded.record.createdAt).toBe(new Date(statSync(file).mtimeMs).toISOString());
    writeFileSync(file, JSON.stringify({ type: 'token', provider: 'anthropic', token: SECRET, expires: T0 }));
    expect((await new CredentialStore({ stateDir: dir }).read('anthropic', 'legacy')).record).toMatchObject({ type: 'token', expiresAt: new Date(T0).toISOString() });
  });

  it('rejects bad files with CREDENTIAL_INVALID naming the file and the login fix', async () => {
    const dir = stateDir();
    const store = new CredentialStore({ stateDir: dir, clock });
    const file = join(dir, 'credentials', 'openai.default.json');
    mkdirSync(join(dir, 'credentials'), { recursive: true });
    const cases: [string, RegExp][] = [
      [`{"type":"api_key","key":"${SECRET}`, /is not valid JSON/],
      [`{"type":"api_key","key":${SECRET}}`, /is not valid JSON/], // JSON.parse's own message would quote it
      ['[1,2]', /not a JSON object/],
      [JSON.stringify({ version: 1, type: 'api_key', provider: 'openai', profile: 'default', createdAt: 'x', key: SECRET }), /"createdAt"/],
      [JSON.stringify({ version: 1, type: SECRET, provider: 'openai', profile: 'default', createdAt: new Date(T0).toISOString() }), /"type" must be/],
      [JSON.stringify({ version: 1, type: 'api_key', provider: SECRET, profile: 'default', createdAt: new Date(T0).toISOString(), key: SECRET }), /do not match the file name/],
      [JSON.stringify({ version: 7, type: 'api_key', key: SECRET }), /version 7, written by a newer openclaw/],
      [JSON.stringify({ version: 1, type: 'oauth', provider: 'openai', profile: 'default', createdAt: new Date(T0).toISOString(), access: SECRET, refresh: 'r', expires: SECRET }), /"expires"/],
    ];
    for (const [content, pattern] of cases) {
      writeFileSync(file, content);
      const error = await rejected(store.read('openai', 'default'));
      expect(error.code).toBe('CREDENTIAL_INVALID');
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain(file);
      expect(error.hint).toContain('openclaw models auth login --provider openai');
      expect(`${error.message} ${error.hint} ${String(error.cause)}`).not.toContain(SECRET.slice(0, 9));
      const [summary] = await store.list();
      expect(summary?.problem?.code).toBe('CREDENTIAL_INVALID');
      expect(JSON.stringify(summary)).not.toContain(SECRET);
    }
  });

  it('refuses to store an incomplete record without echoing it', async () => {
    const store = new CredentialStore({ stateDir: stateDir() });
    const error = await rejected(store.write({ type: 'token', provider: 'openai', profile: 'default', token: '', email: SECRET }));
    expect(error.code).toBe('CREDENTIAL_INVALID');
    expect(error.message).toBe('refusing to store credential openai:default: "token" must be a non-empty string');
  });
});

describe('CredentialStore (encrypted at rest)', () => {
  const key = randomBytes(32);

  it('stores only metadata in clear, and round-trips', async () => {
    const dir = stateDir();
    const store = new CredentialStore({ stateDir: dir, encryptionKey: key, clock });
    const record = await store.write({ type: 'oauth', provider: 'openai', profile: 'default', access: SECRET, refresh: 'refresh-secret', expires: T0 + 3_600_000, email: 'me@example.com' });
    const file = store.fileFor('openai', 'default');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('refresh-secret');
    expect(text).not.toContain('me@example.com');
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['createdAt', 'encrypted', 'expiresAt', 'profile', 'provider', 'type', 'version']);
    expect(Object.keys(json.encrypted as object).sort()).toEqual(['alg', 'data', 'iv', 'kid', 'tag']);
    expect(mode(file)).toBe(0o600);
    expect(await store.read('openai', 'default')).toEqual({ record, file, encrypted: true, needsEncryption: false });
    const [summary] = await new CredentialStore({ stateDir: dir, clock }).list(); // no key needed to list
    expect(summary).toMatchObject({ provider: 'openai', profile: 'default', type: 'oauth', encrypted: true, expired: false, expiresAt: new Date(T0 + 3_600_000).toISOString() });
  });

  it('uses a fresh IV per write', async () => {
    const store = new CredentialStore({ stateDir: stateDir(), encryptionKey: key, clock });
    await store.write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    const first = readFileSync(store.fileFor('openai', 'default'), 'utf8');
    await store.write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    expect(readFileSync(store.fileFor('openai', 'default'), 'utf8')).not.toBe(first);
  });

  it('says the key does not match (not a crash) with another key, and asks for one without a key', async () => {
    const dir = stateDir();
    await new CredentialStore({ stateDir: dir, encryptionKey: key, clock }).write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    const wrong = await rejected(new CredentialStore({ stateDir: dir, encryptionKey: randomBytes(32) }).read('openai', 'default'));
    expect(wrong.code).toBe('CREDENTIAL_KEY');
    expect(wrong.message).toMatch(/configured credentials key does not match the key .*openai\.default\.json was encrypted with/);
    const none = await rejected(new CredentialStore({ stateDir: dir }).read('openai', 'default'));
    expect(none.code).toBe('CREDENTIAL_KEY');
    expect(none.message).toMatch(/is encrypted, but no credentials key is configured/);
    for (const error of [wrong, none]) expect(`${error.message} ${error.hint} ${String(error.cause)}`).not.toContain(SECRET);
  });

  it('detects edits to the clear metadata and to the ciphertext', async () => {
    const dir = stateDir();
    const store = new CredentialStore({ stateDir: dir, encryptionKey: key, clock });
    await store.write({ type: 'token', provider: 'openai', profile: 'default', token: SECRET, expiresAt: new Date(T0 + 1000).toISOString() });
    const file = store.fileFor('openai', 'default');
    const original = readFileSync(file, 'utf8');
    type Envelope = Record<string, unknown> & { encrypted: Record<string, unknown> };
    const edit = (change: (json: Envelope) => void) => {
      const json = JSON.parse(original) as Envelope;
      change(json);
      writeFileSync(file, JSON.stringify(json));
    };
    const tamperings: ((json: Envelope) => void)[] = [
      (json) => (json.expiresAt = '2099-01-01T00:00:00.000Z'), // extend the expiry
      (json) => (json.type = 'api_key'),
      (json) => (json.encrypted.data = Buffer.from('x'.repeat(40)).toString('base64')),
      (json) => (json.encrypted.tag = randomBytes(16).toString('base64')),
    ];
    for (const tamper of tamperings) {
      edit(tamper);
      const error = await rejected(store.read('openai', 'default'));
      expect(error.code).toBe('CREDENTIAL_INVALID');
      expect(error.message).toMatch(/failed authentication: the file was modified or damaged/);
      expect(`${error.message} ${error.hint}`).not.toContain(SECRET);
    }
    // Moving the file to another provider's name is caught by the name check.
    edit((json) => (json.provider = 'anthropic'));
    expect((await rejected(store.read('openai', 'default'))).message).toMatch(/do not match the file name/);
  });

  it('still reads clear files once a key is configured, flags them, and encrypts them on request', async () => {
    const dir = stateDir();
    await new CredentialStore({ stateDir: dir, clock }).write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    const store = new CredentialStore({ stateDir: dir, encryptionKey: key, clock });
    const loaded = await store.read('openai', 'default');
    expect(loaded).toMatchObject({ encrypted: false, needsEncryption: true, record: { key: SECRET } });
    expect(await store.encryptAll()).toEqual(['openai:default']);
    expect(readFileSync(loaded.file, 'utf8')).not.toContain(SECRET);
    expect(await store.read('openai', 'default')).toMatchObject({ encrypted: true, needsEncryption: false, record: loaded.record });
    expect(await store.encryptAll()).toEqual([]);
    await expect(new CredentialStore({ stateDir: dir }).encryptAll()).rejects.toMatchObject({ code: 'CREDENTIAL_KEY' });
  });

  it('refuses a key of the wrong size', () => {
    expect(caught(() => new CredentialStore({ stateDir: stateDir(), encryptionKey: randomBytes(16) })).code).toBe('CREDENTIAL_KEY');
  });

  it('reports an unreadable file as STATE_IO', async () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const dir = stateDir();
    const store = new CredentialStore({ stateDir: dir });
    await store.write({ type: 'api_key', provider: 'openai', profile: 'default', key: SECRET });
    chmodSync(store.fileFor('openai', 'default'), 0o000);
    const error = await rejected(store.read('openai', 'default'));
    expect(error.code).toBe('STATE_IO');
    expect(error.message).not.toContain(SECRET);
  });
});
