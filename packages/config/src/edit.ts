import JSON5 from 'json5';
import type { ConfigPath } from './config-path.ts';
import { formatConfigPath } from './config-path.ts';
import type { ContainerNode, Entry, ValueNode } from './edit-parse.ts';
import { isLineBreak, lineIndent, lineStart, parseJson5Spans, scanLineTail, skipBlanks } from './edit-parse.ts';
import type { JsonValue, Layout } from './edit-render.ts';
import { containerLayout, documentLayout, renderKey, renderValue, toJsonValue } from './edit-render.ts';
import { ConfigError } from './errors.ts';

/**
 * In-place edits of a JSON5 config file for `openclaw config set` and `config unset`.
 * Each edit splices the original text by character ranges, so comments, key order,
 * quoting and blank lines outside the edited value stay byte-identical.
 */

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const BLANKS = /^[ \t]*$/;

/**
 * Returns `text` with the value at `path` set to `value`, creating missing objects on the
 * way (and a list, for a missing `[0]`). An existing value is replaced in place; a new
 * member is appended to its object in that object's style (indentation, trailing
 * commas, bare or quoted keys). Empty or blank text counts as `{}` and yields a pretty
 * two-space document with a trailing newline.
 *
 * @throws ConfigError `CONFIG_PARSE` when `text` is not JSON5; `CONFIG_EDIT` when the
 *   root is not an object, the path runs through a scalar or the wrong kind of container,
 *   a list index is past the end, or `value` is not JSON.
 */
export function setValueInText(text: string, path: ConfigPath, value: unknown): string {
  if (text.trim() === '') return `${setValueInText('{}', path, value)}\n`;
  const where = pathName(path);
  if (path.length === 0) {
    throw new ConfigError('CONFIG_EDIT', 'cannot set the whole config at once', {
      hint: 'give the path of the value to set, e.g. gateway.port',
    });
  }
  const json = toJsonValue(value, where);
  const root = parseRoot(text);
  const doc = documentLayout(text, root);
  let node: ValueNode = root;
  // The container that holds `node`: an empty container inside a one-line one stays on one line.
  let holder: ContainerNode | undefined;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i] as string | number;
    const here = i === 0 ? 'the config root' : formatConfigPath(path.slice(0, i));
    const isTarget = i === path.length - 1;
    if (node.kind === 'object') {
      if (typeof segment !== 'string') {
        throw editError(`cannot set ${where}: ${here} is an object, so it takes a key, not the index [${segment}]`, {
          hint: `to use "${segment}" as a key, write ${formatConfigPath([...path.slice(0, i), String(segment), ...path.slice(i + 1)])}`,
        });
      }
      const entry: Entry | undefined = node.entries.findLast((candidate) => candidate.key?.name === segment);
      if (entry === undefined) {
        const item = buildMissing(path, i + 1, json, where);
        return finish(text, insertEntry(text, node, holder, doc, segment, item));
      }
      if (isTarget) return finish(text, replaceValue(text, node, entry, doc, json));
      holder = node;
      node = entry.value;
    } else if (node.kind === 'array') {
      if (typeof segment !== 'number') {
        throw editError(`cannot set ${where}: ${here} is a list, so it takes an index like [0], not the key "${segment}"`);
      }
      const entry: Entry | undefined = node.entries[segment];
      if (entry === undefined) {
        const length = node.entries.length;
        if (segment !== length) {
          throw editError(
            `cannot set ${where}: ${here} has ${length} item${length === 1 ? '' : 's'}, ` +
              `so the index can be at most ${length} (which appends)`,
          );
        }
        const item = buildMissing(path, i + 1, json, where);
        return finish(text, insertEntry(text, node, holder, doc, undefined, item));
      }
      if (isTarget) return finish(text, replaceValue(text, node, entry, doc, json));
      holder = node;
      node = entry.value;
    } else {
      throw editError(`cannot set ${where}: ${here} is ${describe(text, node)}, not an object or a list`, {
        hint: `unset ${here} first if you mean to replace it with an object`,
      });
    }
  }
  // Unreachable: the last path segment always returns above.
  throw editError(`cannot set ${where}`);
}

