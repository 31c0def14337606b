import { ChannelRegistry, createLogger, memorySink } from '@openclaw/gateway-core';
import type { ChannelAccountSnapshot, ChannelRegistryOptions, InboundMessage, MemorySink } from '@openclaw/gateway-core';
import { createDiscordPlugin } from '../src/index.ts';
import type { DiscordPluginOptions, DiscordSection } from '../src/index.ts';
import { FakeDiscord } from './fake-discord.ts';
import type { FakeDiscordOptions } from './fake-discord.ts';

/** A real `ChannelRegistry` running the Discord plugin against a {@link FakeDiscord}. */
export interface Harness extends AsyncDisposable {
  discord: FakeDiscord;
  registry: ChannelRegistry;
  /** What reached the router, in order. */
  routed: InboundMessage[];
  /** Every log record (level trace and up). */
  logs: MemorySink;
  /** The default account's snapshot. */
  snapshot(accountId?: string): ChannelAccountSnapshot;
}

export interface HarnessOptions {
  fake?: FakeDiscordOptions;
  /** `channels.discord`; the default account's token is the fake's unless given. */
  section?: Partial<DiscordSection>;
  plugin?: Omit<DiscordPluginOptions, 'restApi'>;
  registry?: Partial<ChannelRegistryOptions>;
  /** Do not start the accounts. */
  idle?: boolean;
}

/** Starts a fake, a registry with the plugin, and (unless `idle`) the accounts. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const discord = await FakeDiscord.start(options.fake);
  const routed: InboundMessage[] = [];
  const logs = memorySink();
  const registry = new ChannelRegistry({
    onInbound: async (message) => {
      routed.push(message);
    },
    logger: createLogger({ sinks: [logs], level: 'trace' }),
    stopTimeoutMs: 5_000,
    ...options.registry,
  });
  const plugin = createDiscordPlugin({ env: {}, waitGuildTimeoutMs: 2_000, ...options.plugin, restApi: discord.restApi });
  const result = registry.addFromConfig(plugin, { token: discord.token, ...options.section });
  if (!result.ok) throw new Error(`config issues: ${JSON.stringify(result.issues)}`);
  if (!options.idle) await registry.startAll();
  return {
    discord,
    registry,
    routed,
    logs,
    snapshot: (accountId) => registry.account('discord', accountId).snapshot,
    async [Symbol.asyncDispose]() {
      await registry.stopAll();
      await discord.close();
    },
  };
}
