// What `doctor` runs over a transcript: cut a torn tail, find malformed lines, and (only when
// asked, with the gateway stopped) move those lines out of the file.
import { closeSync, constants, fstatSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { StateError } from './errors.ts';
import { asidePath, parseTranscriptLine } from './transcript-format.ts';
import { DEFAULT_CHUNK_SIZE, forEachLine } from './transcript-read.ts';
import { cutTornTail, io, ioError, syncDir, writePrivateFile } from './transcript.ts';
import type { TornTail } from './transcript.ts';

/** What {@link repairTranscript} found and changed in one transcript. */
export interface TranscriptRepairReport {
  file: string;
  /** From the header, when line 1 is one. */
  sessionId?: string;
  /** Line 1: a `session` header, something else (`missing`), or unparsable (`malformed`). */
  header: 'ok' | 'missing' | 'malformed';
  /** Parsed entries after the header. */
  entries: number;
  /** A torn last line that was cut off and kept aside. */
  tornTail?: TornTail;
  /** 1-based numbers of lines in the middle that do not parse; readers skip them. */
  malformedLines: number[];
  /** With `dropMalformed`: the malformed lines were moved out of the file into `savedTo`. */
  removedLines?: { count: number; savedTo: string };
}

/** Options of {@link repairTranscript}. */
export interface RepairTranscriptOptions {
  clock?: () => number;
  chunkSize?: number;
  /**
   * Rewrite the file without its malformed lines, which are kept in `<file>.corrupt-<time>`.
   * Only safe while no other process appends (gateway stopped): a concurrent append would be
   * lost with the old file, so the rewrite is abandoned if the file changes meanwhile.
   */
  dropMalformed?: boolean;
}

/**
 * Checks one transcript: cuts a torn last line (kept aside), counts entries and reports
 * malformed lines by number. Changes nothing else unless `dropMalformed` is set.
 */
export async function repairTranscript(file: string, options: RepairTranscriptOptions = {}): Promise<TranscriptRepairReport> {
  const clock = options.clock ?? Date.now;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const report: TranscriptRepairReport = { file, header: 'missing', entries: 0, malformedLines: [] };
  const fd = io(file, 'open', () => openSync(file, constants.O_RDWR));
  try {
    const tornTail = await cutTornTail(fd, file, clock, chunkSize);
    if (tornTail) report.tornTail = tornTail;
    const size = fstatSync(fd).size;
    forEachLine(
      fd,
      size,
      (line, lineNo) => {
        const parsed = parseTranscriptLine(line.bytes.toString('utf8'));
        if (lineNo === 1) {
          report.header = parsed.kind === 'header' ? 'ok' : parsed.kind === 'malformed' ? 'malformed' : 'missing';
          if (parsed.kind === 'header') report.sessionId = parsed.header.id;
        }
        if (parsed.kind === 'entry') report.entries++;
        else if (parsed.kind === 'malformed') report.malformedLines.push(lineNo);
      },
      chunkSize,
    );
    if (options.dropMalformed && report.malformedLines.length > 0) {
      report.removedLines = dropLines(fd, file, size, new Set(report.malformedLines), clock(), chunkSize);
    }
  } finally {
    closeSync(fd);
  }
  return report;
}

/** Rewrites `file` without the numbered lines (tmp + fsync + rename); the lines go aside. */
function dropLines(fd: number, file: string, size: number, drop: Set<number>, nowMs: number, chunkSize: number): { count: number; savedTo: string } {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const removed: Buffer[] = [];
  let out: number | undefined;
  try {
    out = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const target = out;
    forEachLine(
      fd,
      size,
      (line, lineNo) => {
        if (drop.has(lineNo)) removed.push(line.bytes, Buffer.from('\n'));
        else writeSync(target, Buffer.concat([line.bytes, Buffer.from('\n')]));
      },
      chunkSize,
    );
    fsyncSync(out);
    closeSync(out);
    out = undefined;
    if (fstatSync(fd).size !== size) {
      throw new StateError('STATE_IO', `${file} changed while it was being repaired; nothing was removed`, {
        file,
        hint: 'stop the gateway (`openclaw gateway stop`) and run `openclaw doctor` again',
      });
    }
    const savedTo = asidePath(file, 'corrupt', nowMs);
    writePrivateFile(savedTo, Buffer.concat(removed));
    renameSync(tmp, file);
    syncDir(dirname(file));
    return { count: drop.size, savedTo };
  } catch (error) {
    if (out !== undefined) closeSync(out);
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed into place, or never created.
    }
    throw ioError(file, 'rewrite', error);
  }
}
