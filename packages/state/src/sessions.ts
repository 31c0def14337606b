// The session store of one agent: sessions.json (key -> entry) plus one transcript per
// session under <stateDir>/agents/<agentId>/sessions/. Nothing here deletes a conversation:
// reset starts a new transcript and keeps the old one; delete and prune move transcripts
// aside as `<id>.jsonl.deleted-<time>`.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { StateError } from './errors.ts';
import { isProcessAlive } from './process-info.ts';
import { SessionIndex, listTranscriptFiles } from './session-index.ts';
import type { IndexRecovery, SessionEntry, SessionIndexData } from './session-index.ts';
import { normalizeAgentId, normalizeSessionKey } from './session-key.ts';
import { asidePath, isSafeSessionId, newHeader } from './transcript-format.ts';
import type { NewTranscriptEntry, TranscriptEntry } from './transcript-format.ts';
import { readLastEntries } from './transcript-read.ts';
import { repairTranscript } from './transcript-repair.ts';
import type { TranscriptRepairReport } from './transcript-repair.ts';
import { Transcript, createTranscriptFile, io } from './transcript.ts';
import type { AppendOptions, FsyncPolicy, TornTail } from './transcript.ts';

/** Options of {@link SessionStore}: `stateDir` is required, the rest has defaults. */
export interface SessionStoreOptions {
  stateDir: string;
  /** Default `main`. */
  agentId?: string;
  /** Default `turn`: fsync the append that ends a turn. */
  fsync?: FsyncPolicy;
  /** Epoch ms; injected by tests. */
  clock?: () => number;
  /** `session.mainKey`, for short keys like `main`. */
  mainKey?: string;
  /** How long to wait for sessions.json.lock (default 10 s). */
  lockTimeoutMs?: number;
  /** Recorded in new transcript headers (the agent workspace). */
  cwd?: string;
  /** Transcripts kept open for appending; the least recently used is closed beyond this. */
  maxOpenTranscripts?: number;
  /** Told about damage found and repaired on the way; libraries do not log. */
  onWarning?: (warning: SessionWarning) => void;
}

/** Defaults of {@link SessionStoreOptions}. */
export const SESSION_STORE_DEFAULTS = Object.freeze({ agentId: 'main', fsync: 'turn' as FsyncPolicy, clock: Date.now, mainKey: 'main', lockTimeoutMs: 10_000, maxOpenTranscripts: 64 });

/** Something found and handled while working; the gateway logs these. */
export type SessionWarning =
  | { kind: 'index-recovered'; recovery: IndexRecovery }
  | { kind: 'torn-tail'; file: string; tornTail: TornTail }
  | { kind: 'malformed-lines'; file: string; offsets: number[] }
  | { kind: 'transcript-recreated'; key: string; file: string }
  | { kind: 'session-replaced'; key: string; sessionId: string }
  | { kind: 'index-update-failed'; key: string; error: Error };

/** Fields a caller may set on a session besides its identity. */
export type SessionMeta = Partial<Omit<SessionEntry, 'sessionId' | 'updatedAt'>>;

/** A session as {@link SessionStore.resolve} returns it. */
export interface ResolvedSession {
  key: string;
  entry: SessionEntry;
  /** True when this call created the session. */
  created: boolean;
  transcriptFile: string;
}

/** One row of {@link SessionStore.list}. */
export type SessionListItem = SessionEntry & { key: string };

/** Result of {@link SessionStore.delete}. */
export interface DeletedSession {
  key: string;
  sessionId: string;
  /** Where the transcript went; undefined if it did not exist. */
  movedTo?: string;
}

/** Result of {@link SessionStore.repair}. */
export interface SessionsRepairReport {
  indexFile: string;
  /** Set when sessions.json was missing or unreadable and was rebuilt, now or earlier in this store's life. */
  index?: IndexRecovery;
  /** One report per transcript file. */
  transcripts: TranscriptRepairReport[];
  /** Index entries whose transcript file does not exist (it is recreated on the next append). */
  missingTranscripts: Array<{ key: string; sessionId: string }>;
  /** Transcripts no index entry points to (left in place). */
  orphanTranscripts: string[];
  /** Temporary files of killed writers, removed. */
  staleTempFiles: string[];
}

