import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@openclaw/config';
import { normalizeId } from './credentials-format.ts';
import { StateError } from './errors.ts';
import type { FileLockOptions } from './fs-lock.ts';
import { withFileLock } from './fs-lock.ts';

/** Pairing codes use letters and digits that cannot be misread (no 0/O, 1/I/L). */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Length of a pairing code. */
export const PAIRING_CODE_LENGTH = 8;
/** A pending request expires this long after its code was issued (returning does not extend it). */
export const PAIRING_PENDING_TTL_MS = 60 * 60 * 1000;
/** At most this many requests wait per channel. */
export const PAIRING_PENDING_MAX = 3;
/** Version of `pairing.json` this code writes. */
export const PAIRING_VERSION = 1;

/** One sender waiting for the operator to approve their code. */
export interface PairingRequest {
  /** The sender's id on the channel (a Telegram user id, a Discord user id, a WhatsApp number). */
  id: string;
  code: string;
  /** ISO time the code was issued; the request expires {@link PAIRING_PENDING_TTL_MS} later. */
  createdAt: string;
  /** ISO time the sender last wrote. */
  lastSeenAt: string;
  /** What the channel knows about the sender (name, username), for `pairing list`. */
  meta?: Record<string, string> | undefined;
}

/** `<stateDir>/channels/<channel>/pairing.json`. */
export interface PairingFile {
  version: typeof PAIRING_VERSION;
  requests: PairingRequest[];
  /** Sender ids the operator approved. */
  allowFrom: string[];
}

/** A pending request as `list()` returns it. */
export interface PendingPairing extends PairingRequest {
  channel: string;
  expiresAt: string;
}

/** What happens when a new sender arrives while {@link PAIRING_PENDING_MAX} requests wait. */
export type PairingWhenFull = 'drop-oldest' | 'refuse';

/** Options of {@link PairingStore}. */
export interface PairingStoreOptions {
  stateDir: string;
  /** Epoch milliseconds now; injected by tests. */
  clock?: (() => number) | undefined;
  /**
   * `drop-oldest` (the original's behaviour, default): the request seen longest ago is
   * dropped and reported in `dropped`. `refuse`: the new sender gets PAIRING_FULL.
   */
  whenFull?: PairingWhenFull | undefined;
  /** Lock tuning for the read-modify-write of `pairing.json`. */
  lock?: FileLockOptions | undefined;
}

const DEFAULTS = Object.freeze({ clock: (): number => Date.now(), whenFull: 'drop-oldest' as PairingWhenFull, lock: Object.freeze({}) as FileLockOptions });

/** Outcome of {@link PairingStore.request}. */
export type PairingRequestResult =
  | { approved: true }
  | {
      approved: false;
      code: string;
      /** False when the sender already had a pending code (it is returned again). */
      created: boolean;
      expiresAt: string;
      /** The request dropped to make room, so the caller can tell the operator. */
      dropped?: { senderId: string; code: string } | undefined;
    };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string | number => (typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value));

function normalizeSender(senderId: string | number): string {
  const id = String(senderId).trim();
  if (id === '') throw new StateError('INVALID_ID', 'a pairing sender id must not be empty');
  return id;
}

/** Upper-cases a code the operator typed; codes compare case-insensitively. */
export function normalizePairingCode(code: string): string {
  return code.trim().toUpperCase();
}

/** A fresh code: {@link PAIRING_CODE_LENGTH} characters of {@link PAIRING_CODE_ALPHABET}, crypto-random. */
export function generatePairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

/**
 * DM pairing: unknown senders on a channel get a short code; the operator approves it with
 * `openclaw pairing approve <channel> <code>`, which moves the sender to the channel's
 * allowlist. One file per channel; every change is a read-modify-write under a cross-process
 * lock and an atomic replace (0600 in a 0700 dir), so the gateway and the CLI can both write.
 */
export class PairingStore {
  /** `<stateDir>/channels`. */
  readonly dir: string;
  readonly #clock: () => number;
  readonly #whenFull: PairingWhenFull;
  readonly #lock: FileLockOptions;

  constructor(options: PairingStoreOptions) {
    this.dir = join(options.stateDir, 'channels');
    this.#clock = options.clock ?? DEFAULTS.clock;
    this.#whenFull = options.whenFull ?? DEFAULTS.whenFull;
    this.#lock = options.lock ?? DEFAULTS.lock;
  }

  /** The pairing file of a channel. */
  fileFor(channel: string): string {
    return join(this.dir, normalizeId('channel', channel), 'pairing.json');
  }

