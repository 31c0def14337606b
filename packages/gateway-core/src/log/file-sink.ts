import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LogRecord, LogSink } from './logger.ts';
import {
  DEFAULT_LOG_DIR, dailyLogFileName, describeFsError, ensurePrivateLogDir, listDailyLogFiles, localDateKey,
  localDateKeyDaysBefore, nextLocalMidnight, pruneDailyLogFiles, pruneRotatedFiles, rotateFixedFile,
} from './log-files.ts';

/** Options of {@link createFileSink}. Sizes in bytes. */
export interface FileSinkOptions {
  /** Directory of the daily files `openclaw-YYYY-MM-DD.log` (default `/tmp/openclaw`). Ignored when `file` is set. */
  dir?: string;
  /**
   * Config `logging.file`: one fixed path, used as-is with no daily naming. When it reaches
   * `maxFileBytes` it is renamed to `name.1.ext` (older copies shift up, the oldest is deleted)
   * and a fresh file is started, so nothing is dropped and the disk use stays bounded.
   */
  file?: string;
  /** Size cap of one file (config `logging.maxFileBytes`, default 10 MiB). */
  maxFileBytes?: number;
  /** Files one day may use: the base file plus overflow `.1.log`, `.2.log`, … (default 3). Fixed file: itself plus copies. */
  maxFilesPerDay?: number;
  /** Days of files kept besides today (config `logging.retentionDays`, default 7). */
  retentionDays?: number;
  /** Budget of the whole daily directory; older days are deleted first to meet it (default 100 MiB). */
  maxTotalBytes?: number;
  /** A longer serialised record is replaced by a stub keeping its time, level and start of msg (default 64 KiB). */
  maxLineBytes?: number;
  /** After a write error, lines are counted as lost without touching the disk for this long (default 5 s). */
  retryDelayMs?: number;
  /** How often the open file is checked for having been deleted or replaced (default 60 s). */
  checkIntervalMs?: number;
  /** Epoch milliseconds (default `Date.now`); decides the file's date. */
  clock?: () => number;
}

/** Defaults of {@link FileSinkOptions}. */
export const FILE_SINK_DEFAULTS = Object.freeze({
  dir: DEFAULT_LOG_DIR,
  maxFileBytes: 10 * 1024 * 1024,
  maxFilesPerDay: 3,
  retentionDays: 7,
  maxTotalBytes: 100 * 1024 * 1024,
  maxLineBytes: 64 * 1024,
  retryDelayMs: 5_000,
  checkIntervalMs: 60_000,
});

/** Counters of a {@link FileSink}, for health output and tests. */
export interface FileSinkStats {
  /** The file lines currently go to. */
  readonly file: string;
  /** Records written (the sink's own notes are not counted). */
  readonly linesWritten: number;
  readonly bytesWritten: number;
  /** Lines dropped because today's size cap was reached. */
  readonly dropped: number;
  /** True while today's cap is reached and lines are being dropped. */
  readonly dropping: boolean;
  /** Lines lost to write errors (full disk, missing permissions, …). */
  readonly failed: number;
  /** Failed open/write/rotate attempts. */
  readonly errors: number;
  /** The latest error, as `CODE syscall path`. */
  readonly lastError?: string;
  /** Files deleted by retention and the directory budget. */
  readonly pruned: number;
}

/** A sink appending JSON lines to the gateway log file. Never throws. */
export interface FileSink extends LogSink {
  stats(): FileSinkStats;
  /** Writes the dropped-lines summary if any and closes the file; later writes are ignored. */
  close(): void;
}

const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Creates the file sink. Each record is one `writeSync` of a whole line on an `O_APPEND`
 * descriptor: a crash can only tear the last line, and lines of concurrent writers never mix.
 */