const TOKEN_FIELDS = ['inputTokens', 'outputTokens', 'totalTokens', 'compactionCount', 'memoryFlushAt', 'memoryFlushCompactionCount', 'sessionFile'];
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** `<stateDir>/agents/<agentId>/sessions`. */
export function sessionsDirFor(stateDir: string, agentId?: string): string {
  return join(stateDir, 'agents', normalizeAgentId(agentId), 'sessions');
}

const copy = <T>(value: T): T => structuredClone(value);
const notFound = (key: string) => new StateError('SESSION_NOT_FOUND', `no session ${key}`, { hint: 'resolve the session first (a message to it creates it); `openclaw sessions` lists them' });

/** Turn usage gathered from assistant messages until the turn ends. */
interface TurnUsage {
  input: number;
  output: number;
  total?: number;
  seen: boolean;
}

/**
 * Sessions of one agent. Methods are safe to call from several processes at once: index
 * changes are serialised by the lock file, transcript appends by O_APPEND.
 */
export class SessionStore {
  readonly agentId: string;
  readonly sessionsDir: string;
  readonly indexFile: string;
  readonly #o: Required<Omit<SessionStoreOptions, 'onWarning' | 'cwd'>> & Pick<SessionStoreOptions, 'onWarning' | 'cwd'>;
  readonly #index: SessionIndex;
  readonly #open = new Map<string, Transcript>();
  readonly #opening = new Map<string, Promise<Transcript>>();
  readonly #usage = new Map<string, TurnUsage>();
  #recovery: IndexRecovery | undefined;

