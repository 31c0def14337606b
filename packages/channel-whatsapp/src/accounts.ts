import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { OpenClawConfig } from '@openclaw/config';
import type { BackoffPolicy, ChannelAccess, ChannelAccountConfig, GroupAccess } from '@openclaw/gateway-core';
import { WHATSAPP_RECONNECT_DEFAULTS } from './reconnect.ts';

/** The session's credentials file; a session directory without it was never linked. */
export const CREDS_FILE = 'creds.json';

/** `channels.whatsapp` as the config layer validated it. */
export type WhatsAppSection = NonNullable<NonNullable<OpenClawConfig['channels']>['whatsapp']>;

/** One entry of `channels.whatsapp.accounts`. */
export type WhatsAppAccountSection = NonNullable<WhatsAppSection['accounts']>[string];

/** One linked phone, with the channel-level fields it inherits applied: what `ChannelContext.config` holds. */
export interface WhatsAppAccount {
  readonly accountId: string;
  readonly dmPolicy: ChannelAccess['dmPolicy'];
  /** E.164 digits without `+` (as senders are reported), or `*`. */
  readonly allowFrom: readonly string[];
  readonly groupPolicy: ChannelAccess['groupPolicy'];
  readonly groupAllowFrom: readonly string[];
  /** Keyed by group JID (`120363…@g.us`) or `*`. */
  readonly groups: Readonly<Record<string, GroupAccess>>;
  /** Longest message the account sends (default {@link WHATSAPP_TEXT_LIMIT}). */
  readonly textChunkLimit: number;
  /** The bot runs on the owner's own number: the owner's messages in "Message yourself" reach the agent. */
  readonly selfChatMode: boolean;
  /** Mark received messages as read (blue ticks). */
  readonly sendReadReceipts: boolean;
  /** `authDir` from the config (absolute, `~/` expanded); undefined: `<stateDir>/channels/whatsapp/<account>`. */
  readonly authDir: string | undefined;
  /** Reconnect backoff after the connection drops (`reconnect`, field by field over the defaults). */
  readonly reconnect: Readonly<BackoffPolicy>;
}

/** The account built from the channel-level fields. */
export const DEFAULT_ACCOUNT_ID = 'default';
/** WhatsApp accepts longer messages, but the original splits replies at 4000 characters. */
export const WHATSAPP_TEXT_LIMIT = 4000;

const WILDCARD = '*';

/**
 * Splits `channels.whatsapp` into linked phones: `default` from the channel-level fields
 * (with `accounts.default` on top) when there are no named accounts or `accounts.default`
 * exists, plus one per other `accounts.<id>`. Named accounts inherit every field they do not
 * set (`reconnect` field by field), except `authDir`: two accounts on one session directory
 * would be one phone connected twice.
 *
 * Every account is `configured`: whether a phone is linked is only known from its session
 * files, so an unlinked account starts, fails as `auth-failed` with the login command as
 * its hint, and is restarted by the registry once `openclaw channels login` has linked it.
 * `access` carries the policy the router enforces, with phone numbers as digits (`+` dropped),
 * since that is how senders are reported.
 */
export function resolveWhatsAppAccounts(section: Partial<WhatsAppSection> | undefined): ChannelAccountConfig<WhatsAppAccount>[] {
  const base: Partial<WhatsAppSection> = section ?? {};
  const named = Object.entries(base.accounts ?? {}).filter(([id]) => id !== DEFAULT_ACCOUNT_ID);
  const ownDefault = base.accounts?.[DEFAULT_ACCOUNT_ID];
  const entries: [string, WhatsAppAccountSection][] = named.length === 0 || ownDefault !== undefined ? [[DEFAULT_ACCOUNT_ID, { authDir: base.authDir, ...ownDefault }], ...named] : named;
  return entries.map(([accountId, own]) => {
    const config = buildAccount(accountId, own, base);
    return { accountId, config, enabled: base.enabled !== false && own.enabled !== false, configured: true, access: accessOf(config) };
  });
}

function buildAccount(accountId: string, own: WhatsAppAccountSection, base: Partial<WhatsAppSection>): WhatsAppAccount {
  const reconnect = { ...WHATSAPP_RECONNECT_DEFAULTS, ...definedFields(base.reconnect), ...definedFields(own.reconnect) };
  return {
    accountId,
    dmPolicy: own.dmPolicy ?? base.dmPolicy ?? 'pairing',
    allowFrom: phoneList(own.allowFrom ?? base.allowFrom),
    groupPolicy: own.groupPolicy ?? base.groupPolicy ?? 'allowlist',
    groupAllowFrom: phoneList(own.groupAllowFrom ?? base.groupAllowFrom),
    groups: normalizeGroups(own.groups ?? base.groups ?? {}),
    textChunkLimit: own.textChunkLimit ?? base.textChunkLimit ?? WHATSAPP_TEXT_LIMIT,
    selfChatMode: own.selfChatMode ?? base.selfChatMode ?? false,
    sendReadReceipts: own.sendReadReceipts ?? base.sendReadReceipts ?? true,
    authDir: own.authDir === undefined ? undefined : expandHome(own.authDir),
    reconnect: Object.freeze(reconnect),
  };
}

/** The account's policy in the router's terms. */
function accessOf({ dmPolicy, allowFrom, groupPolicy, groupAllowFrom, groups }: WhatsAppAccount): ChannelAccess {
  return { dmPolicy, allowFrom, groupPolicy, groupAllowFrom, groups };
}

/** `+15551234567` → `15551234567`; `*` stays. */
export function normalizePhoneEntry(entry: string | number): string {
  const text = String(entry).trim();
  return text === WILDCARD ? text : text.replace(/^\+/, '').replace(/[\s()-]/g, '');
}

function phoneList(list: readonly (string | number)[] | undefined): string[] {
  return (list ?? []).map(normalizePhoneEntry);
}

function normalizeGroups(groups: Readonly<Record<string, GroupAccess>>): Record<string, GroupAccess> {
  return Object.fromEntries(
    Object.entries(groups).map(([id, group]) => [id, group.allowFrom === undefined ? group : { ...group, allowFrom: phoneList(group.allowFrom) }]),
  );
}

function definedFields<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function expandHome(path: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}

/** The account's session directory: `authDir` when set, else the account's state dir; undefined when there is neither. */
export function sessionDirOf(account: Pick<WhatsAppAccount, 'authDir'>, stateDir: string | undefined): string | undefined {
  return account.authDir ?? stateDir;
}
