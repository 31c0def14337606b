import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, parse } from 'node:path';

/** The default log directory (requirements: `/tmp/openclaw/openclaw-YYYY-MM-DD.log`). */
export const DEFAULT_LOG_DIR = '/tmp/openclaw';

const DAILY_NAME = /^openclaw-(\d{4}-\d{2}-\d{2})(?:\.([1-9]\d{0,3}))?\.log$/;

/** One daily log file: its local date and its overflow index (0 for the base file). */
export interface DailyLogFile {
  readonly name: string;
  readonly date: string;
  readonly segment: number;
}

/**
 * The local calendar date `YYYY-MM-DD` of an instant. Local, like the original: the file
 * someone opens at 9 am is "today's" on their own clock, and midnight is their midnight.
 */
export function localDateKey(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The epoch ms of the next local midnight after `epochMs` (DST-safe: built from calendar fields). */
export function nextLocalMidnight(epochMs: number): number {
  const d = new Date(epochMs);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

/** The local date `days` calendar days before the date of `epochMs`. */
export function localDateKeyDaysBefore(epochMs: number, days: number): string {
  const d = new Date(epochMs);
  return localDateKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() - days).getTime());
}

/** `openclaw-2026-02-03.log`, then `openclaw-2026-02-03.1.log`, `.2.log`, … for overflow. */
export function dailyLogFileName(date: string, segment = 0): string {
  return segment === 0 ? `openclaw-${date}.log` : `openclaw-${date}.${segment}.log`;
}

/** Parses a name written by {@link dailyLogFileName}; anything else in the directory is not ours. */
export function parseDailyLogFileName(name: string): DailyLogFile | undefined {
  const match = DAILY_NAME.exec(name);
  if (!match?.[1]) return undefined;
  return { name, date: match[1], segment: match[2] ? Number(match[2]) : 0 };
}

/** `gateway.log` → `gateway.1.log`: rotated copies of a fixed `logging.file`. */
export function rotatedFileName(file: string, index: number): string {
  const { dir, name, ext } = parse(file);
  return join(dir, `${name}.${index}${ext}`);
}

/** Daily log files in `dir`, oldest first (by date, then segment). Missing dir → empty. */
export function listDailyLogFiles(dir: string): DailyLogFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return sortDaily(names);
}

/** Async {@link listDailyLogFiles}, for request handlers that must not block the event loop. */
export async function listDailyLogFilesAsync(dir: string): Promise<DailyLogFile[]> {
  try {
    return sortDaily(await readdir(dir));
  } catch {
    return [];
  }
}

function sortDaily(names: readonly string[]): DailyLogFile[] {
  const files = names.map(parseDailyLogFileName).filter((f): f is DailyLogFile => f !== undefined);
  return files.sort((a, b) => (a.date === b.date ? a.segment - b.segment : a.date < b.date ? -1 : 1));
}

/** What a prune pass removed, and what failed to go. */
export interface PruneResult {
  readonly removed: string[];
  readonly errors: number;
}

/**
 * Deletes daily files dated before `today - retentionDays` (so every line is kept at least
 * `retentionDays` whole days), then, oldest first, files from earlier days until the whole
 * directory fits `maxTotalBytes`. Today's files are never touched: the current day is
 * bounded by the per-day cap instead.
 */
export function pruneDailyLogFiles(dir: string, today: string, cutoffDate: string, maxTotalBytes: number): PruneResult {
  const removed: string[] = [];
  let errors = 0;
  const remove = (name: string): boolean => {
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
      return true;
    } catch {
      errors += 1;
      return false;
    }
  };
  const kept: { name: string; date: string; size: number }[] = [];
  for (const file of listDailyLogFiles(dir)) {
    if (file.date < cutoffDate) remove(file.name);
    else kept.push({ name: file.name, date: file.date, size: sizeOf(join(dir, file.name)) });
  }
  let total = kept.reduce((sum, f) => sum + f.size, 0);
  for (const file of kept) {
    if (total <= maxTotalBytes || file.date >= today) break;
    if (remove(file.name)) total -= file.size;
  }
  return { removed, errors };
}

/** Deletes rotated copies of a fixed log file that were last written more than `maxAgeMs` ago. */
export function pruneRotatedFiles(file: string, maxCopies: number, nowMs: number, maxAgeMs: number): PruneResult {
  const removed: string[] = [];
  let errors = 0;
  for (let i = 1; i <= maxCopies; i += 1) {
    const copy = rotatedFileName(file, i);
    try {
      if (nowMs - statSync(copy).mtimeMs > maxAgeMs) {
        unlinkSync(copy);
        removed.push(copy);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') errors += 1;
    }
  }
  return { removed, errors };
}

/**
 * Creates the shared log directory with mode 0700 and refuses one that is a symlink or
 * belongs to another user: in /tmp anyone could have created it first.
 */
export function ensurePrivateLogDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR', syscall: 'mkdir', path: dir });
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw Object.assign(new Error(`${dir} belongs to uid ${st.uid}`), { code: 'EPERM', syscall: 'mkdir', path: dir });
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** `file.(n-1)` → `file.n` … `file` → `file.1`; with no copies kept the file is simply deleted. */
export function rotateFixedFile(file: string, copies: number): void {
  if (copies <= 0) {
    unlinkSync(file);
    return;
  }
  for (let i = copies; i >= 1; i -= 1) {
    const from = i === 1 ? file : rotatedFileName(file, i - 1);
    try {
      renameSync(from, rotatedFileName(file, i));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/** An fs error as `CODE syscall path` — short, and free of anything but the path. */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string') return [e.code, e.syscall, e.path].filter(Boolean).join(' ');
  return error instanceof Error ? error.message : String(error);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
