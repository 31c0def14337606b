import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_LOG_DIR, dailyLogFileName, listDailyLogFilesAsync, localDateKey } from './log-files.ts';

/** Limits of `logs.tail` (reference §1.7: `limit≤5000`, `maxBytes≤1e6`). */
export const TAIL_LIMITS = Object.freeze({
  defaultLimit: 200,
  maxLimit: 5000,
  defaultMaxBytes: 250_000,
  maxMaxBytes: 1_000_000,
});

/** Options of {@link tailLog}. */
export interface TailOptions {
  /** Daily log directory (default `/tmp/openclaw`); the current file is today's latest, else the newest. */
  dir?: string;
  /** Config `logging.file`: read this fixed file instead. */
  file?: string;
  /** Byte offset returned by the previous call. Without it, the last `limit` lines are returned. */
  cursor?: number;
  /**
   * The `file` returned together with `cursor`, when the caller kept it: a different current
   * file then means a rotation even if the new file is already longer than the cursor.
   */
  cursorFile?: string;
  /** Most lines returned (default 200, at most 5000). */
  limit?: number;
  /** Most bytes read (default 250 000, at most 1 000 000). */
  maxBytes?: number;
  /** Epoch milliseconds (default `Date.now`): decides which daily file is current. */
  clock?: () => number;
}

/** The `logs.tail` result. */
export interface TailResult {
  /** Absolute path of the file read. */
  file: string;
  /** Pass back as `cursor`: the offset just after the last complete line returned (or skipped). */
  cursor: number;
  /** Size of the file when it was read. */
  size: number;
  /** Complete lines, oldest first, without newlines. A line still being written is held back. */
  lines: string[];
  /** Without a cursor: the byte budget cut the answer short. With one: more is pending, call again. */
  truncated?: boolean;
  /** The file was rotated or shrank below the cursor; reading restarted at its beginning. */
  reset?: boolean;
}

const CHUNK = 64 * 1024;
const NL = 0x0a;

/** The file `logs.tail` reads: the fixed file, or today's newest daily file, or the newest earlier one. */
export async function resolveLogFile(options: Pick<TailOptions, 'dir' | 'file' | 'clock'> = {}): Promise<string> {
  if (options.file !== undefined) return resolve(options.file);
  const dir = resolve(options.dir ?? DEFAULT_LOG_DIR);
  const today = localDateKey((options.clock ?? Date.now)());
  const candidates = (await listDailyLogFilesAsync(dir)).filter((f) => f.date <= today);
  const newest = candidates.at(-1);
  return join(dir, newest ? newest.name : dailyLogFileName(today));
}

/**
 * Reads the end of the gateway log, or what was appended since `cursor`. Reads backwards in
 * chunks and never more than `maxBytes`, so a 10 MiB file costs no more than a small one.
 */
export async function tailLog(options: TailOptions = {}): Promise<TailResult> {
  const file = await resolveLogFile(options);
  const limit = clampInt(options.limit, TAIL_LIMITS.defaultLimit, 1, TAIL_LIMITS.maxLimit);
  const maxBytes = clampInt(options.maxBytes, TAIL_LIMITS.defaultMaxBytes, 1, TAIL_LIMITS.maxMaxBytes);
  const cursor = typeof options.cursor === 'number' && Number.isFinite(options.cursor) && options.cursor >= 0 ? Math.floor(options.cursor) : undefined;
  const rotated = options.cursorFile !== undefined && resolve(options.cursorFile) !== file;

  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch {
    // No log yet (fresh install, or nothing written today): an empty answer, not an error.
    return { file, cursor: 0, size: 0, lines: [], ...(cursor !== undefined && (cursor > 0 || rotated) ? { reset: true } : {}) };
  }
  try {
    const size = (await handle.stat()).size;
    if (cursor === undefined) return { file, size, ...(await readTail(handle, size, limit, maxBytes)) };
    const reset = rotated || cursor > size;
    const slice = await readForward(handle, reset ? 0 : cursor, size, limit, maxBytes);
    return { file, size, ...slice, ...(reset ? { reset: true } : {}) };
  } finally {
    await handle.close();
  }
}

