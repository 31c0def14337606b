import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ConfigError } from './errors.ts';
import { layerEnvironment } from './env.ts';
import type { LayeredEnv } from './env.ts';
import { resolveIncludes } from './include.ts';
import { migrateLegacyConfig } from './migrations.ts';
import type { MigrationChange } from './migrations.ts';
import { isPlainObject, parseJson5 } from './parse.ts';
import { resolvePaths } from './paths.ts';
import type { Env, OpenClawPaths } from './paths.ts';
import { Provenance } from './provenance.ts';
import { substituteEnv } from './substitute.ts';
import type { OpenClawConfig } from './schema/index.ts';
import { validateConfig } from './validate.ts';
import type { ConfigIssue } from './validate.ts';
import { setOwn } from './include.ts';
import type { ConfigPath } from './config-path.ts';

/** Reads a text file, or returns undefined when it does not exist. */
export type ReadOptionalText = (path: string) => string | undefined;

/** Inputs of {@link loadConfig}. Everything has a default taken from the running process. */
export interface LoadConfigOptions {
  /** The process environment (default `process.env`). */
  env?: Env;
  /** Directory whose `.env` is a layer (default `process.cwd()`; `null` skips that layer). */
  cwd?: string | null;
  home?: string;
  /** Overrides the config path resolved from the environment. */
  configPath?: string;
  /** The config's text, instead of reading `configPath` (used to check an edit before writing it). */
  text?: string;
  readFile?: ReadOptionalText;
  /**
   * Apply the `OPENCLAW_GATEWAY_*` overrides (default true). The in-place updater turns
   * them off: it validates the file, and an override would hide a bad value written there.
   */
  envOverrides?: boolean;
}

/** Everything known about a loaded config. Loading never throws for a bad config. */
export interface LoadedConfig {
  /** The validated config with defaults; undefined while `errors` is not empty. */
  config: OpenClawConfig | undefined;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
  paths: OpenClawPaths;
  /** False when there is no config file (defaults apply). */
  exists: boolean;
  env: LayeredEnv;
  /** Legacy keys that were migrated in memory; `openclaw doctor --fix` writes them back. */
  migrations: MigrationChange[];
  provenance: Provenance;
  /** The config as the user wrote it, after `$include`, `${VAR}` and migrations, before defaults. */
  input: Record<string, unknown>;
}

/** Reads a file; ENOENT means "not there" (undefined), anything else is a CONFIG_READ error. */
export function readOptionalText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError('CONFIG_READ', `cannot read ${path}: ${(error as Error).message}`, {
      file: path,
      hint: code === 'EACCES' ? `the file is not readable by this user; check its owner and mode (ls -l ${path})` : undefined,
      cause: error,
    });
  }
}

/** Environment variables that override config values, applied after everything else. */
export const ENV_OVERRIDES: readonly { variable: string; path: ConfigPath; kind: 'port' | 'string' }[] = [
  { variable: 'OPENCLAW_GATEWAY_PORT', path: ['gateway', 'port'], kind: 'port' },
  { variable: 'OPENCLAW_GATEWAY_TOKEN', path: ['gateway', 'auth', 'token'], kind: 'string' },
  { variable: 'OPENCLAW_GATEWAY_PASSWORD', path: ['gateway', 'auth', 'password'], kind: 'string' },
];

/**
 * Sets `value` at `path`, creating missing objects on the way. Returns false (and changes
 * nothing) when a section on the way holds something that is not an object: replacing it
 * would hide that error of the file, so the validator reports it instead.
 */
function setAt(root: Record<string, unknown>, path: ConfigPath, value: unknown): boolean {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key as string];
    if (next === undefined) {
      const created: Record<string, unknown> = {};
      setOwn(node, key as string, created);
      node = created;
    } else if (isPlainObject(next)) node = next;
    else return false;
  }
  setOwn(node, path[path.length - 1] as string, value);
  return true;
}

