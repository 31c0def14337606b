import { formatConfigPath } from './config-path.ts';
import type { ConfigPath } from './config-path.ts';
import { setOwn } from './include.ts';
import { isPlainObject } from './parse.ts';

/**
 * What a migration did to one value:
 * - `move`: the subtree at `from` now lives at `to`, which was empty (or an empty object);
 * - `merge`: the same, but `to` sits inside an object that already existed, i.e. the
 *   subtree was merged into the user's newer config (existing values won);
 * - `drop`: the value at `from` was removed; `detail` says why (usually: the newer key
 *   is already set and wins);
 * - `set`: a value was written at `to` that is derived from `from` rather than copied
 *   (an in-place rewrite has `from` equal to `to`). `from` keeps its own value.
 */
export type MigrationAction = 'move' | 'merge' | 'drop' | 'set';

/**
 * One change a legacy migration made. Changes are listed in the order they were made,
 * and their paths are exact: replaying them in order on a tree that mirrors the config
 * (as `Provenance.applyMigrations` does) moves each part to where the migrated config has
 * it. A later change's `from` may lie inside an earlier change's `to`.
 */
export interface MigrationChange {
  /** The original's migration number (1-17). */
  number: number;
  /** The original's migration id, e.g. `"gateway.token->gateway.auth.token"`. */
  id: string;
  action: MigrationAction;
  /** Where the value was, before this change. */
  from: ConfigPath;
  /** Where it went; absent for `drop`. */
  to?: ConfigPath;
  /** One line a person reads in `doctor`'s diff, e.g. `moved gateway.token to gateway.auth.token`. Never contains values, so secrets stay out of logs. */
  detail: string;
}

/** One entry of the original's numbered migration table. */
export interface LegacyMigration {
  number: number;
  id: string;
  description: string;
  /** Skipped migrations carry the reason and never apply. */
  skipped?: string;
  /** Mutates the object it is given (a clone), returns what it changed; `[]` when nothing applies. */
  apply(config: Record<string, unknown>): MigrationChange[];
}

/** The number and id every change of one migration carries. */
export interface MigrationStamp {
  readonly number: number;
  readonly id: string;
}

export type ConfigRecord = Record<string, unknown>;

/** Builds a table entry whose changes carry its number and id. */
export function defineMigration(
  number: number,
  id: string,
  description: string,
  apply: (config: ConfigRecord, stamp: MigrationStamp) => MigrationChange[],
): LegacyMigration {
  const stamp: MigrationStamp = { number, id };
  return { number, id, description, apply: (config) => apply(config, stamp) };
}

export const isRecord: (value: unknown) => value is ConfigRecord = isPlainObject;
export { setOwn };

/** Reads an own property only: `__proto__`, `constructor` and friends never resolve to inherited objects. */
export function getOwn(obj: ConfigRecord, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `getOwn` for a record-valued key: the record, `undefined` when absent, `null` when it holds something else. */
export function getRecordOrAbsent(obj: ConfigRecord, key: string): ConfigRecord | undefined | null {
  const value = getOwn(obj, key);
  if (value === undefined) return undefined;
  return isRecord(value) ? value : null;
}

export function deleteOwn(obj: ConfigRecord, key: string): void {
  if (Object.hasOwn(obj, key)) delete obj[key];
}

export function isEmptyRecord(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 0;
}

/** Removes `obj[key]` when it is an empty object, so a fully migrated legacy section leaves nothing behind. */
export function deleteIfEmpty(obj: ConfigRecord, key: string): void {
  if (isEmptyRecord(getOwn(obj, key))) deleteOwn(obj, key);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * Deep copy of a JSON-shaped value. Keys are copied as own data properties, so a
 * `"__proto__"` key parsed from JSON stays a key and never becomes a prototype.
 * Other objects (there are none in parsed JSON5) are shared, as migrations never edit them.
 */
export function cloneConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneConfig(item)) as T;
  if (isRecord(value)) {
    const out: ConfigRecord = {};
    for (const key of Object.keys(value)) setOwn(out, key, cloneConfig(value[key]));
    return out as T;
  }
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
  }
  return Object.is(a, b);
}

export const fmt = formatConfigPath;

export function change(
  stamp: MigrationStamp,
  action: MigrationAction,
  from: ConfigPath,
  to: ConfigPath | undefined,
  detail: string,
): MigrationChange {
  const out: MigrationChange = { number: stamp.number, id: stamp.id, action, from, detail };
  if (to !== undefined) out.to = to;
  return out;
}

