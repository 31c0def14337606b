import {
  formatConfigPath,
  loadConfig,
  migrateLegacyConfig,
  parseJson5,
  readOptionalText,
  setValueInText,
  unsetValueInText,
  withConfigLock,
  writeConfigText,
} from '@openclaw/config';
import type { ConfigPath, MigrationChange } from '@openclaw/config';
import { check, errorText, plural } from './doctor-check.ts';
import type { DoctorCheck, DoctorContext } from './doctor-check.ts';

const SECTION = 'Config';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality of JSON values; key order does not matter. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
  }
  return Object.is(a, b);
}

/** The smallest set of sets and unsets that turns `before` into `after` (objects compared key by key, anything else as a whole). */
function diffEdits(before: Json, after: Json, path: ConfigPath, sets: Array<[ConfigPath, unknown]>, unsets: ConfigPath[]): void {
  for (const key of Object.keys(after)) {
    const here = [...path, key];
    if (!Object.hasOwn(before, key)) sets.push([here, after[key]]);
    else if (isRecord(before[key]) && isRecord(after[key])) diffEdits(before[key] as Json, after[key] as Json, here, sets, unsets);
    else if (!sameJson(before[key], after[key])) sets.push([here, after[key]]);
  }
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) unsets.push([...path, key]);
}

/** How the migrated file was produced. */
export type RewriteMode = 'in-place' | 'rewritten';

/**
 * The migrated config as file text. First as in-place edits of the user's text (new paths set,
 * old ones unset, so comments and formatting elsewhere survive); that result is parsed back
 * and must equal the migrated object exactly, or doctor falls back to pretty JSON of the
 * migrated object (comments lost, values complete). Throws when neither reproduces it.
 */
export function migratedText(text: string, raw: Json, migrated: Json): { text: string; mode: RewriteMode } {
  const sets: Array<[ConfigPath, unknown]> = [];
  const unsets: ConfigPath[] = [];
  diffEdits(raw, migrated, [], sets, unsets);
  try {
    let out = text;
    for (const [path, value] of sets) out = setValueInText(out, path, value);
    for (const path of unsets) out = unsetValueInText(out, path).text;
    if (sameJson(parseJson5(out, 'migrated config'), migrated)) return { text: out, mode: 'in-place' };
  } catch {
    // An edit the text editor cannot express: use the whole-file rewrite below.
  }
  const json = `${JSON.stringify(migrated, null, 2)}\n`;
  // JSON cannot hold everything JSON5 can (Infinity, NaN): never write a file that lost a value.
  if (!sameJson(JSON.parse(json), migrated)) {
    throw new Error('the migrated config holds values JSON cannot represent (Infinity or NaN), and the in-place edit did not work either; nothing was written');
  }
  return { text: json, mode: 'rewritten' };
}

function migrationLines(changes: readonly MigrationChange[]): string[] {
  return changes.map((change) => `${change.action === 'drop' ? '-' : '~'} ${change.detail}`);
}

