import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferJSON, initAuthCreds, proto } from '@whiskeysockets/baileys';
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from '@whiskeysockets/baileys';
import type { GatewayLogger } from '@openclaw/gateway-core';
import { TEMP_SUFFIX, ensurePrivateDirectory, writeFileAtomically } from './atomic-file.ts';

/** The session's credentials; the signal keys live next to it as `<type>-<id>.json`. */
import { CREDS_FILE } from './accounts.ts';

export { CREDS_FILE };

/**
 * A linked device's session in one directory, laid out as Baileys' `useMultiFileAuthState`
 * lays it out (so either can read the other's), but written crash-safely: every file is
 * replaced atomically, mode 0600, in a 0700 directory. Writes and reads of one file run in
 * order, so a read sees the last write queued before it.
 */
export interface WhatsAppAuthStore {
  readonly dir: string;
  /** What `makeWASocket({ auth })` takes. Baileys updates `state.creds` in place. */
  readonly state: AuthenticationState;
  /** Writes `state.creds` (on Baileys' `creds.update`). */
  saveCreds(): Promise<void>;
  /** Resolves once every write queued so far has landed on disk. */
  flush(): Promise<void>;
}

/** Options of {@link openAuthStore}. */
export interface AuthStoreOptions {
  /** Told about session files that exist but do not parse (they are treated as missing). */
  logger?: Pick<GatewayLogger, 'warn'>;
}

/**
 * Opens (creating it, 0700) the session directory `dir`. Temporary files left by a writer
 * that was killed are removed. Without `creds.json` the session starts fresh
 * (`initAuthCreds()`), which is what a QR login needs.
 */
export async function openAuthStore(dir: string, options: AuthStoreOptions = {}): Promise<WhatsAppAuthStore> {
  await ensurePrivateDirectory(dir);
  await removeFiles(dir, (name) => name.startsWith('.') && name.endsWith(TEMP_SUFFIX));
  const queue = new FileQueue();
  const read = (file: string) => queue.run(file, () => readJson(join(dir, file), options.logger));
  const write = (file: string, value: unknown) => queue.run(file, () => writeFileAtomically(join(dir, file), JSON.stringify(value, BufferJSON.replacer)));
  const remove = (file: string) => queue.run(file, () => unlink(join(dir, file)).catch(ignoreMissing));
  const creds = ((await read(CREDS_FILE)) as AuthenticationCreds | null) ?? initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: Record<string, SignalDataTypeMap[T]> = {};
      await Promise.all(
        ids.map(async (id) => {
          let value = await read(keyFileName(type, id));
          if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value);
          found[id] = value as SignalDataTypeMap[T];
        }),
      );
      return found;
    },
    async set(data: SignalDataSet) {
      const tasks: Promise<unknown>[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          const file = keyFileName(type, id);
          tasks.push(value ? write(file, value) : remove(file));
        }
      }
      await Promise.all(tasks);
    },
  };

  return {
    dir,
    state: { creds, keys },
    saveCreds: () => write(CREDS_FILE, creds),
    flush: () => queue.idle(),
  };
}

/** The session's credentials, or undefined when there are none (or they do not parse). */
export async function readCreds(dir: string): Promise<AuthenticationCreds | undefined> {
  return ((await readJson(join(dir, CREDS_FILE))) as AuthenticationCreds | null) ?? undefined;
}

/** The linked phone's JID (`15551234567:12@s.whatsapp.net`), or undefined when the session was never linked. */
export function linkedJid(creds: AuthenticationCreds | undefined): string | undefined {
  const id = creds?.me?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Deletes the session (credentials, keys, temporary files) from `dir`; the directory stays. */
export async function clearAuthStore(dir: string): Promise<void> {
  // Only the session's own files: `authDir` may point at a directory that holds others.
  await removeFiles(dir, (name) => name === CREDS_FILE || SESSION_FILE.test(name) || name.endsWith(TEMP_SUFFIX));
}

/** Baileys' key files (`<type>-<id>.json`, the types of its SignalDataTypeMap). */
const SESSION_FILE = /^(pre-key|session|sender-key|sender-key-memory|app-state-sync-key|app-state-sync-version|lid-mapping|device-list|tctoken|identity-key)-.+\.json$/;

/** Baileys' file name for a key: `/` and `:` are not safe in file names. */
function keyFileName(type: string, id: string): string {
  return `${type}-${id}.json`.replace(/\//g, '__').replace(/:/g, '-');
}

async function readJson(path: string, logger?: Pick<GatewayLogger, 'warn'>): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text, BufferJSON.reviver) as unknown;
  } catch (error) {
    logger?.warn('ignoring a damaged WhatsApp session file', { file: path, error: (error as Error).message });
    return null;
  }
}

async function removeFiles(dir: string, matches: (name: string) => boolean): Promise<void> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  await Promise.all(names.filter(matches).map((name) => unlink(join(dir, name)).catch(ignoreMissing)));
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

/** Runs tasks one after another per file, concurrently across files. */
class FileQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(file: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(file) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    this.#tails.set(file, tail);
    void tail.then(() => {
      if (this.#tails.get(file) === tail) this.#tails.delete(file);
    });
    return result;
  }

  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
