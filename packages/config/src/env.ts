import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { isPlainObject } from './parse.ts';
import type { Env } from './paths.ts';

/** Where an environment variable came from, highest precedence first. */
export type EnvLayer = 'process' | 'cwd-dotenv' | 'state-dotenv' | 'config-env';

/** One variable's source. `file` names the dotenv or config file for file-backed layers. */
export interface EnvSource {
  layer: EnvLayer;
  file?: string;
}

/** The merged environment the config sees, with the layer that set each variable. */
export interface LayeredEnv {
  values: Readonly<Record<string, string>>;
  sources: ReadonlyMap<string, EnvSource>;
}

/** What {@link layerEnvironment} reads. Files are read through `readFile` so tests and embedders choose. */
export interface LayerEnvironmentOptions {
  processEnv: Env;
  /** Directory whose `.env` is the second layer (the CLI passes `process.cwd()`); omit to skip. */
  cwd?: string | undefined;
  stateDir: string;
  /** The config's `env` block (after `$include`), or undefined. */
  configEnv?: unknown;
  /** The config file, named as the source of `env` block values. */
  configPath?: string | undefined;
  readFile(path: string): string | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The string variables a config's `env` block defines: `env.vars.NAME` and `env.NAME`
 * entries whose value is a string (other keys, like `shellEnv`, are settings, not variables).
 */
export function configEnvVariables(block: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(block)) return out;
  const collect = (entries: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (typeof value === 'string' && ENV_NAME.test(name)) out[name] = value;
    }
  };
  collect(block);
  if (isPlainObject(block.vars)) collect(block.vars);
  return out;
}

/**
 * Merges the environment layers: process env > `./.env` > `<stateDir>/.env` > the config's
 * `env` block. A lower layer never overrides a variable that a higher one already set,
 * the same rule as dotenv's `override: false`.
 */
export function layerEnvironment(options: LayerEnvironmentOptions): LayeredEnv {
  const values: Record<string, string> = {};
  const sources = new Map<string, EnvSource>();
  const add = (entries: Record<string, string | undefined>, source: EnvSource) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined || Object.hasOwn(values, name)) continue;
      values[name] = value;
      sources.set(name, source);
    }
  };
  const dotenv = (file: string): Record<string, string> => {
    const text = options.readFile(file);
    return text === undefined ? {} : parseDotenv(text);
  };

  add(options.processEnv, { layer: 'process' });
  if (options.cwd !== undefined) {
    const file = join(options.cwd, '.env');
    add(dotenv(file), { layer: 'cwd-dotenv', file });
  }
  const stateFile = join(options.stateDir, '.env');
  add(dotenv(stateFile), { layer: 'state-dotenv', file: stateFile });
  add(configEnvVariables(options.configEnv), options.configPath ? { layer: 'config-env', file: options.configPath } : { layer: 'config-env' });
  return { values, sources };
}

/** A short human description of a variable's source, e.g. `~/.openclaw/.env`. */
export function describeEnvSource(source: EnvSource): string {
  switch (source.layer) {
    case 'process':
      return 'the process environment';
    case 'cwd-dotenv':
      return `${source.file} (.env in the working directory)`;
    case 'state-dotenv':
      return `${source.file} (.env in the state dir)`;
    case 'config-env':
      return source.file ? `the "env" block of ${source.file}` : 'the config\'s "env" block';
  }
}
