// Session keys name a conversation: which agent, which channel, which peer or group.
// They are the keys of sessions.json; transcripts are named by sessionId, never by key.

/** Agent id used when none is given. */
export const DEFAULT_AGENT_ID = 'main';
/** Main session key suffix when `session.mainKey` is not set. */
export const DEFAULT_MAIN_KEY = 'main';
/** Account id of a channel with a single bot account. */
export const DEFAULT_ACCOUNT_ID = 'default';

/** `session.dmScope`: how direct messages map to sessions. */
export type DmScope = 'main' | 'per-peer' | 'per-channel-peer' | 'per-account-channel-peer';

/** Where a thread id is attached: Telegram forum topics use `:topic:`, everything else `:thread:`. */
export type ThreadKind = 'thread' | 'topic';

interface KeyBase {
  /** Normalised to `[a-z0-9_-]{1,64}`; default `main`. */
  agentId?: string | undefined;
}

/** What a session key is built from. Ids may be numbers (Telegram chat ids). */
export type SessionKeyInput =
  | (KeyBase & { kind: 'main'; mainKey?: string | undefined })
  | (KeyBase & {
      kind: 'dm';
      channel: string;
      peerId: string | number;
      accountId?: string | undefined;
      /** Default `main`: every DM shares the main session. */
      dmScope?: DmScope | undefined;
      mainKey?: string | undefined;
      threadId?: string | number | undefined;
      threadKind?: ThreadKind | undefined;
    })
  | (KeyBase & {
      kind: 'group' | 'channel';
      channel: string;
      id: string | number;
      threadId?: string | number | undefined;
      /** Default: `topic` for Telegram groups, `thread` otherwise. */
      threadKind?: ThreadKind | undefined;
    });

const VALID_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Normalises an agent id to `[a-z0-9_-]{1,64}` (invalid runs become `-`); empty gives `main`. */
export function normalizeAgentId(value: string | undefined | null): string {
  const trimmed = (value ?? '').trim();
  if (!trimmed) return DEFAULT_AGENT_ID;
  if (VALID_ID.test(trimmed)) return trimmed.toLowerCase();
  const cleaned = trimmed
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
  return cleaned || DEFAULT_AGENT_ID;
}

/** Normalises a channel account id the same way; empty gives `default`. */
export function normalizeAccountId(value: string | undefined | null): string {
  const trimmed = (value ?? '').trim();
  return trimmed ? normalizeAgentId(trimmed) : DEFAULT_ACCOUNT_ID;
}

/** Lower-cases and trims one key part; an empty part becomes `unknown` so keys never have `::`. */
function part(value: string | number | undefined | null): string {
  return String(value ?? '').trim().toLowerCase() || 'unknown';
}

function mainKeyOf(mainKey: string | undefined): string {
  return (mainKey ?? '').trim().toLowerCase() || DEFAULT_MAIN_KEY;
}

/** `agent:<agentId>:<mainKey>`, e.g. `agent:main:main`. */
export function buildMainSessionKey(agentId?: string, mainKey?: string): string {
  return `agent:${normalizeAgentId(agentId)}:${mainKeyOf(mainKey)}`;
}

/**
 * Builds the session key of a conversation, as the original does (src/routing/session-key.ts):
 * - main: `agent:<a>:<mainKey>`
 * - DM by `dmScope`: `main` → the main key; `per-peer` → `agent:<a>:dm:<peer>`;
 *   `per-channel-peer` → `agent:<a>:<channel>:dm:<peer>`;
 *   `per-account-channel-peer` → `agent:<a>:<channel>:<account>:dm:<peer>`
 * - group / channel: `agent:<a>:<channel>:group:<id>` / `agent:<a>:<channel>:channel:<id>`
 * - a thread appends `:thread:<id>` (`:topic:<id>` for Telegram forum topics).
 * Every part is trimmed and lower-cased.
 */
export function buildSessionKey(input: SessionKeyInput): string {
  const agent = normalizeAgentId(input.agentId);
  let base: string;
  let threadKind: ThreadKind = 'thread';
  if (input.kind === 'main') return buildMainSessionKey(agent, input.mainKey);
  if (input.kind === 'dm') {
    const channel = part(input.channel);
    const peer = part(input.peerId);
    switch (input.dmScope ?? 'main') {
      case 'main':
        base = buildMainSessionKey(agent, input.mainKey);
        break;
      case 'per-peer':
        base = `agent:${agent}:dm:${peer}`;
        break;
      case 'per-channel-peer':
        base = `agent:${agent}:${channel}:dm:${peer}`;
        break;
      case 'per-account-channel-peer':
        base = `agent:${agent}:${channel}:${normalizeAccountId(input.accountId)}:dm:${peer}`;
        break;
    }
  } else {
    const channel = part(input.channel);
    base = `agent:${agent}:${channel}:${input.kind}:${part(input.id)}`;
    if (channel === 'telegram' && input.kind === 'group') threadKind = 'topic';
  }
  const threadId = String(input.threadId ?? '').trim();
  return threadId ? `${base}:${input.threadKind ?? threadKind}:${threadId.toLowerCase()}` : base;
}

