import JSON5 from 'json5';
import { ConfigError } from './errors.ts';

interface Json5SyntaxError extends SyntaxError {
  lineNumber?: number;
  columnNumber?: number;
}

/**
 * Parses JSON5 text. A syntax error becomes a ConfigError whose message reads
 * `file:line:col: reason`, followed by the offending line and a caret under the column.
 */
export function parseJson5(text: string, file: string): unknown {
  try {
    return JSON5.parse(text);
  } catch (error) {
    const e = error as Json5SyntaxError;
    const line = e.lineNumber ?? 1;
    const column = e.columnNumber ?? 1;
    const reason = e.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    const source = text.split(/\r?\n/)[line - 1] ?? '';
    const caret = `${' '.repeat(Math.max(0, column - 1))}^`;
    throw new ConfigError('CONFIG_PARSE', `${file}:${line}:${column}: ${reason}\n  ${line} | ${source}\n  ${' '.repeat(String(line).length)} | ${caret}`, {
      file,
      hint: `fix the syntax at line ${line}, column ${column} (JSON5 allows comments, trailing commas and unquoted keys), then run \`openclaw config validate\``,
      cause: error,
    });
  }
}

/** True for a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
