import { fork } from 'node:child_process';
import { ConfigError } from '@openclaw/config';
import type { OpenClawConfig } from '@openclaw/config';
import { GatewayConfigError } from '@openclaw/gateway-core';
import type { ConfigChildReply, LoadedConfigData, ThrownError } from '../config-child.ts';
import { printError, printWarning } from '../output.ts';

// The config checks `openclaw gateway` shares with the other commands, in a module of their
// own: `openclaw gateway` must not import gateway.ts, whose loadConfig would bring zod and
// the config schema into the long-running process. It validates in a child process instead.

/** What the child threw, rebuilt here: a ConfigError keeps its class, code, hint and file. */
function rebuild(thrown: ThrownError): Error {
  if (thrown.config) return new ConfigError(thrown.config.code, thrown.message, { hint: thrown.config.hint, file: thrown.config.file });
  const error = new Error(thrown.message);
  error.name = thrown.name;
  if (thrown.stack !== undefined) error.stack = thrown.stack;
  return error;
}

/**
 * `loadConfig()` with this process's environment and working directory, run in a child
 * process (`dist/config-child.js`) that has exited when the promise settles. Rejects with
 * what loading threw, as loadConfig would have.
 */
export function loadConfigInChild(): Promise<LoadedConfigData> {
  // Relative to the built chunk: the CLI's files all sit side by side in dist/.
  const entry = new URL('./config-child.js', import.meta.url);
  return new Promise((resolve, reject) => {
    const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: ConfigChildReply | undefined;
    child.once('message', (message: ConfigChildReply) => (reply = message));
    child.once('error', reject);
    // 'close' comes after the IPC channel closed, so the reply, if any, has arrived.
    child.once('close', (code, signal) => {
      if (reply?.ok) resolve(reply.loaded);
      else if (reply) reject(rebuild(reply.error));
      else reject(new Error(`the config check (${entry.pathname}) exited with ${signal ?? `code ${code}`} without an answer`));
    });
  });
}

/** Prints a loaded config's warnings; with errors, prints them and throws so the exit code is 78. */
export function requireValidConfig<L extends LoadedConfigData>(loaded: L): L & { config: OpenClawConfig } {
  for (const issue of loaded.warnings) printWarning(issue.message, issue.hint);
  if (loaded.config === undefined) {
    for (const issue of loaded.errors) printError(issue.message, issue.hint);
    throw new ConfigError('CONFIG_INVALID', `Invalid config at ${loaded.paths.configPath}`, {
      hint: 'fix the errors above (openclaw config validate), or run `openclaw doctor` to repair what it can',
    });
  }
  return loaded as L & { config: OpenClawConfig };
}

/** Turns the gateway's configuration refusals into the CLI's config error (exit 78). */
export function asConfigError(error: unknown): unknown {
  return error instanceof GatewayConfigError ? new ConfigError('CONFIG_INVALID', error.message, error.hint === undefined ? {} : { hint: error.hint }) : error;
}
