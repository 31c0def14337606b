import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './errors.ts';

/** The gateway's port when nothing else says otherwise. */
export const DEFAULT_GATEWAY_PORT = 18789;
/** `--dev` runs beside a normal install, so it moves to its own port. */
export const DEV_GATEWAY_PORT = 19001;

/** Environment variables as a plain record (`process.env` fits). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the gateway keeps its state and config for one environment. */
export interface OpenClawPaths {
  stateDir: string;
  configPath: string;
  /** The active profile, when one is set (`--profile NAME`, `--dev`, or `OPENCLAW_PROFILE`). */
  profile: string | undefined;
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Expands a leading `~` (alone or followed by `/`) to the home directory. */
export function expandHome(path: string, home: string = osHomedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

function absolute(path: string, home: string): string {
  const expanded = expandHome(path.trim(), home);
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/** `OPENCLAW_STATE_DIR`, else `~/.openclaw`. */
export function resolveStateDir(env: Env, home: string = osHomedir()): string {
  const fromEnv = env.OPENCLAW_STATE_DIR;
  return fromEnv && fromEnv.trim() ? absolute(fromEnv, home) : join(home, '.openclaw');
}

/** `OPENCLAW_CONFIG_PATH`, else `<stateDir>/openclaw.json`. */
export function resolveConfigPath(env: Env, home: string = osHomedir()): string {
  const fromEnv = env.OPENCLAW_CONFIG_PATH;
  return fromEnv && fromEnv.trim() ? absolute(fromEnv, home) : join(resolveStateDir(env, home), 'openclaw.json');
}

/** Resolves state dir, config path and profile from the environment. */
export function resolvePaths(env: Env, home: string = osHomedir()): OpenClawPaths {
  const profile = env.OPENCLAW_PROFILE?.trim();
  return {
    stateDir: resolveStateDir(env, home),
    configPath: resolveConfigPath(env, home),
    profile: profile && profile !== 'default' ? profile : undefined,
  };
}

/** The global flags that pick an environment, parsed before the command word. */
export interface ProfileSelection {
  profile?: string | undefined;
  dev?: boolean | undefined;
}

/**
 * The environment variables a profile implies, for the caller to apply to its own
 * environment. Variables that are already set win: `OPENCLAW_STATE_DIR=/x openclaw --dev`
 * keeps `/x`. `--profile NAME` means `~/.openclaw-NAME`; `--dev` is profile `dev` on port 19001.
 */
export function profileEnvironment(selection: ProfileSelection, env: Env, home: string = osHomedir()): Record<string, string> {
  if (selection.dev && selection.profile !== undefined && selection.profile !== 'dev') {
    throw new ConfigError('CONFIG_PROFILE', `--dev and --profile ${selection.profile} cannot be combined`, {
      hint: '--dev is the same as --profile dev; pass one of them',
    });
  }
  const name = selection.dev ? 'dev' : selection.profile;
  if (name === undefined || name === 'default') return {};
  if (!PROFILE_NAME.test(name)) {
    throw new ConfigError('CONFIG_PROFILE', `invalid profile name "${name}"`, {
      hint: 'a profile name is 1-64 letters, digits, "-" or "_", starting with a letter or digit',
    });
  }
  const out: Record<string, string> = { OPENCLAW_PROFILE: name };
  const stateDir = env.OPENCLAW_STATE_DIR?.trim() ? absolute(env.OPENCLAW_STATE_DIR, home) : join(home, `.openclaw-${name}`);
  if (!env.OPENCLAW_STATE_DIR?.trim()) out.OPENCLAW_STATE_DIR = stateDir;
  if (!env.OPENCLAW_CONFIG_PATH?.trim()) out.OPENCLAW_CONFIG_PATH = join(stateDir, 'openclaw.json');
  if (name === 'dev' && !env.OPENCLAW_GATEWAY_PORT?.trim()) out.OPENCLAW_GATEWAY_PORT = String(DEV_GATEWAY_PORT);
  return out;
}
