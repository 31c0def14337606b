import { existsSync } from 'node:fs';
import JSON5 from 'json5';
import {
  ConfigError,
  describeEnvSource,
  formatConfigPath,
  loadConfig,
  parseConfigPath,
  redactSecrets,
  resolvePaths,
  schemaKeysAt,
  setConfigValue,
  suggestKey,
  unsetConfigValue,
  valueAtPath,
} from '@openclaw/config';
import type { ConfigIssue, ConfigPath, LoadedConfig, ValueOrigin } from '@openclaw/config';
import { ExitCode } from '../exit-codes.ts';
import { print, printJson, printWarning } from '../output.ts';

/** Flags of `openclaw config get`. */
export interface ConfigGetFlags {
  json?: boolean;
  explain?: boolean;
  reveal?: boolean;
}

function printIssues(issues: readonly ConfigIssue[], kind: 'warning' | 'error'): void {
  for (const issue of issues) {
    process.stderr.write(`${kind}: ${issue.message}\n`);
    if (issue.hint) process.stderr.write(`  fix: ${issue.hint}\n`);
  }
}

/** Loads the config; with errors, prints them and throws so the exit code is 78. */
function loadValid(): LoadedConfig & { config: NonNullable<LoadedConfig['config']> } {
  const loaded = loadConfig();
  printIssues(loaded.warnings, 'warning');
  if (loaded.config === undefined) {
    printIssues(loaded.errors, 'error');
    throw new ConfigError('CONFIG_INVALID', `Config validation failed: ${loaded.paths.configPath}`, {
      hint: 'fix the errors above, or run `openclaw doctor` to repair what it can',
    });
  }
  return loaded as LoadedConfig & { config: NonNullable<LoadedConfig['config']> };
}

function describeOrigin(origin: ValueOrigin): string {
  switch (origin.kind) {
    case 'default':
      return 'default (not set anywhere; the schema default applies)';
    case 'env':
      return `environment variable ${origin.variable}${origin.source ? `, from ${describeEnvSource(origin.source)}` : ''}`;
    case 'file': {
      const via = origin.variables?.map((v) => `\${${v.name}} from ${v.source ? describeEnvSource(v.source) : 'the environment'}`);
      return `file ${origin.file}${via?.length ? ` (via ${via.join(', ')})` : ''}`;
    }
  }
}

function printValue(value: unknown): void {
  if (typeof value === 'string') print(value);
  else print(JSON.stringify(value, null, 2));
}

function noValueError(path: ConfigPath): ConfigError {
  const parent = path.slice(0, -1);
  const last = path[path.length - 1];
  const known = schemaKeysAt(parent);
  const suggestion = typeof last === 'string' && known ? suggestKey(last, known) : undefined;
  return new ConfigError('CONFIG_PATH', `no value at ${formatConfigPath(path)}: it is not set and has no default`, {
    hint: suggestion ? `did you mean ${formatConfigPath([...parent, suggestion])}?` : 'see `openclaw config get` for the whole config',
  });
}

/** `openclaw config get [path] [--json] [--explain] [--reveal]` */
export function configGet(pathText: string | undefined, flags: ConfigGetFlags): void {
  const path = pathText === undefined ? [] : parseConfigPath(pathText);
  const loaded = loadValid();
  const value = valueAtPath(loaded.config, path);
  if (value === undefined) throw noValueError(path);
  const shown = flags.reveal ? value : redactSecrets(value, path);
  if (!flags.explain) {
    if (flags.json) printJson(shown);
    else printValue(shown);
    return;
  }
  const origins = loaded.provenance.explain(path);
  if (flags.json) {
    printJson({ path: formatConfigPath(path), value: shown, origins });
    return;
  }
  print(`${formatConfigPath(path) || '(whole config)'} = ${typeof shown === 'string' ? shown : JSON.stringify(shown)}`);
  for (const origin of origins) print(`  set by: ${describeOrigin(origin)}`);
}

/** Reads a command-line value as JSON5, falling back to a plain string (`lan`, `abc123`). */
export function parseCliValue(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch {
    return text;
  }
}

function warnIfShadowed(path: ConfigPath): void {
  const after = loadConfig();
  for (const origin of after.provenance.explain(path)) {
    if (origin.kind === 'env') {
      printWarning(
        `${origin.variable} is set${origin.source ? ` in ${describeEnvSource(origin.source)}` : ''} and overrides ${formatConfigPath(path)}`,
        `unset ${origin.variable} for the file's value to apply`,
      );
    }
  }
}

/** `openclaw config set <path> <value>` */
export function configSet(pathText: string, valueText: string, flags: { json?: boolean }): void {
  const path = parseConfigPath(pathText);
  const value = parseCliValue(valueText);
  const result = setConfigValue(path, value);
  printIssues(result.warnings, 'warning');
  const shown = redactSecrets(value, path);
  if (flags.json) printJson({ path: formatConfigPath(path), value: shown, file: result.file, changed: result.changed });
  else print(`${result.changed ? 'set' : 'unchanged:'} ${formatConfigPath(path)} = ${JSON.stringify(shown)} in ${result.file}`);
  warnIfShadowed(path);
}

/** `openclaw config unset <path>` */
export function configUnset(pathText: string, flags: { json?: boolean }): void {
  const path = parseConfigPath(pathText);
  const result = unsetConfigValue(path);
  printIssues(result.warnings, 'warning');
  if (flags.json) printJson({ path: formatConfigPath(path), file: result.file, removed: result.removed });
  else if (result.removed) print(`removed ${formatConfigPath(path)} from ${result.file}`);
  else print(`${formatConfigPath(path)} was not set in ${result.file}; nothing changed`);
}

/** `openclaw config validate [--json]` */
export function configValidate(flags: { json?: boolean }): void {
  const loaded = loadConfig();
  const valid = loaded.errors.length === 0;
  if (flags.json) {
    printJson({ valid, file: loaded.paths.configPath, exists: loaded.exists, errors: loaded.errors, warnings: loaded.warnings });
  } else {
    printIssues(loaded.warnings, 'warning');
    printIssues(loaded.errors, 'error');
    if (!loaded.exists) print(`✓ no config file at ${loaded.paths.configPath}; the defaults apply`);
    else if (valid) print(`✓ ${loaded.paths.configPath} is valid${loaded.warnings.length ? ` (${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'})` : ''}`);
    else print(`✗ ${loaded.paths.configPath}: ${loaded.errors.length} error${loaded.errors.length === 1 ? '' : 's'}; fix them or run \`openclaw doctor\``);
  }
  if (!valid) process.exitCode = ExitCode.config;
}

/** `openclaw config path [--json]` */
export function configPath(flags: { json?: boolean }): void {
  const paths = resolvePaths(process.env);
  if (flags.json) printJson({ ...paths, exists: existsSync(paths.configPath) });
  else print(paths.configPath);
}
