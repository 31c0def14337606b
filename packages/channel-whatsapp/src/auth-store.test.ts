import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferJSON, initAuthCreds, proto, useMultiFileAuthState } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDS_FILE, clearAuthStore, linkedJid, openAuthStore, readCreds } from './auth-store.ts';

const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'openclaw-whatsapp-auth-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('openAuthStore', () => {
  it('starts a fresh session in a new 0700 directory; files are 0600 and laid out as Baileys lays them out', async () => {
    const dir = join(await tempDir(), 'channels', 'whatsapp', 'default');
    const store = await openAuthStore(dir);
    expect(linkedJid(store.state.creds)).toBeUndefined();
    expect(store.state.creds.noiseKey.private).toHaveLength(32);
    store.state.creds.me = { id: '15550001000:7@s.whatsapp.net', name: 'Claw' };
    await store.saveCreds();
    await store.state.keys.set({
      'pre-key': { '5': { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } },
      'sender-key': { '120363025246125486@g.us::15551234567::0': Buffer.from('sender') },
      'session': { '15551234567.0': Buffer.from('session') },
      'app-state-sync-key': { 'AAAAAQ/x': { keyData: Buffer.alloc(32, 3), timestamp: 1 } },
    });
    expect(readdirSync(dir).sort()).toEqual([
      'app-state-sync-key-AAAAAQ__x.json',
      'creds.json',
      'pre-key-5.json',
      'sender-key-120363025246125486@g.us--15551234567--0.json',
      'session-15551234567.0.json',
    ]);
    expect(mode(dir)).toBe(0o700);
    for (const name of readdirSync(dir)) expect([name, mode(join(dir, name))]).toEqual([name, 0o600]);
    expect(linkedJid(await readCreds(dir))).toBe('15550001000:7@s.whatsapp.net');

    // Baileys' own reader sees the same session.
    const theirs = await useMultiFileAuthState(dir);
    expect(theirs.state.creds.me?.id).toBe('15550001000:7@s.whatsapp.net');
    expect(Buffer.from(theirs.state.creds.noiseKey.private)).toEqual(Buffer.from(store.state.creds.noiseKey.private));
    const preKeys = await theirs.state.keys.get('pre-key', ['5']);
    expect(Buffer.from(preKeys['5']!.private)).toEqual(Buffer.alloc(32, 2));
  });

  it('reads what Baileys’ useMultiFileAuthState wrote, app-state keys as protobuf objects; null for missing keys; deletes keys set to null', async () => {
    const dir = await tempDir();
    const theirs = await useMultiFileAuthState(dir);
    theirs.state.creds.me = { id: '15550001000:7@s.whatsapp.net' };
    await theirs.saveCreds();
    await theirs.state.keys.set({ 'app-state-sync-key': { AAAAAQ: { keyData: Buffer.alloc(32, 9), timestamp: 5 } }, session: { 'a.0': Buffer.from('x') } });

    const store = await openAuthStore(dir);
    expect(store.state.creds.me?.id).toBe('15550001000:7@s.whatsapp.net');
    const found = await store.state.keys.get('app-state-sync-key', ['AAAAAQ', 'missing']);
    expect(found.AAAAAQ).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(found.AAAAAQ!.keyData!)).toEqual(Buffer.alloc(32, 9));
    expect(found.missing).toBeNull();
    await store.state.keys.set({ session: { 'a.0': null, 'never-existed.0': null } });
    expect(existsSync(join(dir, 'session-a.0.json'))).toBe(false);
  });

  it('a read after a write of the same key sees the write, even while it is in flight', async () => {
    const store = await openAuthStore(await tempDir());
    const writes = Array.from({ length: 20 }, (_, i) => store.state.keys.set({ session: { 'x.0': Buffer.from(`v${i}`) } }));
    const read = store.state.keys.get('session', ['x.0']);
    await Promise.all(writes);
    expect(Buffer.from((await read)['x.0']!).toString()).toBe('v19');
  });

  it('removes temporary files of a killed writer on open; a damaged file counts as missing and is reported', async () => {
    const dir = await tempDir();
    const store = await openAuthStore(dir);
    await store.saveCreds();
    await writeFile(join(dir, `.${CREDS_FILE}.0a1b2c.tmp`), '{"half":');
    await writeFile(join(dir, 'session-bad.0.json'), '{"type":"Buffer","da');
    const warnings: unknown[] = [];
    const reopened = await openAuthStore(dir, { logger: { warn: (msg, fields) => warnings.push([msg, fields?.file]) } });
    expect((await readdir(dir)).sort()).toEqual(['creds.json', 'session-bad.0.json']);
    expect((await reopened.state.keys.get('session', ['bad.0']))['bad.0']).toBeNull();
    expect(warnings).toEqual([['ignoring a damaged WhatsApp session file', join(dir, 'session-bad.0.json')]]);
  });

  it('clearAuthStore removes the session and nothing else', async () => {
    const dir = await tempDir();
    const store = await openAuthStore(dir);
    await store.saveCreds();
    await store.state.keys.set({ 'pre-key': { '1': { public: Buffer.alloc(32), private: Buffer.alloc(32) } } });
    await store.state.keys.set({ session: { 'abc.0': Buffer.alloc(8) }, 'lid-mapping': { x: 'y' } });
    await writeFile(join(dir, 'README.txt'), 'keep me');
    // authDir may be a directory with other JSON in it (the state dir itself): that stays.
    await writeFile(join(dir, 'openclaw.json'), '{}');
    await clearAuthStore(dir);
    expect((await readdir(dir)).sort()).toEqual(['README.txt', 'openclaw.json']);
    expect(await readCreds(dir)).toBeUndefined();
    await clearAuthStore(join(dir, 'does-not-exist'));
  });
});

