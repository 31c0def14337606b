import { dirname, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import { isPlainObject, parseJson5 } from './parse.ts';

/** The deepest chain of `$include`s followed before giving up. */
export const MAX_INCLUDE_DEPTH = 10;

/**
 * Mirrors a config value: objects and arrays keep their shape, every scalar is replaced
 * by the file it came from. Merging two origin trees the way their values merge keeps
 * track of which file set each value.
 */
export type OriginTree = string | OriginTree[] | { [key: string]: OriginTree };

/** A config value with the file each part came from. */
export interface Traced {
  value: unknown;
  origin: OriginTree;
}

/** Reads an included file; the loader passes `fs.readFileSync` here. */
export type ReadText = (path: string) => string;

/** Defines an own property, so keys like `__proto__` stay data and never reach a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The origin tree of a value that came entirely from one file. */
export function originOf(value: unknown, file: string): OriginTree {
  if (Array.isArray(value)) return value.map((item) => originOf(item, file));
  if (isPlainObject(value)) {
    const out: Record<string, OriginTree> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, originOf(item, file));
    return out;
  }
  return file;
}

/** Deep merge as `$include` defines it: objects merge, arrays concatenate, anything else: later wins. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(base)) setOwn(out, key, value);
    for (const [key, value] of Object.entries(over)) {
      setOwn(out, key, Object.hasOwn(out, key) ? deepMerge(out[key], value) : value);
    }
    return out;
  }
  return over;
}

function mergeTraced(base: Traced, over: Traced): Traced {
  return { value: deepMerge(base.value, over.value), origin: deepMerge(base.origin, over.origin) as OriginTree };
}

interface Context {
  read: ReadText;
  chain: readonly string[];
}

function includeSpec(value: unknown, file: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw new ConfigError('CONFIG_INCLUDE', `${file}: "$include" must be a path or a list of paths, found ${JSON.stringify(value)}`, {
    file,
    hint: 'write "$include": "./other.json5" or "$include": ["./a.json5", "./b.json5"] (paths are relative to the including file)',
  });
}

function includeFile(spec: string, file: string, ctx: Context): Traced {
  const target = resolve(dirname(file), spec);
  if (ctx.chain.includes(target)) {
    const cycle = [...ctx.chain.slice(ctx.chain.indexOf(target)), target].join(' -> ');
    throw new ConfigError('CONFIG_INCLUDE', `circular $include: ${cycle}`, { file, hint: 'remove one of the $include entries in that chain' });
  }
  if (ctx.chain.length > MAX_INCLUDE_DEPTH) {
    throw new ConfigError('CONFIG_INCLUDE', `$include nested deeper than ${MAX_INCLUDE_DEPTH} files: ${[...ctx.chain, target].join(' -> ')}`, {
      file,
      hint: 'flatten some of the included files',
    });
  }
  let text: string;
  try {
    text = ctx.read(target);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError('CONFIG_INCLUDE', `${file}: cannot read $include "${spec}" (${target}): ${reason}`, {
      file,
      hint: 'fix the path (relative paths start from the including file) or remove the $include',
      cause: error,
    });
  }
  const parsed = parseJson5(text, target);
  return trace(parsed, originOf(parsed, target), target, { read: ctx.read, chain: [...ctx.chain, target] });
}

function trace(value: unknown, origin: OriginTree, file: string, ctx: Context): Traced {
  if (Array.isArray(value)) {
    const items = value.map((item, i) => trace(item, (origin as OriginTree[])[i] ?? file, file, ctx));
    return { value: items.map((t) => t.value), origin: items.map((t) => t.origin) };
  }
  if (!isPlainObject(value)) return { value, origin };

  const originObject = origin as Record<string, OriginTree>;
  const own: Traced = { value: {}, origin: {} };
  for (const [key, item] of Object.entries(value)) {
    if (key === '$include') continue;
    const child = trace(item, originObject[key] ?? file, file, ctx);
    setOwn(own.value as Record<string, unknown>, key, child.value);
    setOwn(own.origin as Record<string, OriginTree>, key, child.origin);
  }
  if (!Object.hasOwn(value, '$include')) return own;

  let included: Traced | undefined;
  for (const spec of includeSpec(value.$include, file)) {
    const next = includeFile(spec, file, ctx);
    included = included ? mergeTraced(included, next) : next;
  }
  if (!included) return own;
  const hasSiblings = Object.keys(own.value as object).length > 0;
  if (hasSiblings && !isPlainObject(included.value)) {
    throw new ConfigError('CONFIG_INCLUDE', `${file}: $include beside other keys must bring an object, but it brings ${Array.isArray(included.value) ? 'an array' : typeof included.value}`, {
      file,
      hint: 'move the $include into its own key, or make the included file an object',
    });
  }
  return hasSiblings ? mergeTraced(included, own) : included;
}

/**
 * Replaces every `$include` in a parsed config with the content of the files it names
 * (relative to the including file), merged under the sibling keys. Cycles and chains
 * deeper than {@link MAX_INCLUDE_DEPTH} are errors that name the files involved.
 */
export function resolveIncludes(value: unknown, file: string, read: ReadText): Traced {
  return trace(value, originOf(value, file), file, { read, chain: [resolve(file)] });
}
