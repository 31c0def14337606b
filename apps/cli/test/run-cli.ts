import { spawn, spawnSync } from 'node:child_process';
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

/**
 * {@link runCli} without blocking this process: for tests whose fakes (a Bot API, a model
 * provider) live in the test process and must answer while the CLI runs. `input` is written
 * to the CLI's stdin, which is then closed.
 */
export function runCliAsync(args: readonly string[], options: { home: string; env?: Record<string, string>; cwd?: string; input?: string }): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.home, ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? options.home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
