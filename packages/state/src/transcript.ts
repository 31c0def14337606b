// Appending to a transcript crash-safely. Each entry is ONE write() of a complete line on an
// O_APPEND descriptor: the kernel places it at the end of the file as a unit, so two
// processes appending to the same transcript never interleave, and a crash can only leave
// an unterminated last line, which the next open cuts off and keeps aside.
import { closeSync, constants, existsSync, fchmodSync, fdatasyncSync, fstatSync, ftruncateSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from '@openclaw/config';
import { StateError } from './errors.ts';
import { asidePath, newEntryId, parseTranscriptLine, serializeEntry } from './transcript-format.ts';
import type { NewTranscriptEntry, TranscriptEntry, TranscriptHeader } from './transcript-format.ts';
import { DEFAULT_CHUNK_SIZE, completeEnd, linesBackward, readAt, soundEnd } from './transcript-read.ts';

/**
 * When appends reach the disk: `always` fsyncs every append; `turn` (default) fsyncs the
 * append that ends a turn, so a crash loses at most the turn in progress; `never` leaves it
 * to the kernel (a process crash loses nothing, a power cut may lose recent turns).
 */
export type FsyncPolicy = 'always' | 'turn' | 'never';

/** Options of {@link Transcript.open}. */
export interface TranscriptOptions {
  fsync?: FsyncPolicy;
  clock?: () => number;
  chunkSize?: number;
  /** Written as line 1 when the file does not exist yet or is empty; without it a missing file is an error. */
  header?: TranscriptHeader;
}

/** Defaults of {@link TranscriptOptions}. */
export const TRANSCRIPT_DEFAULTS = Object.freeze({ fsync: 'turn' as FsyncPolicy, clock: Date.now, chunkSize: DEFAULT_CHUNK_SIZE });

/** A torn last line that was cut off. */
export interface TornTail {
  /** Where the file now ends. */
  offset: number;
  bytes: number;
  /** The cut bytes, kept (0600). */
  savedTo: string;
}

/** How long to wait before judging a last line torn: a live writer may be half-way through it. */
const SETTLE_MS = 25;
/** Remembered entry ids; beyond this the set restarts (ids are 32 random bits; this only lowers collision odds). */
const MAX_REMEMBERED_IDS = 50_000;
const NEWLINE = 0x0a;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A STATE_IO error for a failed filesystem step on `file`, with an operator hint. */
export function ioError(file: string, what: string, error: unknown): StateError {
  if (error instanceof StateError) return error;
  return new StateError('STATE_IO', `cannot ${what} ${file}: ${(error as Error).message}`, {
    file,
    hint: `check that ${dirname(file)} is writable by this user and the disk is not full (df -h ${dirname(file)})`,
    cause: error,
  });
}

/** Runs a filesystem step, turning its failure into a STATE_IO error that names the file. */
export function io<T>(file: string, what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw ioError(file, what, error);
  }
}

/** Writes a whole 0600 file atomically (tmp + fsync + rename), as a STATE_IO error on failure. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  io(file, 'write', () => writeFileAtomic(file, data, { mode: 0o600 }));
}

/**
 * Creates `file` holding `header` as line 1, complete or not at all, and only if it does not
 * exist: the line is written and fsynced under a temporary name and hard-linked into place.
 * Returns false when the file already exists.
 */
