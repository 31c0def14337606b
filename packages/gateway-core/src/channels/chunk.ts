// Splitting a reply into messages a channel accepts (Telegram 4096, Discord 2000 and a line
// cap, WhatsApp ~4000) without cutting words or code blocks.

/** Options of {@link chunkText}. */
export interface ChunkOptions {
  /** Most characters (UTF-16 code units, as the platforms count) per message. */
  limit: number;
  /** Most lines per message (Discord collapses tall messages). */
  maxLines?: number | undefined;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const MIN_LIMIT = 16;
// A break this far into the window or later is good; earlier ones waste too much space.
const MIN_FILL = 0.3;

/** The fence line still open at the end of `text` (```ts), or undefined when every block is closed. */
function openFence(text: string): string | undefined {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const match = FENCE.exec(line);
    if (!match) continue;
    const marker = match[1] as string;
    if (open === undefined) open = line.trim();
    else if (marker[0] === open.trim()[0] && marker.length >= (/^[`~]+/.exec(open.trim())?.[0].length ?? 3) && (match[2] ?? '').trim() === '') open = undefined;
  }
  return open;
}

function closingFor(fence: string): string {
  return /^[`~]+/.exec(fence.trim())?.[0] ?? '```';
}

/** Where to cut `window`: after a paragraph, else a line, else a space; never inside a surrogate pair. */
function breakPoint(window: string): { at: number; skip: number } {
  const floor = Math.floor(window.length * MIN_FILL);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph >= floor && paragraph > 0) return { at: paragraph, skip: 2 };
  const line = window.lastIndexOf('\n');
  if (line >= floor && line > 0) return { at: line, skip: 1 };
  for (let i = window.length - 1; i >= Math.max(floor, 1); i--) {
    if (/\s/.test(window[i] as string)) return { at: i, skip: 1 };
  }
  let at = window.length;
  const code = window.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return { at, skip: 0 };
}

/** The index just before the `maxLines`-th newline of `text`, or its length. */
function lineCut(text: string, maxLines: number): number {
  let index = -1;
  for (let line = 0; line < maxLines; line++) {
    index = text.indexOf('\n', index + 1);
    if (index === -1) return text.length;
  }
  return index;
}

const lineCount = (text: string): number => text.split('\n').length;

/**
 * Splits `text` into messages of at most `limit` characters and `maxLines` lines, breaking
 * at paragraph ends, then line ends, then spaces; a word longer than a whole message is cut.
 * A code block that spans two messages is closed at the end of the first and reopened (with
 * its language) at the start of the next, so each message renders on its own.
 */
export function chunkText(text: string, options: ChunkOptions): string[] {
  const limit = Math.max(MIN_LIMIT, Math.floor(options.limit));
  const maxLines = options.maxLines !== undefined && options.maxLines > 0 ? Math.floor(options.maxLines) : undefined;
  const chunks: string[] = [];
  let rest = text;
  while (rest !== '') {
    if (rest.length <= limit && (maxLines === undefined || lineCount(rest) <= maxLines)) {
      chunks.push(rest);
      break;
    }
    // Room for a closing fence line, should the cut land inside a code block.
    const reserve = 1 + Math.max(3, ...[...rest.matchAll(/^ {0,3}([`~]{3,})/gm)].map((m) => (m[1] as string).length));
    let window = rest.slice(0, Math.max(1, limit - reserve));
    if (maxLines !== undefined) window = window.slice(0, lineCut(window, maxLines) + 1);
    let { at, skip } = breakPoint(window);
    let open = openFence(rest.slice(0, at));
    // A closing fence adds a line: inside a code block, cut one line earlier.
    if (open !== undefined && maxLines !== undefined && lineCount(rest.slice(0, at).replace(/\s+$/, '')) >= maxLines) {
      ({ at, skip } = breakPoint(window.slice(0, lineCut(window, maxLines - 1) + 1)));
      open = openFence(rest.slice(0, at));
    }
    let piece = rest.slice(0, at).replace(/\s+$/, '');
    let remainder = rest.slice(at + skip);
    if (open !== undefined) {
      piece = `${piece}\n${closingFor(open)}`;
      remainder = `${open}\n${remainder.replace(/^\n/, '')}`;
    }
    if (piece.trim() !== '') chunks.push(piece);
    // A reopened fence must not stop progress: drop it when nothing else moved forward.
    if (remainder.length >= rest.length) remainder = rest.slice(Math.max(1, at + skip));
    rest = remainder.replace(/^[ \t]*\n+/, (m) => (open !== undefined ? m : ''));
  }
  return chunks.length > 0 ? chunks : [''];
}
