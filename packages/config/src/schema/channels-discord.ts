import { z } from 'zod';
import { allowFromList, dmPolicySchema, nonEmptyString, positiveInt } from './common.ts';
import { accountIdSchema, channelFields, mapValues, requireWildcardForOpenDms } from './channels-shared.ts';

/** Discord rejects messages longer than this. */
const DISCORD_MAX_TEXT = 2000;

/** Discord keeps DM settings in their own block (`dm.policy`, not `dmPolicy`), as the original does. */
const discordDmFields = {
  enabled: z.boolean().optional().describe('Answer direct messages at all.'),
  allowFrom: allowFromList()
    .optional()
    .describe('Discord user ids or names allowed to DM the bot; "*" allows everyone.'),
};

const discordDmAccountSchema = z.strictObject({ ...discordDmFields, policy: dmPolicySchema.optional() });

const discordDmSchema = z.strictObject({ ...discordDmFields, policy: dmPolicySchema.default('pairing') });

const discordGuildChannelSchema = z.strictObject({
  allow: z.boolean().optional().describe('Answer in this channel (false blocks it).'),
  requireMention: z.boolean().optional().describe('Answer only when the bot is mentioned.'),
});

const discordGuildSchema = z.strictObject({
  requireMention: z.boolean().optional().describe('Answer only when the bot is mentioned (default for the guild\'s channels).'),
  users: allowFromList().optional().describe('Discord user ids or names allowed to trigger the bot in this guild.'),
  channels: z
    .record(nonEmptyString(), discordGuildChannelSchema)
    .optional()
    .describe('Per-channel settings keyed by channel id or name.'),
});

/** Fields a Discord bot account can set; every one is optional so accounts inherit the channel's. */
const discordAccountShape = {
  enabled: channelFields.enabled().optional(),
  token: nonEmptyString()
    .optional()
    .describe('Bot token (env DISCORD_BOT_TOKEN when unset); prefer "${DISCORD_BOT_TOKEN}" over a literal.'),
  dm: discordDmAccountSchema.optional().describe('Direct-message access.'),
  groupPolicy: channelFields.groupPolicy().optional(),
  guilds: z
    .record(nonEmptyString(), discordGuildSchema)
    .optional()
    .describe('Per-guild (server) settings keyed by guild id; "*" sets defaults for every guild.'),
  textChunkLimit: channelFields.textChunkLimit(DISCORD_MAX_TEXT).optional(),
  /** Tall messages get collapsed by the Discord client, so long replies are also split by line count. */
  maxLinesPerMessage: positiveInt()
    .optional()
    .describe('Split replies that have more lines than this, so the Discord client does not collapse them.'),
  /** A REST proxy in front of discord.com (large bots share one rate limit through it). */
  apiBaseUrl: z
    .url({ protocol: /^https?$/, error: 'apiBaseUrl must be an http:// or https:// URL' })
    .optional()
    .describe('Discord REST API base, default https://discord.com/api; set it to go through a REST proxy.'),
};

const discordAccountSchema = z.strictObject(discordAccountShape);

/** `channels.discord`: the Discord bot(s). */
export const discordSchema = z
  .strictObject({
    ...discordAccountShape,
    enabled: channelFields.enabled().default(true),
    dm: discordDmSchema.prefault({}).describe('Direct-message access.'),
    groupPolicy: channelFields.groupPolicy().default('allowlist'),
    textChunkLimit: channelFields.textChunkLimit(DISCORD_MAX_TEXT).default(DISCORD_MAX_TEXT),
    maxLinesPerMessage: discordAccountShape.maxLinesPerMessage.unwrap().default(17),
    accounts: z
      .record(accountIdSchema, discordAccountSchema)
      .optional()
      .describe('Additional bots keyed by account id; each inherits the fields it does not set.'),
  })
  .superRefine((discord, ctx) => {
    requireWildcardForOpenDms(ctx, {
      channel: 'channels.discord',
      policyKey: 'dm.policy',
      allowFromPath: ['dm', 'allowFrom'],
      base: { policy: discord.dm.policy, allowFrom: discord.dm.allowFrom },
      accounts: mapValues(discord.accounts, (a) => ({ policy: a.dm?.policy, allowFrom: a.dm?.allowFrom })),
    });
  });
