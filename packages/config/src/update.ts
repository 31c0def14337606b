import { ConfigError } from './errors.ts';
import type { ConfigPath } from './config-path.ts';
import { formatConfigPath } from './config-path.ts';
import { setValueInText, unsetValueInText } from './edit.ts';
import { loadConfig, readOptionalText } from './load.ts';
import type { LoadConfigOptions } from './load.ts';
import type { ConfigIssue } from './validate.ts';
import { writeConfigText } from './write.ts';
import { withConfigLock } from './config-lock.ts';
import { resolvePaths } from './paths.ts';

/** What a `config set` / `config unset` did. */
export interface ConfigUpdate {
  file: string;
  /** False when the file already said exactly this (nothing was written). */
  changed: boolean;
  /** Warnings of the config after the edit (unknown keys, legacy keys). */
  warnings: ConfigIssue[];
}

function apply(given: LoadConfigOptions, edit: (text: string) => string): ConfigUpdate {
  // The file is what is checked: an OPENCLAW_GATEWAY_* override would mask a bad value in it.
  const options: LoadConfigOptions = { ...given, envOverrides: false };
  const file = options.configPath ?? resolvePaths(options.env ?? process.env, options.home).configPath;
  // Read, edit, validate and write under one lock: a concurrent writer's edit is never lost.
  return withConfigLock(file, () => applyLocked({ ...options, configPath: file }, file, edit));
}

function applyLocked(options: LoadConfigOptions, file: string, edit: (text: string) => string): ConfigUpdate {
  const before = loadConfig(options);
  const read = options.readFile ?? readOptionalText;
  const text = read(file) ?? '';
  const next = edit(text);
  if (next === text) return { file, changed: false, warnings: before.warnings };

  const after = loadConfig({ ...options, configPath: file, text: next });
  const known = new Set(before.errors.map((e) => e.message));
  const introduced = after.errors.filter((e) => !known.has(e.message));
  if (introduced.length > 0) {
    throw new ConfigError('CONFIG_INVALID', `refusing to write ${file}; the change would make the config invalid:\n${introduced.map((e) => `  - ${e.message}`).join('\n')}`, {
      file,
      hint: 'check the value against `openclaw config get --json` and the schema (`openclaw config validate` lists what is wrong)',
    });
  }
  writeConfigText(file, next);
  return { file, changed: true, warnings: after.warnings };
}

/**
 * Sets one value in the config file, editing the JSON5 text in place so comments,
 * key order and formatting survive. The edit is validated before it is written: a
 * change that would add an error is refused and the file is left untouched.
 */
export function setConfigValue(path: ConfigPath, value: unknown, options: LoadConfigOptions = {}): ConfigUpdate {
  if (path.length === 0) throw new ConfigError('CONFIG_PATH', 'config set needs a path below the top level', { hint: 'e.g. openclaw config set gateway.port 19000' });
  return apply(options, (text) => setValueInText(text, path, value));
}

/** Removes one key from the config file (in place, validated like {@link setConfigValue}). */
export function unsetConfigValue(path: ConfigPath, options: LoadConfigOptions = {}): ConfigUpdate & { removed: boolean } {
  if (path.length === 0) throw new ConfigError('CONFIG_PATH', 'config unset needs a path below the top level', { hint: `e.g. openclaw config unset ${formatConfigPath(['gateway', 'auth', 'token'])}` });
  let removed = false;
  const result = apply(options, (text) => {
    const out = unsetValueInText(text, path);
    removed = out.removed;
    return out.text;
  });
  return { ...result, removed };
}
