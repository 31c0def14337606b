import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CREDENTIALS_KEY_ENV,
  CREDENTIALS_KEY_FILE_ENV,
  createCredentialsKeyFile,
  credentialsKeyId,
  decryptCredential,
  defaultCredentialsKeyFile,
  encryptCredential,
  parseCredentialsKey,
  resolveCredentialsKey,
} from './credentials-crypto.ts';
import type { CredentialRecord } from './credentials-format.ts';
import { StateError } from './errors.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'oc-key-'));
const key = randomBytes(32);

function caught(fn: () => unknown): StateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StateError) return error;
    throw error;
  }
  throw new Error('expected a StateError');
}

describe('parseCredentialsKey', () => {
  it('reads hex, base64 and base64url of 32 bytes, trimming whitespace', () => {
    expect(parseCredentialsKey(key.toString('hex'), 'k')).toEqual(key);
    expect(parseCredentialsKey(`${key.toString('base64')}\n`, 'k')).toEqual(key);
    expect(parseCredentialsKey(key.toString('base64url'), 'k')).toEqual(key);
  });

  it('refuses other lengths and text without quoting it', () => {
    const secretish = 'hunter2-this-is-not-a-key-but-private';
    for (const text of [secretish, randomBytes(16).toString('base64'), randomBytes(31).toString('hex')]) {
      const error = caught(() => parseCredentialsKey(text, CREDENTIALS_KEY_ENV));
      expect(error.code).toBe('CREDENTIAL_KEY');
      expect(error.message).toMatch(/^OPENCLAW_CREDENTIALS_KEY is not a credentials key: it must be 32 bytes/);
      expect(`${error.message} ${error.hint}`).not.toContain(text);
    }
  });
});

describe('resolveCredentialsKey', () => {
  it('is undefined when nothing is configured', () => {
    expect(resolveCredentialsKey({ env: {}, stateDir: tempDir() })).toBeUndefined();
  });

  it('prefers the environment, then an explicit file, then the file env var, then <state>/credentials/.key', () => {
    const stateDir = tempDir();
    const defaultKey = createCredentialsKeyFile(defaultCredentialsKeyFile(stateDir), stateDir);
    expect(defaultKey.insideStateDir).toBe(true);
    expect(statSync(defaultCredentialsKeyFile(stateDir)).mode & 0o777).toBe(0o600);
    const outside = join(tempDir(), 'openclaw.key');
    const outsideKey = createCredentialsKeyFile(outside, stateDir);
    expect(outsideKey.insideStateDir).toBe(false);
    const envKey = randomBytes(32);

    expect(resolveCredentialsKey({ env: {}, stateDir })).toMatchObject({ key: defaultKey.key, source: { kind: 'file', path: defaultCredentialsKeyFile(stateDir) } });
    expect(resolveCredentialsKey({ env: { [CREDENTIALS_KEY_FILE_ENV]: outside }, stateDir })).toMatchObject({ key: outsideKey.key, source: { kind: 'file', path: outside } });
    expect(resolveCredentialsKey({ env: {}, stateDir, keyFile: outside })?.key).toEqual(outsideKey.key);
    const fromEnv = resolveCredentialsKey({ env: { [CREDENTIALS_KEY_ENV]: envKey.toString('hex'), [CREDENTIALS_KEY_FILE_ENV]: outside }, stateDir });
    expect(fromEnv).toEqual({ key: envKey, id: credentialsKeyId(envKey), source: { kind: 'env', name: CREDENTIALS_KEY_ENV }, insideStateDir: false });
  });

  it('refuses a key file other users can read, and a missing explicit one', () => {
    const stateDir = tempDir();
    const file = join(tempDir(), 'k');
    writeFileSync(file, key.toString('base64'));
    chmodSync(file, 0o644);
    const loose = caught(() => resolveCredentialsKey({ env: {}, stateDir, keyFile: file }));
    expect(loose.code).toBe('CREDENTIAL_KEY');
    expect(loose.message).toMatch(/readable by other users \(mode 0644\)/);
    expect(loose.hint).toBe(`chmod 600 ${file}`);
    const missing = caught(() => resolveCredentialsKey({ env: { [CREDENTIALS_KEY_FILE_ENV]: join(stateDir, 'nope') }, stateDir }));
    expect(missing.message).toMatch(/cannot read credentials key file .*nope \(ENOENT\)/);
  });

  it('never replaces an existing key file', () => {
    const stateDir = tempDir();
    const file = defaultCredentialsKeyFile(stateDir);
    mkdirSync(join(stateDir, 'credentials'));
    const first = createCredentialsKeyFile(file, stateDir);
    const error = caught(() => createCredentialsKeyFile(file, stateDir));
    expect(error.message).toMatch(/already exists; not replacing it/);
    expect(parseCredentialsKey(readFileSync(file, 'utf8'), 'k')).toEqual(first.key);
  });
});

describe('encryptCredential / decryptCredential', () => {
  const record: CredentialRecord = { version: 1, type: 'api_key', provider: 'openai', profile: 'default', createdAt: '2026-02-01T00:00:00.000Z', key: 'sk-secret' };

  it('round-trips and tells a wrong key from a damaged file', () => {
    const file = encryptCredential(record, key);
    expect(decryptCredential(file, key)).toEqual({ ok: true, value: record });
    expect(decryptCredential(file, randomBytes(32))).toEqual({ ok: false, reason: 'wrong-key' });
    const { kid: _kid, ...withoutKid } = file.encrypted;
    expect(decryptCredential({ ...file, encrypted: withoutKid as typeof file.encrypted }, randomBytes(32))).toEqual({ ok: false, reason: 'wrong-key' });
    expect(decryptCredential({ ...file, profile: 'other' }, key)).toEqual({ ok: false, reason: 'tampered' });
    expect(decryptCredential({ ...file, encrypted: { ...file.encrypted, iv: 'AAAA' } }, key)).toEqual({ ok: false, reason: 'malformed' });
  });
});
