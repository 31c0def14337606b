import { StateError, parseSessionKey } from '@openclaw/state';
import type { SessionListItem, SessionStore, TranscriptEntry } from '@openclaw/state';
import { ERROR_CODES, GatewayProtocolError } from '../protocol/index.ts';
import type { Gateway } from '../server/gateway.ts';
import { registerAll } from './register-all.ts';
import * as v from '../validation/shape.ts';
import type { Infer } from '../validation/shape.ts';

/** What the `sessions.*` methods need. */
export interface SessionMethodsDeps {
  /**
   * The session store of an agent (the default agent without an id). Called on every
   * request: return a cached store per agent, not a new one.
   */
  sessions: (agentId?: string) => SessionStore;
  /** Epoch milliseconds for `ts` (default `Date.now`). */
  clock?: () => number;
}

/** One row of `sessions.list`: the index fields a list shows, nothing more. */
export interface SessionRow {
  key: string;
  sessionId: string;
  updatedAt: number;
  channel?: string;
  chatType?: string;
  displayName?: string;
  label?: string;
  totalTokens?: number;
}

/** One session of `sessions.preview`. */
export interface SessionPreview {
  key: string;
  /** `missing`: no such session; `error`: its transcript could not be read (see `error`). */
  status: 'ok' | 'empty' | 'missing' | 'error';
  messages: { role: string; text: string }[];
  error?: string;
}

const key = v.string({ trim: true, min: 1, tooShort: 'key must not be empty' });
const listParams = v.object({
  limit: v.optional(v.int({ min: 1 })),
  activeMinutes: v.optional(v.number({ positive: true })),
  agentId: v.optional(v.string({ trim: true, min: 1 })),
  search: v.optional(v.string()),
});
const previewParams = v.object({
  keys: v.array(key, { min: 1, max: 100 }),
  limit: v.withDefault(v.int({ min: 1, max: 100 }), 5),
  maxChars: v.withDefault(v.int({ min: 20, max: 20_000 }), 200),
});
const keyParams = v.object({ key });
/** Params of `sessions.list`. */
export type SessionsListParams = Infer<typeof listParams>;
/** Params of `sessions.preview`. */
export type SessionsPreviewParams = Infer<typeof previewParams>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The store a key belongs to (by its `agent:<id>:` prefix) and the key in canonical form. */
function storeFor(deps: SessionMethodsDeps, raw: string): { store: SessionStore; key: string } {
  const fallback = deps.sessions();
  const canonical = fallback.key(raw);
  const agentId = parseSessionKey(canonical)?.agentId;
  return { store: agentId === undefined || agentId === fallback.agentId ? fallback : deps.sessions(agentId), key: canonical };
}

function toRow(item: SessionListItem): SessionRow {
  const channel = str(item.channel) ?? str(item.lastChannel) ?? str(item.deliveryContext?.channel);
  const optional = { channel, chatType: str(item.chatType), displayName: str(item.displayName), label: str(item.label) };
  return {
    key: item.key,
    sessionId: item.sessionId,
    updatedAt: item.updatedAt,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    ...(typeof item.totalTokens === 'number' ? { totalTokens: item.totalTokens } : {}),
  };
}

/** `sessions.list`: newest first, filtered by activity and a case-insensitive search. */
export async function listSessions(deps: SessionMethodsDeps, params: SessionsListParams): Promise<{ ts: number; count: number; sessions: SessionRow[] }> {
  const store = params.agentId === undefined ? deps.sessions() : deps.sessions(params.agentId);
  const items = await store.list(params.activeMinutes === undefined ? {} : { activeWithinMinutes: params.activeMinutes });
  const needle = params.search?.trim().toLowerCase();
  const matching = needle
    ? items.filter((item) => [item.key, item.sessionId, item.displayName, item.label, item.subject].some((field) => typeof field === 'string' && field.toLowerCase().includes(needle)))
    : items;
  const sessions = matching.slice(0, params.limit ?? matching.length).map(toRow);
  // As the original: `count` is the number of rows returned.
  return { ts: (deps.clock ?? Date.now)(), count: sessions.length, sessions };
}

