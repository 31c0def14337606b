/**
 * The channel-plugin contract: what a channel package (Telegram, Discord, WhatsApp, or a
 * third-party extension) implements so the gateway can start it, route its messages and
 * report on it. Types only; the {@link ChannelRegistry} runs plugins.
 *
 * Lifecycle of one account: the registry calls {@link ChannelPlugin.create} with a
 * {@link ChannelContext}, then {@link ChannelInstance.start}. A failed start is retried with
 * backoff on a fresh instance (unless it threw a `ChannelAuthError`); `stop()` ends it.
 */
import type { GatewayLogger } from '../log/index.ts';
import type { ChannelAccess } from './access.ts';
import type { MethodContext } from '../server/registry.ts';
import type { Validator } from '../validation/standard-schema.ts';

/** The kind of conversation a message belongs to, as the original's `ChatType`. */
export type ChatType = 'direct' | 'group' | 'channel';

/** A message a channel received, as the gateway's router sees it. */
export interface InboundMessage {
  /** The plugin id (`telegram`); set by the registry, never by the plugin. */
  channel: string;
  /** The account that received it; set by the registry. */
  accountId: string;
  chatType: ChatType;
  /** Where a reply goes: Telegram chat id, Discord channel id, WhatsApp JID. */
  chatId: string;
  /** The author's stable id on the channel (what allowlists and pairing match). */
  senderId: string;
  senderName?: string;
  senderUsername?: string;
  text: string;
  /** The channel's id of this message (for replies and de-duplication). */
  messageId: string;
  /** Telegram topic, Discord thread. */
  threadId?: string;
  /** The space the chat belongs to (a Discord guild): group settings are also looked up by it. */
  spaceId?: string;
  /** True when the bot was mentioned or replied to (groups with `requireMention`). */
  mentioned?: boolean;
  /** Epoch milliseconds the channel says it was sent. */
  timestamp?: number;
  /** The library's original object, for channel-specific handling; never serialised. */
  raw?: unknown;
}

/** What a plugin hands to {@link ChannelContext.onInbound}: the registry adds channel and account. */
export type ChannelInboundInput = Omit<InboundMessage, 'channel' | 'accountId'>;

/** A message to deliver. Text is sent as given: the caller chunks it to the channel's limit. */
export interface OutboundMessage {
  text: string;
  threadId?: string;
  /** Reply to (quote) this message where the channel supports it. */
  replyToMessageId?: string;
}

/** What a delivered message became on the channel. */
export interface SendResult {
  /** The channel's ids of the messages sent (more than one when the plugin had to split). */
  messageIds: string[];
}

/** The answer of a health probe (Telegram `getMe`, Discord `/users/@me`). Extra fields are shown as-is. */
export interface ProbeResult {
  ok: boolean;
  error?: string;
  elapsedMs?: number;
  [key: string]: unknown;
}

/**
 * A partial status update from a plugin. `connected` and `lastError` change the snapshot's
 * fields; any other key (e.g. `mode`, `tokenSource`, `botUsername`) is shown in the account's
 * snapshot. Registry-owned fields (`running`, timestamps, `reconnectAttempts`, …) are
 * ignored, and so are keys that look like secrets: never report a token, report its source.
 */
export interface ChannelStatusPatch {
  connected?: boolean;
  lastError?: string | null;
  [key: string]: unknown;
}

/** Everything a plugin instance gets from the gateway. One context per instance. */
export interface ChannelContext<TConfig = unknown> {
  readonly channel: string;
  readonly accountId: string;
  /** The account's config, as the plugin's schema and `resolveAccounts` produced it. */
  readonly config: TConfig;
  /** Bound to `{ channel, accountId }`. */
  readonly logger: GatewayLogger;
  /** Aborted when this instance is discarded: on stop, or after its start failed. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds; the gateway's clock. */
  readonly clock: () => number;
  /** A directory for this account's files (`<stateDir>/channels/<channel>/<account>`), not yet created; undefined when the gateway has no state dir. */
  readonly stateDir: string | undefined;
  /** Updates this account's status snapshot. */
  reportStatus(patch: ChannelStatusPatch): void;
  /**
   * Hands a received message to the gateway. Resolves when the gateway has dealt with it;
   * never rejects: a router failure is counted and logged, and the channel carries on.
   */
  onInbound(message: ChannelInboundInput): Promise<void>;
  /**
   * Reports that a started instance lost its connection for good. The registry discards it
   * and starts a new one after a backoff (a `ChannelAuthError` is not retried).
   */
  fail(error: unknown): void;
}

