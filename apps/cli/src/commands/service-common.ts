import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { SupervisorError, createSystemdRunner, unitFileName, unitPath } from '@openclaw/supervisor';
import type { SystemdRunner } from '@openclaw/supervisor';
import { ExitCode } from '../exit-codes.ts';
import { print, printError, printJson } from '../output.ts';

/** Which unit this invocation manages and how to talk to systemd about it. */
export interface ServiceContext {
  home: string;
  /** The active profile (`--profile`, `--dev`, `OPENCLAW_PROFILE`), undefined for the default. */
  profile: string | undefined;
  /** `openclaw-gateway.service` or `openclaw-gateway-<profile>.service`. */
  unit: string;
  /** `~/.config/systemd/user/<unit>`. */
  unitPath: string;
  /** The login name, for `loginctl enable-linger`. */
  user: string;
  runner: SystemdRunner;
}

function loginName(): string {
  const fromEnv = process.env.USER?.trim() || process.env.LOGNAME?.trim();
  if (fromEnv) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return '$USER';
  }
}

/** The service context of this process: the profile comes from the environment `main` prepared. */
export function serviceContext(): ServiceContext {
  const home = homedir();
  const raw = process.env.OPENCLAW_PROFILE?.trim();
  const profile = raw && raw !== 'default' ? raw : undefined;
  const user = loginName();
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return {
    home,
    profile,
    unit: unitFileName(profile),
    unitPath: unitPath(home, profile),
    user,
    runner: createSystemdRunner({ env: process.env, uid, user }),
  };
}

/** Whether the unit file exists where `install` puts it. */
export function unitInstalled(context: ServiceContext): boolean {
  return existsSync(context.unitPath);
}

/** The `journalctl` line that follows the service's output. */
export function journalCommand(context: ServiceContext): string {
  return `journalctl --user -u ${context.unit} -f`;
}

/** Every service command's `--json` answer has this shape. */
export interface ServiceReport {
  action: string;
  ok: boolean;
  result: string;
  unit: string;
  unitPath: string;
  message?: string | undefined;
  hints?: string[] | undefined;
  warnings?: string[] | undefined;
  [key: string]: unknown;
}

/** Prints the refusal for a unit that is not installed and sets exit code 1. */
export function reportNotInstalled(context: ServiceContext, action: string, json: boolean | undefined): void {
  const message = `Service not installed (no ${context.unitPath})`;
  const fix = 'openclaw gateway install';
  if (json) printJson({ action, ok: false, result: 'not-installed', unit: context.unit, unitPath: context.unitPath, message, hints: [fix] } satisfies ServiceReport);
  else printError(message, fix);
  process.exitCode = ExitCode.failure;
}

/**
 * Prints a supervisor failure (no user bus, no systemd, permission, a failed systemctl) with
 * its exact fix and sets exit code 1. These are problems of the environment, not of the
 * config, so they never use 78. Returns false for errors that are not the supervisor's.
 */
export function reportSupervisorError(error: unknown, context: ServiceContext, action: string, json: boolean | undefined): boolean {
  if (!(error instanceof SupervisorError)) return false;
  const notInstalled = error.code === 'SUPERVISOR_NOT_INSTALLED';
  const hint = notInstalled ? 'openclaw gateway install' : error.hint;
  if (json) {
    printJson({
      action,
      ok: false,
      result: notInstalled ? 'not-installed' : 'error',
      unit: context.unit,
      unitPath: context.unitPath,
      message: error.message,
      hints: hint === undefined ? [] : [hint],
      error: { code: error.code, command: error.command },
    } satisfies ServiceReport);
  } else {
    printError(error.message, hint);
  }
  process.exitCode = ExitCode.failure;
  return true;
}

/** Runs one service command; supervisor errors become the message + fix and exit code 1. */
export async function withService(action: string, json: boolean | undefined, fn: (context: ServiceContext) => Promise<void>): Promise<void> {
  const context = serviceContext();
  try {
    await fn(context);
  } catch (error) {
    if (!reportSupervisorError(error, context, action, json)) throw error;
  }
}

/** Prints `lines` unless `--json`. */
export function say(json: boolean | undefined, ...lines: string[]): void {
  if (!json) for (const line of lines) print(line);
}
