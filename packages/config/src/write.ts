import { chmodSync, closeSync, constants, copyFileSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from './errors.ts';

/** How many backups of the config are kept: `.bak`, `.bak.1` … `.bak.4`. */
export const CONFIG_BACKUPS = 5;

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode (default 0600: the state dir holds secrets). */
  mode?: number;
  /** Mode of directories created on the way (default 0700). */
  dirMode?: number;
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Creates a directory (and its parents) with mode 0700, tightening one that exists with looser bits. */
export function ensurePrivateDir(dir: string, mode = 0o700): void {
  mkdirSync(dir, { recursive: true, mode });
  const current = statSync(dir).mode & 0o777;
  if ((current & ~mode) !== 0) chmodSync(dir, current & mode);
}

/**
 * Replaces a file so that no reader, and no crash, ever sees half of it: the data goes to
 * a temporary file in the same directory, is fsynced, renamed over the target, and the
 * directory is fsynced so the rename itself survives a power cut.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  const tmp = tempName(path);
  let fd: number | undefined;
  try {
    ensurePrivateDir(dir, options.dirMode ?? 0o700);
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode);
    renameSync(tmp, path);
    fsyncDirectory(dir);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file was never created or is already renamed.
    }
    throw new ConfigError('CONFIG_WRITE', `cannot write ${path}: ${(error as Error).message}`, {
      file: path,
      hint: `check that ${dir} is writable by this user and the disk is not full (df -h ${dir})`,
      cause: error,
    });
  }
}

function backupName(path: string, index: number): string {
  return index === 0 ? `${path}.bak` : `${path}.bak.${index}`;
}

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Copies `from` over `to` atomically: a hard link (or a copy) under a temporary name, then a rename. */
function replaceWithCopy(from: string, to: string): void {
  const tmp = tempName(to);
  try {
    linkSync(from, tmp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    copyFileSync(from, tmp);
  }
  renameSync(tmp, to);
  // rename() between two links of one inode (left by a crash mid-rotation) is a no-op
  // that keeps the temporary name; drop it.
  try {
    unlinkSync(tmp);
  } catch {
    // Renamed away, as usual.
  }
}

/** True while a process with this PID exists (EPERM: it exists but is not ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// `.<name>.<pid>.<12 hex>.tmp`, as tempName() makes them (for the file and its backups).
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Removes temporary files that writers killed mid-write left next to `path`. */
export function sweepStaleTemps(path: string): void {
  const prefix = `.${basename(path)}`;
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = TEMP_FILE.exec(entry);
    if (!match || !entry.startsWith(prefix)) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !isAlive(pid)) {
      try {
        unlinkSync(join(dirname(path), entry));
      } catch {
        // Another process swept it first.
      }
    }
  }
}

/**
 * Keeps the current file as `.bak` before it is replaced, shifting older backups up to
 * `.bak.4`. Every step is a copy under a temporary name and a rename, so a crash at any
 * moment leaves the config and every backup whole (at worst two backups are equal).
 */
export function rotateBackups(path: string, keep = CONFIG_BACKUPS): void {
  let current: Buffer;
  try {
    current = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError('CONFIG_WRITE', `cannot read ${path} to back it up: ${(error as Error).message}`, { file: path, cause: error });
  }
  try {
    for (let i = keep - 1; i > 0; i--) replaceWithCopy(backupName(path, i - 1), backupName(path, i));
  } catch (error) {
    throw new ConfigError('CONFIG_WRITE', `cannot rotate the backups of ${path}: ${(error as Error).message}`, {
      file: path,
      hint: `check that ${dirname(path)} is writable by this user`,
      cause: error,
    });
  }
  writeFileAtomic(backupName(path, 0), current);
}

/** Writes the config file: backups first, then an atomic replace, 0600 in a 0700 dir. */
export function writeConfigText(path: string, text: string): void {
  sweepStaleTemps(path);
  rotateBackups(path);
  writeFileAtomic(path, text);
}