/** Options of {@link normalizeSessionKey}. */
export interface NormalizeKeyOptions {
  /** Agent a short (legacy) key belongs to; default `main`. */
  agentId?: string | undefined;
  /** `session.mainKey`; default `main`. */
  mainKey?: string | undefined;
}

/**
 * Canonical form of a session key: trimmed, lower-cased, agent-scoped. Mapping of legacy
 * short keys (the seed's `main`, `dm:telegram:123`; older `<channel>:group:<id>`):
 * - empty, `main` or the configured main key → `agent:<a>:<mainKey>`
 * - `global` stays `global` (the original's scope=global key)
 * - `dm:<channel>:<peer>` → `agent:<a>:<channel>:dm:<peer>` (the per-channel-peer key, the only
 *   scope that keeps both parts the legacy key carries)
 * - `group:<channel>:<id>` / `channel:<channel>:<id>` → `agent:<a>:<channel>:group|channel:<id>`
 * - `agent:<x>:<rest>` keeps its rest, with `<x>` normalised
 * - anything else (`cron:<job>`, `hook:<uuid>`, `subagent:…`, `telegram:group:1`) →
 *   `agent:<a>:<key>`, as the original's toAgentStoreSessionKey does.
 */
export function normalizeSessionKey(key: string, options: NormalizeKeyOptions = {}): string {
  const raw = key.trim().toLowerCase();
  const agent = normalizeAgentId(options.agentId);
  const mainKey = mainKeyOf(options.mainKey);
  if (!raw || raw === DEFAULT_MAIN_KEY || raw === mainKey) return `agent:${agent}:${mainKey}`;
  if (raw === 'global') return raw;
  const parts = raw.split(':');
  if (parts[0] === 'agent' && parts.length >= 2) {
    const rest = parts.slice(2).join(':');
    return `agent:${normalizeAgentId(parts[1])}:${rest || mainKey}`;
  }
  const [head, channel, ...id] = parts;
  if ((head === 'dm' || head === 'group' || head === 'channel') && channel && id.length > 0) {
    return `agent:${agent}:${channel}:${head}:${id.join(':')}`;
  }
  return `agent:${agent}:${raw}`;
}

/** What a canonical session key says about its conversation. */
export interface ParsedSessionKey {
  agentId: string;
  /** Everything after `agent:<agentId>:`. */
  rest: string;
  kind: 'main' | 'dm' | 'group' | 'channel' | 'other';
  /** For `main`: the main key. */
  mainKey?: string;
  /** For DMs: the scope the key was built with (`main`-scoped DMs parse as `main`). */
  dmScope?: Exclude<DmScope, 'main'>;
  channel?: string;
  accountId?: string;
  peerId?: string;
  /** Group or channel id. */
  id?: string;
  threadId?: string;
  threadKind?: ThreadKind;
}

const DM_MARKERS = new Set(['dm', 'direct']); // later originals write `direct`

/**
 * Splits a canonical key (see {@link normalizeSessionKey}) into its parts; null for keys that
 * are not `agent:<id>:<rest>` (e.g. `global`). Peer and group ids may contain `:`; the thread
 * suffix is the last `:thread:` or `:topic:`.
 */
export function parseSessionKey(key: string): ParsedSessionKey | null {
  const parts = key.trim().toLowerCase().split(':');
  if (parts.length < 3 || parts[0] !== 'agent' || !parts[1]) return null;
  const agentId = normalizeAgentId(parts[1]);
  const rest = parts.slice(2).join(':');
  if (!rest) return null;
  const parsed: ParsedSessionKey = { agentId, rest, kind: 'other' };
  let base = rest;
  const thread = rest.lastIndexOf(':thread:');
  const topic = rest.lastIndexOf(':topic:');
  const at = Math.max(thread, topic);
  if (at > 0) {
    parsed.threadKind = at === thread ? 'thread' : 'topic';
    parsed.threadId = rest.slice(at + parsed.threadKind.length + 2);
    base = rest.slice(0, at);
  }
  const segs = base.split(':');
  const join = (from: number) => segs.slice(from).join(':');
  if (segs.length === 1) return { ...parsed, kind: 'main', mainKey: segs[0]! };
  if (DM_MARKERS.has(segs[0]!)) return { ...parsed, kind: 'dm', dmScope: 'per-peer', peerId: join(1) };
  if (segs.length >= 3 && DM_MARKERS.has(segs[1]!)) {
    return { ...parsed, kind: 'dm', dmScope: 'per-channel-peer', channel: segs[0]!, peerId: join(2) };
  }
  if (segs.length >= 3 && (segs[1] === 'group' || segs[1] === 'channel')) {
    return { ...parsed, kind: segs[1], channel: segs[0]!, id: join(2) };
  }
  if (segs.length >= 4 && DM_MARKERS.has(segs[2]!)) {
    return { ...parsed, kind: 'dm', dmScope: 'per-account-channel-peer', channel: segs[0]!, accountId: segs[1]!, peerId: join(3) };
  }
  return parsed;
}
