import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRING_CODE_ALPHABET, PAIRING_PENDING_TTL_MS, PairingStore, generatePairingCode } from './pairing.ts';
import type { PairingRequestResult } from './pairing.ts';
import { rejected } from '../test/rejected.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const stateDir = () => mkdtempSync(join(tmpdir(), 'oc-pair-'));
const T0 = Date.parse('2026-02-01T10:00:00.000Z');

/** A store whose clock the test moves. */
function storeAt(dir = stateDir(), whenFull?: 'drop-oldest' | 'refuse') {
  const time = { now: T0 };
  const store = new PairingStore({ stateDir: dir, clock: () => time.now, whenFull });
  return { store, time, dir };
}

function pending(result: PairingRequestResult) {
  if (result.approved) throw new Error('expected a pending request');
  return result;
}

describe('PairingStore', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('issues 8-character codes from the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const code = generatePairingCode();
      expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
      expect([...code].every((c) => PAIRING_CODE_ALPHABET.includes(c))).toBe(true);
    }
  });

  it('writes channels/<channel>/pairing.json 0600 in 0700 dirs under umask 022', async () => {
    const { store, dir } = storeAt();
    const result = pending(await store.request('telegram', '123', { username: 'alice' }));
    expect(result).toEqual({ approved: false, code: result.code, created: true, expiresAt: new Date(T0 + PAIRING_PENDING_TTL_MS).toISOString() });
    const file = join(dir, 'channels', 'telegram', 'pairing.json');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, 'channels', 'telegram'))).toBe(0o700);
    expect(mode(join(dir, 'channels'))).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      requests: [{ id: '123', code: result.code, createdAt: new Date(T0).toISOString(), lastSeenAt: new Date(T0).toISOString(), meta: { username: 'alice' } }],
      allowFrom: [],
    });
    expect(readdirSync(join(dir, 'channels', 'telegram'))).toEqual(['pairing.json']); // no lock or temp left
  });

  it('gives a returning sender the same code and refreshes lastSeenAt', async () => {
    const { store, time } = storeAt();
    const first = pending(await store.request('telegram', 42));
    time.now += 10 * 60_000;
    const again = pending(await store.request('telegram', '42'));
    expect(again).toMatchObject({ code: first.code, created: false, expiresAt: first.expiresAt });
    const [entry] = await store.list('telegram');
    expect(entry).toMatchObject({ id: '42', channel: 'telegram', createdAt: new Date(T0).toISOString(), lastSeenAt: new Date(time.now).toISOString() });
  });

  it('expires pending codes after an hour: listing prunes them, approving says so', async () => {
    const { store, time, dir } = storeAt();
    const { code } = pending(await store.request('discord', 'u1'));
    time.now += PAIRING_PENDING_TTL_MS - 1;
    expect(await store.list('discord')).toHaveLength(1);
    time.now += 1;
    const error = await rejected(store.approve('discord', code));
    expect(error.code).toBe('PAIRING_CODE_UNKNOWN');
    expect(error.message).toMatch(new RegExp(`pairing code ${code} on discord expired at`));
    expect(await store.isAllowed('discord', 'u1')).toBe(false);
    await store.request('discord', 'u2');
    time.now += PAIRING_PENDING_TTL_MS;
    expect(await store.list()).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'channels', 'discord', 'pairing.json'), 'utf8')).requests).toEqual([]);
    // After expiry the same sender gets a fresh code.
    const fresh = pending(await store.request('discord', 'u1'));
    expect(fresh.created).toBe(true);
  });

  it('keeps at most 3 pending per channel, dropping the one seen longest ago and saying which', async () => {
    const { store, time } = storeAt();
    const codes: Record<string, string> = {};
    for (const sender of ['a', 'b', 'c']) {
      codes[sender] = pending(await store.request('telegram', sender)).code;
      time.now += 1000;
    }
    await store.request('telegram', 'a'); // a is now the most recently seen
    time.now += 1000;
    const fourth = pending(await store.request('telegram', 'd'));
    expect(fourth.dropped).toEqual({ senderId: 'b', code: codes.b });
    expect((await store.list('telegram')).map((r) => r.id)).toEqual(['a', 'c', 'd']);
    expect(pending(await store.request('whatsapp', 'b')).dropped).toBeUndefined(); // per channel
    expect(new Set((await store.list('telegram')).map((r) => r.code)).size).toBe(3);

    const strict = storeAt(stateDir(), 'refuse').store;
    for (const sender of ['a', 'b', 'c']) await strict.request('telegram', sender);
    const full = await rejected(strict.request('telegram', 'd'));
    expect(full.code).toBe('PAIRING_FULL');
    expect(full.hint).toMatch(/openclaw pairing list telegram/);
  });

  it('approves (case-insensitively) into allowFrom, rejects, revokes', async () => {
    const { store } = storeAt();
    const { code } = pending(await store.request('telegram', '7', { name: 'Bob' }));
    expect(await store.approve('telegram', ` ${code.toLowerCase()} `)).toEqual({ senderId: '7', meta: { name: 'Bob' } });
    expect(await store.isAllowed('telegram', 7)).toBe(true);
    expect(await store.isAllowed('discord', 7)).toBe(false);
    expect(await store.request('telegram', '7')).toEqual({ approved: true });
    expect(await store.allowFrom('telegram')).toEqual(['7']);

    const again = await rejected(store.approve('telegram', code));
    expect(again.code).toBe('PAIRING_CODE_UNKNOWN');
    expect(again.message).toBe(`no pending pairing request with code ${code} on telegram`);
    expect(again.hint).toBe('see the pending codes: openclaw pairing list telegram');

    const other = pending(await store.request('telegram', '8'));
    expect(await store.reject('telegram', other.code)).toEqual({ senderId: '8' });
    expect(await store.isAllowed('telegram', '8')).toBe(false);
    expect(await store.list('telegram')).toEqual([]);

    expect(await store.revoke('telegram', '7')).toBe(true);
    expect(await store.revoke('telegram', '7')).toBe(false);
    expect(await store.isAllowed('telegram', '7')).toBe(false);
    expect(await store.allow('telegram', '9')).toBe(true);
    expect(await store.allow('telegram', '9')).toBe(false);
    expect(await store.allowFrom('telegram')).toEqual(['9']);
  });

  it('refuses a channel id that could leave the channels dir', async () => {
    const { store } = storeAt();
    await expect(store.request('../etc', '1')).rejects.toMatchObject({ code: 'INVALID_ID' });
    await expect(store.isAllowed('a/b', '1')).rejects.toMatchObject({ code: 'INVALID_ID' });
  });

  it('reports a corrupt pairing.json as STATE_CORRUPT, names it, and leaves it alone', async () => {
    const { store, dir } = storeAt();
    const file = join(dir, 'channels', 'telegram', 'pairing.json');
    mkdirSync(join(dir, 'channels', 'telegram'), { recursive: true });
    for (const content of ['{"version":1,"requests":[', '{"version":1,"requests":{},"allowFrom":[]}', '{"version":1,"requests":[{"code":"X"}],"allowFrom":[]}', '{"version":9}']) {
      writeFileSync(file, content);
      for (const attempt of [store.request('telegram', '1'), store.isAllowed('telegram', '1'), store.list(), store.approve('telegram', 'ABCDEFGH')]) {
        const error = await rejected(attempt);
        expect(error.code).toBe('STATE_CORRUPT');
        expect(error.message).toContain(file);
        expect(error.hint).toMatch(/left it untouched.*mv /);
      }
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('loses no update when two processes request and approve at once', async () => {
    const dir = stateDir();
    const perChild = 20;
    const startAt = Date.now() + 1500; // past every child's start-up, so the loops overlap
    const run = (prefix: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--conditions=@openclaw/source', join(import.meta.dirname, '../test/pairing-worker.ts'), dir, 'telegram', prefix, String(perChild), String(startAt)], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 && out.trim() === 'done' ? resolve() : reject(new Error(`worker ${prefix} exited ${code}: ${err}`))));
      });
    await Promise.all([run('a'), run('b')]);
    const store = new PairingStore({ stateDir: dir });
    const allowed = await store.allowFrom('telegram');
    expect(allowed).toHaveLength(2 * perChild);
    for (const prefix of ['a', 'b']) for (let i = 0; i < perChild; i++) expect(allowed).toContain(`${prefix}-${i}`);
    expect(await store.list('telegram')).toEqual([]);
    expect(readdirSync(join(dir, 'channels', 'telegram'))).toEqual(['pairing.json']);
  });
});