/**
 * Returns `text` without the member (or list item) at `path`. The member goes with its
 * comma and with any comment that follows it on the same line; when it sat alone on its
 * line, the whole line goes. Comments on their own lines above it are kept: they may be
 * about more than this member, and a user's prose is never deleted. When the removed
 * member was the last one and had no comma, the comma of the member before it is removed
 * too, so a file without trailing commas stays that way. An object or list left with
 * nothing but whitespace inside collapses to `{}` / `[]`. Duplicate keys are all removed.
 *
 * @returns `removed: false` with `text` unchanged when nothing is at `path`, including
 *   when the path runs through a missing member or a scalar.
 * @throws ConfigError `CONFIG_PARSE` when `text` is not JSON5; `CONFIG_EDIT` when the
 *   root is not an object or `path` is empty.
 */
export function unsetValueInText(text: string, path: ConfigPath): { text: string; removed: boolean } {
  if (path.length === 0) {
    throw new ConfigError('CONFIG_EDIT', 'cannot unset the whole config', {
      hint: 'give the path of the value to remove, e.g. gateway.auth.token',
    });
  }
  if (text.trim() === '') return { text, removed: false };
  let current = text;
  let removed = false;
  for (;;) {
    const target = locate(parseRoot(current), path);
    if (target === undefined) break;
    const next = finish(current, removeEntry(current, target.container, target.index), target);
    if (next === current) break;
    current = next;
    removed = true;
    if (target.container.kind === 'array') break;
  }
  return { text: current, removed };
}

function pathName(path: ConfigPath): string {
  return path.length === 0 ? 'the config root' : formatConfigPath(path);
}

function editError(message: string, options: { hint?: string } = {}): ConfigError {
  return new ConfigError('CONFIG_EDIT', message, options);
}

function describe(text: string, node: ValueNode): string {
  switch (node.kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return `a string (${text.slice(node.start, node.end)})`;
    case 'number':
      return `a number (${text.slice(node.start, node.end)})`;
    case 'literal':
      return text.slice(node.start, node.end);
  }
}

function parseRoot(text: string): ContainerNode {
  const root = parseJson5Spans(text);
  if (root.kind !== 'object') {
    throw editError(`the config must be an object ({ ... }) but it is ${describe(text, root)}`, {
      hint: 'wrap the settings in { }',
    });
  }
  return root;
}

/** Wraps `value` in the objects (or, for `[0]`, lists) named by `path[from..]`. */
function buildMissing(path: ConfigPath, from: number, value: JsonValue, where: string): JsonValue {
  let result = value;
  for (let i = path.length - 1; i >= from; i -= 1) {
    const segment = path[i] as string | number;
    if (typeof segment === 'string') {
      const wrapper: Record<string, JsonValue> = {};
      Object.defineProperty(wrapper, segment, { value: result, enumerable: true, writable: true, configurable: true });
      result = wrapper;
    } else if (segment === 0) {
      result = [result];
    } else {
      throw editError(
        `cannot set ${where}: ${formatConfigPath(path.slice(0, i))} does not exist yet, ` +
          `so it can only be created with index [0], not [${segment}]`,
      );
    }
  }
  return result;
}

function replaceValue(text: string, container: ContainerNode, entry: Entry, doc: Layout, value: JsonValue): Edit[] {
  const layout = containerLayout(text, container, doc);
  const old = entry.value;
  const quote = old.kind === 'string' && old.quote === "'" ? "'" : '"';
  return [{ start: old.start, end: old.end, text: renderValue(value, lineIndent(text, old.start), layout, quote) }];
}

