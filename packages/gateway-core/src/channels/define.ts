import type { ChannelMethodDefinition, ChannelPlugin } from './contract.ts';

/**
 * Returns `plugin` unchanged; exists so a plugin's config types are inferred from its
 * `configSchema` (any Standard Schema, here zod's) and `resolveAccounts` instead of written out:
 *
 * ```ts
 * export default defineChannelPlugin({
 *   id: 'webhook',
 *   configSchema: z.object({ url: z.url() }),
 *   create: (context) => new WebhookChannel(context.config.url, context),
 * });
 * ```
 */
export function defineChannelPlugin<TSection, TAccount = TSection>(plugin: ChannelPlugin<TSection, TAccount>): ChannelPlugin<TSection, TAccount> {
  return plugin;
}

/** Returns `method` unchanged; infers the handler's params from the `params` schema. */
export function defineChannelMethod<P, R>(method: ChannelMethodDefinition<P, R>): ChannelMethodDefinition<P, R> {
  return method;
}