/** The change for a legacy value that loses against the newer key already set at `to`. */
export function conflictDrop(stamp: MigrationStamp, from: ConfigPath, to: ConfigPath, legacy: unknown, existing: unknown): MigrationChange {
  const why = sameValue(legacy, existing) ? `${fmt(to)} already has the same value` : `${fmt(to)} is already set and wins`;
  return change(stamp, 'drop', from, undefined, `dropped ${fmt(from)}: ${why}`);
}

/**
 * Puts `value` (taken from `from`) at `parent[key]` (path `to`). When something is
 * already there, objects are merged key by key and the existing value wins every
 * conflict; each legacy value that loses is reported as a `drop`, so nothing disappears
 * without a line in `doctor`. The caller removes the value from its old place.
 *
 * @param action `move` for the top of a relocation; nested placements inside an existing object are `merge`.
 */
export function placeValue(
  stamp: MigrationStamp,
  parent: ConfigRecord,
  key: string,
  value: unknown,
  from: ConfigPath,
  to: ConfigPath,
  action: 'move' | 'merge' = 'move',
): MigrationChange[] {
  const existing = getOwn(parent, key);
  if (existing === undefined || (isEmptyRecord(existing) && isRecord(value))) {
    setOwn(parent, key, value);
    const detail = action === 'move' ? `moved ${fmt(from)} to ${fmt(to)}` : `merged ${fmt(from)} into ${fmt(to)}`;
    return [change(stamp, action, from, to, detail)];
  }
  if (!isRecord(existing) || !isRecord(value)) return [conflictDrop(stamp, from, to, value, existing)];
  return mergeInto(stamp, existing, value, from, to);
}

/** Merges the record `source` (at `from`) into the record `target` (at `to`) key by key; see {@link placeValue}. */
export function mergeInto(stamp: MigrationStamp, target: ConfigRecord, source: ConfigRecord, from: ConfigPath, to: ConfigPath): MigrationChange[] {
  const keys = Object.keys(source);
  if (keys.length === 0) {
    // Nothing to carry over, but the legacy key still disappears: say so.
    return [change(stamp, 'merge', from, to, `merged the empty ${fmt(from)} into ${fmt(to)}`)];
  }
  return keys.flatMap((k) => placeValue(stamp, target, k, source[k], [...from, k], [...to, k], 'merge'));
}

/**
 * Walks `path` from `root` through own record keys (and array indexes), creating missing
 * records when `create` is set. Returns `undefined` when something that is not a record
 * (or a missing array item) is in the way: migrations leave such shapes to the validator.
 */
export function recordAt(root: ConfigRecord, path: ConfigPath, create: boolean): ConfigRecord | undefined {
  let node: unknown = root;
  for (const segment of path) {
    if (typeof segment === 'number') {
      node = Array.isArray(node) ? (node as unknown[])[segment] : undefined;
    } else {
      if (!isRecord(node)) return undefined;
      let next = getOwn(node, segment);
      if (next === undefined && create) {
        next = {};
        setOwn(node, segment, next);
      }
      node = next;
    }
  }
  return isRecord(node) ? node : undefined;
}

/** True when `recordAt(root, path, true)` would succeed, without creating anything. */
export function canReach(root: ConfigRecord, path: ConfigPath): boolean {
  let node: unknown = root;
  for (const [i, segment] of path.entries()) {
    // Missing records are created, missing array items are not.
    if (node === undefined) return path.slice(i).every((s) => typeof s === 'string');
    if (typeof segment === 'number') {
      node = Array.isArray(node) ? (node as unknown[])[segment] : undefined;
      if (!isRecord(node)) return false;
    } else {
      if (!isRecord(node)) return false;
      node = getOwn(node, segment);
    }
  }
  return node === undefined || isRecord(node);
}

/**
 * Moves the value at `from` to `to` (both relative to `root`, which sits at `at` in the
 * config), merging into whatever is at `to` (see {@link placeValue}). Returns
 * `undefined`, changing nothing, when there is no value at `from` or `to` cannot be
 * reached through records.
 */
export function relocate(
  stamp: MigrationStamp,
  root: ConfigRecord,
  from: ConfigPath,
  to: ConfigPath,
  at: ConfigPath = [],
): MigrationChange[] | undefined {
  const fromKey = from[from.length - 1];
  const toKey = to[to.length - 1];
  if (typeof fromKey !== 'string' || typeof toKey !== 'string') return undefined;
  const source = recordAt(root, from.slice(0, -1), false);
  if (source === undefined) return undefined;
  const value = getOwn(source, fromKey);
  if (value === undefined || !canReach(root, to.slice(0, -1))) return undefined;
  const target = recordAt(root, to.slice(0, -1), true);
  if (target === undefined) return undefined;
  deleteOwn(source, fromKey);
  return placeValue(stamp, target, toKey, value, [...at, ...from], [...at, ...to]);
}
