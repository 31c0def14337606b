import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built CLI; tests run the real binary as a child process. */
export const CLI = join(import.meta.dirname, '..', 'dist', 'openclaw.js');

/** Fails loudly when the CLI was not built, instead of every test failing obscurely. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` (scripts/test.sh does) before the CLI tests`);
}

/** A fresh HOME with nothing in it, so no test reads the developer's real ~/.openclaw. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'oc-cli-home-'));
}

/** The result of one CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `openclaw ...args` with a clean environment: HOME set, no OPENCLAW_* leaking in. */
export function runCli(args: readonly string[], options: { home: string; env?: Record<string, string>; cwd?: string }): CliResult {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.home, ...options.env };
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? options.home, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
