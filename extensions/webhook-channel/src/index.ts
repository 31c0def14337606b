/**
 * An HTTP webhook channel for the openclaw gateway, and the worked example of a third-party
 * channel plugin: it imports only types from `@openclaw/gateway-core`, so it loads from any
 * directory named in `plugins.load.paths`. See README.md.
 *
 * @module
 */
import type { ChannelPlugin } from '@openclaw/gateway-core';
import { WebhookChannel } from './channel.ts';
import { resolveWebhookAccounts, webhookConfigSchema } from './config.ts';
import type { WebhookAccount, WebhookSection } from './config.ts';

/** The plugin: `channels.webhook` configures it. Also the default export, which is what the gateway loads. */
export const webhookPlugin: ChannelPlugin<WebhookSection, WebhookAccount> = {
  id: 'webhook',
  label: 'Webhook',
  configSchema: webhookConfigSchema,
  resolveAccounts: resolveWebhookAccounts,
  create: (context) => new WebhookChannel(context),
};

export default webhookPlugin;

export { MESSAGE_PATH, SEND_TIMEOUT_MS, WebhookChannel } from './channel.ts';
export type { WebhookReplyBody } from './channel.ts';
export { MIN_SECRET_LENGTH, WEBHOOK_DEFAULTS, resolveWebhookAccounts, webhookConfigSchema } from './config.ts';
export type { WebhookAccount, WebhookConfigIssue, WebhookSection } from './config.ts';
export { WebhookAuthError } from './errors.ts';
export type { WebhookAuthErrorOptions } from './errors.ts';
export { MAX_BODY_BYTES, SECRET_HEADER } from './inbound.ts';
export type { WebhookMessageBody } from './inbound.ts';
