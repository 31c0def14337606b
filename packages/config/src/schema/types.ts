import type { OpenClawConfig } from './config.ts';

// Section types of a parsed config, so consumers can type what they are handed
// without spelling out index paths.
export type GatewayConfig = OpenClawConfig['gateway'];
export type GatewayBind = GatewayConfig['bind'];
export type AgentsConfig = OpenClawConfig['agents'];
export type ModelsConfig = OpenClawConfig['models'];
export type SessionConfig = OpenClawConfig['session'];
export type LoggingConfig = OpenClawConfig['logging'];
export type LogLevel = LoggingConfig['level'];
export type PluginsConfig = OpenClawConfig['plugins'];
export type ChannelsConfig = NonNullable<OpenClawConfig['channels']>;
export type TelegramConfig = NonNullable<ChannelsConfig['telegram']>;
export type DiscordConfig = NonNullable<ChannelsConfig['discord']>;
export type WhatsAppConfig = NonNullable<ChannelsConfig['whatsapp']>;
export type DmPolicy = TelegramConfig['dmPolicy'];
export type GroupPolicy = TelegramConfig['groupPolicy'];
