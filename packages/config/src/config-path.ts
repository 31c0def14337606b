import { ConfigError } from './errors.ts';

/**
 * A location inside the config document: object keys are strings, array indexes are
 * numbers. `["agents", "list", 0, "id"]` is `agents.list[0].id`.
 */
export type ConfigPath = readonly (string | number)[];

const PATH_HINT =
  'separate keys with dots and write list items as [n], e.g. agents.list[0].id; ' +
  'quote keys that contain dots or spaces, e.g. channels.telegram.groups["-100.5"]';

/** Keys that can be written bare after a dot and still parse back to the same key. */
const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Characters that end a bare key; whitespace and quotes are rejected rather than kept. */
const BARE_STOP = /[.[\]\s"']/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Parses a CLI path expression such as `gateway.auth.token`, `agents.list[0].id` or
 * `channels.telegram.groups["-100.5"].requireMention`.
 *
 * Only `[n]` produces an array index: `a.0` is the object key `"0"`, because config
 * objects may legitimately have numeric-looking keys (chat ids, ports) and guessing
 * would silently edit the wrong thing. Bracketed keys take double or single quotes with
 * JSON escapes.
 *
 * @throws ConfigError `CONFIG_PATH` when the expression is malformed.
 */
export function parseConfigPath(expr: string): ConfigPath {
  const fail = (what: string): never => {
    throw new ConfigError('CONFIG_PATH', `invalid config path ${JSON.stringify(expr)}: ${what}`, {
      hint: PATH_HINT,
    });
  };
  const where = (path: ConfigPath): string =>
    path.length === 0 ? 'at the start' : `after "${formatConfigPath(path)}"`;

  if (expr.length === 0) fail('the path is empty');
  const path: (string | number)[] = [];
  let i = 0;
  // True at the start and right after a '.', i.e. whenever a bare key must follow.
  let wantKey = true;
  while (i < expr.length) {
    const ch = expr.charAt(i);
    if (ch === '[') {
      if (wantKey && path.length > 0) fail(`empty key ${where(path)} (a "." cannot be followed by "[")`);
      const close = readBracket(expr, i, fail, where(path));
      path.push(close.segment);
      i = close.end;
      wantKey = false;
      const next = expr.charAt(i);
      if (i < expr.length && next !== '.' && next !== '[') {
        fail(`expected "." or "[" after "]" but found ${JSON.stringify(next)}`);
      }
    } else if (ch === '.') {
      if (wantKey) fail(`empty key ${where(path)}`);
      wantKey = true;
      i += 1;
    } else if (ch === ']') {
      fail(`unexpected "]" ${where(path)}`);
    } else {
      if (!wantKey) fail(`expected "." or "[" ${where(path)} but found ${JSON.stringify(ch)}`);
      let end = i;
      while (end < expr.length && !BARE_STOP.test(expr.charAt(end))) end += 1;
      if (end === i) {
        fail(`unexpected ${JSON.stringify(ch)} ${where(path)}; keys with spaces or quotes must be written as ["..."]`);
      }
      path.push(expr.slice(i, end));
      i = end;
      wantKey = false;
    }
  }
  if (wantKey) fail(`empty key ${where(path)} (the path ends with ".")`);
  return path;
}

function readBracket(
  expr: string,
  open: number,
  fail: (what: string) => never,
  where: string,
): { segment: string | number; end: number } {
  const quote = expr.charAt(open + 1);
  if (quote === '"' || quote === "'") {
    let key = '';
    let i = open + 2;
    for (;;) {
      if (i >= expr.length) fail(`unclosed ${quote} in the bracket ${where}`);
      const ch = expr.charAt(i);
      if (ch === quote) break;
      if (ch === '\\') {
        const esc = expr.charAt(i + 1);
        const simple = SIMPLE_ESCAPES[esc];
        if (simple !== undefined) {
          key += simple;
          i += 2;
        } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(expr.slice(i + 2, i + 6))) {
          key += String.fromCharCode(Number.parseInt(expr.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail(`unknown escape "\\${esc}" in the quoted key ${where}`);
        }
      } else {
        key += ch;
        i += 1;
      }
    }
    if (expr.charAt(i + 1) !== ']') fail(`expected "]" after the quoted key ${where}`);
    return { segment: key, end: i + 2 };
  }
  const close = expr.indexOf(']', open);
  if (close === -1) fail(`unclosed "[" ${where}`);
  const inner = expr.slice(open + 1, close);
  if (!/^(0|[1-9][0-9]*)$/.test(inner)) {
    fail(
      `expected a list index (a non-negative integer) or a quoted key inside [...] ${where} ` +
        `but found ${JSON.stringify(inner)}`,
    );
  }
  const index = Number(inner);
  if (!Number.isSafeInteger(index)) fail(`list index ${inner} ${where} is too large`);
  return { segment: index, end: close + 1 };
}

/**
 * Formats a path the way {@link parseConfigPath} reads it: dotted keys where the key is
 * a plain identifier (dashes allowed), `["..."]` for every other key, `[n]` for indexes.
 * `parseConfigPath(formatConfigPath(p))` always equals `p`.
 *
 * @throws ConfigError `CONFIG_PATH` for an index that is not a non-negative integer.
 */
export function formatConfigPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Number.isSafeInteger(segment) || segment < 0) {
        throw new ConfigError('CONFIG_PATH', `invalid config path index ${String(segment)}: expected a non-negative integer`, {
          hint: PATH_HINT,
        });
      }
      out += `[${segment}]`;
    } else if (BARE_KEY.test(segment)) {
      out += out.length === 0 ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}

/** The value at `path` inside `root`, or undefined when any step is missing or not a container. */
export function valueAtPath(root: unknown, path: ConfigPath): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