/** Legacy keys: listed without --fix; with --fix the file is migrated after a backup. */
function legacyCheck(context: DoctorContext): DoctorCheck | undefined {
  const { configPath } = context.loaded.paths;
  const text = readOptionalText(configPath);
  if (text === undefined || text.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = parseJson5(text, configPath);
  } catch {
    return undefined; // the validation check reports the parse error
  }
  if (!isRecord(raw)) return undefined;
  const { config: migrated, changes } = migrateLegacyConfig(raw);
  if (changes.length === 0) {
    if (context.loaded.migrations.length === 0) return check(SECTION, 'config.legacy', 'ok', 'legacy keys', 'none');
    return check(SECTION, 'config.legacy', 'warning', 'legacy keys', `${plural(context.loaded.migrations.length, 'legacy key')} come from an $include'd file or a \${VAR}; they are migrated in memory only`, {
      fix: 'move them by hand as listed (doctor only rewrites the main config file)',
      lines: migrationLines(context.loaded.migrations),
    });
  }
  const lines = migrationLines(changes);
  if (!context.fix) {
    return check(SECTION, 'config.legacy', 'warning', 'legacy keys', `${plural(changes.length, 'change')} to migrate in ${configPath} (nothing written)`, {
      fix: 'openclaw doctor --fix (keeps the current file as .bak)',
      lines,
    });
  }
  let result: { text: string; mode: RewriteMode };
  try {
    // Under the config lock, and only if nobody changed the file since it was read above.
    result = withConfigLock(configPath, () => {
      if (readOptionalText(configPath) !== text) throw new Error(`${configPath} changed while doctor was reading it; run doctor again`);
      const rewritten = migratedText(text, raw, migrated);
      writeConfigText(configPath, rewritten.text);
      return rewritten;
    });
  } catch (error) {
    return check(SECTION, 'config.legacy', 'problem', 'legacy keys', `could not migrate ${configPath}: ${errorText(error)}`, {
      fix: `move the keys by hand as listed, or check that ${configPath} and its directory are writable and run \`openclaw doctor --fix\` again`,
      lines,
    });
  }
  const how = result.mode === 'in-place' ? 'edited in place, comments kept' : 'rewritten as JSON: the in-place edit did not reproduce the migration, so comments were not kept';
  context.changes.push(`migrated ${plural(changes.length, 'legacy key')} in ${configPath} (${how}); the previous file is ${configPath}.bak`);
  context.loaded = loadConfig();
  const detail = `migrated ${plural(changes.length, 'change')} (${how}); backup: ${configPath}.bak`;
  const left = context.loaded.migrations;
  if (left.length > 0) {
    return check(SECTION, 'config.legacy', 'warning', 'legacy keys', `${detail}; ${plural(left.length, 'more legacy key')} in an $include'd file or a \${VAR} stay in memory only`, {
      fix: 'move them by hand as listed (doctor only rewrites the main config file)',
      changed: true,
      lines: [...lines, ...migrationLines(left)],
    });
  }
  return check(SECTION, 'config.legacy', 'ok', 'legacy keys', detail, { changed: true, lines });
}

/** Validation errors and unknown keys of the (possibly just migrated) config. */
function validationChecks(context: DoctorContext): DoctorCheck[] {
  const { loaded } = context;
  const { configPath } = loaded.paths;
  if (!loaded.exists) return [check(SECTION, 'config.valid', 'ok', 'config file', `no file at ${configPath}; the defaults apply`)];
  const out: DoctorCheck[] = [];
  if (loaded.errors.length > 0) {
    out.push(
      check(SECTION, 'config.valid', 'problem', 'config file', `${configPath}: ${plural(loaded.errors.length, 'error')}; the gateway refuses to start`, {
        fix: loaded.errors.find((issue) => issue.hint)?.hint ?? `edit ${configPath} (or use \`openclaw config set\`), then \`openclaw config validate\``,
        lines: loaded.errors.map((issue) => `✗ ${issue.message}${issue.hint ? ` (fix: ${issue.hint})` : ''}`),
      }),
    );
  } else {
    out.push(check(SECTION, 'config.valid', 'ok', 'config file', `${configPath} is valid`));
  }
  const unknown = loaded.warnings.filter((issue) => issue.code === 'unknown-key');
  if (unknown.length > 0) {
    out.push(
      check(SECTION, 'config.unknown-keys', 'warning', 'unknown keys', `${plural(unknown.length, 'key')} nothing reads (left in the file; doctor never deletes them)`, {
        fix: `remove or rename them: openclaw config unset ${formatConfigPath(unknown[0]?.path ?? [])}`,
        lines: unknown.map((issue) => `⚠ ${issue.message}`),
      }),
    );
  }
  return out;
}

/** The config section: legacy keys (migrated with --fix), validation, unknown keys. */
export function configChecks(context: DoctorContext): DoctorCheck[] {
  let legacy: DoctorCheck | undefined;
  try {
    legacy = legacyCheck(context);
  } catch (error) {
    legacy = check(SECTION, 'config.legacy', 'problem', 'legacy keys', errorText(error), { fix: `check ${context.loaded.paths.configPath} by hand` });
  }
  return [...(legacy ? [legacy] : []), ...validationChecks(context)];
}
