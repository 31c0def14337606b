import { isSecretKey, redactSecrets } from '@openclaw/config';
import type { ChannelAccountSnapshot, ChannelStatusPatch, ProbeResult } from './contract.ts';
import { errorMessage } from './errors.ts';

/** Snapshot fields only the registry sets; a plugin's `reportStatus` cannot overwrite them. */
const RESERVED: ReadonlySet<string> = new Set([
  'accountId', 'channel', 'name', 'enabled', 'configured', 'state', 'running', 'connected', 'reconnectAttempts', 'lastError',
  'hint', 'lastStartAt', 'lastStopAt', 'lastConnectedAt', 'lastInboundAt', 'lastOutboundAt', 'nextRetryAt', 'inboundErrors',
  'lastProbeAt', 'probe',
]);

/** The timestamps of an account's snapshot: epoch milliseconds, null for never. */
export type AccountTimes = Record<'lastStartAt' | 'lastStopAt' | 'lastConnectedAt' | 'lastInboundAt' | 'lastOutboundAt' | 'nextRetryAt', number | null>;

/** The lifecycle facts the account runner owns at snapshot time. */
export type AccountLifecycle = Pick<ChannelAccountSnapshot, 'accountId' | 'name' | 'enabled' | 'configured' | 'state' | 'running' | 'reconnectAttempts'>;

/**
 * The observed side of one account's status: connection, errors, timestamps, the last probe
 * and the fields the plugin reported. Every string that came from an error is redacted.
 */
export class AccountStatus {
  readonly times: AccountTimes = { lastStartAt: null, lastStopAt: null, lastConnectedAt: null, lastInboundAt: null, lastOutboundAt: null, nextRetryAt: null };
  connected = false;
  /** When the current connection came up (for the stability window), null while disconnected. */
  connectedAt: number | null = null;
  lastError: string | null = null;
  hint: string | undefined;
  inboundErrors = 0;
  readonly #extra: Record<string, unknown> = {};
  #probe: { at: number; result: ProbeResult } | undefined;
  readonly #redact: (text: string) => string;
  readonly #clock: () => number;

  constructor(redact: (text: string) => string, clock: () => number) {
    this.#redact = redact;
    this.#clock = clock;
  }

  /** Marks the connection up or down; coming up stamps `lastConnectedAt`. */
  setConnected(connected: boolean): void {
    if (connected && !this.connected) {
      this.connectedAt = this.#clock();
      this.times.lastConnectedAt = this.connectedAt;
    }
    if (!connected) this.connectedAt = null;
    this.connected = connected;
  }

  /** Records anything thrown as `lastError`, and its `hint` when it has one. */
  recordError(error: unknown): void {
    this.lastError = this.#redact(errorMessage(error));
    const hint = error instanceof Error && 'hint' in error && typeof error.hint === 'string' ? error.hint : undefined;
    this.hint = hint === undefined ? undefined : this.#redact(hint);
  }

  /** Sets `lastError` from a plain message (or clears it). */
  setError(message: string | null): void {
    this.lastError = message === null ? null : this.#redact(message);
  }

  /** Keeps a probe's result (its error redacted) for `probe` / `lastProbeAt`. */
  recordProbe(result: ProbeResult): void {
    const safe = typeof result.error === 'string' ? { ...result, error: this.#redact(result.error) } : result;
    this.#probe = { at: this.#clock(), result: safe };
  }

  /** Applies a plugin's report; `connected` counts only while the instance is `running`. */
  applyPatch(patch: ChannelStatusPatch, running: boolean): void {
    for (const [key, value] of Object.entries(patch ?? {})) {
      if (key === 'connected' && typeof value === 'boolean') {
        if (running) this.setConnected(value);
      } else if (key === 'lastError' && (typeof value === 'string' || value === null)) {
        this.setError(value);
      } else if (!RESERVED.has(key) && !isSecretKey(key)) {
        if (value === undefined) delete this.#extra[key];
        else this.#extra[key] = redactSecrets(value);
      }
    }
  }

  /** The snapshot: plugin fields first, so the registry's own fields win. */
  snapshot(lifecycle: AccountLifecycle): ChannelAccountSnapshot {
    const { accountId, name, ...rest } = lifecycle;
    const snapshot: ChannelAccountSnapshot = {
      ...this.#extra,
      accountId,
      ...(name === undefined ? {} : { name }),
      ...rest,
      connected: this.connected,
      lastError: this.lastError,
      ...this.times,
      inboundErrors: this.inboundErrors,
    };
    if (this.hint !== undefined) snapshot.hint = this.hint;
    if (this.#probe) Object.assign(snapshot, { lastProbeAt: this.#probe.at, probe: this.#probe.result });
    return snapshot;
  }
}