  /**
   * A sender without access wrote: returns their pending code (the same one while it is
   * valid, with `lastSeenAt` refreshed), a new one, or `{approved: true}` if they are allowed.
   */
  async request(channel: string, senderId: string | number, meta?: Record<string, string>): Promise<PairingRequestResult> {
    const id = normalizeSender(senderId);
    return this.#mutate<PairingRequestResult>(channel, (state, now) => {
      if (state.allowFrom.includes(id)) {
        const before = state.requests.length;
        state.requests = state.requests.filter((r) => r.id !== id);
        return { changed: state.requests.length !== before, result: { approved: true } };
      }
      const nowIso = new Date(now).toISOString();
      const existing = state.requests.find((r) => r.id === id);
      if (existing) {
        existing.lastSeenAt = nowIso;
        if (meta !== undefined) existing.meta = { ...meta };
        return { changed: true, result: { approved: false, code: existing.code, created: false, expiresAt: this.#expiresAt(existing) } };
      }
      let dropped: { senderId: string; code: string } | undefined;
      if (state.requests.length >= PAIRING_PENDING_MAX) {
        if (this.#whenFull === 'refuse') {
          throw new StateError('PAIRING_FULL', `${PAIRING_PENDING_MAX} pairing requests are already waiting on ${this.#channel(channel)}`, {
            file: this.fileFor(channel),
            hint: `approve or reject one first: openclaw pairing list ${this.#channel(channel)}`,
          });
        }
        const oldest = [...state.requests].sort((a, b) => Date.parse(a.lastSeenAt) - Date.parse(b.lastSeenAt))[0] as PairingRequest;
        state.requests = state.requests.filter((r) => r !== oldest);
        dropped = { senderId: oldest.id, code: oldest.code };
      }
      const request: PairingRequest = { id, code: this.#uniqueCode(state), createdAt: nowIso, lastSeenAt: nowIso, ...(meta === undefined ? {} : { meta: { ...meta } }) };
      state.requests.push(request);
      return { changed: true, result: { approved: false, code: request.code, created: true, expiresAt: this.#expiresAt(request), ...(dropped ? { dropped } : {}) } };
    });
  }

  /** Approves a pending code: the sender moves to the allowlist. Unknown or expired: PAIRING_CODE_UNKNOWN. */
  async approve(channel: string, code: string): Promise<{ senderId: string; meta?: Record<string, string> | undefined }> {
    return this.#settle(channel, code, (state, request) => {
      if (!state.allowFrom.includes(request.id)) state.allowFrom.push(request.id);
      return { senderId: request.id, ...(request.meta ? { meta: request.meta } : {}) };
    });
  }

  /** Drops a pending code without granting access. Unknown or expired: PAIRING_CODE_UNKNOWN. */
  async reject(channel: string, code: string): Promise<{ senderId: string }> {
    return this.#settle(channel, code, (_state, request) => ({ senderId: request.id }));
  }

  /** Pending requests of one channel, or of every channel, oldest first. Expired ones are pruned. */
  async list(channel?: string): Promise<PendingPairing[]> {
    const channels = channel === undefined ? this.#channels() : [normalizeId('channel', channel)];
    const pending: PendingPairing[] = [];
    for (const ch of channels) {
      const file = this.fileFor(ch);
      const now = this.#clock();
      let state = this.#read(file);
      if (state.requests.some((r) => this.#expired(r, now))) state = await this.#mutate(ch, (s) => ({ changed: false, result: s }));
      for (const r of state.requests) pending.push({ ...r, channel: ch, expiresAt: this.#expiresAt(r) });
    }
    return pending.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }

  /** True when the operator approved this sender on this channel. Reads without locking. */
  async isAllowed(channel: string, senderId: string | number): Promise<boolean> {
    return this.#read(this.fileFor(channel)).allowFrom.includes(normalizeSender(senderId));
  }

  /** The approved sender ids of a channel (to merge with the config's `allowFrom`). */
  async allowFrom(channel: string): Promise<string[]> {
    return [...this.#read(this.fileFor(channel)).allowFrom];
  }

  /** Adds a sender to the allowlist directly; false if it was already there. */
  async allow(channel: string, senderId: string | number): Promise<boolean> {
    const id = normalizeSender(senderId);
    return this.#mutate(channel, (state) => {
      state.requests = state.requests.filter((r) => r.id !== id);
      if (state.allowFrom.includes(id)) return { changed: false, result: false };
      state.allowFrom.push(id);
      return { changed: true, result: true };
    });
  }

  /** Removes a sender from the allowlist; false if it was not there. */
  async revoke(channel: string, senderId: string | number): Promise<boolean> {
    const id = normalizeSender(senderId);
    return this.#mutate(channel, (state) => {
      const before = state.allowFrom.length;
      state.allowFrom = state.allowFrom.filter((a) => a !== id);
      return { changed: state.allowFrom.length !== before, result: state.allowFrom.length !== before };
    });
  }

  #channel(channel: string): string {
    return normalizeId('channel', channel);
  }

  #expiresAt(request: PairingRequest): string {
    return new Date(Date.parse(request.createdAt) + PAIRING_PENDING_TTL_MS).toISOString();
  }

