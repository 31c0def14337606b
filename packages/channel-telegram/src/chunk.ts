/**
 * Splits `text` into pieces of at most `limit` UTF-16 code units (how Telegram counts), at
 * the last line break in the second half of the window, else the last space there, else
 * hard (never inside a surrogate pair). The break character itself is dropped; pieces that
 * are only whitespace are left out (Telegram rejects them).
 *
 * The router already chunks replies to the channel's `textLimit`; this is the guard for
 * callers that did not.
 */
export function splitText(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 2) throw new RangeError(`text limit must be an integer >= 2, got ${limit}`);
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = softBreak(rest, limit);
    if (cut === undefined) {
      const hard = isHighSurrogate(rest.charCodeAt(limit - 1)) ? limit - 1 : limit;
      pieces.push(rest.slice(0, hard));
      rest = rest.slice(hard);
    } else {
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1);
    }
  }
  pieces.push(rest);
  return pieces.filter((piece) => piece.trim() !== '');
}

/** Index of the break character to cut at, if there is one in the second half of the window. */
function softBreak(text: string, limit: number): number | undefined {
  const floor = Math.floor(limit / 2);
  for (const separator of ['\n', ' ']) {
    const at = text.lastIndexOf(separator, limit);
    if (at >= floor) return at;
  }
  return undefined;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
