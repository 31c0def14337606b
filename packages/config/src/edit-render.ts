import type { ContainerNode, ValueNode } from './edit-parse.ts';
import { hasLineBreak, lineIndent } from './edit-parse.ts';
import { ConfigError } from './errors.ts';

/**
 * How new text is laid out so that it looks like its surroundings, and the serializer
 * that applies it. Layouts are learned from the document, then from the container the
 * text lands in.
 */

/** A value that can be written into a config file. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The formatting conventions new text follows. */
export interface Layout {
  readonly eol: string;
  /** One level of indentation: some spaces or a tab. */
  readonly unit: string;
  readonly trailingComma: boolean;
  /** Write keys bare when they are identifiers. */
  readonly unquotedKeys: boolean;
  readonly keyQuote: '"' | "'";
  /** The colon with its surrounding blanks, e.g. `": "`. */
  readonly colon: string;
  /** The container is on one line, so nested values are written on one line too. */
  readonly inline: boolean;
  /** Blanks after a comma between entries on one line. */
  readonly sep: string;
  /** Blanks just inside the braces of a one-line object, as in `{ a: 1 }`. */
  readonly pad: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const BLANKS = /^[ \t]*$/;
const COLON = /^[ \t]*:[ \t]*$/;

function* containers(node: ValueNode): Generator<ContainerNode> {
  if (node.kind !== 'object' && node.kind !== 'array') return;
  yield node;
  for (const entry of node.entries) yield* containers(entry.value);
}

/** The indentation step of a multi-line container, when its first entry shows one. */
function indentStep(text: string, node: ContainerNode): string | undefined {
  const first = node.entries[0];
  if (first === undefined || !hasLineBreak(text, node.start, first.start)) return undefined;
  const outer = lineIndent(text, node.start);
  const inner = lineIndent(text, first.start);
  return inner.length > outer.length && inner.startsWith(outer) ? inner.slice(outer.length) : undefined;
}

function colonOf(text: string, node: ContainerNode): string | undefined {
  for (let i = node.entries.length - 1; i >= 0; i -= 1) {
    const entry = node.entries[i];
    if (entry?.key === undefined) continue;
    const between = text.slice(entry.key.end, entry.value.start);
    if (COLON.test(between)) return between;
  }
  return undefined;
}

/** Learns the document-wide conventions; they apply where a container shows none. */
export function documentLayout(text: string, root: ValueNode): Layout {
  let unit: string | undefined;
  let withComma = 0;
  let withoutComma = 0;
  let bareKeys = false;
  let colon: string | undefined;
  let pad: string | undefined;
  for (const node of containers(root)) {
    const first = node.entries[0];
    const last = node.entries.at(-1);
    if (first === undefined || last === undefined) continue;
    const multiline = hasLineBreak(text, node.start, first.start);
    if (multiline) {
      unit ??= indentStep(text, node);
      if (last.comma === undefined) withoutComma += 1;
      else withComma += 1;
    } else if (node.kind === 'object') {
      const inside = text.slice(node.start + 1, first.start);
      if (BLANKS.test(inside)) pad ??= inside;
    }
    if (node.entries.some((entry) => entry.key?.quote === null)) bareKeys = true;
    colon ??= colonOf(text, node);
  }
  return {
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    unit: unit ?? '  ',
    trailingComma: withComma > withoutComma,
    // A bare key anywhere shows the author writes JSON5; without one, stay JSON-compatible.
    unquotedKeys: bareKeys,
    keyQuote: '"',
    colon: colon ?? ': ',
    inline: false,
    sep: ' ',
    pad: pad ?? '',
  };
}

/** The conventions of one container: its own where it shows them, the document's otherwise. */
export function containerLayout(text: string, node: ContainerNode, doc: Layout): Layout {
  const first = node.entries[0];
  const last = node.entries.at(-1);
  if (first === undefined || last === undefined) return doc;
  const inline = !hasLineBreak(text, node.start, first.start);
  const second = node.entries[1];
  let sep = doc.sep;
  if (second !== undefined && first.comma !== undefined) {
    const between = text.slice(first.comma + 1, second.start);
    if (BLANKS.test(between)) sep = between;
  }
  let pad = doc.pad;
  if (node.kind === 'object' && inline) {
    const inside = text.slice(node.start + 1, first.start);
    pad = BLANKS.test(inside) ? inside : '';
  }
  let unquotedKeys = doc.unquotedKeys;
  let keyQuote = doc.keyQuote;
  if (node.kind === 'object') {
    // Keys that had to be quoted ("-100.5", "*") say nothing about the style; only a
    // bare key, or a quoted key that could have been bare, does.
    const keys = node.entries.flatMap((entry) => (entry.key === undefined ? [] : [entry.key]));
    if (keys.some((key) => key.quote === null)) unquotedKeys = true;
    else if (keys.some((key) => IDENTIFIER.test(key.name))) unquotedKeys = false;
    keyQuote = keys.find((key) => key.quote !== null)?.quote ?? '"';
  }
  return {
    eol: doc.eol,
    unit: indentStep(text, node) ?? doc.unit,
    trailingComma: last.comma !== undefined,
    unquotedKeys,
    keyQuote,
    colon: colonOf(text, node) ?? doc.colon,
    inline,
    sep,
    pad,
  };
}

/** Writes a string literal that JSON5 reads back as exactly `value`. */
export function quoteString(value: string, quote: '"' | "'"): string {
  let out = quote;
  for (let i = 0; i < value.length; i += 1) {
    const ch = value.charAt(i);
    const code = value.charCodeAt(i);
    if (ch === quote || ch === '\\') {
      out += `\\${ch}`;
    } else if (code < 0x20 || code === 0x2028 || code === 0x2029 || code === 0x7f) {
      const short: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
      out += short[ch] ?? `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A well-formed pair is copied; a lone surrogate is escaped so the file stays valid UTF-8.
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i += 1;
      } else {
        out += `\\u${code.toString(16)}`;
      }
    } else {
      out += ch;
    }
  }
  return out + quote;
}

/** Writes a key bare when the layout allows it and the key is an identifier. */
export function renderKey(name: string, layout: Layout): string {
  return layout.unquotedKeys && IDENTIFIER.test(name) ? name : quoteString(name, layout.keyQuote);
}

/**
 * Serializes a value where it lands: `indent` is the indentation of the line it starts
 * on; containers open on that line and close at that indentation.
 */
export function renderValue(value: JsonValue, indent: string, layout: Layout, quote: '"' | "'"): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return JSON.stringify(value);
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (typeof value === 'string') return quoteString(value, quote);
  const inner = indent + layout.unit;
  let parts: string[];
  let open: string;
  let close: string;
  if (isArray(value)) {
    parts = value.map((item) => renderValue(item, inner, layout, quote));
    [open, close] = ['[', ']'];
  } else {
    parts = Object.entries(value).map(
      ([key, item]) => renderKey(key, layout) + layout.colon + renderValue(item, inner, layout, quote),
    );
    [open, close] = ['{', '}'];
  }
  if (parts.length === 0) return open + close;
  if (layout.inline) {
    const pad = open === '{' ? layout.pad : '';
    return open + pad + parts.join(`,${layout.sep}`) + pad + close;
  }
  const body = parts.map((part) => inner + part).join(`,${layout.eol}`);
  return open + layout.eol + body + (layout.trailingComma ? ',' : '') + layout.eol + indent + close;
}

function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

/**
 * Converts what the caller passed into a {@link JsonValue} with `JSON.stringify`'s rules
 * (`toJSON` is honoured, `undefined` members are dropped and become `null` in arrays),
 * except that non-finite numbers are kept because JSON5 can write them.
 *
 * @throws ConfigError `CONFIG_EDIT` for `undefined`, functions, symbols, bigints and cycles.
 */
export function toJsonValue(value: unknown, where: string): JsonValue {
  const seen = new Set<object>();
  const reject = (what: string): never => {
    throw new ConfigError('CONFIG_EDIT', `cannot set ${where}: ${what} cannot be written to the config`, {
      hint: 'config values must be JSON: strings, numbers, booleans, null, arrays and objects',
    });
  };
  const convert = (input: unknown, key: string): JsonValue | undefined => {
    let current = input;
    if (typeof current === 'object' && current !== null && 'toJSON' in current && typeof current.toJSON === 'function') {
      current = (current.toJSON as (key: string) => unknown)(key);
    }
    switch (typeof current) {
      case 'string':
      case 'number':
      case 'boolean':
        return current;
      case 'bigint':
        return reject('a bigint');
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (typeof current !== 'object' || current === null) return null;
    if (seen.has(current)) return reject('a value that contains itself');
    seen.add(current);
    let result: JsonValue;
    if (Array.isArray(current)) {
      result = current.map((item: unknown, index) => convert(item, String(index)) ?? null);
    } else {
      const out: Record<string, JsonValue> = {};
      for (const [name, item] of Object.entries(current)) {
        const converted = convert(item, name);
        // defineProperty, because assigning "__proto__" would change the prototype instead.
        if (converted !== undefined) {
          Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true, configurable: true });
        }
      }
      result = out;
    }
    seen.delete(current);
    return result;
  };
  const result = convert(value, '');
  if (result === undefined) {
    if (value === undefined) {
      throw new ConfigError('CONFIG_EDIT', `cannot set ${where} to undefined`, {
        hint: 'use `openclaw config unset` to remove a value',
      });
    }
    return reject(`a ${typeof value}`);
  }
  return result;
}
