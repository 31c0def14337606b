// The config schema: the zod schema of openclaw.json, its types, and its JSON Schema.
export { OpenClawConfigSchema } from './config.ts';
export type { OpenClawConfig, OpenClawConfigInput } from './config.ts';
export { CONFIG_SCHEMA_ID, configJsonSchema, schemaKeysAt } from './json-schema.ts';
export type { JsonSchema } from './json-schema.ts';
export { DEFAULT_PRIMARY_MODEL } from './agents.ts';
export type {
  AgentsConfig,
  ChannelsConfig,
  DiscordConfig,
  DmPolicy,
  GatewayBind,
  GatewayConfig,
  GroupPolicy,
  LoggingConfig,
  LogLevel,
  ModelsConfig,
  PluginsConfig,
  SessionConfig,
  TelegramConfig,
  WhatsAppConfig,
} from './types.ts';