/** One running account of a channel, made by {@link ChannelPlugin.create}. */
export interface ChannelInstance {
  /** Connects. Resolves once messages can flow; throws (a `ChannelAuthError` for refused credentials) otherwise. */
  start(): Promise<void>;
  /** Disconnects and releases everything. Called once, also after a failed start; must not hang. */
  stop(): Promise<void>;
  /** Delivers one message to `target` (a chat id). */
  send(target: string, message: OutboundMessage): Promise<SendResult>;
  /** Longest text one {@link send} may carry (Telegram 4096, Discord 2000): the router splits longer replies. */
  readonly textLimit?: number;
  /** Most lines one message should have (Discord collapses tall messages); the router splits at this too. */
  readonly lineLimit?: number;
  /** Shows a typing indicator in `target`, if the channel has one. */
  sendTyping?(target: string, options?: { threadId?: string }): Promise<void>;
  /** Checks the remote end (for `channels.status {probe: true}`); `signal` aborts on timeout. */
  probe?(options: { signal: AbortSignal }): Promise<ProbeResult>;
}

/** One configured account of a channel. */
export interface ChannelAccountConfig<TAccount = unknown> {
  /** 1-64 letters, digits, `-` or `_` (as `accounts.<id>` in the config). */
  accountId: string;
  config: TAccount;
  /** Display name (`channels.<id>.accounts.<acct>.name`). */
  name?: string;
  /** False: listed in status, never started. Default true. */
  enabled?: boolean;
  /** False when credentials are missing: listed, never started. Default true. */
  configured?: boolean;
  /** Who may talk to this account (DM policy, allowlists, groups); the router enforces it. Default: pairing for DMs, allowlisted groups. */
  access?: ChannelAccess;
}

/** What a login flow gets: the account it logs in, and where its credentials live. */
export interface ChannelLoginContext<TAccount = unknown> {
  readonly channel: string;
  readonly accountId: string;
  readonly config: TAccount;
  readonly logger: GatewayLogger;
  readonly stateDir: string | undefined;
  /** Aborted when the registry stops. */
  readonly signal: AbortSignal;
}

/** Options of {@link ChannelLoginFlow.start} (the original's `web.login.start`). */
export interface ChannelLoginStartOptions {
  force?: boolean;
  timeoutMs?: number;
  verbose?: boolean;
}

/** A login in progress: a message for the operator and, for QR logins, the code to scan. */
export interface ChannelLoginStartResult {
  message: string;
  /** `data:image/png;base64,…` for the dashboard. */
  qrDataUrl?: string;
  /** The raw QR payload, for a terminal renderer. */
  qr?: string;
}

/** The end of a login: whether the account is now linked. */
export interface ChannelLoginWaitResult {
  connected: boolean;
  message: string;
}

/** An interactive login (WhatsApp's QR). After a successful `wait` the registry restarts the account. */
export interface ChannelLoginFlow<TAccount = unknown> {
  start(context: ChannelLoginContext<TAccount>, options: ChannelLoginStartOptions): Promise<ChannelLoginStartResult>;
  wait(context: ChannelLoginContext<TAccount>, options: { timeoutMs?: number }): Promise<ChannelLoginWaitResult>;
}

/** A channel account as a plugin method sees it. */
export interface ChannelAccountHandle {
  readonly accountId: string;
  readonly snapshot: ChannelAccountSnapshot;
  /** The running instance, if the account has one. */
  readonly instance: ChannelInstance | undefined;
  /** The account's access policy, as its plugin resolved it. */
  readonly access: ChannelAccess | undefined;
}

/** What a plugin's extra gateway method gets besides the request context. */
export interface ChannelMethodContext extends MethodContext {
  readonly channel: string;
  /** The account by id (default: the channel's default account); throws `ACCOUNT_UNKNOWN`. */
  account(accountId?: string): ChannelAccountHandle;
}

