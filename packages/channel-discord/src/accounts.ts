import type { OpenClawConfig } from '@openclaw/config';
import type { ChannelAccess, ChannelAccountConfig, GroupAccess } from '@openclaw/gateway-core';

/** `channels.discord` as the config layer parsed it. */
export type DiscordSection = NonNullable<NonNullable<OpenClawConfig['channels']>['discord']>;

/** One entry of `channels.discord.accounts`. */
export type DiscordAccountSection = NonNullable<DiscordSection['accounts']>[string];

/** `channels.discord.guilds.<id>`: requireMention, users and per-channel settings. */
export type DiscordGuildConfig = NonNullable<DiscordSection['guilds']>[string];

/** Who may DM the bot (`pairing`, `allowlist`, `open`, `disabled`). */
export type DiscordDmPolicy = DiscordSection['dm']['policy'];

/** Which guild channels the bot answers in (`open`, `disabled`, `allowlist`). */
export type DiscordGroupPolicy = DiscordSection['groupPolicy'];

/** Where an account's bot token came from; status shows this, never the token. */
export type DiscordTokenSource = 'config' | 'env' | 'none';

/** One Discord bot account after inheritance: what `ChannelContext.config` holds. */
export interface DiscordAccountConfig {
  /** The bot token without a `Bot ` prefix; undefined when none is configured. */
  readonly token: string | undefined;
  readonly tokenSource: DiscordTokenSource;
  readonly dm: {
    readonly enabled: boolean;
    readonly policy: DiscordDmPolicy;
    readonly allowFrom: readonly (string | number)[];
  };
  readonly groupPolicy: DiscordGroupPolicy;
  /** Keyed by guild id; `"*"` holds defaults for every guild. */
  readonly guilds: Readonly<Record<string, DiscordGuildConfig>>;
  /** Longest message the plugin sends (Discord's maximum is 2000). */
  readonly textChunkLimit: number;
  /** Most lines per message, so the Discord client does not collapse tall replies. */
  readonly maxLinesPerMessage: number;
  /** REST API base (a proxy); undefined: discord.com. */
  readonly apiBaseUrl: string | undefined;
}

/** Environment variables, as `process.env`. */
export type DiscordEnv = Readonly<Record<string, string | undefined>>;

/** The env variable that holds the default account's token. */
export const DISCORD_TOKEN_ENV = 'DISCORD_BOT_TOKEN';

/** The account that `channels.discord.token` and `DISCORD_BOT_TOKEN` belong to. */
export const DEFAULT_ACCOUNT_ID = 'default';

/** What an account gets when neither it nor the channel level sets a field (as the config schema's defaults). */
export const DISCORD_ACCOUNT_DEFAULTS = Object.freeze({
  textChunkLimit: 2000,
  maxLinesPerMessage: 17,
  dmPolicy: 'pairing' as DiscordDmPolicy,
  groupPolicy: 'allowlist' as DiscordGroupPolicy,
});

/**
 * Splits `channels.discord` into bot accounts.
 *
 * - Without `accounts`, the section is one account, `default`.
 * - With `accounts`, each entry is an account that inherits every field it does not set
 *   from the channel level (`dm` field by field); `default` is added as well when the
 *   channel level has a `token` of its own.
 * - The channel-level `token` and `DISCORD_BOT_TOKEN` belong to the `default` account only:
 *   two accounts on one token would be one bot answering twice.
 * - An account without a token is `configured: false` (listed, never started).
 *
 * Tolerates an unparsed section (no defaults applied) and `undefined`.
 */
export function resolveDiscordAccounts(
  section: Partial<DiscordSection> | undefined,
  options: { env?: DiscordEnv } = {},
): ChannelAccountConfig<DiscordAccountConfig>[] {
  const base: Partial<DiscordSection> = section ?? {};
  const env = options.env ?? {};
  const named = Object.entries(base.accounts ?? {});
  const ids = named.map(([id]) => id);
  if (named.length === 0 || (normalizeToken(base.token) !== undefined && !ids.includes(DEFAULT_ACCOUNT_ID))) {
    named.unshift([DEFAULT_ACCOUNT_ID, {}]);
  }
  return named.map(([accountId, account]) => {
    const config = mergeAccount(base, account, tokenFor(accountId, base, account, env));
    return {
      accountId,
      config,
      enabled: base.enabled !== false && account.enabled !== false,
      configured: config.token !== undefined,
      access: discordAccess(config),
    };
  });
}

function mergeAccount(
  base: Partial<DiscordSection>,
  account: DiscordAccountSection,
  token: { token: string | undefined; tokenSource: DiscordTokenSource },
): DiscordAccountConfig {
  const dm = { ...base.dm, ...account.dm };
  return {
    ...token,
    dm: {
      enabled: dm.enabled !== false,
      policy: dm.policy ?? DISCORD_ACCOUNT_DEFAULTS.dmPolicy,
      allowFrom: dm.allowFrom ?? [],
    },
    groupPolicy: account.groupPolicy ?? base.groupPolicy ?? DISCORD_ACCOUNT_DEFAULTS.groupPolicy,
    guilds: account.guilds ?? base.guilds ?? {},
    textChunkLimit: account.textChunkLimit ?? base.textChunkLimit ?? DISCORD_ACCOUNT_DEFAULTS.textChunkLimit,
    maxLinesPerMessage: account.maxLinesPerMessage ?? base.maxLinesPerMessage ?? DISCORD_ACCOUNT_DEFAULTS.maxLinesPerMessage,
    apiBaseUrl: account.apiBaseUrl ?? base.apiBaseUrl,
  };
}

function tokenFor(
  accountId: string,
  base: Partial<DiscordSection>,
  account: DiscordAccountSection,
  env: DiscordEnv,
): { token: string | undefined; tokenSource: DiscordTokenSource } {
  const own = normalizeToken(account.token);
  if (own !== undefined) return { token: own, tokenSource: 'config' };
  if (accountId !== DEFAULT_ACCOUNT_ID) return { token: undefined, tokenSource: 'none' };
  const channelToken = normalizeToken(base.token);
  if (channelToken !== undefined) return { token: channelToken, tokenSource: 'config' };
  const envToken = normalizeToken(env[DISCORD_TOKEN_ENV]);
  if (envToken !== undefined) return { token: envToken, tokenSource: 'env' };
  return { token: undefined, tokenSource: 'none' };
}

/** A token as Discord wants it in `Authorization: Bot …`: trimmed, without a pasted `Bot ` prefix. */
export function normalizeToken(raw: string | undefined): string | undefined {
  const token = raw?.trim().replace(/^Bot\s+/i, '');
  return token ? token : undefined;
}

/**
 * The account's access policy for the gateway's router. Guild settings become group settings
 * keyed by guild id (messages carry it as `spaceId`), channel settings keyed by channel id;
 * `dm.enabled: false` disables DMs whatever the policy says.
 */
export function discordAccess(account: DiscordAccountConfig): ChannelAccess {
  const groups: Record<string, GroupAccess> = {};
  for (const [guildId, guild] of Object.entries(account.guilds)) {
    groups[guildId] = { requireMention: guild.requireMention, allowFrom: guild.users };
    for (const [channelId, channel] of Object.entries(guild.channels ?? {})) {
      groups[channelId] = { enabled: channel.allow, requireMention: channel.requireMention ?? guild.requireMention, allowFrom: guild.users };
    }
  }
  return {
    dmPolicy: account.dm.enabled ? account.dm.policy : 'disabled',
    allowFrom: account.dm.allowFrom,
    groupPolicy: account.groupPolicy,
    groups,
  };
}
