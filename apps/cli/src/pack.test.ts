import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../test/run-cli.ts';

const appDir = join(import.meta.dirname, '..');
const version = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: appDir, encoding: 'utf8' })) as { version: string }).version;

beforeAll(assertBuilt);

describe('the published package', () => {
  it('packs into one tarball that installs with npm i -g into an empty prefix and runs', () => {
    const work = mkdtempSync(join(tmpdir(), 'oc-pack-'));
    execFileSync('pnpm', ['pack', '--pack-destination', work], { cwd: appDir, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`openclaw-${version}.tgz`);

    const listing = execFileSync('tar', ['-tzf', join(work, tarball!)], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/dist/openclaw.js');
    expect(listing.filter((f) => f.includes('/src/'))).toEqual([]);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', join(work, tarball!), 'package/package.json'], { encoding: 'utf8' })) as {
      dependencies?: Record<string, string>;
    };
    // Everything is bundled into dist: the install downloads nothing else, and no
    // workspace: reference can leak into the published manifest.
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(JSON.stringify(manifest)).not.toContain('workspace:');

    const prefix = join(work, 'prefix');
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball!)], { stdio: 'pipe' });
    const bin = join(prefix, 'bin', 'openclaw');
    const home = mkdtempSync(join(tmpdir(), 'oc-pack-home-'));
    const env = { PATH: process.env.PATH ?? '', HOME: home };
    expect(execFileSync(bin, ['--version'], { env, encoding: 'utf8' })).toBe(`${version}\n`);
    expect(execFileSync(bin, ['config', 'path'], { env, encoding: 'utf8' })).toBe(`${home}/.openclaw/openclaw.json\n`);
    expect(execFileSync(bin, ['config', 'get', 'gateway.port'], { env, encoding: 'utf8' })).toBe('18789\n');
  }, 180_000);
});
