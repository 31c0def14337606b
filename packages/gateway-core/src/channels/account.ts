import type { GatewayLogger } from '../log/index.ts';
import { AccountStatus } from './account-status.ts';
import { TIMED_OUT, computeBackoff, withTimeout } from './backoff.ts';
import type { BackoffPolicy, Scheduler } from './backoff.ts';
import type {
  ChannelAccountConfig,
  ChannelAccountSnapshot,
  ChannelAccountState,
  ChannelContext,
  ChannelInboundInput,
  ChannelInstance,
  ChannelPlugin,
  InboundMessage,
  OutboundMessage,
  ProbeResult,
  SendResult,
} from './contract.ts';
import { ChannelError, errorMessage, isChannelAuthError } from './errors.ts';

/** What one account's supervisor needs from its registry. */
export interface AccountRunnerDeps {
  /** Already bound to channel and account. */
  logger: GatewayLogger;
  clock: () => number;
  scheduler: Scheduler;
  random: () => number;
  backoff: Readonly<BackoffPolicy>;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  stableAfterMs: number;
  stateDir: string | undefined;
  /** Masks secrets in error text shown in snapshots. */
  redact: (text: string) => string;
  route: (message: InboundMessage) => Promise<void>;
}

const ACTIVE: ReadonlySet<ChannelAccountState> = new Set(['starting', 'running', 'retrying']);

/**
 * Supervises one account of one channel: creates and starts instances, retries failed
 * starts with backoff, keeps the status snapshot. Nothing a plugin does (throwing, hanging
 * in `stop`, reporting after it was discarded) escapes it, except errors of `send`, which
 * are the caller's to handle. Every instance gets a generation number; anything an old
 * generation does later is ignored.
 */
export class ChannelAccountRunner {
  /** The plugin id. */
  readonly channel: string;
  /** The account as it was added. */
  readonly account: ChannelAccountConfig;
  readonly #plugin: ChannelPlugin;
  readonly #deps: AccountRunnerDeps;
  readonly #disposals = new Set<Promise<void>>();
  readonly #configured: boolean;
  #state: ChannelAccountState;
  #generation = 0;
  #instance: ChannelInstance | undefined;
  #controller: AbortController | undefined;
  #timer: unknown;
  #attempts = 0;
  readonly #status: AccountStatus;

  /** `configError` marks an account whose config section did not validate: reported, never started. */
  constructor(plugin: ChannelPlugin, account: ChannelAccountConfig, deps: AccountRunnerDeps, configError?: string) {
    this.channel = plugin.id;
    this.account = account;
    this.#plugin = plugin;
    this.#deps = deps;
    this.#status = new AccountStatus(deps.redact, deps.clock);
    if (configError !== undefined) this.#status.setError(configError);
    this.#configured = configError === undefined && account.configured !== false;
    this.#state = account.enabled === false ? 'disabled' : this.#configured ? 'idle' : 'unconfigured';
  }

  /** Where the account is in its life (see {@link ChannelAccountState}). */
  get state(): ChannelAccountState {
    return this.#state;
  }

  /** The instance, while the account is running. */
  get instance(): ChannelInstance | undefined {
    return this.#state === 'running' ? this.#instance : undefined;
  }

