import { join } from 'node:path';
import type { GatewayLogger, Redactor } from '../log/index.ts';
import { nullLogger } from '../log/index.ts';
import type { Gateway } from '../server/gateway.ts';
import { ChannelAccountRunner } from './account.ts';
import type { AccountRunnerDeps } from './account.ts';
import { resolveBackoff, systemScheduler } from './backoff.ts';
import type { BackoffPolicy, Scheduler } from './backoff.ts';
import type {
  ChannelAccountConfig,
  ChannelLoginRequest,
  ChannelAccountHandle,
  ChannelLoginContext,
  ChannelLoginStartResult,
  ChannelLoginWaitResult,
  ChannelPlugin,
  ChannelsStatus,
  InboundMessage,
  OutboundMessage,
  SendResult,
} from './contract.ts';
import { accountsProblem, pluginProblem, resolveChannelAccounts } from './config.ts';
import type { ChannelConfigIssue } from './config.ts';
import { ChannelError, errorMessage } from './errors.ts';
import { buildChannelsStatus, registerChannelMethods } from './status.ts';

/** Options of {@link ChannelRegistry}: the router is required, the rest has defaults. */
export interface ChannelRegistryOptions {
  /** Where inbound messages go (access check, session, agent). Its failures are counted per account. */
  onInbound: (message: InboundMessage) => Promise<void>;
  logger?: GatewayLogger;
  /** Epoch milliseconds (default `Date.now`). */
  clock?: () => number;
  /** Timers for retries and timeouts (default: Node's, unref'd). */
  scheduler?: Scheduler;
  /** Uniform in [0, 1), for backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Overrides of `DEFAULT_BACKOFF` (2 s, ×2, at most 5 min, 20 % jitter). */
  backoff?: Partial<BackoffPolicy>;
  /** A start (create + start) slower than this counts as failed. */
  startTimeoutMs?: number;
  /** `stop()` slower than this is abandoned. */
  stopTimeoutMs?: number;
  /** Default probe timeout of `channels.status {probe: true}`. */
  probeTimeoutMs?: number;
  /** A connection that lasted this long resets the failure count when it drops. */
  stableAfterMs?: number;
  /** The gateway's state dir; each account gets `<stateDir>/channels/<channel>/<account>`. */
  stateDir?: string;
  /** Masks secrets in errors shown in status (pass the gateway's log redactor). */
  redactor?: Pick<Redactor, 'redactString'>;
}

/** Defaults of {@link ChannelRegistryOptions}. */
export const CHANNEL_REGISTRY_DEFAULTS = Object.freeze({
  startTimeoutMs: 60_000,
  stopTimeoutMs: 5_000,
  probeTimeoutMs: 10_000,
  stableAfterMs: 60_000,
});

/** What {@link ChannelRegistry.addFromConfig} found in a config section. */
export interface ChannelConfigResult {
  ok: boolean;
  /** The accounts added (an invalid section adds one unconfigured `default` account). */
  accounts: string[];
  /** Problems, with their config path (`channels.telegram.botToken`). */
  issues: ChannelConfigIssue[];
}

/** A message to deliver through {@link ChannelRegistry.send}. */
export interface ChannelSendRequest {
  channel: string;
  /** Default: the channel's default account. */
  accountId?: string;
  /** The chat id on that channel. */
  target: string;
  message: OutboundMessage;
}

interface ChannelEntry {
  plugin: ChannelPlugin;
  runners: ChannelAccountRunner[];
}

/**
 * Starts channel plugins and keeps them running: every account in isolation (one throwing,
 * hanging or refusing its credentials never affects another), failed starts retried with
 * capped exponential backoff, a status snapshot per account for `channels.status`.
 */
export class ChannelRegistry {
  readonly #entries = new Map<string, ChannelEntry>();
  readonly #logger: GatewayLogger;
  readonly #deps: Omit<AccountRunnerDeps, 'logger' | 'stateDir'>;
  readonly #probeTimeoutMs: number;
  readonly #stateDir: string | undefined;
  readonly #logins = new Set<AbortController>();

