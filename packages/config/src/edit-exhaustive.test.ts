import { isDeepStrictEqual } from 'node:util';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import type { ConfigPath } from './config-path.ts';
import { formatConfigPath } from './config-path.ts';
import { setValueInText, unsetValueInText } from './edit.ts';

/**
 * Every path of a deliberately awkward file, edited one at a time: the result must parse
 * to the expected object, and for scalars every byte outside the old value must survive.
 */
const NASTY = `\uFEFF/* leading
   block */ // and a line
{
  // comment above
  unquoted: 1, // trailing
  "double": "two", /* block after */
  'single': 'three',
  $dollar_1: [1, 0x10, -0.5e3, +.5, 5., Infinity, -Infinity, NaN],
  nested: {deep: {er: {est: null}}, other: true},

  // blank line above
  list: [
    {id: 'a', n: 1},
    { id: "b", tags: ['x', 'y',], },
    'str',
    [ [ ] ],
  ],
  multi: 'line \\
continued',
  esc: "\\u00e9\\t\\"q\\"",
  'we ird-key': false, /* a */ /* b */
  "a/b": "//not a comment", x: '/* nor this */',
  empty_obj: { },
  empty_arr: [],
  trailing: 'comma',
}
// after the root
`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function paths(value: Json, prefix: ConfigPath = []): ConfigPath[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const children: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return [...(prefix.length > 0 ? [prefix] : []), ...children.flatMap(([key, child]) => paths(child, [...prefix, key]))];
}

function get(value: Json, path: ConfigPath): Json {
  return path.reduce<Json>((node, segment) => (node as Record<string | number, Json>)[segment] as Json, value);
}

function clone(value: Json): Json {
  return JSON5.parse<Json>(JSON5.stringify(value));
}

function modelSet(root: Json, path: ConfigPath, value: Json): Json {
  const copy = clone(root);
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path.at(-1) as string | number] = value;
  return copy;
}

function modelUnset(root: Json, path: ConfigPath): Json {
  const copy = clone(root);
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

const ROOT = JSON5.parse<Json>(NASTY);
const ALL = paths(ROOT);

/**
 * True when `after` is `before` with one substring that JSON5 reads as `old` replaced by
 * `rendered`, i.e. nothing else on the line moved.
 */
function isSpliceOf(before: string, after: string, old: Json, rendered: string): boolean {
  for (let i = 0; i < before.length; i += 1) {
    if (before.slice(0, i) !== after.slice(0, i)) return false;
    const rest = after.slice(i + rendered.length);
    if (!after.startsWith(rendered, i) || !before.endsWith(rest)) continue;
    try {
      if (isDeepStrictEqual(JSON5.parse(before.slice(i, before.length - rest.length)), old)) return true;
    } catch {
      // Not a whole value at this split; keep looking.
    }
  }
  return false;
}

describe('exhaustive edits of an awkward file', () => {
  it('covers many paths', () => {
    expect(ALL.length).toBeGreaterThan(35);
  });

  it.each(ALL.filter((path) => get(ROOT, path) === null || typeof get(ROOT, path) !== 'object').map((path) => [formatConfigPath(path), path] as const))(
    'replaces the scalar at %s and nothing else',
    (_name, path) => {
      const old = get(ROOT, path);
      const after = setValueInText(NASTY, path, 'NEW');
      expect(JSON5.parse(after)).toEqual(modelSet(ROOT, path, 'NEW'));
      const quote = typeof old === 'string' && after.includes("'NEW'") ? "'NEW'" : '"NEW"';
      expect(isSpliceOf(NASTY, after, old, quote)).toBe(true);
    },
  );

  it.each(ALL.map((path) => [formatConfigPath(path), path] as const))('unsets %s', (_name, path) => {
    const { text, removed } = unsetValueInText(NASTY, path);
    expect(removed).toBe(true);
    expect(JSON5.parse(text)).toEqual(modelUnset(ROOT, path));
    expect(text.startsWith('\uFEFF/* leading\n   block */ // and a line\n{\n')).toBe(true);
    expect(text.endsWith('}\n// after the root\n')).toBe(true);
  });

  it.each(ALL.filter((path) => typeof get(ROOT, path) === 'object' && get(ROOT, path) !== null).map((path) => [formatConfigPath(path), path] as const))(
    'adds a member or item to the container at %s',
    (_name, path) => {
      const container = get(ROOT, path);
      const child = Array.isArray(container) ? container.length : 'added key';
      const value = { nested: ['v', 1] };
      const after = setValueInText(NASTY, [...path, child], value);
      expect(JSON5.parse(after)).toEqual(modelSet(ROOT, [...path, child], value));
      // Adding only inserts text (and perhaps one comma): the original survives as a subsequence.
      let at = 0;
      for (const ch of after) if (ch === NASTY[at]) at += 1;
      expect(at).toBe(NASTY.length);
    },
  );

  it('adds a key at the root and unsets it again, restoring the file byte for byte', () => {
    const added = setValueInText(NASTY, ['brandNew'], { a: [1, 2] });
    expect(unsetValueInText(added, ['brandNew'])).toEqual({ text: NASTY, removed: true });
  });
});
