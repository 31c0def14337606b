import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Marks a temporary file of {@link writeFileAtomically}: `.<name>.<random>.tmp`. */
export const TEMP_SUFFIX = '.tmp';

/** Creates `dir` (and parents) with mode 0700, tightening an existing directory with looser bits. */
export async function ensurePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & ~0o700) !== 0) await chmod(dir, mode & 0o700);
}

/**
 * Replaces `path` so that no reader and no crash ever sees part of it: the data goes to a
 * temporary file (mode 0600) next to it, is fsynced and renamed over the target, and the
 * directory is fsynced so the rename survives a power cut. Asynchronous, unlike the config
 * writer: Baileys writes dozens of key files at once, and the gateway must not block on them.
 */
export async function writeFileAtomically(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    const file = await open(tmp, 'wx', 0o600);
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  }
}
