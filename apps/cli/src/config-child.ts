/**
 * The child process in which `openclaw gateway` loads and validates its config (see
 * `loadConfigInChild`). Validation needs zod and the config schema, about 17 MB of RSS once
 * loaded and built, and the long-running gateway needs neither once it has its config: the
 * child exits and takes them along, the gateway keeps the plain result. (A worker thread
 * does not do that: the pages its isolate and its thread touched stay with the process.)
 * Built as its own entry point, `dist/config-child.js`.
 */
import { enableCompileCache } from 'node:module';
import type { ConfigErrorCode, LoadedConfig } from '@openclaw/config';

/** The part of a {@link LoadedConfig} the gateway uses: plain data, sent over IPC. */
export type LoadedConfigData = Pick<LoadedConfig, 'config' | 'warnings' | 'errors' | 'paths'> & { env: Pick<LoadedConfig['env'], 'values'> };

/** What loading threw, as data; `config` is set for a ConfigError. */
export interface ThrownError {
  name: string;
  message: string;
  stack: string | undefined;
  config?: { code: ConfigErrorCode; hint: string | undefined; file: string | undefined };
}

/** The one message the child sends. */
export type ConfigChildReply = { ok: true; loaded: LoadedConfigData } | { ok: false; error: ThrownError };

async function load(): Promise<ConfigChildReply> {
  // As bin.ts does: V8's compiled code of the config chunk is cached between runs.
  enableCompileCache?.();
  const { ConfigError, loadConfig } = await import('@openclaw/config');
  try {
    const { config, warnings, errors, paths, env } = loadConfig();
    return { ok: true, loaded: { config, warnings, errors, paths, env: { values: env.values } } };
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const config = error instanceof ConfigError ? { code: error.code, hint: error.hint, file: error.file } : undefined;
    return { ok: false, error: { name, message, stack, ...(config ? { config } : {}) } };
  }
}

const send = process.send?.bind(process);
if (send) {
  const reply = await load();
  send(reply, () => process.disconnect());
}
