// The transcript file format of pi-coding-agent's SessionManager (version 3), which the
// original writes: one JSON object per line, a `session` header first.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';

/** Version written in transcript headers (pi-coding-agent CURRENT_SESSION_VERSION). */
export const TRANSCRIPT_VERSION = 3;

/** Line 1 of a transcript. */
export interface TranscriptHeader {
  type: 'session';
  version: number;
  /** The sessionId; the file is `<id>.jsonl`. */
  id: string;
  timestamp: string;
  cwd?: string;
  parentSession?: string;
  /**
   * Our addition: the session key the transcript was created for, so that a lost or
   * corrupt sessions.json can be rebuilt with its keys. Readers of the original ignore it.
   */
  sessionKey?: string;
  [field: string]: unknown;
}

/** Token usage of an assistant message (pi-ai `Usage`). */
export interface MessageUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  totalTokens?: number;
  cost?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number; total?: number };
}

/** A pi-ai message: `user`, `assistant` or `toolResult`. */
export interface TranscriptMessage {
  role: string;
  content: unknown;
  usage?: MessageUsage;
  timestamp?: number;
  [field: string]: unknown;
}

/** One transcript line after the header. */
export interface TranscriptEntry {
  /** `message`, `compaction`, `model_change`, `thinking_level_change`, `custom`, … */
  type: string;
  /** 8 hex digits. */
  id: string;
  /** Id of the entry before it, or null for the first. */
  parentId: string | null;
  timestamp: string;
  message?: TranscriptMessage;
  [field: string]: unknown;
}

/** What a caller appends: the writer fills in `id`, `parentId` and `timestamp`. */
export interface NewTranscriptEntry {
  type: string;
  message?: TranscriptMessage;
  [field: string]: unknown;
}

/** One parsed line. Blank lines are `blank` and never count as damage. */
export type ParsedLine =
  | { kind: 'header'; header: TranscriptHeader }
  | { kind: 'entry'; entry: TranscriptEntry }
  | { kind: 'blank' }
  | { kind: 'malformed' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one line (without its newline). Anything but a JSON object with a string `type` is malformed. */
export function parseTranscriptLine(text: string): ParsedLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'malformed' };
  }
  if (!isObject(value) || typeof value.type !== 'string') return { kind: 'malformed' };
  if (value.type === 'session' && typeof value.id === 'string') return { kind: 'header', header: value as TranscriptHeader };
  return { kind: 'entry', entry: value as TranscriptEntry };
}

/** A new 8-hex entry id; `taken` lets the writer avoid ids it knows are used. */
export function newEntryId(taken: (id: string) => boolean): string {
  for (let i = 0; i < 16; i++) {
    const id = randomUUID().slice(0, 8);
    if (!taken(id)) return id;
  }
  return randomUUID(); // as the original does on a collision: the full uuid
}

/** A header for a new transcript. */
export function newHeader(sessionId: string, nowMs: number, extra: Partial<TranscriptHeader> = {}): TranscriptHeader {
  return { type: 'session', version: TRANSCRIPT_VERSION, id: sessionId, timestamp: new Date(nowMs).toISOString(), ...extra };
}

/** Serialises an entry as one line: `type, id, parentId, timestamp` first, as the original orders them. */
export function serializeEntry(entry: TranscriptEntry): string {
  const { type, id, parentId, timestamp, ...rest } = entry;
  return `${JSON.stringify({ type, id, parentId, timestamp, ...rest })}\n`;
}

/**
 * A path next to `file` for keeping something aside: `<file>.<label>-<ISO time with - for :>`,
 * e.g. `abc.jsonl.corrupt-2026-02-05T10-11-12.345Z`, with `-1`, `-2`… if that exists.
 */
export function asidePath(file: string, label: string, nowMs: number): string {
  const base = `${file}.${label}-${new Date(nowMs).toISOString().replace(/:/g, '-')}`;
  let candidate = base;
  for (let i = 1; existsSync(candidate); i++) candidate = `${base}-${i}`;
  return candidate;
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True for a session id that is safe as a file name (no path separators, no leading dot). */
export function isSafeSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}
