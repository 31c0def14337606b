/**
 * `@openclaw/channel-discord`: the Discord channel of the openclaw gateway, on discord.js.
 *
 * Register {@link discordPlugin} (or one made by {@link createDiscordPlugin}) with the
 * gateway's `ChannelRegistry`; `channels.discord` configures its bot accounts.
 *
 * @packageDocumentation
 */
export { DISCORD_PLUGIN_DEFAULTS, createDiscordPlugin, discordPlugin } from './plugin.ts';
export type { DiscordPlugin, DiscordPluginOptions } from './plugin.ts';
export { DEFAULT_ACCOUNT_ID, DISCORD_ACCOUNT_DEFAULTS, DISCORD_TOKEN_ENV, resolveDiscordAccounts } from './accounts.ts';
export type {
  DiscordAccountConfig,
  DiscordAccountSection,
  DiscordDmPolicy,
  DiscordEnv,
  DiscordGroupPolicy,
  DiscordGuildConfig,
  DiscordSection,
  DiscordTokenSource,
} from './accounts.ts';
export { DISCORD_INTENTS } from './channel.ts';
export type { DiscordChannel, DiscordConnectionOptions } from './channel.ts';
export { DISCORD_CLOSE_CODES, MESSAGE_CONTENT_INTENT_HINT } from './errors.ts';
export { splitMessage } from './split.ts';
export type { MessageLimits } from './split.ts';

import { discordPlugin } from './plugin.ts';
export default discordPlugin;
