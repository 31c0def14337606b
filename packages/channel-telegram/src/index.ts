/**
 * `@openclaw/channel-telegram`: the Telegram channel of the openclaw gateway, on grammY.
 *
 * {@link telegramPlugin} (also the default export) is a `ChannelPlugin` for gateway-core's
 * `ChannelRegistry`: `registry.addFromConfig(telegramPlugin, config.channels?.telegram)`.
 * {@link createTelegramPlugin} makes one with other options (a Bot API root for tests,
 * another env, poll timing).
 *
 * @packageDocumentation
 */
import { telegramPlugin } from './plugin.ts';

export { TELEGRAM_PLUGIN_DEFAULTS, createTelegramPlugin, telegramPlugin } from './plugin.ts';
export type { TelegramPlugin, TelegramPluginOptions } from './plugin.ts';
export { DEFAULT_ACCOUNT_ID, TELEGRAM_TEXT_LIMIT, TOKEN_ENV, resolveAccounts } from './accounts.ts';
export type { ResolveAccountsOptions, TelegramAccount, TelegramSection, TokenSource } from './accounts.ts';

export default telegramPlugin;
