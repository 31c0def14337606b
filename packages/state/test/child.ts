// Spawning the .ts child scripts of the tests: Node runs TypeScript directly, and the
// "@openclaw/source" condition points '@openclaw/config' at its sources, as vitest does.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

/** Starts `test/<script>` with Node; compile cache in `cacheDir` keeps repeated starts cheap. */
export function spawnChild(script: string, args: string[], cacheDir?: string): ChildProcessWithoutNullStreams {
  const env = { ...process.env, ...(cacheDir ? { NODE_COMPILE_CACHE: cacheDir } : {}) };
  return spawn(process.execPath, ['--conditions=@openclaw/source', join(import.meta.dirname, script), ...args], { env, stdio: 'pipe' });
}

/** Runs a child to completion; rejects with its stderr if it fails. */
export function runChild(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(script, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}