type Slice = Pick<TailResult, 'cursor' | 'lines' | 'truncated'>;

async function readTail(handle: FileHandle, size: number, limit: number, maxBytes: number): Promise<Slice> {
  const low = Math.max(0, size - maxBytes);
  const chunks: Buffer[] = [];
  let pos = size;
  let newlines = 0;
  // limit lines need limit terminators plus the newline before the first of them.
  while (pos > low && newlines <= limit) {
    const start = Math.max(low, pos - CHUNK);
    const chunk = await readAt(handle, start, pos - start);
    chunks.unshift(chunk);
    newlines += countNewlines(chunk);
    pos = start;
  }
  const data = Buffer.concat(chunks);
  const lastNl = data.lastIndexOf(NL);
  if (lastNl < 0) {
    // No complete line within the budget: either an empty/partial file, or one huge line.
    return pos === 0 ? { cursor: 0, lines: [] } : { cursor: size, lines: [], truncated: true };
  }
  let first = 0;
  if (pos > 0 && (await readAt(handle, pos - 1, 1))[0] !== NL) first = data.indexOf(NL) + 1;
  const lines = splitLines(data, first, lastNl + 1);
  const truncated = pos > 0 && lines.length < limit;
  return { cursor: pos + lastNl + 1, lines: lines.slice(-limit), ...(truncated ? { truncated } : {}) };
}

async function readForward(handle: FileHandle, start: number, size: number, limit: number, maxBytes: number): Promise<Slice> {
  if (start >= size) return { cursor: start, lines: [] };
  const end = Math.min(size, start + maxBytes);
  const data = await readAt(handle, start, end - start);
  let p = 0;
  // A cursor that is not at a line start (hand-made, or after a skipped giant line) is moved to the next one.
  if (start > 0 && (await readAt(handle, start - 1, 1))[0] !== NL) {
    const nl = data.indexOf(NL);
    if (nl < 0) return skipLongLine(handle, start, end, size);
    p = nl + 1;
  }
  const lines: string[] = [];
  let cursor = start + p;
  while (lines.length < limit) {
    const nl = data.indexOf(NL, p);
    if (nl < 0) break;
    if (nl > p) lines.push(data.toString('utf8', p, nl));
    p = nl + 1;
    cursor = start + p;
  }
  if (lines.length === 0 && cursor === start && end < size) return skipLongLine(handle, start, end, size);
  const truncated = data.indexOf(NL, p) >= 0 || end < size;
  return { cursor, lines, ...(truncated ? { truncated } : {}) };
}

/** The line at `start` is longer than `maxBytes`: step over it so a follower never stalls on it. */
async function skipLongLine(handle: FileHandle, start: number, from: number, size: number): Promise<Slice> {
  for (let pos = from; pos < size; pos += CHUNK) {
    const chunk = await readAt(handle, pos, Math.min(CHUNK, size - pos));
    const nl = chunk.indexOf(NL);
    if (nl >= 0) return { cursor: pos + nl + 1, lines: [], truncated: true };
  }
  // Still being written: wait at the same place.
  return { cursor: start, lines: [] };
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break; // the file shrank while being read
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function splitLines(data: Buffer, from: number, to: number): string[] {
  const lines: string[] = [];
  let p = from;
  while (p < to) {
    const nl = data.indexOf(NL, p);
    const stop = nl < 0 || nl >= to ? to : nl;
    // Blank lines only come from the torn-line guard; they carry nothing.
    if (stop > p) lines.push(data.toString('utf8', p, stop));
    p = stop + 1;
  }
  return lines;
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let i = buffer.indexOf(NL); i >= 0; i = buffer.indexOf(NL, i + 1)) count += 1;
  return count;
}

function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}