  #expired(request: PairingRequest, now: number): boolean {
    return Date.parse(request.createdAt) + PAIRING_PENDING_TTL_MS <= now;
  }

  #uniqueCode(state: PairingFile): string {
    const taken = new Set(state.requests.map((r) => normalizePairingCode(r.code)));
    // 32^8 codes and at most 3 taken: a collision is astronomically rare, a loop is plenty.
    for (;;) {
      const code = generatePairingCode();
      if (!taken.has(code)) return code;
    }
  }

  /** Channels that have a pairing directory. */
  #channels(): string[] {
    try {
      return readdirSync(this.dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.#ioError(this.dir, error);
    }
  }

  /** Removes the request with `code` under the lock and applies `fn` to it. */
  async #settle<T>(channel: string, code: string, fn: (state: PairingFile, request: PairingRequest) => T): Promise<T> {
    const wanted = normalizePairingCode(code);
    const ch = this.#channel(channel);
    let expiredMatch: PairingRequest | undefined;
    const outcome = await this.#mutate(
      ch,
      (state) => {
        const request = state.requests.find((r) => normalizePairingCode(r.code) === wanted);
        if (!request) return { changed: false, result: undefined };
        state.requests = state.requests.filter((r) => r !== request);
        return { changed: true, result: { value: fn(state, request) } };
      },
      (pruned) => {
        expiredMatch = pruned.find((r) => normalizePairingCode(r.code) === wanted);
      },
    );
    if (outcome) return outcome.value;
    throw new StateError(
      'PAIRING_CODE_UNKNOWN',
      expiredMatch ? `pairing code ${wanted} on ${ch} expired at ${this.#expiresAt(expiredMatch)}` : `no pending pairing request with code ${wanted} on ${ch}`,
      {
        file: this.fileFor(ch),
        hint: expiredMatch ? `ask the sender to write again for a new code, then: openclaw pairing list ${ch}` : `see the pending codes: openclaw pairing list ${ch}`,
      },
    );
  }

  /**
   * Read-modify-write of a channel's file under its lock: expired requests are pruned
   * first (reported through `onPruned`), and the file is rewritten when anything changed.
   */
  async #mutate<T>(
    channel: string,
    fn: (state: PairingFile, now: number) => { changed: boolean; result: T },
    onPruned?: (pruned: PairingRequest[]) => void,
  ): Promise<T> {
    const file = this.fileFor(channel);
    return withFileLock(
      file,
      () => {
        const now = this.#clock();
        const state = this.#read(file);
        const pruned = state.requests.filter((r) => this.#expired(r, now));
        if (pruned.length > 0) {
          state.requests = state.requests.filter((r) => !pruned.includes(r));
          onPruned?.(pruned);
        }
        const { changed, result } = fn(state, now);
        if (changed || pruned.length > 0) this.#write(file, state);
        return result;
      },
      this.#lock,
    );
  }

  #ioError(path: string, error: unknown): StateError {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new StateError('STATE_IO', `cannot access ${path} (${code})`, { file: path, hint: `check that ${path} belongs to this user (ls -l ${path})`, cause: error });
  }

  #corrupt(file: string, problem: string): StateError {
    return new StateError('STATE_CORRUPT', `pairing store ${file} is corrupt: ${problem}`, {
      file,
      hint: `openclaw left it untouched (it holds the channel's approved senders): fix it by hand, or move it aside (mv ${file} ${file}.bad) to start over with an empty allowlist`,
    });
  }

  /** Reads and checks a pairing file; a missing file is an empty store, a broken one an error. */
  #read(file: string): PairingFile {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: PAIRING_VERSION, requests: [], allowFrom: [] };
      throw this.#ioError(file, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.#corrupt(file, 'it is not valid JSON');
    }
    if (!isObject(json)) throw this.#corrupt(file, 'it is not a JSON object');
    const version = json.version ?? PAIRING_VERSION;
    if (typeof version !== 'number' || version > PAIRING_VERSION) throw this.#corrupt(file, `unknown version ${String(version)} (this openclaw reads version ${PAIRING_VERSION}; a newer one may have written it)`);
    const requests = json.requests ?? [];
    const allowFrom = json.allowFrom ?? [];
    if (!Array.isArray(requests)) throw this.#corrupt(file, '"requests" is not a list');
    if (!Array.isArray(allowFrom) || !allowFrom.every(isId)) throw this.#corrupt(file, '"allowFrom" is not a list of sender ids');
    const checked: PairingRequest[] = requests.map((r: unknown, index: number) => {
      if (!isObject(r) || !isId(r.id) || typeof r.code !== 'string' || !Number.isFinite(Date.parse(String(r.createdAt)))) {
        throw this.#corrupt(file, `request #${index + 1} lacks a sender id, a code or a createdAt time`);
      }
      const lastSeenAt = Number.isFinite(Date.parse(String(r.lastSeenAt))) ? String(r.lastSeenAt) : String(r.createdAt);
      const meta = isObject(r.meta) ? Object.fromEntries(Object.entries(r.meta).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
      return { id: String(r.id).trim(), code: r.code, createdAt: String(r.createdAt), lastSeenAt, ...(meta ? { meta } : {}) };
    });
    return { version: PAIRING_VERSION, requests: checked, allowFrom: [...new Set(allowFrom.map((a) => String(a).trim()))] };
  }

  #write(file: string, state: PairingFile): void {
    try {
      writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 });
    } catch (error) {
      throw new StateError('STATE_IO', `cannot write the pairing store ${file}`, { file, hint: `check that ${this.dir} is writable by this user and the disk is not full`, cause: error });
    }
  }
}
