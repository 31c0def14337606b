// sessions.json: sessionKey -> SessionEntry. Small and rewritten whole: every change is a
// read-modify-write under the lock file `sessions.json.lock`, written tmp + fsync + rename,
// so a reader never sees half a file. The transcripts are the truth; the index can be
// rebuilt from their headers when it is lost or unreadable.
import { chmodSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseJson5 } from '@openclaw/config';
import { withFileLock } from './fs-lock.ts';
import { normalizeSessionKey } from './session-key.ts';
import { asidePath, isSafeSessionId } from './transcript-format.ts';
import { readTranscriptHeader } from './transcript-read.ts';
import { io, writePrivateFile } from './transcript.ts';

/** Where replies to a session go (the original's `deliveryContext`). */
export interface DeliveryContext {
  channel?: string;
  to?: string;
  accountId?: string;
  threadId?: string | number;
}

/** One session in sessions.json, with the original's field names. Unknown fields are kept. */
export interface SessionEntry {
  /** uuid; the transcript is `<sessionId>.jsonl`. */
  sessionId: string;
  /** Last activity, epoch ms. */
  updatedAt: number;
  /** Transcript file name when it is not `<sessionId>.jsonl` (Telegram topics, recovered files). */
  sessionFile?: string;
  label?: string;
  displayName?: string;
  chatType?: string;
  channel?: string;
  subject?: string;
  groupChannel?: string;
  space?: string;
  origin?: unknown;
  spawnedBy?: string;
  deliveryContext?: DeliveryContext;
  lastChannel?: string;
  lastTo?: string;
  lastAccountId?: string;
  lastThreadId?: string | number;
  /** Usage of the latest turn: input and output tokens summed over its assistant messages. */
  inputTokens?: number;
  outputTokens?: number;
  /** `usage.totalTokens` of the latest assistant message: how full the context is. */
  totalTokens?: number;
  contextTokens?: number;
  compactionCount?: number;
  [field: string]: unknown;
}

/** The whole index. */
export type SessionIndexData = Record<string, SessionEntry>;

/** What rebuilding a lost or unreadable index found. */
export interface IndexRecovery {
  file: string;
  reason: 'unparsable' | 'not-an-object' | 'missing';
  /** The parser's complaint, for `unparsable`. */
  detail?: string;
  /** Where the unreadable file was moved (0600). */
  corruptCopy?: string;
  /** Sessions put back, one per key; `keyKnown` is false for transcripts without a key in their header. */
  restored: Array<{ key: string; sessionId: string; keyKnown: boolean }>;
  /** Older transcripts of a restored key (left on disk, not indexed, as after a reset). */
  superseded: Array<{ key: string; sessionId: string }>;
}

/** Options of {@link SessionIndex}. */
export interface SessionIndexOptions {
  /** Path of sessions.json; its directory holds the transcripts. */
  file: string;
  agentId: string;
  clock: () => number;
  lockTimeoutMs: number;
  /** Told whenever the index had to be rebuilt. */
  onRecovered?: ((recovery: IndexRecovery) => void) | undefined;
}

type Loaded = { data: SessionIndexData; text: string; recovery?: IndexRecovery };
type RawRead = { kind: 'ok'; stamp: string; data: SessionIndexData; text: string } | { kind: 'missing' } | { kind: 'corrupt'; reason: 'unparsable' | 'not-an-object'; detail?: string };

