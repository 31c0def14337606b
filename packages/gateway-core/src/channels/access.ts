// Who may talk to a channel account: the DM policy with its allowlist (plus senders approved
// through pairing), and which groups the bot answers in, and when.

/** The parts of an inbound message access depends on (an `InboundMessage` fits). */
export interface AccessSubject {
  chatType: 'direct' | 'group' | 'channel';
  chatId: string;
  spaceId?: string | undefined;
  senderId: string;
  senderUsername?: string | undefined;
  mentioned?: boolean | undefined;
}

/** Who may DM the bot (`dmPolicy` / Discord `dm.policy`). */
export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
/** Which groups the bot answers in. */
export type GroupPolicy = 'open' | 'disabled' | 'allowlist';

/** Settings of one group (chat id), of a space (Discord guild id), or of every group (`*`). */
export interface GroupAccess {
  /** False ignores the group. */
  enabled?: boolean | undefined;
  /** Answer only when the bot is mentioned or replied to. */
  requireMention?: boolean | undefined;
  /** Senders allowed in this group (overrides the account's `groupAllowFrom`). */
  allowFrom?: readonly (string | number)[] | undefined;
  /** Extra system prompt for conversations here. */
  systemPrompt?: string | undefined;
}

/** An account's access policy, in one shape for every channel (plugins map their config to it). */
export interface ChannelAccess {
  dmPolicy: DmPolicy;
  /** Sender ids or usernames allowed to DM; `*` allows everyone. */
  allowFrom: readonly (string | number)[];
  groupPolicy: GroupPolicy;
  /** Senders allowed to trigger the bot in groups; unset or empty: anyone in an allowed group. */
  groupAllowFrom?: readonly (string | number)[] | undefined;
  /** Keyed by chat id, space id, or `*`; the most specific setting wins field by field. */
  groups?: Readonly<Record<string, GroupAccess>> | undefined;
  /** Whether groups need a mention unless a group says otherwise. Default true. */
  requireMention?: boolean | undefined;
}

/** The policy of an account that states none: pairing for DMs, no groups. */
export const DEFAULT_CHANNEL_ACCESS: ChannelAccess = Object.freeze({ dmPolicy: 'pairing', allowFrom: Object.freeze([]), groupPolicy: 'allowlist', requireMention: true });

/** Why a message is not passed to the agent. */
export type AccessRefusal = 'dm-disabled' | 'dm-not-allowed' | 'needs-pairing' | 'group-disabled' | 'group-not-allowed' | 'sender-not-allowed' | 'not-mentioned';

/** What {@link decideAccess} says about a message. */
export type AccessDecision = { allow: true; systemPrompt?: string | undefined } | { allow: false; reason: AccessRefusal };

const WILDCARD = '*';

/** True when `sender` (id, or username with or without `@`, case-insensitive) is on `list`. */
export function senderMatches(list: readonly (string | number)[] | undefined, sender: Pick<AccessSubject, 'senderId' | 'senderUsername'>): boolean {
  if (!list || list.length === 0) return false;
  const id = sender.senderId.trim();
  const username = sender.senderUsername?.trim().replace(/^@/, '').toLowerCase();
  return list.some((entry) => {
    const value = String(entry).trim();
    if (value === WILDCARD || value === id) return true;
    return username !== undefined && username !== '' && value.replace(/^@/, '').toLowerCase() === username;
  });
}

/** The settings that apply to a group: `*`, then the space, then the chat, each overriding the one before. */
export function groupSettings(access: ChannelAccess, message: Pick<AccessSubject, 'chatId' | 'spaceId'>): { listed: boolean; settings: GroupAccess } {
  const groups = access.groups ?? {};
  const keys = [WILDCARD, message.spaceId, message.chatId].filter((key): key is string => key !== undefined && Object.hasOwn(groups, key));
  const settings: GroupAccess = {};
  for (const key of keys) {
    for (const [field, value] of Object.entries(groups[key] ?? {})) if (value !== undefined) (settings as Record<string, unknown>)[field] = value;
  }
  return { listed: keys.length > 0, settings };
}

/**
 * Decides whether a message reaches the agent. `approved` are the senders approved through
 * pairing (the channel's pairing allowlist), which count as if they were on `allowFrom`.
 */
export function decideAccess(message: AccessSubject, access: ChannelAccess, approved: readonly string[] = []): AccessDecision {
  if (message.chatType === 'direct') {
    switch (access.dmPolicy) {
      case 'disabled':
        return { allow: false, reason: 'dm-disabled' };
      case 'open':
        return { allow: true };
      default:
        if (senderMatches(access.allowFrom, message) || approved.includes(message.senderId)) return { allow: true };
        return { allow: false, reason: access.dmPolicy === 'pairing' ? 'needs-pairing' : 'dm-not-allowed' };
    }
  }
  if (access.groupPolicy === 'disabled') return { allow: false, reason: 'group-disabled' };
  const { listed, settings } = groupSettings(access, message);
  if (settings.enabled === false) return { allow: false, reason: 'group-disabled' };
  if (access.groupPolicy === 'allowlist' && !listed) return { allow: false, reason: 'group-not-allowed' };
  const senders = settings.allowFrom ?? access.groupAllowFrom;
  if (senders && senders.length > 0 && !senderMatches(senders, message)) return { allow: false, reason: 'sender-not-allowed' };
  if ((settings.requireMention ?? access.requireMention ?? true) && message.mentioned !== true) return { allow: false, reason: 'not-mentioned' };
  return { allow: true, ...(settings.systemPrompt ? { systemPrompt: settings.systemPrompt } : {}) };
}