describe('crash safety', () => {
  // OPENCLAW_CRASH_KILLS raises the count for a longer soak.
  const kills = Number(process.env.OPENCLAW_CRASH_KILLS ?? 200);
  const lanes = 4;
  const writer = join(import.meta.dirname, '../test/auth-store-writer.ts');

  /** Runs the writer until a SIGKILL 0-40 ms into its writing; returns the last generation it reported complete. */
  function runUntilKilled(dir: string, cacheDir: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      // The compile cache keeps hundreds of starts (TypeScript, Baileys) cheap.
      const env = { ...process.env, NODE_COMPILE_CACHE: cacheDir };
      const child = spawn(process.execPath, ['--conditions=@openclaw/source', writer, dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let timer: NodeJS.Timeout | undefined;
      const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (timer === undefined && out.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(watchdog);
        if (signal !== 'SIGKILL' || timer === undefined) return reject(new Error(`writer exited ${code ?? signal} before its kill: ${err}`));
        // Only whole lines count: a generation is reported once its line is complete.
        const done = out.split('\n').slice(1, -1);
        resolve(done.length > 0 ? Number(done.at(-1)) : undefined);
      });
    });
  }

  /** Every session file parses; returns the credentials' generation and the keys by file name. */
  function inspect(dir: string): { generation: number; files: Map<string, unknown> } {
    const files = new Map<string, unknown>();
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.tmp')) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      expect(() => JSON.parse(text), `${name} must be whole`).not.toThrow();
      files.set(name, JSON.parse(text, BufferJSON.reviver));
      expect([name, mode(join(dir, name))]).toEqual([name, 0o600]);
    }
    return { generation: (files.get(CREDS_FILE) as { nextPreKeyId: number }).nextPreKeyId, files };
  }

  it(`every session file is whole after ${kills} SIGKILLs mid-write`, { timeout: 300_000 }, async () => {
    let checked = 0;
    let killedWithTemps = 0;
    const cacheDir = await tempDir();
    const outcomes = await Promise.allSettled(
      Array.from({ length: lanes }, async () => {
        const dir = await tempDir();
        const seed = await openAuthStore(dir);
        Object.assign(seed.state.creds, { ...initAuthCreds(), nextPreKeyId: 0 });
        await seed.saveCreds();
        let last = 0;
        for (let i = 0; i < kills / lanes; i++) {
          const reported = await runUntilKilled(dir, cacheDir);
          if (reported !== undefined) last = reported;
          if (readdirSync(dir).some((name) => name.endsWith('.tmp'))) killedWithTemps++;
          const { generation, files } = inspect(dir);
          // Either the last round that completed, or the one in flight when the kill came.
          expect([last, last + 1]).toContain(generation);
          if (reported !== undefined) {
            // Written in the last round the writer finished, and touched by no round since: it holds exactly that round's bytes.
            const preKey = files.get(`pre-key-${reported % 20}.json`) as { public: Buffer } | undefined;
            expect(preKey && Buffer.from(preKey.public)).toEqual(Buffer.alloc(32, reported % 256));
          }
          last = generation;
          checked++;
        }
        // A fresh open sweeps what killed writers left and reads the latest round.
        const store = await openAuthStore(dir);
        expect(store.state.creds.nextPreKeyId).toBe(last);
        expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
        expect(mode(dir)).toBe(0o700);
      }),
    );
    // Every lane has stopped before the directories are removed.
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    expect(checked).toBe(kills);
    // The kills did land mid-write (not only between rounds).
    expect(killedWithTemps).toBeGreaterThan(0);
  });
});
