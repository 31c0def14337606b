// The channel part of `openclaw gateway`: the configured channel plugins (each library
// imported only when its channel is configured, so an idle gateway without channels never
// loads grammY, discord.js or Baileys), the plugins `plugins` names, and the router that
// hands their messages to the agent.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import type { AgentRuntime } from '@openclaw/agent';
import { CHAT_METHODS_DEFAULTS, RunEventStream, defaultAgentId } from '@openclaw/agent';
import type { Broadcast } from '@openclaw/agent';
import type { Env, OpenClawConfig } from '@openclaw/config';
import type { ChannelPlugin, ChannelRegistry, GatewayLogger, InboundMessage } from '@openclaw/gateway-core';
import { createChannelRouter } from '@openclaw/gateway-core';
import { PairingStore } from '@openclaw/state';
import { loadChannelPlugins } from './gateway-plugins.ts';
import type { PluginWarning } from './gateway-plugins.ts';

type PluginFactory = (env: Env) => Promise<ChannelPlugin>;

/** The built-in channels, by config key. */
const BUILTIN_CHANNELS: Readonly<Record<string, PluginFactory>> = {
  telegram: async (env) => (await import('@openclaw/channel-telegram')).createTelegramPlugin({ env }) as unknown as ChannelPlugin,
  discord: async (env) => (await import('@openclaw/channel-discord')).createDiscordPlugin({ env }) as unknown as ChannelPlugin,
  // The light entry: Baileys loads only once an account has a session to connect with.
  whatsapp: async () => (await import('@openclaw/channel-whatsapp/plugin')).createWhatsAppPlugin() as unknown as ChannelPlugin,
};

/** A plugin that serves HTTP itself (Telegram's webhook mode). */
interface WebhookServing {
  handleWebhookRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const webhookPlugins = new WeakMap<ChannelRegistry, WebhookServing[]>();

/**
 * The gateway's `httpHandler`: the webhook routes of the channels added to `registry`
 * (Telegram's `webhookPath`s). Each plugin checks its own secret; others get false.
 */
export function channelHttpHandler(registry: ChannelRegistry): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    for (const plugin of webhookPlugins.get(registry) ?? []) if (await plugin.handleWebhookRequest(req, res)) return true;
    return false;
  };
}

/** Channel ids the config schema validates as built-ins: no plugin may take them. */
const RESERVED_CHANNEL_IDS: readonly string[] = ['telegram', 'discord', 'whatsapp'];

/** Where the gateway's config and state live, for loading plugins; and where to log what was loaded. */
export interface ChannelSources {
  configPath: string;
  stateDir: string;
  logger?: GatewayLogger;
}

/**
 * Adds every built-in channel that has a section in `channels`, then every plugin channel
 * `plugins` names (see `loadChannelPlugins`; its section is `channels.<id>`), to the registry
 * (not started yet). Returns the problems found: sections that did not validate (the accounts
 * concerned are listed as unconfigured) and plugins that could not be loaded (left out). The
 * other channels carry on either way.
 */
export async function addConfiguredChannels(registry: ChannelRegistry, config: OpenClawConfig, env: Env, sources: ChannelSources): Promise<PluginWarning[]> {
  const warnings: PluginWarning[] = [];
  const sections = (config.channels ?? {}) as Record<string, unknown>;
  for (const [id, create] of Object.entries(BUILTIN_CHANNELS)) {
    const section = sections[id];
    if (section === undefined) continue;
    const plugin = await create(env);
    const result = registry.addFromConfig(plugin, section);
    warnings.push(...result.issues);
    if (typeof (plugin as Partial<WebhookServing>).handleWebhookRequest === 'function') webhookPlugins.set(registry, [...(webhookPlugins.get(registry) ?? []), plugin as unknown as WebhookServing]);
  }
  const loaded = await loadChannelPlugins(config.plugins, { configDir: dirname(sources.configPath), stateDir: sources.stateDir, reservedIds: RESERVED_CHANNEL_IDS });
  warnings.push(...loaded.warnings);
  for (const { plugin, file, where } of loaded.plugins) {
    try {
      // A plugin without a section still runs (or is listed with what its schema misses).
      const result = registry.addFromConfig(plugin, sections[plugin.id] ?? {});
      warnings.push(...result.issues);
      sources.logger?.info('channel plugin loaded', { channel: plugin.id, file, accounts: result.accounts });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      warnings.push({ path: where, message: `${file}: plugin "${String(plugin.id)}" was not added: ${message}`, hint: 'fix the plugin, or remove it from the config' });
    }
  }
  for (const warning of warnings) sources.logger?.warn('channel setup problem', { ...warning });
  return warnings;
}

/** What the router needs from the gateway. */
export interface ChannelRouterDeps {
  config: OpenClawConfig;
  stateDir: string;
  agent: AgentRuntime;
  logger: GatewayLogger;
  /** The gateway's broadcast: channel runs emit `chat` and `agent` events like chat.send's. */
  broadcast: Broadcast;
}

/** The registry's inbound handler: access and pairing, then an agent turn, then the reply. */
export function channelRouter(registry: ChannelRegistry, deps: ChannelRouterDeps): (message: InboundMessage) => Promise<void> {
  const { config, agent } = deps;
  return createChannelRouter({
    channels: registry,
    pairing: new PairingStore({ stateDir: deps.stateDir }),
    session: () => ({ dmScope: config.session.dmScope, mainKey: config.session.mainKey, agentId: defaultAgentId(config) }),
    typingIntervalMs: config.agents.defaults.typingIntervalSeconds * 1000,
    logger: deps.logger.child({ module: 'router' }),
    abortSession: (sessionKey) => agent.abortSession(sessionKey).length,
    runTurn: async (request) => {
      // Dashboards and `openclaw chat` see channel conversations as they happen.
      const runId = randomUUID();
      const events = new RunEventStream({ broadcast: deps.broadcast, runId, sessionKey: agent.sessionKey(request.sessionKey), intervalMs: CHAT_METHODS_DEFAULTS.deltaIntervalMs, clock: Date.now });
      const handle = agent.run({
        sessionKey: request.sessionKey,
        message: request.message,
        runId,
        meta: request.meta,
        ...(request.extraSystemPrompt ? { extraSystemPrompt: request.extraSystemPrompt } : {}),
        onEvent: (event) => events.on(event),
      });
      const result = await handle.result;
      events.end(result);
      return { status: result.status, text: result.text, ...(result.error ? { error: { message: result.error.message } } : {}) };
    },
  });
}
