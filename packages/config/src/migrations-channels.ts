import type { ConfigPath } from './config-path.ts';
import {
  change,
  defineMigration,
  deleteIfEmpty,
  deleteOwn,
  fmt,
  getOwn,
  getRecordOrAbsent,
  isRecord,
  placeValue,
  relocate,
  setOwn,
} from './migrations-shared.ts';
import type { ConfigRecord, MigrationChange } from './migrations-shared.ts';

/** Channel sections that lived at the top level before `channels` existed. */
const LEGACY_CHANNEL_KEYS = ['whatsapp', 'telegram', 'discord', 'slack', 'signal', 'imessage', 'msteams'] as const;

/** Channels that `routing.groupChat.requireMention` applied to. */
const GROUP_MENTION_CHANNELS = ['whatsapp', 'telegram', 'imessage'] as const;

/**
 * The `groups."*"` entry of a channel section, created when missing; `undefined` when
 * `groups` or `groups."*"` holds something that is not an object.
 */
function defaultGroupEntry(section: ConfigRecord): ConfigRecord | undefined {
  const groups = getRecordOrAbsent(section, 'groups');
  if (groups === null) return undefined;
  const star = groups === undefined ? undefined : getRecordOrAbsent(groups, '*');
  if (star === null) return undefined;
  const nextStar = star ?? {};
  const nextGroups = groups ?? {};
  setOwn(nextGroups, '*', nextStar);
  setOwn(section, 'groups', nextGroups);
  return nextStar;
}

/** True when `defaultGroupEntry` would succeed; checked before anything is changed. */
function canHoldDefaultGroup(section: ConfigRecord): boolean {
  const groups = getRecordOrAbsent(section, 'groups');
  return groups !== null && (groups === undefined || getRecordOrAbsent(groups, '*') !== null);
}

/** #5: top-level channel sections move under `channels`. */
export const providersToChannels = defineMigration(
  5,
  'providers->channels',
  'Move the top-level whatsapp/telegram/discord/slack/signal/imessage/msteams sections under channels.*, merging into what is there.',
  (config, s) => {
    const present = LEGACY_CHANNEL_KEYS.filter((key) => isRecord(getOwn(config, key)));
    const channels = getRecordOrAbsent(config, 'channels');
    if (present.length === 0 || channels === null) return [];
    const target = channels ?? {};
    const changes: MigrationChange[] = [];
    for (const key of present) {
      // A channel entry that is not an object cannot take a merge; the validator reports both.
      if (getRecordOrAbsent(target, key) === null) continue;
      changes.push(...placeValue(s, target, key, getOwn(config, key), [key], ['channels', key]));
      deleteOwn(config, key);
    }
    if (changes.length > 0) setOwn(config, 'channels', target);
    return changes;
  },
);

/**
 * #6: `routing.allowFrom` was the WhatsApp allowlist (WhatsApp was the only channel then).
 * The original drops it when `channels.whatsapp` is not configured; we create the
 * section instead. The list is access control the user chose, and dropping it would
 * change who may reach the agent the day WhatsApp is linked; keeping it costs nothing,
 * as WhatsApp still needs a linked session (QR login) before it runs.
 */
export const routingAllowFromToWhatsApp = defineMigration(
  6,
  'routing.allowFrom->channels.whatsapp.allowFrom',
  'Move routing.allowFrom to channels.whatsapp.allowFrom (creating channels.whatsapp when it is missing).',
  (config, s) => {
    const routing = getRecordOrAbsent(config, 'routing');
    if (!routing || getOwn(routing, 'allowFrom') === undefined) return [];
    const channels = getRecordOrAbsent(config, 'channels');
    const whatsappMissing = channels === undefined || getOwn(channels ?? {}, 'whatsapp') === undefined;
    const changes = relocate(s, config, ['routing', 'allowFrom'], ['channels', 'whatsapp', 'allowFrom']);
    if (!changes) return [];
    const [first] = changes;
    if (whatsappMissing && first) {
      first.detail += ' (created channels.whatsapp to keep the allowlist; it takes effect once WhatsApp is linked)';
    }
    deleteIfEmpty(config, 'routing');
    return changes;
  },
);

/**
 * #7: the global group-mention switch becomes the `groups."*"` default of each group
 * channel that is configured. Unlike the original we do not create `telegram`/`imessage`
 * sections for it, and a legacy `channels.telegram.requireMention` (#9) is the more
 * specific setting, so telegram is left to #9 (the original let the global one win).
 */
