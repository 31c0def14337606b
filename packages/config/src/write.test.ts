import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGeneration } from '../test/generation.ts';
import { CONFIG_BACKUPS, rotateBackups, writeConfigText, writeFileAtomic } from './write.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const tempDir = () => mkdtempSync(join(tmpdir(), 'oc-write-'));

describe('atomic writes', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  it('writes 0600 files into 0700 directories it creates, under umask 022', () => {
    const file = join(tempDir(), 'state', 'nested', 'openclaw.json');
    writeFileAtomic(file, '{}\n');
    expect(readFileSync(file, 'utf8')).toBe('{}\n');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(file, '..'))).toBe(0o700);
    expect(mode(join(file, '..', '..'))).toBe(0o700);
  });

  it('tightens a file that was world-readable when it replaces it', () => {
    const file = join(tempDir(), 'openclaw.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    writeFileAtomic(file, 'new');
    expect(mode(file)).toBe(0o600);
  });

  it('leaves no temporary file behind, and fails with the path and a hint', () => {
    const dir = tempDir();
    writeFileAtomic(join(dir, 'a.json'), 'x');
    expect(readdirSync(dir)).toEqual(['a.json']);
    chmodSync(dir, 0o500);
    try {
      if (process.getuid?.() === 0) return; // root writes anyway
      expect(() => writeFileAtomic(join(dir, 'a.json'), 'y')).toThrow(/cannot write .*a\.json/);
      expect(readdirSync(dir)).toEqual(['a.json']);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

describe('config backups', () => {
  it(`keeps ${CONFIG_BACKUPS} rotating backups, newest in .bak`, () => {
    const file = join(tempDir(), 'openclaw.json');
    for (let i = 0; i <= 7; i++) writeConfigText(file, `{ v: ${i} }\n`);
    expect(readFileSync(file, 'utf8')).toBe('{ v: 7 }\n');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('{ v: 6 }\n');
    expect(readFileSync(`${file}.bak.1`, 'utf8')).toBe('{ v: 5 }\n');
    expect(readFileSync(`${file}.bak.4`, 'utf8')).toBe('{ v: 2 }\n');
    expect(existsSync(`${file}.bak.5`)).toBe(false);
    expect(mode(`${file}.bak`)).toBe(0o600);
  });

  it('does nothing when there is no file yet', () => {
    const file = join(tempDir(), 'openclaw.json');
    rotateBackups(file);
    expect(existsSync(`${file}.bak`)).toBe(false);
  });
});

describe('crash safety', () => {
  const kills = 200;
  const lanes = 4;

  function runUntilKilled(file: string, delayMs: number): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, '../test/rewrite-loop.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let timer: NodeJS.Timeout | undefined;
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // Kill at a random moment once writing is under way.
        timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal !== 'SIGKILL') return reject(new Error(`writer exited ${code}: ${err}`));
        const lines = out.trim().split('\n').filter(Boolean);
        resolve(lines.length ? Number(lines[lines.length - 1]) : undefined);
      });
    });
  }

  // Generous timeout: 200 process starts take ~20 s on an idle 2-core machine, much more
  // under load, and a timed-out test would leave writers behind (they stop when orphaned).
  it(`the config is always whole after ${kills} SIGKILLs mid-rewrite`, { timeout: 300_000 }, async () => {
    let checked = 0;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        const file = join(tempDir(), 'openclaw.json');
        writeConfigText(file, renderGeneration(0));
        writeConfigText(file, renderGeneration(0));
        let last = 0;
        for (let i = 0; i < kills / lanes; i++) {
          const reported = await runUntilKilled(file, Math.random() * 25);
          if (reported !== undefined) last = reported;
          const text = readFileSync(file, 'utf8');
          const generation = (JSON5.parse(text) as { gateway: { port: number } }).gateway.port - 10000;
          // Either the last write that returned, or the one in flight when the kill came.
          expect([last, last + 1]).toContain(generation);
          expect(text).toBe(renderGeneration(generation));
          for (const backup of ['.bak', '.bak.1']) {
            if (backup === '.bak' || existsSync(`${file}${backup}`)) expect(() => JSON5.parse(readFileSync(`${file}${backup}`, 'utf8'))).not.toThrow();
          }
          last = generation;
          checked++;
        }
        // Temporary files of killed writers are swept by the next write.
        writeConfigText(file, renderGeneration(last + 1));
        expect(readdirSync(join(file, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      }),
    );
    expect(checked).toBe(kills);
  });
});
