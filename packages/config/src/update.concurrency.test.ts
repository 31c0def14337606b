import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';

function run(prefix: string, count: number, env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '../test/set-loop.ts'), prefix, String(count)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(`writer ${prefix} exited ${code}: ${err}`))));
  });
}

describe('concurrent config writers', () => {
  it('two processes setting different keys at the same time lose no edit', { timeout: 120_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'oc-concurrent-'));
    const file = join(home, 'openclaw.json');
    writeFileSync(file, '// two writers\n{\n  agents: { defaults: { models: {} } },\n}\n');
    const env = { PATH: process.env.PATH ?? '', HOME: home, OPENCLAW_CONFIG_PATH: file };
    const count = 25;
    await Promise.all([run('alpha', count, env), run('beta', count, env)]);
    const models = (JSON5.parse(readFileSync(file, 'utf8')) as { agents: { defaults: { models: Record<string, unknown> } } }).agents.defaults.models;
    expect(Object.keys(models).length).toBe(2 * count);
    expect(readFileSync(file, 'utf8').startsWith('// two writers\n')).toBe(true);
  });
});