export function createTranscriptFile(file: string, header: TranscriptHeader): boolean {
  const dir = dirname(file);
  ensurePrivateDir(dir);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  return io(file, 'create', () => {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, `${JSON.stringify(header)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      unlinkSync(tmp);
    }
    syncDir(dir);
    return true;
  });
}

/** Fsyncs a directory so a rename or link in it survives a power cut. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the link itself is still atomic.
  }
}

/**
 * Cuts a torn last line off the open file `fd`: one with no newline, or one that does not
 * parse. The bytes go to `<file>.corrupt-<time>` (0600) before the file is truncated. If the
 * file changes meanwhile, another process is writing that line: it is left alone. Residual
 * risk: a live writer in another process stalled for over SETTLE_MS inside one write (e.g.
 * throttled by dirty-page writeback) looks torn; only open and repair cut, never append.
 */
export async function cutTornTail(fd: number, file: string, clock: () => number, chunkSize = DEFAULT_CHUNK_SIZE): Promise<TornTail | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const size = fstatSync(fd).size;
    const end = soundEnd(fd, size, chunkSize);
    if (end === size) return undefined;
    await sleep(SETTLE_MS);
    if (fstatSync(fd).size !== size) continue;
    const savedTo = asidePath(file, 'corrupt', clock());
    writePrivateFile(savedTo, readAt(fd, end, size - end));
    io(file, 'truncate', () => {
      ftruncateSync(fd, end);
      fdatasyncSync(fd);
    });
    return { offset: end, bytes: size - end, savedTo };
  }
  return undefined;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * True if the file ends inside a line whose writer is gone. Another process's write in
 * progress is visible part-way (the kernel copies it page by page), so a last line without
 * its newline only counts as torn once the size has stood still for SETTLE_MS.
 */
function endsMidLine(fd: number, size: number): boolean {
  const deadline = Date.now() + 40 * SETTLE_MS;
  let current = size;
  let stableSince = Date.now();
  for (;;) {
    if (current === 0 || readAt(fd, current - 1, 1)[0] === NEWLINE) return false;
    if (Date.now() - stableSince >= SETTLE_MS || Date.now() > deadline) return true;
    Atomics.wait(pause, 0, 0, 1); // a synchronous 1 ms sleep: append() is synchronous
    const now = fstatSync(fd).size;
    if (now !== current) {
      current = now;
      stableSince = Date.now();
    }
  }
}

/** Options of {@link Transcript.append}. */
export interface AppendOptions {
  /** This append completes a turn: with fsync policy `turn` it is fsynced before returning. */
  endOfTurn?: boolean;
}

/**
 * An open transcript `<sessionId>.jsonl`. {@link Transcript.open} repairs a torn tail;
 * {@link Transcript.append} adds one entry with one write. Use one instance per process and
 * file; several processes may append to the same file.
 */
export class Transcript {
  readonly file: string;
  /** What opening cut off, if the last line was torn. */
  readonly tornTail: TornTail | undefined;
  /** True when opening created the file (or wrote the header into an empty one). */
  readonly created: boolean;
  /** What this instance did: appends written and fsyncs issued (the fsync policy made visible). */
  readonly stats = { appends: 0, syncs: 0 };
  #fd: number | undefined;
  readonly #fsync: FsyncPolicy;
  readonly #clock: () => number;
  readonly #chunkSize: number;
  /** File size after our last write: a different size means another process wrote. */
  #end = 0;
  #lastId: string | null = null;
  #ids = new Set<string>();
  #dirty = false;

  private constructor(file: string, fd: number, options: Required<Omit<TranscriptOptions, 'header'>>, tornTail: TornTail | undefined, created: boolean) {
    this.file = file;
    this.#fd = fd;
    this.#fsync = options.fsync;
    this.#clock = options.clock;
    this.#chunkSize = options.chunkSize;
    this.tornTail = tornTail;
    this.created = created;
  }

  /** Opens (or with `header`, creates) a transcript for appending, cutting off a torn last line. */
  static async open(file: string, options: TranscriptOptions = {}): Promise<Transcript> {
    const settings = { ...TRANSCRIPT_DEFAULTS, ...options };
    let created = options.header !== undefined && !existsSync(file) && createTranscriptFile(file, options.header);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDWR | constants.O_APPEND);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StateError('SESSION_NOT_FOUND', `transcript ${file} does not exist`, { file, hint: 'run `openclaw doctor` to check the session store' });
      }
      throw ioError(file, 'open', error);
    }
    try {
      if ((fstatSync(fd).mode & 0o077) !== 0) fchmodSync(fd, 0o600);
      const tornTail = await cutTornTail(fd, file, settings.clock, settings.chunkSize);
      if (fstatSync(fd).size === 0 && options.header) {
        writeSync(fd, `${JSON.stringify(options.header)}\n`);
        fdatasyncSync(fd);
        created = true;
      }
      const transcript = new Transcript(file, fd, settings, tornTail, created);
      transcript.#learnTail(256);
      return transcript;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * Reads the ids of up to `limit` entries at the end of the file (the newest becomes the
   * parent), looking no further back than one chunk once the newest is known.
   */
  #learnTail(limit: number): void {
    const fd = this.#fd!;
    const size = fstatSync(fd).size;
    const end = completeEnd(fd, size, this.#chunkSize);
    this.#end = size;
    this.#lastId = null;
    let seen = 0;
    for (const line of linesBackward(fd, end, this.#chunkSize)) {
      if (this.#lastId !== null && line.start < end - this.#chunkSize) break;
      const parsed = parseTranscriptLine(line.bytes.toString('utf8'));
      if (parsed.kind !== 'entry') continue;
      if (typeof parsed.entry.id === 'string') {
        this.#lastId ??= parsed.entry.id;
        this.#ids.add(parsed.entry.id);
      }
      if (++seen >= limit) break;
    }
  }

  /**
   * Appends one entry as one line with a single write, filling in `id` (8 hex), `parentId`
   * (the last entry's id) and `timestamp`. Returns the entry as written. Throws STATE_IO
   * when the write fails or is short (disk full); a short line is terminated so the damage
   * stays within that line.
   */
  append(input: NewTranscriptEntry, options: AppendOptions = {}): TranscriptEntry {
    const fd = this.#fd;
    if (fd === undefined) throw new StateError('STATE_IO', `transcript ${this.file} is closed`, { file: this.file });
    const size = fstatSync(fd).size;
    let prefix = '';
    if (size !== this.#end) {
      // Another process wrote since our last append: learn its last entry, and if it died
      // mid-line, start on a fresh line so our entry stays whole (the fragment is skipped on read).
      if (endsMidLine(fd, size)) prefix = '\n';
      this.#learnTail(1);
    }
    if (this.#ids.size >= MAX_REMEMBERED_IDS) this.#ids = new Set();
    const entry: TranscriptEntry = {
      ...input,
      type: input.type,
      id: newEntryId((id) => this.#ids.has(id)),
      parentId: this.#lastId,
      timestamp: new Date(this.#clock()).toISOString(),
    };
    const bytes = Buffer.from(prefix + serializeEntry(entry), 'utf8');
    const written = io(this.file, 'append to', () => writeSync(fd, bytes));
    if (written !== bytes.length) {
      try {
        writeSync(fd, '\n');
      } catch {
        // Nothing more to do: the next open or append starts a fresh line.
      }
      this.#end = -1;
      throw new StateError('STATE_IO', `short write to ${this.file}: ${written} of ${bytes.length} bytes`, {
        file: this.file,
        hint: `the disk is probably full (df -h ${dirname(this.file)}); the partial line is skipped when read`,
      });
    }
    this.#end = size + written;
    this.#lastId = entry.id;
    this.#ids.add(entry.id);
    this.#dirty = true;
    this.stats.appends++;
    if (this.#fsync === 'always' || (this.#fsync === 'turn' && options.endOfTurn === true)) this.sync();
    return entry;
  }

  /** Forces appended entries to disk. */
  sync(): void {
    if (this.#fd === undefined || !this.#dirty) return;
    const fd = this.#fd;
    io(this.file, 'fsync', () => fdatasyncSync(fd));
    this.#dirty = false;
    this.stats.syncs++;
  }

  /** Closes the file, fsyncing pending appends unless the policy is `never`. */
  close(): void {
    if (this.#fd === undefined) return;
    try {
      if (this.#fsync !== 'never') this.sync();
    } finally {
      closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}