/** The readable text of a transcript message: text blocks, with placeholders for the rest. */
function messageText(entry: TranscriptEntry): string {
  const content = entry.message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts = content.map((block: unknown) => {
    const b = (typeof block === 'object' && block !== null ? block : {}) as Record<string, unknown>;
    if (b.type === 'text') return str(b.text) ?? '';
    if (b.type === 'image') return '[image]';
    if (b.type === 'toolCall' || b.type === 'tool_use') return `[tool: ${str(b.name) ?? 'call'}]`;
    return ''; // thinking and unknown blocks are not shown in a preview
  });
  return parts.filter((part) => part !== '').join(' ');
}

function truncate(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars - 1)}…`;
}

/** `sessions.preview`: the last messages of each session; one bad session does not fail the rest. */
export async function previewSessions(deps: SessionMethodsDeps, params: SessionsPreviewParams): Promise<{ ts: number; previews: SessionPreview[] }> {
  const previews = await Promise.all(
    params.keys.map(async (raw): Promise<SessionPreview> => {
      let target: { store: SessionStore; key: string } | undefined;
      try {
        target = storeFor(deps, raw);
        const entries = await target.store.readLast(target.key, params.limit);
        const messages = entries.map((entry) => ({ role: str(entry.message?.role) ?? 'unknown', text: truncate(messageText(entry), params.maxChars) }));
        return { key: target.key, status: messages.length > 0 ? 'ok' : 'empty', messages };
      } catch (error) {
        const missing = error instanceof StateError && error.code === 'SESSION_NOT_FOUND';
        return { key: target?.key ?? raw, status: missing ? 'missing' : 'error', messages: [], ...(missing ? {} : { error: (error as Error).message }) };
      }
    }),
  );
  return { ts: (deps.clock ?? Date.now)(), previews };
}

/** `sessions.reset`: a new sessionId and transcript under the key; the old transcript is kept. */
export async function resetSession(deps: SessionMethodsDeps, raw: string): Promise<{ ok: true; key: string; sessionId: string; previousSessionId: string }> {
  const { store, key: canonical } = storeFor(deps, raw);
  try {
    const { previousSessionId, session } = await store.reset(canonical);
    return { ok: true, key: session.key, sessionId: session.entry.sessionId, previousSessionId };
  } catch (error) {
    if (error instanceof StateError && error.code === 'SESSION_NOT_FOUND') throw new GatewayProtocolError(ERROR_CODES.INVALID_REQUEST, `no session ${canonical}`);
    throw error;
  }
}

/** `sessions.delete`: removes the key; its transcript is moved aside, never deleted. */
export async function deleteSession(deps: SessionMethodsDeps, raw: string): Promise<{ ok: true; key: string; deleted: boolean }> {
  const { store, key: canonical } = storeFor(deps, raw);
  const deleted = await store.delete(canonical);
  return { ok: true, key: canonical, deleted: deleted !== undefined };
}

/** Registers `sessions.list`, `sessions.preview`, `sessions.reset` and `sessions.delete`; returns their removal. */
export function registerSessionMethods(gateway: Pick<Gateway, 'registerMethod'>, deps: SessionMethodsDeps): () => void {
  return registerAll(gateway, [
    (g) => g.registerMethod('sessions.list', { params: listParams, handler: (params) => listSessions(deps, params) }),
    (g) => g.registerMethod('sessions.preview', { params: previewParams, handler: (params) => previewSessions(deps, params) }),
    (g) => g.registerMethod('sessions.reset', { params: keyParams, handler: (params) => resetSession(deps, params.key) }),
    (g) => g.registerMethod('sessions.delete', { params: keyParams, handler: (params) => deleteSession(deps, params.key) }),
  ]);
}