  constructor(options: SessionStoreOptions) {
    this.#o = { ...SESSION_STORE_DEFAULTS, ...options };
    this.agentId = normalizeAgentId(this.#o.agentId);
    this.sessionsDir = sessionsDirFor(options.stateDir, this.agentId);
    this.indexFile = join(this.sessionsDir, 'sessions.json');
    this.#index = this.#indexFor(this.agentId);
  }

  #indexFor(agentId: string): SessionIndex {
    return new SessionIndex({
      file: join(sessionsDirFor(this.#o.stateDir, agentId), 'sessions.json'),
      agentId,
      clock: this.#o.clock,
      lockTimeoutMs: this.#o.lockTimeoutMs,
      onRecovered: (recovery) => {
        if (agentId === this.agentId) this.#recovery = recovery;
        this.#o.onWarning?.({ kind: 'index-recovered', recovery });
      },
    });
  }

  /** The canonical key (see normalizeSessionKey) under this store's agent. */
  key(key: string): string {
    return normalizeSessionKey(key, { agentId: this.agentId, mainKey: this.#o.mainKey });
  }

  /** Path of a session's transcript: `sessionFile` if it names a file in the sessions dir, else `<sessionId>.jsonl`. */
  transcriptFile(entry: Pick<SessionEntry, 'sessionId' | 'sessionFile'>): string {
    const named = typeof entry.sessionFile === 'string' ? basename(entry.sessionFile) : '';
    const inDir = named.endsWith('.jsonl') && !named.startsWith('.') && (entry.sessionFile === named || entry.sessionFile === join(this.sessionsDir, named));
    return join(this.sessionsDir, inDir ? named : `${entry.sessionId}.jsonl`);
  }

  /** The session under `key`, or undefined. */
  async get(key: string): Promise<SessionEntry | undefined> {
    const entry = (await this.#index.read())[this.key(key)];
    return entry ? copy(entry) : undefined;
  }

  /**
   * Returns the session under `key`, creating it (a uuid sessionId and a transcript with its
   * header, written before the index points to it) if there is none. `meta` fields are set on
   * the entry; the index is rewritten only if they change something.
   */
  async resolve(key: string, meta: SessionMeta = {}): Promise<ResolvedSession> {
    const k = this.key(key);
    const existing = (await this.#index.read())[k];
    if (usable(k, existing) && !changes(existing, meta)) return this.#resolved(k, existing, false);
    const { result } = await this.#index.update((data) => {
      const current = data[k];
      if (usable(k, current)) {
        Object.assign(current, definedOnly(meta));
        return this.#resolved(k, current, false);
      }
      // An entry without a sessionId keeps its other fields.
      const partial: Partial<SessionEntry> = data[k] ?? {};
      const entry: SessionEntry = { ...partial, ...definedOnly(meta), sessionId: randomUUID(), updatedAt: this.#o.clock() };
      delete entry.sessionFile;
      this.#createTranscript(k, entry);
      data[k] = entry;
      return this.#resolved(k, entry, true);
    });
    return result;
  }

  #resolved(key: string, entry: SessionEntry, created: boolean): ResolvedSession {
    return { key, entry: copy(entry), created, transcriptFile: this.transcriptFile(entry) };
  }

  #createTranscript(key: string, entry: SessionEntry): void {
    const header = newHeader(entry.sessionId, this.#o.clock(), { ...(this.#o.cwd ? { cwd: this.#o.cwd } : {}), sessionKey: key });
    createTranscriptFile(this.transcriptFile(entry), header);
  }

  /** Sessions of this agent (or `agentId`), newest first, optionally by channel or recent activity. */
  async list(options: { agentId?: string; channel?: string; activeWithinMinutes?: number } = {}): Promise<SessionListItem[]> {
    const agentId = normalizeAgentId(options.agentId ?? this.agentId);
    const data = await (agentId === this.agentId ? this.#index : this.#indexFor(agentId)).read();
    const since = options.activeWithinMinutes === undefined ? -Infinity : this.#o.clock() - options.activeWithinMinutes * 60_000;
    const channel = options.channel?.toLowerCase();
    return Object.entries(data)
      .filter(([, e]) => isSafeSessionId(e?.sessionId) && (e.updatedAt ?? 0) >= since)
      .filter(([, e]) => channel === undefined || [e.channel, e.lastChannel, e.deliveryContext?.channel].some((c) => c?.toLowerCase() === channel))
      .map(([key, e]) => ({ ...copy(e), key }))
      .sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
  }

  /** The last `n` messages of a session (entries of type `message`), oldest first, read from the end of the transcript. */
  async readLast(key: string, n: number): Promise<TranscriptEntry[]> {
    const k = this.key(key);
    const entry = (await this.#index.read())[k];
    if (!usable(k, entry)) throw notFound(k);
    const file = this.transcriptFile(entry);
    const read = readLastEntries(file, n, { filter: (e) => e.type === 'message' && e.message !== undefined });
    if (read.malformedOffsets.length > 0) this.#o.onWarning?.({ kind: 'malformed-lines', file, offsets: read.malformedOffsets });
    return read.entries;
  }

  /**
   * Appends an entry to the session's transcript (one write; fsynced per the policy) and, at
   * the end of a turn (or on every append with fsync `always`), records `updatedAt` and the
   * turn's token usage in the index. Returns the entry as written. Once the transcript write
   * succeeded the entry is stored: a failed index update (e.g. LOCK_TIMEOUT) is reported as an
   * `index-update-failed` warning rather than thrown, so callers do not append it twice.
   */
  async append(key: string, input: NewTranscriptEntry, options: AppendOptions = {}): Promise<TranscriptEntry> {
    const k = this.key(key);
    const entry = (await this.#index.read())[k];
    if (!usable(k, entry)) throw notFound(k);
    const transcript = await this.#transcript(k, entry);
    const written = transcript.append(input, options);
    const usage = this.#usage.get(k) ?? { input: 0, output: 0, seen: false };
    const u = input.message?.role === 'assistant' ? input.message.usage : undefined;
    if (u) {
      usage.input += u.input ?? 0;
      usage.output += u.output ?? 0;
      usage.total = u.totalTokens ?? (u.input ?? 0) + (u.output ?? 0) + (u.cacheRead ?? 0) + (u.cacheWrite ?? 0);
      usage.seen = true;
    }
    this.#usage.set(k, usage);
    if (options.endOfTurn === true || this.#o.fsync === 'always') {
      if (options.endOfTurn === true) this.#usage.delete(k);
      try {
        await this.#index.update((data) => {
          const current = data[k];
          if (current?.sessionId !== entry.sessionId) {
            this.#o.onWarning?.({ kind: 'session-replaced', key: k, sessionId: entry.sessionId });
            return;
          }
          current.updatedAt = this.#o.clock();
          if (usage.seen) Object.assign(current, { inputTokens: usage.input, outputTokens: usage.output, totalTokens: usage.total });
        });
      } catch (error) {
        this.#o.onWarning?.({ kind: 'index-update-failed', key: k, error: error as Error });
      }
    }
    return written;
  }

  async #transcript(key: string, entry: SessionEntry): Promise<Transcript> {
    const file = this.transcriptFile(entry);
    let transcript = this.#open.get(file);
    if (transcript) {
      this.#open.delete(file); // re-insert: Map order is our LRU order
    } else {
      // Appends racing to open the same file share one open (and one descriptor).
      let opening = this.#opening.get(file);
      if (!opening) {
        const header = newHeader(entry.sessionId, this.#o.clock(), { ...(this.#o.cwd ? { cwd: this.#o.cwd } : {}), sessionKey: key });
        opening = Transcript.open(file, { header, fsync: this.#o.fsync, clock: this.#o.clock });
        this.#opening.set(file, opening);
        try {
          transcript = await opening;
        } finally {
          this.#opening.delete(file);
        }
        if (transcript.tornTail) this.#o.onWarning?.({ kind: 'torn-tail', file, tornTail: transcript.tornTail });
        if (transcript.created) this.#o.onWarning?.({ kind: 'transcript-recreated', key, file });
      } else {
        transcript = await opening;
      }
    }
    this.#open.set(file, transcript);
    for (const [oldest, t] of this.#open) {
      if (this.#open.size <= this.#o.maxOpenTranscripts) break;
      t.close();
      this.#open.delete(oldest);
    }
    return transcript;
  }

  #closeTranscript(file: string): void {
    this.#open.get(file)?.close();
    this.#open.delete(file);
  }

  /** Starts a new session under `key` (new sessionId and transcript, token counters cleared); the old transcript is kept. */
  async reset(key: string): Promise<{ previousSessionId: string; session: ResolvedSession }> {
    const k = this.key(key);
    const { result } = await this.#index.update((data) => {
      const current = data[k];
      if (!usable(k, current)) throw notFound(k);
      const previous = { sessionId: current.sessionId, file: this.transcriptFile(current) };
      const entry: SessionEntry = { ...current, sessionId: randomUUID(), updatedAt: this.#o.clock() };
      for (const field of TOKEN_FIELDS) delete entry[field];
      this.#createTranscript(k, entry);
      data[k] = entry;
      return { previous, session: this.#resolved(k, entry, true) };
    });
    this.#closeTranscript(result.previous.file);
    this.#usage.delete(k);
    return { previousSessionId: result.previous.sessionId, session: result.session };
  }

  /** Removes `key` from the index and moves its transcript to `<file>.deleted-<time>`; undefined if there was no such session. */
  async delete(key: string): Promise<DeletedSession | undefined> {
    const [deleted] = await this.#remove((data) => (data[this.key(key)] ? [this.key(key)] : []));
    return deleted;
  }

  /** Deletes (as {@link delete}) every session not updated for `olderThanDays` days. */
  async prune(options: { olderThanDays: number }): Promise<DeletedSession[]> {
    if (!(options.olderThanDays >= 0)) throw new RangeError(`olderThanDays must be a number >= 0, got ${options.olderThanDays}`);
    const cutoff = this.#o.clock() - options.olderThanDays * 86_400_000;
    return this.#remove((data) => Object.keys(data).filter((k) => typeof data[k]?.updatedAt === 'number' && data[k].updatedAt < cutoff));
  }

  async #remove(select: (data: SessionIndexData) => string[]): Promise<DeletedSession[]> {
    const { result } = await this.#index.update((data) =>
      select(data).map((key) => {
        const entry = data[key]!;
        delete data[key];
        this.#usage.delete(key);
        return { key, sessionId: String(entry.sessionId), file: isSafeSessionId(entry.sessionId) ? this.transcriptFile(entry) : undefined };
      }),
    );
    // The index no longer points at them; a crash now leaves an orphan transcript, never a dangling entry.
    return result.map(({ key, sessionId, file }) => {
      if (!file || !existsSync(file)) return { key, sessionId };
      this.#closeTranscript(file);
      const movedTo = asidePath(file, 'deleted', this.#o.clock());
      io(file, 'move aside', () => renameSync(file, movedTo));
      return { key, sessionId, movedTo };
    });
  }

  /**
   * Checks and repairs everything on disk: rebuilds an unreadable index, removes temporary
   * files of dead writers, cuts torn transcript tails and reports malformed lines (removed
   * only with `dropMalformed`, see repairTranscript), missing and orphan transcripts.
   */
  async repair(options: { dropMalformed?: boolean } = {}): Promise<SessionsRepairReport> {
    const data = await this.#index.read();
    const report: SessionsRepairReport = { indexFile: this.indexFile, transcripts: [], missingTranscripts: [], orphanTranscripts: [], staleTempFiles: [] };
    if (this.#recovery) report.index = this.#recovery;
    for (const name of existsSync(this.sessionsDir) ? readdirSync(this.sessionsDir) : []) {
      const pid = TEMP_FILE.exec(name)?.[1];
      if (pid === undefined || isProcessAlive(Number(pid))) continue;
      const path = join(this.sessionsDir, name);
      io(path, 'remove', () => unlinkSync(path));
      report.staleTempFiles.push(path);
    }
    const referenced = new Set<string>();
    for (const [key, entry] of Object.entries(data)) {
      if (!isSafeSessionId(entry?.sessionId)) continue;
      const file = this.transcriptFile(entry);
      referenced.add(file);
      if (!existsSync(file)) report.missingTranscripts.push({ key, sessionId: entry.sessionId });
    }
    for (const name of listTranscriptFiles(this.sessionsDir)) {
      const file = join(this.sessionsDir, name);
      report.transcripts.push(await repairTranscript(file, { clock: this.#o.clock, dropMalformed: options.dropMalformed === true }));
      if (!referenced.has(file)) report.orphanTranscripts.push(file);
    }
    return report;
  }

  /** Closes open transcripts (fsyncing pending appends unless the policy is `never`). */
  close(): void {
    for (const t of this.#open.values()) t.close();
    this.#open.clear();
  }
}

/** An entry we can use; an unsafe sessionId (a path) is damage, reported rather than followed. */
function usable(key: string, entry: SessionEntry | undefined): entry is SessionEntry {
  if (entry === undefined || entry === null || entry.sessionId === undefined) return false;
  if (isSafeSessionId(entry.sessionId)) return true;
  throw new StateError('STATE_CORRUPT', `session ${key} has an invalid sessionId ${JSON.stringify(entry.sessionId)}`, {
    hint: 'remove that entry from sessions.json (its transcript, if any, stays in the sessions directory), then run `openclaw doctor`',
  });
}

function definedOnly(meta: SessionMeta): SessionMeta {
  return Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined));
}

function changes(entry: SessionEntry, meta: SessionMeta): boolean {
  return Object.entries(definedOnly(meta)).some(([field, value]) => JSON.stringify(entry[field]) !== JSON.stringify(value));
}