const LEGACY_FIELDS: Array<[string, string]> = [
  ['provider', 'channel'],
  ['lastProvider', 'lastChannel'],
  ['room', 'groupChannel'],
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Serialised form: two-space JSON, as the original writes it. */
export function serializeIndex(data: SessionIndexData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Transcript files in a sessions directory (not hidden temporaries, not `.deleted-`/`.corrupt-` copies). */
export function listTranscriptFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.jsonl') && !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Renames legacy fields (`provider` → `channel`, `lastProvider` → `lastChannel`,
 * `room` → `groupChannel`) and legacy keys (`main`, `dm:telegram:1`, see normalizeSessionKey).
 * When two keys meet, the newer session keeps the key; the other stays reachable as
 * `agent:<id>:recovered:<sessionId>`.
 */
export function migrateIndex(raw: Record<string, unknown>, agentId: string): SessionIndexData {
  const out: SessionIndexData = {};
  for (const [rawKey, value] of Object.entries(raw)) {
    const entry = (isObject(value) ? { ...value } : value) as SessionEntry;
    if (isObject(value)) {
      for (const [old, now] of LEGACY_FIELDS) {
        if (old in entry && !(now in entry)) entry[now] = entry[old];
        delete entry[old];
      }
    }
    const key = normalizeSessionKey(rawKey, { agentId });
    const other = out[key];
    if (!other) {
      out[key] = entry;
      continue;
    }
    const [keep, move] = (entry.updatedAt ?? 0) > (other.updatedAt ?? 0) ? [entry, other] : [other, entry];
    out[key] = keep;
    out[`agent:${agentId}:recovered:${String(move.sessionId).toLowerCase()}`] = move;
  }
  return out;
}

/**
 * The session index of one agent. `read()` is cached by the file's identity (inode, size,
 * mtime), so repeated reads cost one stat; `update()` is the only way to change it.
 */
export class SessionIndex {
  readonly file: string;
  readonly dir: string;
  readonly #options: SessionIndexOptions;
  #cache: { stamp: string; data: SessionIndexData; text: string } | undefined;

  constructor(options: SessionIndexOptions) {
    this.#options = options;
    this.file = options.file;
    this.dir = dirname(options.file);
  }

  /**
   * The current index. Do not mutate the result. A missing file reads as empty unless
   * transcripts exist (then, as for an unreadable file, the index is rebuilt under the lock
   * and the recovery reported through `onRecovered`).
   */
  async read(): Promise<SessionIndexData> {
    const raw = this.#readRaw();
    if (raw.kind === 'ok') return raw.data;
    if (raw.kind === 'missing' && listTranscriptFiles(this.dir).length === 0) return {};
    return (await withFileLock(this.file, () => this.#load(), { timeoutMs: this.#options.lockTimeoutMs })).data;
  }

  /**
   * Read-modify-write under the lock: `fn` changes `data` in place and returns a result.
   * The file is rewritten (atomically, 0600) only if the content changed. A recovery that
   * happened while loading is returned alongside.
   */
  async update<T>(fn: (data: SessionIndexData) => T): Promise<{ result: T; recovery?: IndexRecovery }> {
    return withFileLock(
      this.file,
      () => {
        const loaded = this.#load();
        let result: T;
        try {
          result = fn(loaded.data);
        } catch (error) {
          this.#cache = undefined; // fn may have half-changed the cached object
          throw error;
        }
        const text = serializeIndex(loaded.data);
        if (text !== loaded.text) {
          this.#cache = undefined; // re-read by identity next time: another writer may follow ours
          writePrivateFile(this.file, text);
        }
        return loaded.recovery ? { result, recovery: loaded.recovery } : { result };
      },
      { timeoutMs: this.#options.lockTimeoutMs },
    );
  }

  /** Loads the index; must be called under the lock since it may rebuild the file. */
  #load(): Loaded {
    const raw = this.#readRaw();
    if (raw.kind === 'ok') return raw;
    if (raw.kind === 'missing' && listTranscriptFiles(this.dir).length === 0) return { data: {}, text: '' };
    return this.#recover(raw.kind === 'missing' ? 'missing' : raw.reason, raw.kind === 'corrupt' ? raw.detail : undefined);
  }

  #readRaw(): RawRead {
    let stamp: string;
    try {
      const st = statSync(this.file, { bigint: true });
      stamp = `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    if (this.#cache?.stamp === stamp) return { kind: 'ok', ...this.#cache };
    const text = io(this.file, 'read', () => readFileSync(this.file, 'utf8'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      try {
        parsed = parseJson5(text, this.file); // the original reads the index with JSON5: hand edits may use it
      } catch (error) {
        return { kind: 'corrupt', reason: 'unparsable', detail: (error as Error).message };
      }
    }
    if (!isObject(parsed)) return { kind: 'corrupt', reason: 'not-an-object' };
    this.#cache = { stamp, data: migrateIndex(parsed, this.#options.agentId), text };
    return { kind: 'ok', ...this.#cache };
  }

  /**
   * Rebuilds the index from the transcript headers: the unreadable file is kept as
   * `sessions.json.corrupt-<time>`; each key's newest transcript (by mtime) gets the key back;
   * a transcript without a key in its header gets `agent:<id>:recovered:<sessionId>`.
   * Metadata (routes, levels, counters) cannot be recovered; it returns with new messages.
   */
  #recover(reason: IndexRecovery['reason'], detail: string | undefined): Loaded {
    const recovery: IndexRecovery = { file: this.file, reason, restored: [], superseded: [] };
    if (detail) recovery.detail = detail;
    if (reason !== 'missing') {
      const aside = asidePath(this.file, 'corrupt', this.#options.clock());
      io(this.file, 'move aside', () => {
        renameSync(this.file, aside);
        chmodSync(aside, 0o600);
      });
      recovery.corruptCopy = aside;
    }
    const found = listTranscriptFiles(this.dir).map((name) => {
      const path = join(this.dir, name);
      const header = readTranscriptHeader(path);
      const stem = name.slice(0, -'.jsonl'.length);
      const sessionId = isSafeSessionId(header?.id) ? header.id : stem;
      const key = typeof header?.sessionKey === 'string' ? normalizeSessionKey(header.sessionKey, { agentId: this.#options.agentId }) : undefined;
      return { name, sessionId, key, updatedAt: Math.floor(statSync(path).mtimeMs) };
    });
    const data: SessionIndexData = {};
    for (const t of found.sort((a, b) => b.updatedAt - a.updatedAt)) {
      const key = t.key ?? `agent:${this.#options.agentId}:recovered:${t.sessionId.toLowerCase()}`;
      if (data[key]) {
        recovery.superseded.push({ key, sessionId: t.sessionId });
        continue;
      }
      data[key] = { sessionId: t.sessionId, updatedAt: t.updatedAt, ...(t.name === `${t.sessionId}.jsonl` ? {} : { sessionFile: t.name }) };
      recovery.restored.push({ key, sessionId: t.sessionId, keyKnown: t.key !== undefined });
    }
    writePrivateFile(this.file, serializeIndex(data));
    this.#cache = undefined;
    this.#options.onRecovered?.(recovery);
    return { data, text: serializeIndex(data), recovery };
  }
}
