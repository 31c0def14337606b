import JSON5 from 'json5';
import { ConfigError } from './errors.ts';

/**
 * A span-recording JSON5 parser for in-place edits. It keeps no tokens, only where each
 * value, key and comma sits, so edits can splice the original text by character ranges
 * and leave every other byte alone.
 */

/** A parsed JSON5 value and the half-open range `[start, end)` of its source text. */
export type ValueNode = ContainerNode | ScalarNode;

/** An object or array; `start` is at the opening bracket, `end` just after the closing one. */
export interface ContainerNode {
  readonly kind: 'object' | 'array';
  readonly start: number;
  readonly end: number;
  readonly entries: readonly Entry[];
}

/** A string, number or literal (`true`, `false`, `null`, `Infinity`, ...). */
export interface ScalarNode {
  readonly kind: 'string' | 'number' | 'literal';
  readonly start: number;
  readonly end: number;
  /** The quote character, for strings. */
  readonly quote?: '"' | "'";
}

/** An object member or array element. */
export interface Entry {
  /** Where the entry begins: its key for members, its value for elements. */
  readonly start: number;
  /** Absent for array elements. */
  readonly key?: KeyNode;
  readonly value: ValueNode;
  /** Index of the comma that follows the entry, when it has one. */
  readonly comma?: number;
}

/** An object key, decoded, with how it was written. */
export interface KeyNode {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** `null` for an unquoted identifier key. */
  readonly quote: '"' | "'" | null;
}

/** JSON5 whitespace is the ECMAScript set, which is what `\s` matches. */
const WHITESPACE = /\s/;

/** True for the characters JSON5 treats as line terminators. */
export function isLineBreak(ch: string): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
}

/** True when `[from, to)` contains a line terminator. */
export function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) if (isLineBreak(text.charAt(i))) return true;
  return false;
}

/** Index of the first character of the line that holds `pos`. */
export function lineStart(text: string, pos: number): number {
  let i = pos;
  while (i > 0 && !isLineBreak(text.charAt(i - 1))) i -= 1;
  return i;
}

/** The spaces and tabs that begin the line holding `pos`. */
export function lineIndent(text: string, pos: number): string {
  const from = lineStart(text, pos);
  let i = from;
  while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i += 1;
  return text.slice(from, i);
}

/** Skips spaces and tabs (not line breaks) from `pos`. */
export function skipBlanks(text: string, pos: number): number {
  let i = pos;
  while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i += 1;
  return i;
}

/**
 * Scans from `pos` over blanks and comments that end on the same line. Returns where the
 * line break is when only those stand between `pos` and it (the rest of the line belongs
 * to whatever ends at `pos`), otherwise `lastTrivia` is where that trailing trivia stops
 * and `lineBreak` is -1.
 */
export function scanLineTail(text: string, pos: number): { lineBreak: number; lastTrivia: number } {
  let i = pos;
  let lastTrivia = pos;
  for (;;) {
    i = skipBlanks(text, i);
    if (i >= text.length || isLineBreak(text.charAt(i))) return { lineBreak: i, lastTrivia };
    if (text.startsWith('//', i)) {
      while (i < text.length && !isLineBreak(text.charAt(i))) i += 1;
      return { lineBreak: i, lastTrivia: i };
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2) + 2;
      if (end < 2 || hasLineBreak(text, i, end)) return { lineBreak: -1, lastTrivia };
      i = end;
      lastTrivia = end;
      continue;
    }
    return { lineBreak: -1, lastTrivia };
  }
}

/**
 * Parses JSON5 text into span nodes. The text is first validated by the `json5` package,
 * so this parser only has to find boundaries and never has to judge validity itself.
 *
 * @throws ConfigError `CONFIG_PARSE` when the text is not valid JSON5.
 */
export function parseJson5Spans(text: string): ValueNode {
  try {
    JSON5.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError('CONFIG_PARSE', `the config is not valid JSON5: ${detail}`, {
      hint: 'fix the syntax error by hand (or run `openclaw doctor`) before editing it with `openclaw config`',
      cause: error,
    });
  }
  let pos = 0;

  const unexpected = (): never => {
    throw new ConfigError('CONFIG_PARSE', `could not parse the config for editing at offset ${pos}`);
  };

  const skipTrivia = (): void => {
    for (;;) {
      const ch = text.charAt(pos);
      if (ch !== '' && WHITESPACE.test(ch)) {
        pos += 1;
      } else if (text.startsWith('//', pos)) {
        while (pos < text.length && !isLineBreak(text.charAt(pos))) pos += 1;
      } else if (text.startsWith('/*', pos)) {
        const end = text.indexOf('*/', pos + 2);
        if (end === -1) unexpected();
        pos = end + 2;
      } else {
        return;
      }
    }
  };

  const skipString = (): void => {
    const quote = text.charAt(pos);
    pos += 1;
    while (pos < text.length && text.charAt(pos) !== quote) pos += text.charAt(pos) === '\\' ? 2 : 1;
    if (pos >= text.length) unexpected();
    pos += 1;
  };

  // Numbers, literals and identifier keys run until a delimiter; validity was checked above.
  const skipWord = (stops: string): void => {
    const from = pos;
    while (pos < text.length && !WHITESPACE.test(text.charAt(pos)) && !stops.includes(text.charAt(pos))) pos += 1;
    if (pos === from) unexpected();
  };

  const parseValue = (): ValueNode => {
    const start = pos;
    const ch = text.charAt(pos);
    if (ch === '{' || ch === '[') return parseContainer(ch === '{' ? 'object' : 'array');
    if (ch === '"' || ch === "'") {
      skipString();
      return { kind: 'string', start, end: pos, quote: ch };
    }
    skipWord(',]}/');
    const word = text.slice(start, pos);
    const kind = word === 'true' || word === 'false' || word === 'null' ? 'literal' : 'number';
    return { kind, start, end: pos };
  };

  const parseKey = (): KeyNode => {
    const start = pos;
    const ch = text.charAt(pos);
    if (ch === '"' || ch === "'") {
      skipString();
      return { name: JSON5.parse<string>(text.slice(start, pos)), start, end: pos, quote: ch };
    }
    skipWord(':/');
    const raw = text.slice(start, pos);
    const name = raw.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return { name, start, end: pos, quote: null };
  };

  const parseContainer = (kind: 'object' | 'array'): ContainerNode => {
    const start = pos;
    const close = kind === 'object' ? '}' : ']';
    const entries: Entry[] = [];
    pos += 1;
    skipTrivia();
    while (text.charAt(pos) !== close) {
      const entryStart = pos;
      let key: KeyNode | undefined;
      if (kind === 'object') {
        key = parseKey();
        skipTrivia();
        if (text.charAt(pos) !== ':') unexpected();
        pos += 1;
        skipTrivia();
      }
      const value = parseValue();
      skipTrivia();
      let comma: number | undefined;
      if (text.charAt(pos) === ',') {
        comma = pos;
        pos += 1;
        skipTrivia();
      } else if (text.charAt(pos) !== close) {
        unexpected();
      }
      entries.push({ start: entryStart, value, ...(key === undefined ? {} : { key }), ...(comma === undefined ? {} : { comma }) });
    }
    pos += 1;
    return { kind, start, end: pos, entries };
  };

  skipTrivia();
  const root = parseValue();
  skipTrivia();
  if (pos !== text.length) unexpected();
  return root;
}
