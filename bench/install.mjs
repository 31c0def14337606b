#!/usr/bin/env node
// Install footprint: packs apps/cli, installs the tarball with `npm i -g` into an empty
// prefix, and reports the tarball size and the installed size on disk.
// Usage: node bench/install.mjs   (after `pnpm build`; needs pnpm and npm on PATH)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, writeSection } from './report.mjs';

const work = mkdtempSync(join(tmpdir(), 'oc-install-bench-'));
execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: join(import.meta.dirname, '..', 'apps', 'cli'), stdio: 'pipe' });
const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
const tarballKb = statSync(tarball).size / 1024;
const prefix = join(work, 'prefix');
const start = process.hrtime.bigint();
execFileSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], { stdio: 'pipe' });
const installMs = Number(process.hrtime.bigint() - start) / 1e6;
const installedKb = Number(execFileSync('du', ['-sk', prefix], { encoding: 'utf8' }).split('\t')[0]);
const packages = execFileSync('find', [prefix, '-name', 'package.json', '-not', '-path', '*/node_modules/*/node_modules/*/node_modules/*'], { encoding: 'utf8' }).trim().split('\n').length;
rmSync(work, { recursive: true, force: true });

const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;
const table = [
  'Command: `node bench/install.mjs` (`pnpm pack` of apps/cli, then `npm i -g --prefix <empty dir> <tarball>`).',
  '',
  machineLine(),
  '',
  '| what | openclaw (this repo) | original 2026.2.3 / 2026.9.6 |',
  '|---|---|---|',
  `| tarball (\`npm pack\`) | ${mb(tarballKb)} | |`,
  `| installed size on disk | ${mb(installedKb)} | 1.3 GB / 647 MB |`,
  `| package.json files installed | ${packages} | |`,
  `| \`npm i -g\` wall time (warm npm cache) | ${(installMs / 1000).toFixed(1)} s | |`,
].join('\n');
writeSection('install', table);
process.stdout.write(`${table}\n`);
