// Reading transcripts without loading them: backwards from the end in fixed-size chunks
// (the last messages of a 100 MB transcript cost a few chunks), or forwards line by line.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseTranscriptLine } from './transcript-format.ts';
import type { TranscriptEntry, TranscriptHeader } from './transcript-format.ts';

/** Default read size: 64 KiB holds dozens of typical chat messages. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
const NEWLINE = 0x0a;

/** Counts what a read cost, so callers (and tests) can see that a file was not loaded. */
export interface ReadStats {
  bytesRead: number;
  reads: number;
}

/** A fresh counter. */
export function newReadStats(): ReadStats {
  return { bytesRead: 0, reads: 0 };
}

/** Reads exactly `length` bytes at `position` (short reads are retried). */
export function readAt(fd: number, position: number, length: number, stats?: ReadStats): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break; // the file shrank under us: return what there is
    done += n;
  }
  if (stats) {
    stats.bytesRead += done;
    stats.reads++;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** One line: where it starts in the file and its bytes (without the newline). */
export interface RawLine {
  start: number;
  bytes: Buffer;
}

/**
 * Yields the lines of `[0, end)` from last to first. `end` must be 0 or just after a newline,
 * so every line in the range is complete. Reads `chunkSize` bytes at a time; a line longer
 * than a chunk is assembled from several.
 */
export function* linesBackward(fd: number, end: number, chunkSize = DEFAULT_CHUNK_SIZE, stats?: ReadStats): Generator<RawLine> {
  if (end <= 0) return;
  let pos = end - 1; // skip the newline that ends the last line
  let carry: Buffer[] = []; // bytes of the current line right of the chunk being read
  while (pos > 0) {
    const start = Math.max(0, pos - chunkSize);
    const chunk = readAt(fd, start, pos - start, stats);
    let right = chunk.length;
    let nl = right > 0 ? chunk.lastIndexOf(NEWLINE, right - 1) : -1;
    while (nl !== -1) {
      const piece = chunk.subarray(nl + 1, right);
      yield { start: start + nl + 1, bytes: carry.length ? Buffer.concat([piece, ...carry]) : piece };
      carry = [];
      right = nl;
      nl = right > 0 ? chunk.lastIndexOf(NEWLINE, right - 1) : -1;
    }
    if (right > 0) carry.unshift(chunk.subarray(0, right));
    pos = start;
  }
  yield { start: 0, bytes: Buffer.concat(carry) };
}

/** The offset just after the last newline of the file's first `size` bytes (0 if it has none). */
export function completeEnd(fd: number, size: number, chunkSize = DEFAULT_CHUNK_SIZE, stats?: ReadStats): number {
  let pos = size;
  while (pos > 0) {
    const start = Math.max(0, pos - chunkSize);
    const chunk = readAt(fd, start, pos - start, stats);
    const nl = chunk.lastIndexOf(NEWLINE);
    if (nl !== -1) return start + nl + 1;
    pos = start;
  }
  return 0;
}

/**
 * Where a transcript of `size` bytes should end: before a last line that has no newline
 * (a write cut short by a crash) or that does not parse. Returns `size` when the tail is sound.
 */
export function soundEnd(fd: number, size: number, chunkSize = DEFAULT_CHUNK_SIZE, stats?: ReadStats): number {
  const end = completeEnd(fd, size, chunkSize, stats);
  if (end < size) return end;
  const last = linesBackward(fd, end, chunkSize, stats).next();
  if (last.done) return end;
  return parseTranscriptLine(last.value.bytes.toString('utf8')).kind === 'malformed' ? last.value.start : end;
}

/** Options of {@link readLastEntries}. */
export interface ReadLastOptions {
  chunkSize?: number;
  /** Only entries passing this count towards `n` and are returned (e.g. messages only). */
  filter?: (entry: TranscriptEntry) => boolean;
  /** Filled in with the bytes and reads it took. */
  stats?: ReadStats;
}

/** What {@link readLastEntries} found. */
export interface ReadLastResult {
  /** In file order, oldest first. */
  entries: TranscriptEntry[];
  /** Byte offsets of lines that did not parse and were skipped. */
  malformedOffsets: number[];
  /** Bytes after the last newline (a torn write), ignored. */
  tornTailBytes: number;
}

/**
 * The last `n` entries of a transcript, read backwards from the end in chunks: the cost is
 * proportional to the size of those entries, not of the file. The header, blank lines, an
 * unterminated last line and unparsable lines are skipped (the latter reported by offset).
 * A missing file reads as empty. Never modifies the file.
 */
export function readLastEntries(file: string, n: number, options: ReadLastOptions = {}): ReadLastResult {
  const result: ReadLastResult = { entries: [], malformedOffsets: [], tornTailBytes: 0 };
  if (n <= 0) return result;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const end = completeEnd(fd, size, options.chunkSize, options.stats);
    result.tornTailBytes = size - end;
    for (const line of linesBackward(fd, end, options.chunkSize, options.stats)) {
      const parsed = parseTranscriptLine(line.bytes.toString('utf8'));
      if (parsed.kind === 'malformed') result.malformedOffsets.unshift(line.start);
      if (parsed.kind !== 'entry' || (options.filter && !options.filter(parsed.entry))) continue;
      result.entries.push(parsed.entry);
      if (result.entries.length === n) break;
    }
  } finally {
    closeSync(fd);
  }
  result.entries.reverse();
  return result;
}

/**
 * Calls `onLine` for each complete line of `[0, end)` in order, with its 1-based number.
 * Reads `chunkSize` at a time; memory is bounded by the longest line.
 */
export function forEachLine(fd: number, end: number, onLine: (line: RawLine, lineNo: number) => void, chunkSize = DEFAULT_CHUNK_SIZE): void {
  let pos = 0;
  let lineNo = 0;
  let lineStart = 0;
  let carry: Buffer[] = [];
  while (pos < end) {
    const chunk = readAt(fd, pos, Math.min(chunkSize, end - pos));
    if (chunk.length === 0) break;
    let left = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, left)) {
      const piece = chunk.subarray(left, nl);
      onLine({ start: lineStart, bytes: carry.length ? Buffer.concat([...carry, piece]) : piece }, ++lineNo);
      carry = [];
      left = nl + 1;
      lineStart = pos + left;
    }
    if (left < chunk.length) carry.push(chunk.subarray(left));
    pos += chunk.length;
  }
}

/** The header (line 1) of a transcript, or undefined if the file is missing, empty or starts otherwise. */
export function readTranscriptHeader(file: string): TranscriptHeader | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = readAt(fd, 0, 64 * 1024);
    const nl = head.indexOf(NEWLINE);
    const parsed = parseTranscriptLine(head.subarray(0, nl === -1 ? head.length : nl).toString('utf8'));
    return parsed.kind === 'header' ? parsed.header : undefined;
  } finally {
    closeSync(fd);
  }
}
