import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('gateway-core at run time', () => {
  // zod and its schemas cost an idle gateway megabytes: validators come from the caller
  // (any Standard Schema) or from ./shape.ts. Type-only imports are erased and allowed.
  it('imports no zod', () => {
    const offenders = sources(SRC).filter((file) => /^import (?!type )[^;]*from 'zod'|import\('zod'\)/m.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(SRC, file))).toEqual([]);
  });
});
