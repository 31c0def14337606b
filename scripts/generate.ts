// Writes every generated file the repo commits. CI reruns it (scripts/check-generated.sh)
// and fails on a diff, so the output must be deterministic: no timestamps, stable order.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// The schema module, not the package entry: generation must not depend on the rest of
// @openclaw/config building, and this path needs no workspace link at the repo root.
import { configJsonSchema } from '../packages/config/src/schema/index.ts';

const root = join(import.meta.dirname, '..');

const outputs: { path: string; content: string }[] = [
  { path: 'packages/config/openclaw.schema.json', content: `${JSON.stringify(configJsonSchema(), null, 2)}\n` },
];

for (const { path, content } of outputs) {
  writeFileSync(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