function insertEntry(
  text: string,
  container: ContainerNode,
  holder: ContainerNode | undefined,
  doc: Layout,
  key: string | undefined,
  value: JsonValue,
): Edit[] {
  let layout = containerLayout(text, container, doc);
  if (container.entries.length === 0 && holder !== undefined) {
    const outer = containerLayout(text, holder, doc);
    if (outer.inline) layout = { ...layout, inline: true, pad: outer.pad, sep: outer.sep };
  }
  const render = (indent: string): string =>
    (key === undefined ? '' : renderKey(key, layout) + layout.colon) + renderValue(value, indent, layout, '"');
  const comma = layout.trailingComma ? ',' : '';
  const last = container.entries.at(-1);

  if (last === undefined && layout.inline && /^\s*$/.test(text.slice(container.start + 1, container.end - 1))) {
    const pad = container.kind === 'object' ? layout.pad : '';
    return [{ start: container.start + 1, end: container.end - 1, text: pad + render('') + pad }];
  }
  if (last === undefined) {
    // Empty containers open up onto their own lines, indented one step past the bracket's line.
    const outer = lineIndent(text, container.start);
    const indent = outer + layout.unit;
    const close = container.end - 1;
    const line = indent + render(indent) + comma;
    if (/^\s*$/.test(text.slice(container.start + 1, close))) {
      return [{ start: container.start + 1, end: close, text: layout.eol + line + layout.eol + outer }];
    }
    // Only comments inside: the new entry goes after them.
    const closeLine = lineStart(text, close);
    if (closeLine > container.start && BLANKS.test(text.slice(closeLine, close))) {
      return [{ start: closeLine, end: closeLine, text: line + layout.eol }];
    }
    let from = close;
    while (text.charAt(from - 1) === ' ' || text.charAt(from - 1) === '\t') from -= 1;
    return [{ start: from, end: close, text: layout.eol + line + layout.eol + outer }];
  }

  if (layout.inline) {
    if (last.comma !== undefined) {
      return [{ start: last.comma + 1, end: last.comma + 1, text: layout.sep + render('') + ',' }];
    }
    return [{ start: last.value.end, end: last.value.end, text: `,${layout.sep}${render('')}` }];
  }

  const edits: Edit[] = [];
  const indent = lineIndent(text, last.start);
  let after = last.value.end;
  if (last.comma === undefined) edits.push({ start: after, end: after, text: ',' });
  else after = last.comma + 1;
  // A comment trailing the last entry on its line stays with that entry.
  const tail = scanLineTail(text, after);
  const at = tail.lineBreak === -1 ? tail.lastTrivia : tail.lineBreak;
  edits.push({ start: at, end: at, text: layout.eol + indent + render(indent) + comma });
  return edits;
}

function locate(root: ContainerNode, path: ConfigPath): { container: ContainerNode; index: number } | undefined {
  let node: ValueNode = root;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i] as string | number;
    if (node.kind !== 'object' && node.kind !== 'array') return undefined;
    let index: number;
    if (node.kind === 'object') {
      if (typeof segment !== 'string') return undefined;
      index = node.entries.findLastIndex((entry) => entry.key?.name === segment);
    } else {
      if (typeof segment !== 'number') return undefined;
      index = segment < node.entries.length ? segment : -1;
    }
    const entry: Entry | undefined = node.entries[index];
    if (entry === undefined) return undefined;
    if (i === path.length - 1) return { container: node, index };
    node = entry.value;
  }
  return undefined;
}

function removeEntry(text: string, container: ContainerNode, index: number): Edit[] {
  const entry = container.entries[index] as Entry;
  const previous = container.entries[index - 1];
  const end = entry.comma === undefined ? entry.value.end : entry.comma + 1;
  const edits: Edit[] = [];
  if (entry.comma === undefined && previous?.comma !== undefined) {
    edits.push({ start: previous.comma, end: previous.comma + 1, text: '' });
  }
  const from = lineStart(text, entry.start);
  const tail = scanLineTail(text, end);
  if (from > container.start && BLANKS.test(text.slice(from, entry.start)) && tail.lineBreak !== -1) {
    const lineEnd = tail.lineBreak + (text.startsWith('\r\n', tail.lineBreak) ? 2 : 1);
    edits.push({ start: from, end: lineEnd, text: '' });
    return edits;
  }
  // The entry shares its line: take it with the blanks after it, or with the blanks before
  // it when it ends the line or the list (so `[a, b]` becomes `[a]`, not `[a ]`).
  const closesList = entry.comma === undefined && previous !== undefined;
  let stop = skipBlanks(text, end);
  let start = entry.start;
  if (closesList || stop >= text.length || isLineBreak(text.charAt(stop))) {
    while (text.charAt(start - 1) === ' ' || text.charAt(start - 1) === '\t') start -= 1;
    if (closesList) stop = end;
  }
  edits.push({ start, end: stop, text: '' });
  return edits;
}

/**
 * Applies the edits, collapses a container emptied by a removal, and checks the result
 * is still JSON5 so that a bug here can never write a broken config.
 */
function finish(text: string, edits: readonly Edit[], removedFrom?: { container: ContainerNode }): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  let delta = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw editError('internal error: overlapping edits');
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
    delta += edit.text.length - (edit.end - edit.start);
  }
  out += text.slice(cursor);
  if (removedFrom !== undefined && removedFrom.container.entries.length === 1) {
    const { start, end } = removedFrom.container;
    const close = end + delta - 1;
    if (/^\s*$/.test(out.slice(start + 1, close))) out = out.slice(0, start + 1) + out.slice(close);
  }
  try {
    JSON5.parse(out);
  } catch (error) {
    throw new ConfigError('CONFIG_EDIT', 'internal error: the edit would have produced invalid JSON5', {
      hint: 'edit the file by hand and report this as a bug',
      cause: error,
    });
  }
  return out;
}
