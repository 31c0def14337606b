// systemd's unit-file quoting, both ways. Words are split like a shell but not by a shell:
// "…" and '…' quote, backslash escapes C-style inside and outside quotes, `%` starts a
// specifier everywhere and `$` starts a variable in Exec lines only.

const SAFE_WORD = /^[A-Za-z0-9_./:,+=@-]+$/;

/** True for characters no unit-file value may hold: a newline would end the directive. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function quoteWord(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `"${word.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Escapes `%` so systemd does not read a specifier (Description, Environment, Exec lines). */
export function escapeSpecifiers(text: string): string {
  return text.replaceAll('%', '%%');
}

/**
 * One word of an `ExecStart=` line, quoted when needed, specifiers escaped. `$` is escaped
 * in arguments only: systemd expands variables in arguments but not in the executable path.
 */
export function quoteExecWord(word: string, index: number): string {
  const escaped = escapeSpecifiers(word);
  return quoteWord(index === 0 ? escaped : escaped.replaceAll('$', '$$$$'));
}

/** One `KEY=value` assignment of an `Environment=` line (no `$` expansion happens there). */
export function quoteEnvAssignment(key: string, value: string): string {
  return quoteWord(escapeSpecifiers(`${key}=${value}`));
}

const C_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", ' ': ' ' };

/** Splits a directive value into words the way systemd does, undoing quotes and escapes. */
export function splitWords(value: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === '\\' && i + 1 < value.length) {
      const next = value.charAt(++i);
      current = (current ?? '') + (C_ESCAPES[next] ?? next);
    } else if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current = (current ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current ??= '';
    } else if (ch === ' ' || ch === '\t') {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else {
      current = (current ?? '') + ch;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** Undoes {@link escapeSpecifiers}. */
export function unescapeSpecifiers(word: string): string {
  return word.replaceAll('%%', '%');
}

/** Undoes {@link quoteExecWord} on a word already split by {@link splitWords}. */
export function unescapeExecWord(word: string, index: number): string {
  const out = unescapeSpecifiers(word);
  return index === 0 ? out : out.replaceAll('$$', '$');
}
