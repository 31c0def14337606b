import type { ConfigPath } from './config-path.ts';
import { deepMerge, setOwn } from './include.ts';
import type { OriginTree } from './include.ts';
import type { EnvSource } from './env.ts';
import type { MigrationChange } from './migrations.ts';
import type { EnvReference } from './substitute.ts';

/** Which layer set a config value. */
export type ValueOrigin =
  | { kind: 'default' }
  | { kind: 'file'; file: string; variables?: { name: string; source: EnvSource | undefined }[] }
  | { kind: 'env'; variable: string; source: EnvSource | undefined };

const ENV_MARK = 'env:';

function subtree(tree: OriginTree | undefined, path: ConfigPath): OriginTree | undefined {
  let node = tree;
  for (const key of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = (node as Record<string | number, OriginTree>)[key];
  }
  return node;
}

function detach(tree: OriginTree, path: ConfigPath): OriginTree | undefined {
  const parent = subtree(tree, path.slice(0, -1));
  if (parent === undefined || typeof parent === 'string') return undefined;
  const key = path[path.length - 1]!;
  const found = (parent as Record<string | number, OriginTree>)[key];
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete (parent as Record<string, OriginTree>)[key];
  return found;
}

function attach(tree: OriginTree, path: ConfigPath, value: OriginTree, keepExisting: boolean): OriginTree {
  if (path.length === 0) return value;
  const root = typeof tree === 'string' ? {} : tree;
  let node = root as Record<string | number, OriginTree>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || typeof next === 'string') {
      const created = {};
      setOwn(node as Record<string, unknown>, String(key), created);
      node = created;
    } else node = next as Record<string | number, OriginTree>;
  }
  const key = path[path.length - 1]!;
  const existing = node[key];
  const merged = existing === undefined ? value : keepExisting ? deepMerge(value, existing) : deepMerge(existing, value);
  setOwn(node as Record<string, unknown>, String(key), merged);
  return root;
}

function startsWith(path: ConfigPath, prefix: ConfigPath): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}

/** Where a path that existed before the migrations lives after them (undefined: dropped). */
export function migratePath(path: ConfigPath, changes: readonly MigrationChange[]): ConfigPath | undefined {
  let current: ConfigPath | undefined = path;
  for (const change of changes) {
    if (current === undefined) return undefined;
    if (change.action === 'set' || !startsWith(current, change.from)) continue;
    current = change.to ? [...change.to, ...current.slice(change.from.length)] : undefined;
  }
  return current;
}

/**
 * Remembers which layer set each value of a loaded config, so that
 * `openclaw config get --explain` can answer "where did this come from?".
 */
export class Provenance {
  #tree: OriginTree;
  readonly #references = new Map<string, EnvReference['variables']>();
  readonly #envSources: ReadonlyMap<string, EnvSource>;

  /** @param tree which file each value of the merged (post-`$include`) config came from */
  constructor(tree: OriginTree, envSources: ReadonlyMap<string, EnvSource>) {
    this.#tree = tree;
    this.#envSources = envSources;
  }

  /** Records `${VAR}` substitutions (paths as they were before migrations). */
  noteReferences(references: readonly EnvReference[]): void {
    for (const ref of references) this.#references.set(JSON.stringify(ref.path), ref.variables);
  }

  /** Replays the legacy migrations on the origins so moved values keep their source. */
  applyMigrations(changes: readonly MigrationChange[]): void {
    for (const [key, variables] of [...this.#references]) {
      const moved = migratePath(JSON.parse(key) as ConfigPath, changes);
      this.#references.delete(key);
      if (moved) this.#references.set(JSON.stringify(moved), variables);
    }
    for (const change of changes) {
      if (change.action === 'set') continue;
      const moved = detach(this.#tree, change.from);
      if (moved !== undefined && change.to) this.#tree = attach(this.#tree, change.to, moved, change.action === 'merge');
    }
  }

  /** Records that an environment variable override set the value at `path`. */
  noteOverride(path: ConfigPath, variable: string): void {
    this.#tree = attach(this.#tree, path, `${ENV_MARK}${variable}`, false);
  }

  /**
   * The origins of the value at `path`: one entry for a scalar, the distinct origins of
   * everything below it for an object, `default` when no layer set it.
   */
  explain(path: ConfigPath): ValueOrigin[] {
    const node = subtree(this.#tree, path);
    if (node === undefined) return [{ kind: 'default' }];
    const seen = new Map<string, ValueOrigin>();
    const visit = (n: OriginTree, at: ConfigPath) => {
      if (typeof n === 'string') {
        const origin = this.#describe(n, at);
        seen.set(JSON.stringify(origin), origin);
      } else if (Array.isArray(n)) n.forEach((item, i) => visit(item, [...at, i]));
      else for (const [key, item] of Object.entries(n)) visit(item, [...at, key]);
    };
    visit(node, path);
    return seen.size > 0 ? [...seen.values()] : [{ kind: 'default' }];
  }

  #describe(leaf: string, path: ConfigPath): ValueOrigin {
    if (leaf.startsWith(ENV_MARK)) {
      const variable = leaf.slice(ENV_MARK.length);
      return { kind: 'env', variable, source: this.#envSources.get(variable) };
    }
    const variables = this.#references.get(JSON.stringify(path));
    return variables
      ? { kind: 'file', file: leaf, variables: variables.map((name) => ({ name, source: this.#envSources.get(name) })) }
      : { kind: 'file', file: leaf };
  }
}