function asIssue(error: unknown): ConfigIssue {
  if (error instanceof ConfigError) {
    return { code: error.code, path: [], message: error.message, ...(error.file ? { file: error.file } : {}), ...(error.hint ? { hint: error.hint } : {}) };
  }
  throw error;
}

/**
 * Loads the config through every stage: read, JSON5 parse, `$include`, environment
 * layers (process > ./.env > <stateDir>/.env > config `env` block), `${VAR}`
 * substitution, legacy migrations (in memory), `OPENCLAW_GATEWAY_*` overrides, then
 * validation with defaults. Problems come back as `errors` and `warnings`.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const processEnv = options.env ?? process.env;
  const home = options.home ?? homedir();
  const resolved = resolvePaths(processEnv, home);
  const paths: OpenClawPaths = options.configPath ? { ...resolved, configPath: options.configPath } : resolved;
  const read = options.readFile ?? readOptionalText;
  const cwd = options.cwd === null ? undefined : (options.cwd ?? process.cwd());

  const errors: ConfigIssue[] = [];
  let exists = false;
  let parsed: unknown = {};
  let traced = resolveIncludes({}, paths.configPath, () => '');
  try {
    const text = options.text ?? read(paths.configPath);
    exists = text !== undefined;
    if (text !== undefined && text.trim() !== '') parsed = parseJson5(text, paths.configPath);
    traced = resolveIncludes(parsed, paths.configPath, (file) => {
      const included = read(file);
      if (included === undefined) throw Object.assign(new Error('file not found'), { code: 'ENOENT' });
      return included;
    });
  } catch (error) {
    errors.push(asIssue(error));
  }

  let env: LayeredEnv = { values: {}, sources: new Map() };
  try {
    env = layerEnvironment({
      processEnv,
      cwd,
      stateDir: paths.stateDir,
      configEnv: isPlainObject(traced.value) ? traced.value.env : undefined,
      configPath: paths.configPath,
      readFile: read,
    });
  } catch (error) {
    errors.push(asIssue(error));
  }
  const provenance = new Provenance(traced.origin, env.sources);

  if (errors.length === 0 && !isPlainObject(traced.value)) {
    errors.push({ code: 'invalid-type', path: [], message: `${paths.configPath}: the config must be an object ({ ... })`, file: paths.configPath });
  }
  if (errors.length > 0) {
    return { config: undefined, warnings: [], errors, paths, exists, env, migrations: [], provenance, input: {} };
  }

  const substituted = substituteEnv(traced.value, env.values);
  errors.push(...substituted.errors.map(asIssue));
  provenance.noteReferences(substituted.references);

  const migrated = migrateLegacyConfig(substituted.value as Record<string, unknown>);
  provenance.applyMigrations(migrated.changes);
  const input = migrated.config;

  for (const override of options.envOverrides === false ? [] : ENV_OVERRIDES) {
    const raw = env.values[override.variable];
    if (raw === undefined || raw === '') continue;
    let value: string | number = raw;
    if (override.kind === 'port') {
      value = Number(raw);
      if (!Number.isInteger(value) || value < 1 || value > 65535) {
        errors.push({
          code: 'invalid-value',
          path: override.path,
          message: `${override.variable}: expected a port number from 1 to 65535, found "${raw}"`,
          hint: `unset ${override.variable} or set it to a free port, e.g. ${override.variable}=18789`,
        });
        continue;
      }
    }
    if (setAt(input, override.path, value)) provenance.noteOverride(override.path, override.variable);
  }

  const validation = validateConfig(input);
  const warnings: ConfigIssue[] = migrated.changes.map((change) => ({
    code: 'legacy-key',
    path: change.from,
    message: `legacy config: ${change.detail} (in memory; run \`openclaw doctor --fix\` to update the file)`,
  }));
  warnings.push(...validation.warnings);
  errors.push(...validation.errors);
  return {
    config: errors.length === 0 ? validation.config : undefined,
    warnings,
    errors,
    paths,
    exists,
    env,
    migrations: migrated.changes,
    provenance,
    input,
  };
}
