import type { WABrowserDescription } from '@whiskeysockets/baileys';
import { systemScheduler } from '@openclaw/gateway-core';
import type { ChannelPlugin, Scheduler } from '@openclaw/gateway-core';
import { resolveWhatsAppAccounts } from './accounts.ts';
import type { WhatsAppAccount, WhatsAppSection } from './accounts.ts';
import { WhatsAppChannel } from './channel.ts';
import { WhatsAppLogin } from './login.ts';
import { DEFAULT_BROWSER, createBaileysSocket } from './socket.ts';
import type { CreateWhatsAppSocket } from './socket.ts';

/** Options of {@link createWhatsAppPlugin}; everything has a default (see {@link WHATSAPP_PLUGIN_DEFAULTS}). */
export interface WhatsAppPluginOptions {
  /** Makes the Baileys socket (default {@link createBaileysSocket}, Baileys' `makeWASocket`); tests pass a fake. */
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
  const runtime = {
    createSocket: options.createSocket ?? createBaileysSocket,
    browser: options.browser ?? DEFAULT_BROWSER,
    waWebSocketUrl: options.waWebSocketUrl,
    random: options.random ?? Math.random,
    scheduler: options.scheduler ?? systemScheduler,
  };
  const login = new WhatsAppLogin(runtime, {
    qrTimeoutMs: options.loginQrTimeoutMs ?? WHATSAPP_PLUGIN_DEFAULTS.loginQrTimeoutMs,
    waitTimeoutMs: options.loginWaitTimeoutMs ?? WHATSAPP_PLUGIN_DEFAULTS.loginWaitTimeoutMs,
    ttlMs: options.loginTtlMs ?? WHATSAPP_PLUGIN_DEFAULTS.loginTtlMs,
  });
  return {
    id: 'whatsapp',
    label: 'WhatsApp',
    resolveAccounts: resolveWhatsAppAccounts,
    create: (context) => new WhatsAppChannel(context, runtime),
    login,
  };
}

/** The plugin with its defaults: the real WhatsApp through Baileys. */
export const whatsappPlugin: WhatsAppPlugin = createWhatsAppPlugin();