export function createFileSink(options: FileSinkOptions = {}): FileSink {
  const o = { ...FILE_SINK_DEFAULTS, ...definedOnly(options) };
  const clock = options.clock ?? Date.now;
  const fixed = options.file === undefined ? undefined : resolve(options.file);
  const dir = fixed === undefined ? resolve(o.dir) : dirname(fixed);
  const maxFiles = Math.max(1, Math.floor(o.maxFilesPerDay));

  let fd: number | undefined;
  let path = fixed ?? join(dir, dailyLogFileName(localDateKey(clock())));
  let size = 0;
  let date = '';
  let periodStart = 0;
  let periodEnd = 0;
  let segment = 0;
  let dropping = false;
  let droppedInPeriod = 0;
  let lostSinceOk = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  let nextCheck = 0;
  let torn = false;
  let closed = false;
  const s = { linesWritten: 0, bytesWritten: 0, dropped: 0, failed: 0, errors: 0, pruned: 0, lastError: undefined as string | undefined };

  const fail = (error: unknown, now: number): void => {
    s.errors += 1;
    s.lastError = describeFsError(error);
    closeFd();
    retryAt = now + o.retryDelayMs;
  };

  const closeFd = (): void => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // Closing can report a deferred write error; the descriptor is gone either way.
    }
    fd = undefined;
  };

  const open = (now: number): void => {
    if (fd !== undefined) {
      if (now < nextCheck) return;
      // Reopen if the file was deleted (e.g. a tmp cleaner) or replaced (external rotation).
      const st = fstatSync(fd);
      let current: number | undefined;
      try {
        current = statSync(path).ino;
      } catch {
        current = undefined;
      }
      nextCheck = now + o.checkIntervalMs;
      if (st.nlink > 0 && current === st.ino) {
        size = st.size;
        return;
      }
      closeFd();
    }
    if (fixed === undefined) ensurePrivateLogDir(dir);
    else mkdirSync(dir, { recursive: true, mode: 0o700 });
    const handle = openSync(path, OPEN_FLAGS, 0o600);
    try {
      const st = fstatSync(handle);
      if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EINVAL', syscall: 'open', path });
      // A file left by an older version or created under a loose umask is tightened.
      if ((st.mode & 0o077) !== 0) fchmodSync(handle, 0o600);
      size = st.size;
    } catch (error) {
      closeSync(handle);
      throw error;
    }
    fd = handle;
    nextCheck = now + o.checkIntervalMs;
  };

  /** Moves on to the next file of the day (or rotates the fixed file); false when the day's files are used up. */
  const advance = (now: number, bytes: number): boolean => {
    if (fixed !== undefined) {
      closeFd();
      rotateFixedFile(fixed, maxFiles - 1);
      open(now);
      return true;
    }
    while (size > 0 && size + bytes > o.maxFileBytes) {
      if (segment + 1 >= maxFiles) return false;
      closeFd();
      segment += 1;
      path = join(dir, dailyLogFileName(date, segment));
      open(now);
    }
    return true;
  };

  /** Writes one line; after a torn write it first ends the fragment, so every later line parses. */
  const writeLine = (line: string): void => {
    if (fd === undefined) return;
    const bytes = Buffer.from(`${torn ? '\n' : ''}${line}\n`, 'utf8');
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (offset > 0) torn = true;
      size += offset;
      throw error;
    }
    torn = false;
    size += bytes.length;
    s.bytesWritten += bytes.length;
  };

  /** Appends one line. `note` lines (the sink's own warnings) bypass the cap, so they can always say why. */
  const append = (line: string, now: number, note = false): void => {
    if (!note && dropping) {
      s.dropped += 1;
      droppedInPeriod += 1;
      return;
    }
    if (now < retryAt) {
      s.failed += 1;
      lostSinceOk += 1;
      return;
    }
    const length = Buffer.byteLength(line, 'utf8') + 2;
    try {
      open(now);
      if (!note && size + length > o.maxFileBytes && size > 0 && !advance(now, length)) {
        dropping = true;
        append(noteLine(now, `log size cap reached for ${date}: ${maxFiles} file(s) of ${o.maxFileBytes} bytes; further lines are dropped until midnight`, { logCapReached: date }), now, true);
        append(line, now);
        return;
      }
      if (lostSinceOk > 0) {
        const lost = lostSinceOk;
        lostSinceOk = 0;
        writeLine(noteLine(now, `log writes failed; ${lost} line(s) were lost`, { lost, error: s.lastError }));
      }
      writeLine(line);
      if (!note) s.linesWritten += 1;
    } catch (error) {
      fail(error, now);
      s.failed += 1;
      lostSinceOk += 1;
    }
  };

  /** Starts the period (local day) containing `now`: new file, pruning, and the previous day's drop summary. */
  const startPeriod = (now: number): void => {
    const previousDate = date;
    const previousDrops = droppedInPeriod;
    date = localDateKey(now);
    const d = new Date(now);
    periodStart = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    periodEnd = nextLocalMidnight(now);
    closeFd();
    dropping = false;
    droppedInPeriod = 0;
    if (fixed === undefined) {
      segment = listDailyLogFiles(dir).filter((f) => f.date === date).reduce((max, f) => Math.max(max, f.segment), 0);
      segment = Math.min(segment, maxFiles - 1);
      path = join(dir, dailyLogFileName(date, segment));
    }
    prune(now);
    if (previousDrops > 0) append(dropSummary(now, previousDrops, previousDate), now, true);
  };

  const prune = (now: number): void => {
    try {
      const result = fixed === undefined
        ? pruneDailyLogFiles(dir, date, localDateKeyDaysBefore(now, o.retentionDays), o.maxTotalBytes)
        : pruneRotatedFiles(fixed, maxFiles - 1, now, o.retentionDays * 86_400_000);
      s.pruned += result.removed.length;
      s.errors += result.errors;
    } catch (error) {
      s.errors += 1;
      s.lastError = describeFsError(error);
    }
  };

  const dropSummary = (now: number, count: number, day: string): string =>
    noteLine(now, `dropped ${count} log line(s) on ${day} after the size cap was reached`, { dropped: count, date: day });

  const lineOf = (record: LogRecord): string => {
    const line = JSON.stringify(record);
    if (Buffer.byteLength(line, 'utf8') <= o.maxLineBytes) return line;
    const msg = typeof record.msg === 'string' ? record.msg.slice(0, 1024) : '';
    return JSON.stringify({ time: record.time, level: record.level, msg, truncated: true, bytes: Buffer.byteLength(line, 'utf8') });
  };

  try {
    startPeriod(clock());
  } catch (error) {
    s.errors += 1;
    s.lastError = describeFsError(error);
  }

  return {
    write(record) {
      if (closed) return;
      let line: string;
      try {
        line = lineOf(record);
      } catch (error) {
        // A record that is not JSON-safe (a foreign caller bypassing the logger) is lost, not thrown.
        s.failed += 1;
        s.errors += 1;
        s.lastError = describeFsError(error);
        return;
      }
      try {
        const now = clock();
        if (now >= periodEnd || now < periodStart) startPeriod(now);
        append(line, now);
      } catch (error) {
        s.failed += 1;
        s.errors += 1;
        s.lastError = describeFsError(error);
      }
    },
    flush() {
      // Every line is written synchronously; there is nothing buffered to flush.
    },
    close() {
      if (closed) return;
      try {
        if (droppedInPeriod > 0) append(dropSummary(clock(), droppedInPeriod, date), clock(), true);
      } catch {
        // Closing must not throw.
      }
      droppedInPeriod = 0;
      closeFd();
      closed = true;
    },
    stats: () => ({ file: path, dropping, ...s }),
  };
}

function noteLine(now: number, msg: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ time: new Date(now).toISOString(), level: 'warn', msg, logSink: true, ...fields });
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
