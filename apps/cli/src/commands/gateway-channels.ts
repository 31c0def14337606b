// The channel part of `openclaw gateway`: the configured channel plugins (each library
// imported only when its channel is configured, so an idle gateway without channels never
// loads grammY, discord.js or Baileys) and the router that hands their messages to the agent.
import type { AgentRuntime } from '@openclaw/agent';
import { defaultAgentId } from '@openclaw/agent';
import type { Env, OpenClawConfig } from '@openclaw/config';
import type { ChannelConfigIssue, ChannelPlugin, ChannelRegistry, GatewayLogger, InboundMessage } from '@openclaw/gateway-core';
import { createChannelRouter } from '@openclaw/gateway-core';
import { PairingStore } from '@openclaw/state';

type PluginFactory = (env: Env) => Promise<ChannelPlugin>;

/** The built-in channels, by config key. */
const BUILTIN_CHANNELS: Readonly<Record<string, PluginFactory>> = {
  telegram: async (env) => (await import('@openclaw/channel-telegram')).createTelegramPlugin({ env }) as unknown as ChannelPlugin,
  discord: async (env) => (await import('@openclaw/channel-discord')).createDiscordPlugin({ env }) as unknown as ChannelPlugin,
};

/**
 * Adds every built-in channel that has a section in `channels` to the registry (not started
 * yet). Returns the problems found in those sections; the accounts concerned are listed
 * as unconfigured and the other channels carry on.
 */
export async function addConfiguredChannels(registry: ChannelRegistry, config: OpenClawConfig, env: Env): Promise<ChannelConfigIssue[]> {
  const issues: ChannelConfigIssue[] = [];
  const sections = (config.channels ?? {}) as Record<string, unknown>;
  for (const [id, create] of Object.entries(BUILTIN_CHANNELS)) {
    const section = sections[id];
    if (section === undefined) continue;
    const result = registry.addFromConfig(await create(env), section);
    issues.push(...result.issues);
  }
  return issues;
}

/** What the router needs from the gateway. */
export interface ChannelRouterDeps {
  config: OpenClawConfig;
  stateDir: string;
  agent: AgentRuntime;
  logger: GatewayLogger;
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
    runTurn: async (request) => {
      const result = await agent.run({ sessionKey: request.sessionKey, message: request.message, meta: request.meta, ...(request.extraSystemPrompt ? { extraSystemPrompt: request.extraSystemPrompt } : {}) }).result;
      return { status: result.status, text: result.text, ...(result.error ? { error: { message: result.error.message } } : {}) };
    },
  });
}