/** An extra gateway method of a plugin, registered as `<channel>.<name>` (operator.admin only). */
export interface ChannelMethodDefinition<P = unknown, R = unknown> {
  /** Validates params before the handler runs: a Standard Schema (e.g. zod 4) or a function that returns them or throws. */
  params?: Validator<P>;
  handler(params: P, context: ChannelMethodContext): R | Promise<R>;
}

/**
 * A channel plugin: the one object a channel package exports.
 *
 * @typeParam TSection - `channels.<id>` after `configSchema` parsed it.
 * @typeParam TAccount - one account's config, as `resolveAccounts` returns it.
 */
export interface ChannelPlugin<TSection = unknown, TAccount = TSection> {
  /** `telegram`, `discord`, `my-webhook`: 1-64 lowercase letters, digits, `-` or `_`. Names the config section and method namespace. */
  id: string;
  /** Human name for status output (default: the id). */
  label?: string;
  /**
   * Validates `channels.<id>`; an invalid section is reported, not started. A synchronous
   * Standard Schema (e.g. a zod 4 schema) or a function that returns the section or throws.
   */
  configSchema?: Validator<TSection>;
  /** Splits the section into accounts, applying channel-level defaults. Default: one account `default` with the whole section. */
  resolveAccounts?(section: TSection): ChannelAccountConfig<TAccount>[];
  /** Makes an instance for one account. Do not connect here: `start()` does. */
  create(context: ChannelContext<TAccount>): ChannelInstance | Promise<ChannelInstance>;
  login?: ChannelLoginFlow<TAccount>;
  /** Extra gateway methods, registered as `<id>.<name>`. */
  methods?: Readonly<Record<string, ChannelMethodDefinition>>;
}

/** Where an account is in its life. */
export type ChannelAccountState =
  /** `enabled: false`. */
  | 'disabled'
  /** `configured: false` or an invalid config section. */
  | 'unconfigured'
  /** Added, not started yet. */
  | 'idle'
  | 'starting'
  /** Started; `connected` says whether the plugin currently has its connection. */
  | 'running'
  /** Waiting for the next attempt (`nextRetryAt`). */
  | 'retrying'
  /** The plugin threw a `ChannelAuthError`: not retried until restarted. */
  | 'auth-failed'
  /** `maxAttempts` consecutive failures: not retried until restarted. */
  | 'gave-up'
  | 'stopped';

/** One account in `channels.status` (the original's `ChannelAccountSnapshot`; extra fields come from the plugin). */
export interface ChannelAccountSnapshot {
  accountId: string;
  name?: string;
  enabled: boolean;
  configured: boolean;
  state: ChannelAccountState;
  /** Supervised: starting, running or waiting to retry. */
  running: boolean;
  connected: boolean;
  /** Failed starts since the account last stayed connected (see `stableAfterMs`). */
  reconnectAttempts: number;
  lastError: string | null;
  /** The fix for `lastError`, when the error carried one. */
  hint?: string;
  lastStartAt: number | null;
  lastStopAt: number | null;
  lastConnectedAt: number | null;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  /** When the next start attempt is due (state `retrying`). */
  nextRetryAt: number | null;
  /** Inbound messages the router rejected or threw on. */
  inboundErrors: number;
  lastProbeAt?: number | null;
  probe?: ProbeResult;
  [key: string]: unknown;
}

/** One channel's line in `channels.status`. */
export interface ChannelSummary {
  /** True when any account is configured (what clients test to show a channel as set up). */
  configured: boolean;
  running: boolean;
  connected: boolean;
  accounts: number;
  connectedAccounts: number;
  /** The default account's last error. */
  lastError: string | null;
}

/** The payload of `channels.status` (reference §1.7). */
export interface ChannelsStatus {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channels: Record<string, ChannelSummary>;
  channelAccounts: Record<string, ChannelAccountSnapshot[]>;
  channelDefaultAccountId: Record<string, string>;
}

/** Which account a login is for, plus the flow's options. */
export interface ChannelLoginRequest extends ChannelLoginStartOptions {
  channel: string;
  accountId?: string;
}
