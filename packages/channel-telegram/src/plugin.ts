import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveBackoff } from '@openclaw/gateway-core';
import type { BackoffPolicy, ChannelPlugin } from '@openclaw/gateway-core';
import { resolveAccounts } from './accounts.ts';
import type { TelegramAccount, TelegramSection } from './accounts.ts';
import { TelegramChannel } from './instance.ts';
import { WebhookRoutes } from './webhooks.ts';

/** Options of {@link createTelegramPlugin}; all optional (see {@link TELEGRAM_PLUGIN_DEFAULTS}). */
export interface TelegramPluginOptions {
  /** Bot API server without a trailing slash (default `https://api.telegram.org`); tests pass a loopback fake. */
  apiRoot?: string;
  /** Where `TELEGRAM_BOT_TOKEN` is read, at `resolveAccounts` time (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `getUpdates` long-poll timeout in seconds. */
  pollTimeoutSeconds?: number;
  /** Delay between failed polls (409 Conflict, 429, 5xx, network), overriding the defaults field by field. */
  pollBackoff?: Partial<BackoffPolicy>;
  /** Uniform in [0, 1), for backoff jitter (default `Math.random`). */
  random?: () => number;
  /** How many 429 answers one `send` waits out before failing. */
  sendRetries?: number;
  /** A 429 asking to wait longer than this fails the send instead. */
  maxRetryAfterSeconds?: number;
  /** How long `stop()` may spend confirming already handled updates to Telegram. */
  stopConfirmTimeoutMs?: number;
}

/**
 * Defaults of {@link TelegramPluginOptions}. The poll backoff is the original's: 2 s growing
 * ×1.8 to at most 30 s, up to 25 % jitter, for ever.
 */
export const TELEGRAM_PLUGIN_DEFAULTS = Object.freeze({
  pollTimeoutSeconds: 30,
  pollBackoff: Object.freeze({ initialMs: 2_000, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: Number.POSITIVE_INFINITY }),
  sendRetries: 2,
  maxRetryAfterSeconds: 60,
  stopConfirmTimeoutMs: 1_500,
});

/** The Telegram channel plugin, plus the entry point for webhook-mode accounts. */
export interface TelegramPlugin extends ChannelPlugin<TelegramSection, TelegramAccount> {
  /**
   * Serves Telegram's webhook POSTs for the running webhook-mode accounts (checking the
   * secret header). Resolves false, without answering, when the request's path is not one of
   * theirs, so it can sit in front of other routes. The gateway's HTTP server is not wired
   * to it here: the CLI mounts it.
   */
  handleWebhookRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The local paths {@link handleWebhookRequest} serves now. */
  webhookPaths(): string[];
}

/**
 * Makes the `telegram` channel plugin: accounts from `channels.telegram` (see
 * {@link resolveAccounts}), each a grammY bot on long polling (or a webhook when
 * `webhookUrl` is set). Use one plugin per process: a bot token can be run by one account only.
 */
export function createTelegramPlugin(options: TelegramPluginOptions = {}): TelegramPlugin {
  const webhooks = new WebhookRoutes();
  const runtime = {
    apiRoot: options.apiRoot,
    pollTimeoutSeconds: options.pollTimeoutSeconds ?? TELEGRAM_PLUGIN_DEFAULTS.pollTimeoutSeconds,
    pollBackoff: resolveBackoff({ ...TELEGRAM_PLUGIN_DEFAULTS.pollBackoff, ...options.pollBackoff }),
    random: options.random ?? Math.random,
    sendRetries: options.sendRetries ?? TELEGRAM_PLUGIN_DEFAULTS.sendRetries,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? TELEGRAM_PLUGIN_DEFAULTS.maxRetryAfterSeconds,
    stopConfirmTimeoutMs: options.stopConfirmTimeoutMs ?? TELEGRAM_PLUGIN_DEFAULTS.stopConfirmTimeoutMs,
    webhooks,
  };
  return {
    id: 'telegram',
    label: 'Telegram',
    resolveAccounts: (section) => resolveAccounts(section, options.env === undefined ? {} : { env: options.env }),
    create: (context) => new TelegramChannel(context, runtime),
    handleWebhookRequest: (req, res) => webhooks.handle(req, res),
    webhookPaths: () => webhooks.paths(),
  };
}

/** The plugin with default options, reading `TELEGRAM_BOT_TOKEN` from `process.env`. */
export const telegramPlugin: TelegramPlugin = createTelegramPlugin();
