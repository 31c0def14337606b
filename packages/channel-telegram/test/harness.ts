/**
 * The plugin as the gateway runs it: a real `ChannelRegistry` with a recording router and a
 * recording log sink, the plugin pointed at a {@link FakeBotApi} on loopback.
 */
import { ChannelRegistry, createLogger, memorySink } from '@openclaw/gateway-core';
import type { ChannelAccountSnapshot, ChannelInstance, ChannelRegistryOptions, InboundMessage, MemorySink } from '@openclaw/gateway-core';
import { createTelegramPlugin } from '../src/index.ts';
import type { TelegramPlugin, TelegramPluginOptions, TelegramSection } from '../src/index.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import type { FakeBotApiOptions } from './fake-bot-api.ts';

/** Tokens in BotFather's format; the fake knows both. */
export const TOKEN = '7000001:AAFtestSecretPartOfTheToken_abc-123';
export const OTHER_TOKEN = '7000002:AAFanotherSecretPartOfTheToken_xyz';

/** Fast timings: 1 s long polls, poll backoff 100 ms doubling to 1 s without jitter. */
export const FAST: Readonly<TelegramPluginOptions> = Object.freeze({
  pollTimeoutSeconds: 1,
  pollBackoff: { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0 },
  env: {},
});

export interface HarnessOptions {
  plugin?: TelegramPluginOptions;
  registry?: Partial<ChannelRegistryOptions>;
  fake?: FakeBotApiOptions;
  /** Default true: `startAll()` before returning. */
  start?: boolean;
  /** Default: an apiRoot pointing at the fake. */
  apiRoot?: string;
}

export interface Harness extends AsyncDisposable {
  fake: FakeBotApi;
  plugin: TelegramPlugin;
  registry: ChannelRegistry;
  /** What the router received, in order. */
  routed: InboundMessage[];
  sink: MemorySink;
  account(accountId?: string): ChannelAccountSnapshot;
  instance(accountId?: string): ChannelInstance;
}

/** Starts a fake with bots {@link TOKEN} (@claw_bot) and {@link OTHER_TOKEN} (@other_bot), and a registry running `channels.telegram = section`. */
export async function startHarness(section: Partial<TelegramSection>, options: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeBotApi.start({
    bots: [
      { token: TOKEN, username: 'claw_bot', firstName: 'Claw' },
      { token: OTHER_TOKEN, username: 'other_bot', firstName: 'Other' },
    ],
    ...options.fake,
  });
  const routed: InboundMessage[] = [];
  const sink = memorySink();
  const plugin = createTelegramPlugin({ ...FAST, apiRoot: options.apiRoot ?? fake.apiRoot, ...options.plugin });
  const registry = new ChannelRegistry({
    onInbound: async (message) => {
      routed.push(message);
    },
    logger: createLogger({ sinks: [sink], level: 'debug' }),
    backoff: { initialMs: 200, maxMs: 1_000, jitter: 0 },
    ...options.registry,
  });
  const result = registry.addFromConfig(plugin, section);
  if (!result.ok) throw new Error(`bad test config: ${JSON.stringify(result.issues)}`);
  if (options.start !== false) await registry.startAll();
  return {
    fake,
    plugin,
    registry,
    routed,
    sink,
    account: (accountId) => registry.account('telegram', accountId).snapshot,
    instance: (accountId) => {
      const instance = registry.account('telegram', accountId).instance;
      if (!instance) throw new Error(`account ${accountId ?? 'default'} has no running instance`);
      return instance;
    },
    async [Symbol.asyncDispose]() {
      await registry.stopAll();
      await fake.close();
    },
  };
}

/** Resolves once `check` returns a truthy value (polled every 10 ms); rejects after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Everything an operator could see: every log line and the status payload. */
export function observable(harness: Pick<Harness, 'sink' | 'registry'>): string {
  return [...harness.sink.lines(), JSON.stringify(harness.registry.snapshot())].join('\n');
}

/** The secret half of a token, which must never be visible. */
export function secretOf(token: string): string {
  return token.slice(token.indexOf(':') + 1);
}
