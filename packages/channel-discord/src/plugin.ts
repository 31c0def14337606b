import type { ChannelPlugin } from '@openclaw/gateway-core';
import { resolveDiscordAccounts } from './accounts.ts';
import type { DiscordAccountConfig, DiscordEnv, DiscordSection } from './accounts.ts';
import { DiscordChannel } from './channel.ts';

/** Options of {@link createDiscordPlugin}; everything has a default. */
export interface DiscordPluginOptions {
  /** Where `DISCORD_BOT_TOKEN` is read from (default `process.env`, read when accounts are resolved). */
  env?: DiscordEnv;
  /** Discord's REST API base (default discord.js's, `https://discord.com/api`); point it at a loopback fake in tests. */
  restApi?: string;
  /** How long discord.js waits for the guilds READY announced before the account counts as connected. */
  waitGuildTimeoutMs?: number;
  /** `stop()` waits at most this long for the gateway's close handshake. */
  stopTimeoutMs?: number;
}

/** Defaults of {@link DiscordPluginOptions}. */
export const DISCORD_PLUGIN_DEFAULTS = Object.freeze({
  waitGuildTimeoutMs: 15_000,
  stopTimeoutMs: 3_000,
});

/** The Discord channel plugin: `channels.discord`, one discord.js client per bot account. */
export type DiscordPlugin = ChannelPlugin<DiscordSection | undefined, DiscordAccountConfig>;

/**
 * Makes the Discord channel plugin. `channels.discord` is validated by the config layer, so
 * the plugin has no `configSchema`; `resolveAccounts` applies the schema's defaults itself.
 */
export function createDiscordPlugin(options: DiscordPluginOptions = {}): DiscordPlugin {
  const connection = {
    restApi: options.restApi,
    waitGuildTimeoutMs: options.waitGuildTimeoutMs ?? DISCORD_PLUGIN_DEFAULTS.waitGuildTimeoutMs,
    stopTimeoutMs: options.stopTimeoutMs ?? DISCORD_PLUGIN_DEFAULTS.stopTimeoutMs,
  };
  return {
    id: 'discord',
    label: 'Discord',
    resolveAccounts: (section) => resolveDiscordAccounts(section, { env: options.env ?? process.env }),
    create: (context) => new DiscordChannel(context, connection),
  };
}

/** The plugin with its defaults: real Discord, token from the config or `process.env.DISCORD_BOT_TOKEN`. */
export const discordPlugin: DiscordPlugin = createDiscordPlugin();
