import { REDACTED, isSecretPath, parseJson5, setValueInText, unsetValueInText } from '@openclaw/config';
import type { ConfigPath } from '@openclaw/config';

/*
 * Text-level work on the config file for the config.* methods: redacting secrets in the
 * raw text, putting them back when a redacted text comes back, and applying a JSON
 * merge-patch as in-place edits. Everything works on the user's text so comments,
 * key order and formatting survive.
 */

/** A location in the config (object keys and list indexes). */
type Path = (string | number)[];

// HTTP header names (`models.providers.*.headers`) that carry credentials; the config
// layer's isSecretKey does not know hyphenated names.
const SECRET_HEADER = /(^|-)(authorization|cookie|token|secret|password|api-?key)$/i;
// A whole-string `${VAR}` reference names a secret without containing it: shown as is.
const ENV_REFERENCE = /^\$\{[A-Z_][A-Z0-9_]*\}$/;

/** True when a value at `path` is a secret (the config layer's rule, plus credential header names). */
export function isSecretLocation(path: ConfigPath): boolean {
  return isSecretPath(path) || path.some((segment) => typeof segment === 'string' && SECRET_HEADER.test(segment));
}

/** A scalar that must not leave the gateway: a non-empty string (not a `${VAR}`) or a number. */
function isSecretValue(value: unknown): value is string | number {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value !== '' && value !== REDACTED && !ENV_REFERENCE.test(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The own member `key` of `value`, never an inherited one (`__proto__`, `constructor`). */
export function own(value: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(value) ? value[key] : undefined;
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** The value at `path`, following own members only. */
export function ownAt(root: unknown, path: ConfigPath): unknown {
  let node = root;
  for (const segment of path) node = own(node, segment);
  return node;
}

/** Every secret scalar inside `value` (which sits at `path`). */
export function secretValues(value: unknown, path: Path = [], out: (string | number)[] = []): (string | number)[] {
  if (Array.isArray(value)) value.forEach((item, i) => secretValues(item, [...path, i], out));
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) secretValues(item, [...path, key], out);
  else if (isSecretValue(value) && isSecretLocation(path)) out.push(value);
  return out;
}

/** A copy of `value` with every secret scalar replaced by `[redacted]`. */
export function redactValue(value: unknown, path: Path = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => redactValue(item, [...path, i]));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: redactValue(item, [...path, key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return isSecretValue(value) && isSecretLocation(path) ? REDACTED : value;
}

/** `message` with every known secret replaced; short ones only where they appear quoted. */
export function scrubSecrets(message: string, secrets: readonly (string | number)[]): string {
  let out = message;
  for (const secret of secrets) {
    const text = String(secret);
    out = out.replaceAll(JSON.stringify(text), JSON.stringify(REDACTED));
    // Replacing a 3-character secret everywhere would garble the message, and it protects little.
    if (text.length >= 4) out = out.replaceAll(text, REDACTED);
  }
  return out;
}

/**
 * Calls `visit` for every scalar value of a JSON5 text (keys are not values) with its path
 * and its source token; a returned string replaces the token. Unlike a parse-and-edit,
 * this sees every duplicate key too, which JSON5.parse silently drops (the last one wins).
 *
 * @throws Error for text that is not JSON5 (callers parse first to report it properly).
 */
export function mapScalars(text: string, visit: (path: Path, token: string) => string | undefined): string {
  const stack: { kind: 'object' | 'array'; key: string; index: number; expectKey: boolean }[] = [];
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const top = stack.at(-1);
    if (/\s/.test(c)) i += 1;
    else if (text.startsWith('//', i)) i = lineEnd(text, i);
    else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new Error('unterminated comment');
      i = close + 2;
    } else if (c === '{' || c === '[') {
      stack.push({ kind: c === '{' ? 'object' : 'array', key: '', index: 0, expectKey: c === '{' });
      i += 1;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i += 1;
    } else if (c === ',' || c === ':') {
      if (top?.kind === 'array' && c === ',') top.index += 1;
      if (top?.kind === 'object') top.expectKey = c === ',';
      i += 1;
    } else {
      const end = c === '"' || c === "'" ? stringEnd(text, i) : bareEnd(text, i);
      const token = text.slice(i, end);
      if (top?.kind === 'object' && top.expectKey) top.key = c === '"' || c === "'" ? String(parseJson5(token, 'key')) : token;
      else if (top) {
        const replacement = visit(stack.map((frame) => (frame.kind === 'object' ? frame.key : frame.index)), token);
        if (replacement !== undefined) {
          out += text.slice(copied, i) + replacement;
          copied = end;
        }
      }
      i = end;
    }
  }
  return out + text.slice(copied);
}

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !'\n\r\u2028\u2029'.includes(text.charAt(i))) i += 1;
  return i;
}