export const routingGroupChatRequireMention = defineMigration(
  7,
  'routing.groupChat.requireMention->groups.*.requireMention',
  'Move routing.groupChat.requireMention to channels.{whatsapp,telegram,imessage}.groups."*".requireMention for the channels that are configured.',
  (config, s) => {
    const routing = getRecordOrAbsent(config, 'routing');
    const groupChat = routing ? getRecordOrAbsent(routing, 'groupChat') : undefined;
    if (!routing || !groupChat) return [];
    const value = getOwn(groupChat, 'requireMention');
    const channels = getRecordOrAbsent(config, 'channels');
    if (value === undefined || channels === null) return [];
    const sections = GROUP_MENTION_CHANNELS.flatMap((key) => {
      const section = channels ? getRecordOrAbsent(channels, key) : undefined;
      return section ? [{ key, section }] : [];
    });
    if (!sections.every(({ section }) => canHoldDefaultGroup(section))) return [];

    const from: ConfigPath = ['routing', 'groupChat', 'requireMention'];
    const moves: MigrationChange[] = [];
    const drops: MigrationChange[] = [];
    for (const { key, section } of sections) {
      if (key === 'telegram' && getOwn(section, 'requireMention') !== undefined) {
        drops.push(
          change(s, 'drop', from, undefined, `did not apply ${fmt(from)} to channels.telegram: its own channels.telegram.requireMention is more specific`),
        );
        continue;
      }
      const star = defaultGroupEntry(section);
      if (!star) continue;
      const placed = placeValue(s, star, 'requireMention', value, from, ['channels', key, 'groups', '*', 'requireMention']);
      for (const c of placed) (c.action === 'drop' ? drops : moves).push(c);
    }
    if (sections.length === 0) {
      drops.push(change(s, 'drop', from, undefined, `dropped ${fmt(from)}: none of channels.whatsapp, channels.telegram, channels.imessage is configured`));
    }
    deleteOwn(groupChat, 'requireMention');
    deleteIfEmpty(routing, 'groupChat');
    deleteIfEmpty(config, 'routing');
    // Moves first: replaying the changes, a drop must not remove the value before it is copied.
    return [...moves, ...drops];
  },
);

/**
 * #8. Unlike the original we do not also set `gateway.auth.mode: "token"`: the mode is
 * inferred as token unless a password is configured (possibly by env var), and writing
 * it explicitly would override that inference.
 */
export const gatewayTokenToAuth = defineMigration(
  8,
  'gateway.token->gateway.auth.token',
  'Move gateway.token to gateway.auth.token; drop it when gateway.auth.token is already set.',
  (config, s) => {
    return relocate(s, config, ['gateway', 'token'], ['gateway', 'auth', 'token']) ?? [];
  },
);

/** #9: telegram's own mention switch (under `channels.telegram` since #5). */
export const telegramRequireMention = defineMigration(
  9,
  'telegram.requireMention->channels.telegram.groups.*.requireMention',
  'Move channels.telegram.requireMention to channels.telegram.groups."*".requireMention.',
  (config, s) => {
    const channels = getRecordOrAbsent(config, 'channels');
    const telegram = channels ? getRecordOrAbsent(channels, 'telegram') : undefined;
    if (!telegram || getOwn(telegram, 'requireMention') === undefined || !canHoldDefaultGroup(telegram)) return [];
    defaultGroupEntry(telegram);
    return (
      relocate(s, config, ['channels', 'telegram', 'requireMention'], ['channels', 'telegram', 'groups', '*', 'requireMention']) ?? []
    );
  },
);

/** #13: the Claude CLI credential is an OAuth login; older versions recorded it as a token. */
export const claudeCliModeOauth = defineMigration(
  13,
  'auth.anthropic-claude-cli-mode-oauth',
  'Set auth.profiles["anthropic:claude-cli"].mode from "token" to "oauth".',
  (config, s) => {
    const path: ConfigPath = ['auth', 'profiles', 'anthropic:claude-cli'];
    const auth = getRecordOrAbsent(config, 'auth');
    const profiles = auth ? getRecordOrAbsent(auth, 'profiles') : undefined;
    const profile = profiles ? getRecordOrAbsent(profiles, 'anthropic:claude-cli') : undefined;
    if (!profile || getOwn(profile, 'mode') !== 'token') return [];
    setOwn(profile, 'mode', 'oauth');
    const at: ConfigPath = [...path, 'mode'];
    return [change(s, 'set', at, at, `set ${fmt(at)} from "token" to "oauth"`)];
  },
);
