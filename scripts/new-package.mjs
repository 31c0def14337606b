#!/usr/bin/env node
// Creates a workspace package from scripts/templates/package.
// Usage: node scripts/new-package.mjs <dir> <description> [--name @scope/name] [--deps config,state]
// <dir> is relative to the repo root, e.g. packages/state or extensions/webhook.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const templateDir = join(root, 'scripts/templates/package');

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, deps: { type: 'string', default: '' } },
});
const [dir, description] = positionals;
if (!dir || !description) {
  process.stderr.write('usage: node scripts/new-package.mjs <dir> <description> [--name NAME] [--deps a,b]\n');
  process.exit(64);
}
const target = join(root, dir);
if (existsSync(join(target, 'package.json'))) {
  process.stderr.write(`${dir} already has a package.json; not overwriting it\n`);
  process.exit(1);
}
const packageName = values.name ?? `@openclaw/${basename(dir)}`;
const deps = values.deps.split(',').filter(Boolean);

function render(text) {
  return text.replaceAll('{{packageName}}', packageName).replaceAll('{{description}}', description);
}

function copy(from, to) {
  for (const entry of readdirSync(from)) {
    const src = join(from, entry);
    const dest = join(to, entry.replace(/\.tmpl$/, ''));
    if (statSync(src).isDirectory()) {
      mkdirSync(dest, { recursive: true });
      copy(src, dest);
    } else {
      writeFileSync(dest, render(readFileSync(src, 'utf8')));
    }
  }
}

mkdirSync(target, { recursive: true });
copy(templateDir, target);

const pkgPath = join(target, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
pkg.dependencies = Object.fromEntries(deps.map((d) => [`@openclaw/${d}`, 'workspace:*']));
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

const tsconfigPath = join(target, 'tsconfig.json');
const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
tsconfig.references = deps.map((d) => ({ path: relative(target, join(root, 'packages', d)) }));
writeFileSync(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);

process.stdout.write(`created ${packageName} in ${dir}\n`);