function stringEnd(text: string, from: number): number {
  const quote = text.charAt(from);
  for (let i = from + 1; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (c === '\\') i += 1;
    else if (c === quote) return i + 1;
    else if (c === '\n' || c === '\r') break;
  }
  throw new Error('unterminated string');
}

function bareEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !/[\s,:[\]{}"'/]/.test(text.charAt(i))) i += 1;
  if (i === from) throw new Error(`unexpected ${JSON.stringify(text.charAt(from))}`);
  return i;
}

/**
 * The file text with every secret value replaced by `"[redacted]"` (quote style kept), or
 * null when that cannot be done safely (the text is not JSON5, or a secret survived).
 */
export function redactRawText(text: string): string | null {
  try {
    const out = mapScalars(text, (path, token) => {
      if (!isSecretLocation(path)) return undefined;
      return isSecretValue(parseJson5(token, 'value')) ? quoted(REDACTED, token) : undefined;
    });
    // Belt and braces: a secret the scan missed withholds the text rather than leaking it.
    return out.trim() === '' || secretValues(parseJson5(out, 'redacted')).length === 0 ? out : null;
  } catch {
    return null;
  }
}

/** `value` as a string literal in the quote style of `like`. */
function quoted(value: string, like: string): string {
  const json = JSON.stringify(value);
  if (!like.startsWith("'")) return json;
  // JSON escapes every `"`; in single quotes it needs none, but `'` does.
  return `'${json.slice(1, -1).replace(/\\(.)|'/g, (match: string, escaped: string | undefined) => (escaped === '"' ? '"' : escaped !== undefined ? match : "\\'"))}'`;
}

/**
 * Puts the real secrets back into a text that came from {@link redactRawText}: every
 * `"[redacted]"` at a secret location takes the value the current file has there.
 * Returns the paths that have no current value to take (the caller refuses those).
 */
export function restoreRedacted(text: string, current: unknown): { text: string; missing: Path[] } {
  const missing: Path[] = [];
  const out = mapScalars(text, (path, token) => {
    if (!isSecretLocation(path) || parseJson5(token, 'value') !== REDACTED) return undefined;
    const real = ownAt(current, path);
    if (typeof real === 'number') return String(real);
    if (typeof real === 'string') return quoted(real, token);
    missing.push(path);
    return undefined;
  });
  return { text: out, missing };
}

/**
 * Applies a JSON merge-patch (RFC 7396) to the file text as in-place edits: `null` removes
 * a member, an object merges into an object, anything else replaces. Members the patch
 * leaves alone (and equal values it repeats) keep their text byte for byte.
 * `"[redacted]"` at a secret location means "keep the current value"; paths where there is
 * none are returned in `missing`.
 */
export function applyMergePatch(text: string, current: unknown, patch: Record<string, unknown>): { text: string; missing: Path[] } {
  const missing: Path[] = [];
  // Placeholders take the current value, so a patch built from a redacted config keeps the secrets.
  const fill = (value: unknown, path: Path): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => fill(item, [...path, i]));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, [...path, key])]));
    if (value !== REDACTED || !isSecretLocation(path)) return value;
    const real = ownAt(current, path);
    if (real === undefined) missing.push(path);
    return real;
  };
  const walk = (input: string, here: unknown, members: Record<string, unknown>, base: Path): string => {
    let out = input;
    for (const [key, value] of Object.entries(members)) {
      const path = [...base, key];
      const existing = own(here, key);
      if (value === null) out = unsetValueInText(out, path).text;
      else if (isPlainObject(value) && isPlainObject(existing)) out = walk(out, existing, value, path);
      else {
        const next = fill(withoutNulls(value), path);
        if (missing.length === 0 && !deepEqual(existing, next)) out = setValueInText(out, path, next);
      }
    }
    return out;
  };
  return { text: walk(text, current, patch, []), missing };
}

/** RFC 7396: a patch object applied where there is no object creates one without its nulls. */
function withoutNulls(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null).map(([key, item]) => [key, withoutNulls(item)]));
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}
