import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const depcruise = join(root, 'node_modules/.bin/depcruise');

async function cruise(fixture: string) {
  const cwd = join(root, 'scripts/fixtures/layering', fixture);
  try {
    const { stdout } = await run(depcruise, ['--config', join(root, '.dependency-cruiser.cjs'), 'packages'], { cwd });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('the layering check CI runs', () => {
  it('passes a tree that imports downwards only', async () => {
    const result = await cruise('clean');
    expect(result.output).toContain('no dependency violations');
    expect(result.code).toBe(0);
  });

  it('fails when config imports state', async () => {
    const result = await cruise('violation');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('layers: packages/config');
    expect(result.output).toContain('packages/config/src/index.ts → packages/state/src/index.ts');
  });

  it('fails on an import cycle', async () => {
    const result = await cruise('cycle');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('no-circular');
  });
});