  constructor(options: ChannelRegistryOptions) {
    const redactor = options.redactor;
    this.#logger = (options.logger ?? nullLogger).child({ module: 'channels' });
    this.#stateDir = options.stateDir;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? CHANNEL_REGISTRY_DEFAULTS.probeTimeoutMs;
    this.#deps = {
      clock: options.clock ?? Date.now,
      scheduler: options.scheduler ?? systemScheduler,
      random: options.random ?? Math.random,
      backoff: resolveBackoff(options.backoff),
      startTimeoutMs: options.startTimeoutMs ?? CHANNEL_REGISTRY_DEFAULTS.startTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs ?? CHANNEL_REGISTRY_DEFAULTS.stopTimeoutMs,
      stableAfterMs: options.stableAfterMs ?? CHANNEL_REGISTRY_DEFAULTS.stableAfterMs,
      redact: redactor ? (text) => redactor.redactString(text) : (text) => text,
      route: options.onInbound,
    };
  }

  /**
   * Adds a channel with accounts whose configs are already resolved. Throws
   * `CHANNEL_INVALID` for a bad or duplicate channel id or account id. Nothing starts
   * until {@link startAll} (or {@link start}).
   */
  add<TSection, TAccount>(plugin: ChannelPlugin<TSection, TAccount>, accounts: readonly ChannelAccountConfig<TAccount>[]): void {
    const problem = this.#checkPlugin(plugin) ?? accountsProblem(accounts);
    if (problem) throw new ChannelError('CHANNEL_INVALID', problem, { channel: String(plugin?.id) });
    this.#addEntry(plugin as ChannelPlugin, accounts);
  }

  /**
   * Adds a channel from its raw `channels.<id>` section: validated with the plugin's
   * `configSchema`, split into accounts with `resolveAccounts`. An invalid section does not
   * throw: it is returned as issues and the channel is listed as unconfigured with the error.
   */
  addFromConfig<TSection, TAccount>(plugin: ChannelPlugin<TSection, TAccount>, section: unknown): ChannelConfigResult {
    const invalid = this.#checkPlugin(plugin);
    if (invalid) throw new ChannelError('CHANNEL_INVALID', invalid, { channel: String(plugin?.id) });
    const generic = plugin as ChannelPlugin;
    const resolved = resolveChannelAccounts(generic, section);
    if (resolved.ok) {
      this.#addEntry(generic, resolved.accounts);
      return { ok: true, accounts: resolved.accounts.map((a) => a.accountId), issues: [] };
    }
    const first = resolved.issues[0]!;
    this.#addEntry(generic, [{ accountId: 'default', config: undefined }], `invalid config at ${first.path}: ${first.message}`);
    return { ok: false, accounts: ['default'], issues: resolved.issues };
  }

  /** Channel ids in the order they were added. */
  channels(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Starts every enabled, configured account that is not running, concurrently. Resolves
   * when each first attempt has settled (connected, or failed with a retry scheduled); never
   * rejects. The gateway need not await it.
   */
  async startAll(): Promise<void> {
    await Promise.all([...this.#entries.values()].flatMap((entry) => entry.runners.map((runner) => runner.start())));
  }

  /** Starts one account (default: the channel's default account); see {@link startAll}. */
  async start(channel: string, accountId?: string): Promise<void> {
    await this.#runner(channel, accountId).start();
  }

  /** Stops and starts one account again, clearing an `auth-failed` or `gave-up` state. */
  async restart(channel: string, accountId?: string): Promise<void> {
    const runner = this.#runner(channel, accountId);
    await runner.stop();
    await runner.start();
  }

  /** Aborts every instance's signal and calls `stop()` on each, each bounded by the stop timeout. Never throws. */
  async stopAll(): Promise<void> {
    for (const login of this.#logins) login.abort();
    this.#logins.clear();
    await Promise.all([...this.#entries.values()].flatMap((entry) => entry.runners.map((runner) => runner.stop())));
  }

  /**
   * Delivers a message. Rejects with `CHANNEL_UNKNOWN` / `ACCOUNT_UNKNOWN`, `CHANNEL_NOT_CONNECTED`,
   * or `SEND_FAILED` with the plugin's error as `cause`.
   */
  async send(request: ChannelSendRequest): Promise<SendResult> {
    return this.#runner(request.channel, request.accountId).send(request.target, request.message);
  }

  /** Shows a typing indicator; false when the channel has none, is not connected or failed. Rejects only for unknown names. */
  async sendTyping(request: Omit<ChannelSendRequest, 'message'> & { threadId?: string }): Promise<boolean> {
    const options = request.threadId === undefined ? undefined : { threadId: request.threadId };
    return this.#runner(request.channel, request.accountId).sendTyping(request.target, options);
  }

  /** An account's snapshot and running instance (for plugin methods and the CLI). */
  account(channel: string, accountId?: string): ChannelAccountHandle {
    const runner = this.#runner(channel, accountId);
    return { accountId: runner.account.accountId, snapshot: runner.snapshot(), instance: runner.instance, access: runner.account.access };
  }

  /** The `channels.status` payload, without probing. */
  snapshot(): ChannelsStatus {
    return buildChannelsStatus(
      [...this.#entries.values()].map((entry) => ({ plugin: entry.plugin, defaultAccountId: defaultRunner(entry)?.account.accountId, snapshots: entry.runners.map((r) => r.snapshot()) })),
      this.#deps.clock(),
    );
  }

  /** Probes every running account concurrently (each bounded by `timeoutMs`), then returns the snapshot. */
  async probe(options: { timeoutMs?: number } = {}): Promise<ChannelsStatus> {
    const timeoutMs = options.timeoutMs ?? this.#probeTimeoutMs;
    await Promise.all([...this.#entries.values()].flatMap((entry) => entry.runners.map((runner) => runner.probe(timeoutMs))));
    return this.snapshot();
  }

  /** Starts the channel's login flow (e.g. a WhatsApp QR code). Throws `LOGIN_UNSUPPORTED` or `LOGIN_FAILED`. */
  async loginStart(request: ChannelLoginRequest): Promise<ChannelLoginStartResult> {
    const { channel, accountId, ...options } = request;
    return this.#login(channel, accountId, (flow, context) => flow.start(context, options));
  }

  /** Waits for the login to finish; on success the account is restarted with its new credentials. */
  async loginWait(request: { channel: string; accountId?: string; timeoutMs?: number }): Promise<ChannelLoginWaitResult> {
    const options = request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs };
    const result = await this.#login(request.channel, request.accountId, (flow, context) => flow.wait(context, options));
    if (result.connected) void this.restart(request.channel, request.accountId);
    return result;
  }

  /** Channels whose plugin has a login flow. */
  loginChannels(): string[] {
    return [...this.#entries.values()].filter((entry) => entry.plugin.login).map((entry) => entry.plugin.id);
  }

  /**
   * Registers `channels.status {probe?, timeoutMs?}`, `web.login.start` / `web.login.wait`
   * when a channel has a login flow, and each plugin's methods as `<channel>.<name>`.
   * With `onPluginError`, a plugin whose method name is invalid or taken loses its methods
   * (reported there) instead of failing the whole registration. Returns a function that
   * removes them again.
   */
  registerMethods(gateway: Pick<Gateway, 'registerMethod'>, onPluginError?: (plugin: ChannelPlugin, error: unknown) => void): () => void {
    return registerChannelMethods(gateway, this, [...this.#entries.values()].map((entry) => entry.plugin), onPluginError);
  }

  #checkPlugin(plugin: { id?: unknown; create?: unknown } | undefined): string | undefined {
    const problem = pluginProblem(plugin);
    if (problem || !this.#entries.has(plugin!.id as string)) return problem;
    return `channel "${String(plugin!.id)}" is already registered`;
  }

  #addEntry(plugin: ChannelPlugin, accounts: readonly ChannelAccountConfig[], configError?: string): void {
    const runners = accounts.map((account) => {
      const logger = this.#logger.child({ channel: plugin.id, accountId: account.accountId });
      const stateDir = this.#stateDir === undefined ? undefined : join(this.#stateDir, 'channels', plugin.id, account.accountId);
      return new ChannelAccountRunner(plugin, account, { ...this.#deps, logger, stateDir }, configError);
    });
    this.#entries.set(plugin.id, { plugin, runners });
  }

  #runner(channel: string, accountId: string | undefined): ChannelAccountRunner {
    const entry = this.#entries.get(channel);
    if (!entry) {
      throw new ChannelError('CHANNEL_UNKNOWN', `unknown channel "${channel}"`, { channel, hint: `configured channels: ${this.channels().join(', ') || 'none'}` });
    }
    const runner = accountId === undefined ? defaultRunner(entry) : entry.runners.find((r) => r.account.accountId === accountId);
    if (runner) return runner;
    throw new ChannelError('ACCOUNT_UNKNOWN', `channel "${channel}" has no account "${accountId ?? 'default'}"`, {
      channel,
      ...(accountId === undefined ? {} : { accountId }),
      hint: `accounts: ${entry.runners.map((r) => r.account.accountId).join(', ') || 'none'}`,
    });
  }

  async #login<T>(
    channel: string,
    accountId: string | undefined,
    run: (flow: NonNullable<ChannelPlugin['login']>, context: ChannelLoginContext) => Promise<T>,
  ): Promise<T> {
    const runner = this.#runner(channel, accountId);
    const flow = this.#entries.get(channel)!.plugin.login;
    if (!flow) throw new ChannelError('LOGIN_UNSUPPORTED', `channel "${channel}" has no login flow`, { channel });
    const controller = new AbortController();
    this.#logins.add(controller);
    const id = runner.account.accountId;
    const context: ChannelLoginContext = {
      channel,
      accountId: id,
      config: runner.account.config,
      logger: this.#logger.child({ channel, accountId: id, op: 'login' }),
      stateDir: this.#stateDir === undefined ? undefined : join(this.#stateDir, 'channels', channel, id),
      signal: controller.signal,
    };
    try {
      return await run(flow, context);
    } catch (error) {
      throw new ChannelError('LOGIN_FAILED', `${channel} login failed: ${errorMessage(error)}`, { channel, accountId: id, cause: error });
    } finally {
      this.#logins.delete(controller);
    }
  }
}

/** The account `channels.status` reports as the default: `default` if there is one, else the first. */
function defaultRunner(entry: ChannelEntry): ChannelAccountRunner | undefined {
  return entry.runners.find((r) => r.account.accountId === 'default') ?? entry.runners[0];
}
