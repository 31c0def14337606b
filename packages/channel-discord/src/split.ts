/** The limits one Discord message must stay within. */
export interface MessageLimits {
  /** Characters (UTF-16 code units, which never undercounts Discord's count). */
  maxChars: number;
  maxLines: number;
}

/**
 * Splits `text` into messages within `limits`, at line breaks where it can, else at the last
 * space before the limit, else at the limit (never inside a surrogate pair). Chunks that
 * would be blank are dropped: Discord refuses them.
 *
 * The router already splits replies at the instance's `textLimit` and `lineLimit`, so this
 * is a safety net and knows nothing of Markdown; a code block cut here is not reopened.
 */
export function splitMessage(text: string, limits: MessageLimits): string[] {
  const maxChars = Math.max(1, Math.floor(limits.maxChars));
  const maxLines = Math.max(1, Math.floor(limits.maxLines));
  const chunks: string[] = [];
  let lines: string[] = [];
  let chars = 0;
  const flush = () => {
    const chunk = lines.join('\n');
    if (chunk.trim() !== '') chunks.push(chunk);
    lines = [];
    chars = 0;
  };
  for (const line of text.split('\n').flatMap((l) => splitLongLine(l, maxChars))) {
    const added = lines.length === 0 ? line.length : chars + 1 + line.length;
    if (lines.length > 0 && (added > maxChars || lines.length >= maxLines)) flush();
    chars = lines.length === 0 ? line.length : chars + 1 + line.length;
    lines.push(line);
  }
  flush();
  return chunks;
}

function splitLongLine(line: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > maxChars) {
    let cut = rest.lastIndexOf(' ', maxChars);
    if (cut <= 0) cut = isHighSurrogate(rest.charCodeAt(maxChars - 1)) && maxChars > 1 ? maxChars - 1 : maxChars;
    parts.push(rest.slice(0, cut));
    rest = rest[cut] === ' ' ? rest.slice(cut + 1) : rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
