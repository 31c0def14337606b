// The plugin's entry is light: Baileys (about 55 MB of RSS: its protobuf definitions and the
// WASM signal bridge) is imported only when an account has a session to connect with, or a
// login starts. A configured but never linked account costs nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WABrowserDescription } from '@whiskeysockets/baileys';
import { systemScheduler } from '@openclaw/gateway-core';
import type { ChannelContext, ChannelInstance, ChannelLoginFlow, ChannelPlugin, OutboundMessage, ProbeResult, Scheduler, SendResult } from '@openclaw/gateway-core';
import { CREDS_FILE, resolveWhatsAppAccounts, sessionDirOf } from './accounts.ts';
import type { WhatsAppAccount, WhatsAppSection } from './accounts.ts';
import type { WhatsAppRuntime } from './channel.ts';
import { notLinkedError } from './errors.ts';
import type { CreateWhatsAppSocket } from './socket.ts';

/** Options of {@link createWhatsAppPlugin}; everything has a default (see {@link WHATSAPP_PLUGIN_DEFAULTS}). */
export interface WhatsAppPluginOptions {
  /** Makes the Baileys socket (default `createBaileysSocket`, Baileys' `makeWASocket`); tests pass a fake. */
  createSocket?: CreateWhatsAppSocket;
  /** How the linked device is named in the phone's "Linked devices" (default `['Ubuntu', 'OpenClaw', …]`). */
  browser?: WABrowserDescription;
  /** WhatsApp's WebSocket URL (default Baileys', `wss://web.whatsapp.com/ws/chat`). */
  waWebSocketUrl?: string;
  /** Uniform in [0, 1), for reconnect jitter (default `Math.random`). */
  random?: () => number;
  /** Timers of reconnects and logins (default: Node's, unref'd). */
  scheduler?: Scheduler;
  /** How long `web.login.start` waits for WhatsApp's first QR code. */
  loginQrTimeoutMs?: number;
  /** How long `web.login.wait` waits for the scan when the caller gives no timeout. */
  loginWaitTimeoutMs?: number;
  /** A started login that nobody finishes is closed after this long. */
  loginTtlMs?: number;
}

/** Defaults of {@link WhatsAppPluginOptions}. */
export const WHATSAPP_PLUGIN_DEFAULTS = Object.freeze({
  loginQrTimeoutMs: 30_000,
  loginWaitTimeoutMs: 120_000,
  loginTtlMs: 300_000,
});

/** The WhatsApp channel plugin: `channels.whatsapp`, one linked phone (Baileys socket) per account, and the QR login. */
export type WhatsAppPlugin = ChannelPlugin<WhatsAppSection | undefined, WhatsAppAccount>;

/**
 * Makes the WhatsApp channel plugin. `channels.whatsapp` is validated by the config layer,
 * so the plugin has no `configSchema`; {@link resolveWhatsAppAccounts} applies the defaults.
 */
export function createWhatsAppPlugin(options: WhatsAppPluginOptions = {}): WhatsAppPlugin {
  let runtime: Promise<WhatsAppRuntime> | undefined;
  const loadRuntime = (): Promise<WhatsAppRuntime> =>
    (runtime ??= (async () => {
      const socket = options.createSocket !== undefined && options.browser !== undefined ? undefined : await import('./socket.ts');
      return {
        createSocket: options.createSocket ?? (socket as typeof import('./socket.ts')).createBaileysSocket,
        browser: options.browser ?? (socket as typeof import('./socket.ts')).DEFAULT_BROWSER,
        waWebSocketUrl: options.waWebSocketUrl,
        random: options.random ?? Math.random,
        scheduler: options.scheduler ?? systemScheduler,
      };
    })());
  let flow: Promise<ChannelLoginFlow<WhatsAppAccount>> | undefined;
  const loadLogin = (): Promise<ChannelLoginFlow<WhatsAppAccount>> =>
    (flow ??= (async () => {
      const { WhatsAppLogin } = await import('./login.ts');
      return new WhatsAppLogin(await loadRuntime(), {
        qrTimeoutMs: options.loginQrTimeoutMs ?? WHATSAPP_PLUGIN_DEFAULTS.loginQrTimeoutMs,
        waitTimeoutMs: options.loginWaitTimeoutMs ?? WHATSAPP_PLUGIN_DEFAULTS.loginWaitTimeoutMs,
        ttlMs: options.loginTtlMs ?? WHATSAPP_PLUGIN_DEFAULTS.loginTtlMs,
      });
    })());
  return {
    id: 'whatsapp',
    label: 'WhatsApp',
    resolveAccounts: resolveWhatsAppAccounts,
    create: (context) =>
      new DeferredChannel(context, async () => {
        const { WhatsAppChannel } = await import('./channel.ts');
        return new WhatsAppChannel(context, await loadRuntime());
      }),
    login: {
      start: async (context, startOptions) => (await loadLogin()).start(context, startOptions),
      wait: async (context, waitOptions) => (await loadLogin()).wait(context, waitOptions),
    },
  };
}

/**
 * An account's instance until it has a session: `start()` refuses a never-linked account
 * without loading Baileys, and otherwise loads the real channel and hands everything to it.
 */
class DeferredChannel implements ChannelInstance {
  readonly textLimit: number;
  readonly #context: ChannelContext<WhatsAppAccount>;
  readonly #load: () => Promise<ChannelInstance>;
  #real: ChannelInstance | undefined;
  #stopped = false;

  constructor(context: ChannelContext<WhatsAppAccount>, load: () => Promise<ChannelInstance>) {
    this.#context = context;
    this.#load = load;
    this.textLimit = context.config.textChunkLimit;
  }

  async start(): Promise<void> {
    const dir = sessionDirOf(this.#context.config, this.#context.stateDir);
    if (dir === undefined || !existsSync(join(dir, CREDS_FILE))) throw notLinkedError(this.#context.accountId);
    const real = await this.#load();
    // Stopped while Baileys was loading (seconds on a small VPS): never start, or the real
    // channel would claim the session directory with nobody left to release it.
    if (this.#stopped || this.#context.signal.aborted) throw new Error('start aborted');
    this.#real = real;
    await real.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#real?.stop();
  }

  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    if (!this.#real) throw notLinkedError(this.#context.accountId);
    return this.#real.send(target, message);
  }

  async sendTyping(target: string, options?: { threadId?: string }): Promise<void> {
    await this.#real?.sendTyping?.(target, options);
  }

  async probe(options: { signal: AbortSignal }): Promise<ProbeResult> {
    if (!this.#real?.probe) return { ok: false, error: 'not linked' };
    return this.#real.probe(options);
  }
}

/** The plugin with its defaults: the real WhatsApp through Baileys. */
export const whatsappPlugin: WhatsAppPlugin = createWhatsAppPlugin();