  /**
   * Starts supervising; a no-op while active, for disabled and for unconfigured accounts.
   * Resolves when the first attempt has settled (connected, or failed and scheduled a
   * retry); never rejects.
   */
  start(): Promise<void> {
    if (ACTIVE.has(this.#state) || this.#state === 'disabled' || this.#state === 'unconfigured') return Promise.resolve();
    this.#attempts = 0;
    return this.#attempt();
  }

  /** Stops the instance (abort, then `stop()` bounded by the stop timeout) and any pending retry. Never throws. */
  async stop(): Promise<void> {
    this.#generation += 1;
    if (this.#timer !== undefined) this.#deps.scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#status.times.nextRetryAt = null;
    const wasActive = ACTIVE.has(this.#state);
    if (wasActive) this.#state = 'stopped';
    this.#status.setConnected(false);
    const instance = this.#instance;
    this.#instance = undefined;
    this.#dispose(instance, this.#controller);
    this.#controller = undefined;
    await Promise.all([...this.#disposals]);
    if (wasActive) this.#status.times.lastStopAt = this.#deps.clock();
  }

  /** Delivers a message through the running instance. */
  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    const instance = this.#requireConnected();
    const generation = this.#generation;
    try {
      const result = await instance.send(target, message);
      this.#status.times.lastOutboundAt = this.#deps.clock();
      return result;
    } catch (error) {
      this.#status.recordError(error);
      if (isChannelAuthError(error) && generation === this.#generation) void this.#failed(error);
      throw new ChannelError('SEND_FAILED', `${this.#label()}: send failed: ${this.#status.lastError ?? 'unknown error'}`, {
        channel: this.channel,
        accountId: this.account.accountId,
        cause: error,
      });
    }
  }

  /** Shows a typing indicator; returns false instead of throwing (it is cosmetic). */
  async sendTyping(target: string, options?: { threadId?: string }): Promise<boolean> {
    const instance = this.#status.connected ? this.instance : undefined;
    if (!instance?.sendTyping) return false;
    try {
      await instance.sendTyping(target, options);
      return true;
    } catch (error) {
      this.#deps.logger.debug('typing indicator failed', { error: errorMessage(error) });
      return false;
    }
  }

  /** Runs the plugin's probe within `timeoutMs`; undefined when there is nothing to probe. */
  async probe(timeoutMs: number): Promise<ProbeResult | undefined> {
    if (this.#state === 'disabled' || this.#state === 'unconfigured') return undefined;
    const instance = this.instance;
    let result: ProbeResult;
    if (!instance) {
      result = { ok: false, error: `not running (${this.#state})` };
    } else if (!instance.probe) {
      return undefined;
    } else {
      const controller = new AbortController();
      const started = this.#deps.clock();
      try {
        const outcome = await withTimeout(Promise.resolve().then(() => instance.probe!({ signal: controller.signal })), timeoutMs, this.#deps.scheduler);
        if (outcome === TIMED_OUT) controller.abort();
        result = outcome === TIMED_OUT ? { ok: false, error: `probe timed out after ${timeoutMs} ms` } : { elapsedMs: this.#deps.clock() - started, ...outcome };
      } catch (error) {
        result = { ok: false, error: errorMessage(error) };
      }
    }
    this.#status.recordProbe(result);
    return result;
  }

  /** The account's status snapshot. */
  snapshot(): ChannelAccountSnapshot {
    return this.#status.snapshot({
      accountId: this.account.accountId,
      ...(this.account.name === undefined ? {} : { name: this.account.name }),
      enabled: this.account.enabled !== false,
      configured: this.#configured,
      state: this.#state,
      running: ACTIVE.has(this.#state),
      reconnectAttempts: this.#attempts,
    });
  }

  #label(): string {
    return `${this.channel} account "${this.account.accountId}"`;
  }

  #requireConnected(): ChannelInstance {
    const instance = this.instance;
    if (instance && this.#status.connected) return instance;
    throw new ChannelError('CHANNEL_NOT_CONNECTED', `${this.#label()} is not connected (${this.#state})`, {
      channel: this.channel,
      accountId: this.account.accountId,
      hint: this.#status.lastError === null ? 'see `openclaw channels status`' : `last error: ${this.#status.lastError}`,
    });
  }

  async #attempt(): Promise<void> {
    const generation = ++this.#generation;
    const controller = new AbortController();
    this.#controller = controller;
    this.#instance = undefined;
    this.#timer = undefined;
    this.#state = 'starting';
    this.#status.times.nextRetryAt = null;
    this.#status.times.lastStartAt = this.#deps.clock();
    const context = this.#context(generation, controller);
    const work = (async () => {
      const made = await this.#plugin.create(context);
      if (generation !== this.#generation) return this.#dispose(made, controller);
      this.#instance = made;
      await made.start();
    })();
    try {
      const outcome = await withTimeout(work, this.#deps.startTimeoutMs, this.#deps.scheduler);
      if (generation !== this.#generation) return;
      if (outcome === TIMED_OUT) throw new ChannelError('TIMEOUT', `start did not finish within ${this.#deps.startTimeoutMs} ms`);
      this.#state = 'running';
      this.#status.setConnected(true);
      this.#deps.logger.info('channel connected', { attempts: this.#attempts });
    } catch (error) {
      if (generation === this.#generation) await this.#failed(error);
    }
  }

  /** Discards the current instance, then schedules the next attempt (or gives up). */
  async #failed(error: unknown): Promise<void> {
    const stable = this.#status.connectedAt !== null && this.#deps.clock() - this.#status.connectedAt >= this.#deps.stableAfterMs;
    if (stable) this.#attempts = 0;
    const generation = ++this.#generation;
    const auth = isChannelAuthError(error);
    this.#status.recordError(error);
    this.#state = auth ? 'auth-failed' : 'retrying';
    this.#status.setConnected(false);
    const instance = this.#instance;
    this.#instance = undefined;
    await this.#dispose(instance, this.#controller);
    if (generation !== this.#generation) return;
    if (auth) {
      this.#deps.logger.error('channel authentication failed; not retrying', { error: this.#status.lastError, hint: this.#status.hint });
      return;
    }
    this.#attempts += 1;
    if (this.#attempts >= this.#deps.backoff.maxAttempts) {
      this.#state = 'gave-up';
      this.#deps.logger.error('channel failed too often; giving up', { attempts: this.#attempts, error: this.#status.lastError });
      return;
    }
    const delayMs = computeBackoff(this.#deps.backoff, this.#attempts, this.#deps.random);
    this.#status.times.nextRetryAt = this.#deps.clock() + delayMs;
    this.#deps.logger.warn('channel failed; retrying', { attempt: this.#attempts, delayMs, error: this.#status.lastError });
    this.#timer = this.#deps.scheduler.setTimeout(() => {
      if (generation === this.#generation) void this.#attempt();
    }, delayMs);
  }

  /** Aborts the instance's signal and calls its `stop()`, bounded by the stop timeout. Never rejects. */
  #dispose(instance: ChannelInstance | undefined, controller: AbortController | undefined): Promise<void> {
    controller?.abort();
    if (this.#controller === controller) this.#controller = undefined;
    if (!instance) return Promise.resolve();
    const { logger, stopTimeoutMs, scheduler } = this.#deps;
    const disposal = withTimeout(Promise.resolve().then(() => instance.stop()), stopTimeoutMs, scheduler).then(
      (outcome) => {
        if (outcome === TIMED_OUT) logger.warn('channel stop timed out; abandoning the instance', { timeoutMs: stopTimeoutMs });
      },
      (error: unknown) => logger.warn('channel stop failed', { error: errorMessage(error) }),
    );
    this.#disposals.add(disposal);
    void disposal.then(() => this.#disposals.delete(disposal));
    return disposal;
  }

  #context(generation: number, controller: AbortController): ChannelContext {
    const current = () => generation === this.#generation;
    return {
      channel: this.channel,
      accountId: this.account.accountId,
      config: this.account.config,
      logger: this.#deps.logger,
      signal: controller.signal,
      clock: this.#deps.clock,
      stateDir: this.#deps.stateDir,
      reportStatus: (patch) => {
        if (current()) this.#status.applyPatch(patch, this.#state === 'running');
      },
      onInbound: (message) => this.#inbound(current, message),
      fail: (error) => {
        if (current() && (this.#state === 'starting' || this.#state === 'running')) void this.#failed(error);
      },
    };
  }

  async #inbound(current: () => boolean, input: ChannelInboundInput): Promise<void> {
    if (!current()) {
      this.#deps.logger.debug('dropped a message from a discarded channel instance');
      return;
    }
    this.#status.times.lastInboundAt = this.#deps.clock();
    const message: InboundMessage = { ...input, channel: this.channel, accountId: this.account.accountId };
    try {
      await this.#deps.route(message);
    } catch (error) {
      this.#status.inboundErrors += 1;
      this.#status.recordError(error);
      this.#deps.logger.warn('inbound message failed', { error: this.#status.lastError, chatId: input.chatId, messageId: input.messageId });
    }
  }
}
