/**
 * `@openclaw/channel-whatsapp`: the WhatsApp channel of the openclaw gateway, on Baileys.
 *
 * Register {@link whatsappPlugin} (or one made by {@link createWhatsAppPlugin}) with the
 * gateway's `ChannelRegistry`; `channels.whatsapp` configures its linked phones, and the
 * plugin's login flow (`web.login.start` / `web.login.wait`) links one by QR code.
 *
 * @packageDocumentation
 */
export { WHATSAPP_PLUGIN_DEFAULTS, createWhatsAppPlugin, whatsappPlugin } from './plugin.ts';
export type { WhatsAppPlugin, WhatsAppPluginOptions } from './plugin.ts';
export { DEFAULT_ACCOUNT_ID, WHATSAPP_TEXT_LIMIT, normalizePhoneEntry, resolveWhatsAppAccounts, sessionDirOf } from './accounts.ts';
export type { WhatsAppAccount, WhatsAppAccountSection, WhatsAppSection } from './accounts.ts';
export { CREDS_FILE, clearAuthStore, linkedJid, openAuthStore, readCreds } from './auth-store.ts';
export type { AuthStoreOptions, WhatsAppAuthStore } from './auth-store.ts';
export { WHATSAPP_RECONNECT_DEFAULTS, decideReconnect, describeDisconnect, disconnectStatus } from './reconnect.ts';
export type { ReconnectDecision } from './reconnect.ts';
export { DEFAULT_BROWSER, baileysLogger, createBaileysSocket } from './socket.ts';
export type { BaileysLogger, CreateWhatsAppSocket, WhatsAppSocketLike, WhatsAppSocketOptions } from './socket.ts';
export { toInboundMessage } from './inbound.ts';
export type { InboundOptions } from './inbound.ts';
export { toJid } from './jid.ts';
export type { SelfIdentity } from './jid.ts';
export { CONNECT_FAILED } from './errors.ts';
export { SCAN_QR_MESSAGE } from './login.ts';
export type { WhatsAppChannel, WhatsAppRuntime } from './channel.ts';

import { whatsappPlugin } from './plugin.ts';
export default whatsappPlugin;
