// Reading the workspace's Markdown files: UTF-8 text, front matter, cutting by characters.
// Shared by workspace.ts (bootstrap files) and skills.ts (SKILL.md); internal to the package.
import { readFile } from 'node:fs/promises';

/** What reading one file gave: its text, nothing (it does not exist), or why it could not be read. */
export type TextFileRead =
  | { kind: 'text'; text: string; invalidUtf8: boolean }
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** `ENOENT: no such file…` → `ENOENT`-prefixed reason, without the path Node repeats. */
export function errorReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EACCES' || code === 'EPERM') return `${code}: permission denied`;
  if (code === 'EISDIR') return 'EISDIR: a directory, not a file';
  if (code === 'ENOTDIR') return 'ENOTDIR: not a directory';
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a file as UTF-8 (a BOM dropped, CRLF turned into LF). A missing file, or a path
 * through something that is not a directory, is `missing`; every other failure is
 * `unreadable` with a short reason. Bytes that are not UTF-8 become U+FFFD and are flagged.
 */
export async function readTextFile(path: string): Promise<TextFileRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', reason: errorReason(error) };
  }
  let text: string;
  let invalidUtf8 = false;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = lenientUtf8.decode(bytes);
    invalidUtf8 = true;
  }
  return { kind: 'text', text: text.replace(/\r\n?/g, '\n'), invalidUtf8 };
}

// `---` alone on the first line, up to the next `---` alone on a line (an empty block is allowed).
const FRONT_MATTER = /^---[ \t]*\n(?:([\s\S]*?)\n)?---[ \t]*(?:\n|$)/;

/** A Markdown text split into its leading YAML front matter (raw, `''` without one) and the rest. */
export function splitFrontMatter(text: string): { frontMatter: string; body: string } {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { frontMatter: '', body: text };
  return { frontMatter: match[1] ?? '', body: text.slice(match[0].length) };
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      // YAML's double-quoted escapes that matter here (\" \\ \n \t \uXXXX) are JSON's.
      return String(JSON.parse(value));
    } catch {
      return value.slice(1, -1);
    }
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  return value.replace(/\s+#.*$/, '');
}

/**
 * The top-level `key: value` pairs of a simple YAML block: plain, single- or double-quoted
 * values, plain values continued on indented lines, and `|`/`>` block scalars. Nested
 * mappings, lists and anchors are not understood; their keys are skipped, never an error.
 */
export function parseSimpleYaml(block: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const match = /^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*))?$/.exec(lines[i] ?? '');
    if (!match?.[1]) continue;
    const first = (match[2] ?? '').trim();
    const quoted = /^["']/.test(first);
    const continued: string[] = [];
    while (!quoted && i + 1 < lines.length && /^(?:[ \t]|$)/.test(lines[i + 1] ?? '')) {
      i += 1;
      continued.push((lines[i] ?? '').trim());
    }
    if (/^[|>][+-]?$/.test(first)) {
      values.set(match[1], continued.join(first.startsWith('|') ? '\n' : ' ').trim());
    } else {
      values.set(match[1], [unquote(first), ...continued].filter((part) => part !== '').join(' '));
    }
  }
  return values;
}

/** 2 when a surrogate pair (one character) starts at `index`, else 1. */
function unitsAt(text: string, index: number): 1 | 2 {
  const unit = text.charCodeAt(index);
  if (unit < 0xd800 || unit > 0xdbff) return 1;
  const next = text.charCodeAt(index + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/** The number of characters (Unicode code points, so a surrogate pair counts once) of `text`. */
export function countChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += unitsAt(text, i)) count += 1;
  return count;
}

/**
 * The first `maxChars` characters of `text` (code points: never half of a surrogate pair)
 * and how many characters the whole text has.
 */
export function cutChars(text: string, maxChars: number): { text: string; chars: number; truncated: boolean } {
  const chars = countChars(text);
  if (chars <= maxChars) return { text, chars, truncated: false };
  let end = 0;
  for (let kept = 0; kept < maxChars; kept += 1) end += unitsAt(text, end);
  return { text: text.slice(0, end), chars, truncated: true };
}
