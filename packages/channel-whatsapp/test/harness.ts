/**
 * The plugin as the gateway runs it: a real `ChannelRegistry` with a real temporary state
 * dir, a recording router and log sink, and the plugin's sockets made by a {@link FakeWhatsApp}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ChannelRegistry, createLogger, memorySink, systemScheduler } from '@openclaw/gateway-core';
import type { ChannelAccountSnapshot, ChannelInstance, ChannelRegistryOptions, InboundMessage, MemorySink, Scheduler } from '@openclaw/gateway-core';
import { createWhatsAppPlugin, openAuthStore } from '../src/index.ts';
import type { WhatsAppPlugin, WhatsAppPluginOptions, WhatsAppSection } from '../src/index.ts';
import { BOT_LID, BOT_PHONE, FakeWhatsApp } from './fake-whatsapp.ts';

export interface HarnessOptions {
  /** `channels.whatsapp` (default `{}`). */
  section?: Partial<WhatsAppSection>;
  /** Plugin options; `createSocket` defaults to the {@link FakeWhatsApp}'s. */
  plugin?: WhatsAppPluginOptions;
  registry?: Partial<ChannelRegistryOptions>;
  /** Accounts whose session is linked before the start (default `['default']`). */
  linked?: string[];
  /** The phone number each linked account is linked as (default {@link BOT_PHONE}). */
  phones?: Record<string, string>;
  /** Default true: `startAll()` before returning. */
  start?: boolean;
}

export interface Harness extends AsyncDisposable {
  whatsapp: FakeWhatsApp;
  plugin: WhatsAppPlugin;
  registry: ChannelRegistry;
  stateDir: string;
  /** What reached the router, in order. */
  routed: InboundMessage[];
  sink: MemorySink;
  sessionDir(accountId?: string): string;
  snapshot(accountId?: string): ChannelAccountSnapshot;
  instance(accountId?: string): ChannelInstance;
}

/** Writes a linked session (creds with `me`) into `dir`, as a finished QR login leaves it. */
export async function linkSession(dir: string, phone = BOT_PHONE): Promise<void> {
  const store = await openAuthStore(dir);
  store.state.creds.me = { id: `${phone}:7@s.whatsapp.net`, lid: BOT_LID, name: 'Claw' };
  await store.saveCreds();
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const stateDir = await mkdtemp(join(tmpdir(), 'openclaw-whatsapp-'));
  const sessionDir = (accountId = 'default') => join(stateDir, 'channels', 'whatsapp', accountId);
  for (const accountId of options.linked ?? ['default']) await linkSession(sessionDir(accountId), options.phones?.[accountId]);
  const whatsapp = new FakeWhatsApp();
  const routed: InboundMessage[] = [];
  const sink = memorySink();
  const plugin = createWhatsAppPlugin({ random: () => 0, createSocket: whatsapp.createSocket, ...options.plugin });
  const registry = new ChannelRegistry({
    onInbound: async (message) => {
      routed.push(message);
    },
    logger: createLogger({ sinks: [sink], level: 'trace' }),
    stateDir,
    backoff: { initialMs: 50, maxMs: 200, jitter: 0 },
    ...options.registry,
  });
  const result = registry.addFromConfig(plugin, options.section ?? {});
  if (!result.ok) throw new Error(`bad test config: ${JSON.stringify(result.issues)}`);
  if (options.start !== false) await registry.startAll();
  return {
    whatsapp,
    plugin,
    registry,
    stateDir,
    routed,
    sink,
    sessionDir,
    snapshot: (accountId) => registry.account('whatsapp', accountId).snapshot,
    instance: (accountId) => {
      const instance = registry.account('whatsapp', accountId).instance;
      if (!instance) throw new Error(`account ${accountId ?? 'default'} has no running instance`);
      return instance;
    },
    async [Symbol.asyncDispose]() {
      await registry.stopAll();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: returns `run(options)`, which starts a harness (disposing the one before)
 * and is disposed after each test.
 */
export function harnessPerTest(): (options?: HarnessOptions) => Promise<Harness> {
  let current: Harness | undefined;
  const dispose = async () => {
    await current?.[Symbol.asyncDispose]();
    current = undefined;
  };
  afterEach(dispose);
  return async (options) => {
    await dispose();
    current = await startHarness(options);
    return current;
  };
}

/** Timers the test fires by hand; records every delay asked for. */
export class ManualScheduler implements Scheduler {
  readonly timers: { ms: number; callback: () => void; state: 'pending' | 'fired' | 'cleared' }[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { ms, callback, state: 'pending' as const };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    const timer = handle as ManualScheduler['timers'][number];
    if (timer.state === 'pending') timer.state = 'cleared';
  }

  /** Delays of the timers still pending. */
  pending(): number[] {
    return this.timers.filter((t) => t.state === 'pending').map((t) => t.ms);
  }

  /** Fires the oldest pending timer with delay `ms`. */
  fire(ms: number): void {
    const timer = this.timers.find((t) => t.state === 'pending' && t.ms === ms);
    if (!timer) throw new Error(`no pending timer of ${ms} ms (pending: ${this.pending().join(', ') || 'none'})`);
    timer.state = 'fired';
    timer.callback();
  }
}

/** Node's timers, recording each delay. */
export function recordingScheduler(delays: number[]): Scheduler {
  return {
    setTimeout: (callback, ms) => {
      delays.push(ms);
      return systemScheduler.setTimeout(callback, ms);
    },
    clearTimeout: (handle) => systemScheduler.clearTimeout(handle),
  };
}

/** Everything an operator could see: every log line and the status payload. */
export function observable(harness: Pick<Harness, 'sink' | 'registry'>): string {
  return [...harness.sink.lines(), JSON.stringify(harness.registry.snapshot())].join('\n');
}
