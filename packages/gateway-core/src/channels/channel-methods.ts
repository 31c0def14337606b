// The operator's channel methods: `send` (backs `openclaw message send`) and `pairing.list`,
// `pairing.approve`, `pairing.reject` (back `openclaw pairing …`, so an approved sender is
// told through the channel).
import { StateError, normalizePairingCode } from '@openclaw/state';
import type { PairingStore, PendingPairing } from '@openclaw/state';
import type { GatewayLogger } from '../log/index.ts';
import { ERROR_CODES, GatewayProtocolError } from '../protocol/index.ts';
import type { Gateway } from '../server/gateway.ts';
import { registerAll } from '../methods/register-all.ts';
import * as v from '../validation/shape.ts';
import { deliverText } from './deliver.ts';
import { errorMessage } from './errors.ts';
import type { ChannelRegistry } from './registry.ts';
import { toChannelProtocolError } from './status.ts';

/** What an approved sender is told (the original's `notifyApproval` text, reference §4.5). */
export const PAIRING_APPROVED_MESSAGE = '✅ OpenClaw access approved. Send a message to start chatting.';

/** Options of {@link registerChannelOpsMethods}: the registry and the pairing store are required. */
export interface ChannelOpsOptions {
  registry: Pick<ChannelRegistry, 'account' | 'send'>;
  pairing: Pick<PairingStore, 'list' | 'approve' | 'reject'>;
  logger?: GatewayLogger;
  /** Epoch milliseconds (default `Date.now`), for the idempotency window of `send`. */
  clock?: () => number;
  /** How long a `send` idempotency key is remembered. */
  idempotencyTtlMs?: number;
  /** At most this many keys are remembered (the oldest go first). */
  idempotencyMaxKeys?: number;
}

/** Defaults of {@link ChannelOpsOptions}. */
export const CHANNEL_OPS_DEFAULTS = Object.freeze({ idempotencyTtlMs: 10 * 60_000, idempotencyMaxKeys: 1_000 });

const id = (what: string) => v.string({ trim: true, min: 1, tooShort: `${what} must not be empty` });

const SendParamsSchema = v.object({
  channel: id('channel'),
  to: id('to'),
  message: v.string({ min: 1, tooShort: 'message must not be empty' }),
  accountId: v.optional(id('accountId')),
  threadId: v.optional(id('threadId')),
  idempotencyKey: v.optional(id('idempotencyKey')),
});
const PairingListParamsSchema = v.object({ channel: v.optional(id('channel')) });
const PairingCodeParamsSchema = v.object({ channel: id('channel'), code: id('code') });

/** The answer of `send`. */
export interface SendMethodResult {
  ok: true;
  channel: string;
  to: string;
  /** The channel's ids of the messages sent, one or more per chunk. */
  messageIds: string[];
}

/** The answer of `pairing.approve`. */
export interface PairingApproveResult {
  ok: true;
  channel: string;
  code: string;
  senderId: string;
  meta?: Record<string, string> | undefined;
  /** Whether {@link PAIRING_APPROVED_MESSAGE} reached the sender; the approval stands either way. */
  notified: boolean;
  /** Why the sender was not notified. */
  reason?: string;
}

/** The answer of `pairing.reject`. */
export interface PairingRejectResult {
  ok: true;
  channel: string;
  code: string;
  senderId: string;
}

/**
 * The wire form of a pairing-store error: an unknown code or a bad channel name is the
 * caller's mistake (`INVALID_REQUEST`), a damaged or unreadable store is `UNAVAILABLE`.
 * The store's code and hint go in `details` so the CLI can print the fix.
 */
export function toPairingProtocolError(error: unknown): unknown {
  if (!(error instanceof StateError)) return error;
  const invalid = error.code === 'PAIRING_CODE_UNKNOWN' || error.code === 'INVALID_ID';
  const details = { code: error.code, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  return new GatewayProtocolError(invalid ? ERROR_CODES.INVALID_REQUEST : ERROR_CODES.UNAVAILABLE, error.message, { details, cause: error });
}

async function translated<T>(work: () => Promise<T>, translate: (error: unknown) => unknown): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translate(error);
  }
}

/** Remembers `send` results by idempotency key, so a client's retry is not delivered twice. */
class SendIdempotency {
  readonly #entries = new Map<string, { at: number; result: Promise<SendMethodResult> }>();
  readonly #clock: () => number;
  readonly #ttlMs: number;
  readonly #maxKeys: number;

  constructor(clock: () => number, ttlMs: number, maxKeys: number) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.#maxKeys = maxKeys;
  }

  /** The earlier result under `key` (also while it is still running), else runs `work`. A failure is forgotten, so a retry sends. */
  run(key: string | undefined, work: () => Promise<SendMethodResult>): Promise<SendMethodResult> {
    if (key === undefined) return work();
    const now = this.#clock();
    for (const [k, entry] of this.#entries) {
      if (now - entry.at < this.#ttlMs && this.#entries.size < this.#maxKeys) break;
      this.#entries.delete(k);
    }
    const seen = this.#entries.get(key);
    if (seen) return seen.result;
    const result = work();
    this.#entries.set(key, { at: now, result });
    result.catch(() => this.#entries.delete(key));
    return result;
  }
}

/**
 * Registers `send`, `pairing.list`, `pairing.approve` and `pairing.reject`; returns the
 * function that removes them. `send` needs `operator.write` (the original's table);
 * `pairing.*` are not in that table, so they take `operator.admin`.
 *
 * `pairing.approve` tells the sender with {@link PAIRING_APPROVED_MESSAGE} through the
 * channel's default account, addressed to the sender id as a DM target: on Telegram a
 * private chat's id is the user's id, the Discord plugin opens a DM when given a user id,
 * and WhatsApp senders are phone numbers, which its plugin turns into a chat. A failed
 * notice does not undo the approval: the answer says `notified: false` and why.
 */
export function registerChannelOpsMethods(gateway: Pick<Gateway, 'registerMethod'>, options: ChannelOpsOptions): () => void {
  const { registry, pairing, logger } = options;
  const sends = new SendIdempotency(
    options.clock ?? Date.now,
    options.idempotencyTtlMs ?? CHANNEL_OPS_DEFAULTS.idempotencyTtlMs,
    options.idempotencyMaxKeys ?? CHANNEL_OPS_DEFAULTS.idempotencyMaxKeys,
  );

  const send = async (params: v.Infer<typeof SendParamsSchema>): Promise<SendMethodResult> => {
    const { channel, to, message, accountId, threadId } = params;
    const messageIds = await translated(() => deliverText(registry, { channel, target: to, text: message, ...(accountId === undefined ? {} : { accountId }), threadId }), toChannelProtocolError);
    return { ok: true, channel, to, messageIds };
  };

  const notify = async (channel: string, senderId: string): Promise<{ notified: boolean; reason?: string }> => {
    try {
      await registry.send({ channel, target: senderId, message: { text: PAIRING_APPROVED_MESSAGE } });
      return { notified: true };
    } catch (error) {
      const reason = errorMessage(error);
      logger?.warn('pairing approved, but the sender was not notified', { channel, senderId, error: reason });
      return { notified: false, reason };
    }
  };

  return registerAll(gateway, [
    (g) => g.registerMethod('send', { params: SendParamsSchema, handler: (params) => sends.run(params.idempotencyKey, () => send(params)) }),
    (g) =>
      g.registerMethod('pairing.list', {
        params: PairingListParamsSchema,
        handler: async ({ channel }): Promise<{ requests: PendingPairing[] }> => ({ requests: await translated(() => pairing.list(channel), toPairingProtocolError) }),
      }),
    (g) =>
      g.registerMethod('pairing.approve', {
        params: PairingCodeParamsSchema,
        handler: async ({ channel, code }): Promise<PairingApproveResult> => {
          const approved = await translated(() => pairing.approve(channel, code), toPairingProtocolError);
          logger?.info('pairing approved', { channel, senderId: approved.senderId });
          return { ok: true, channel, code: normalizePairingCode(code), ...approved, ...(await notify(channel, approved.senderId)) };
        },
      }),
    (g) =>
      g.registerMethod('pairing.reject', {
        params: PairingCodeParamsSchema,
        handler: async ({ channel, code }): Promise<PairingRejectResult> => {
          const { senderId } = await translated(() => pairing.reject(channel, code), toPairingProtocolError);
          logger?.info('pairing rejected', { channel, senderId });
          return { ok: true, channel, code: normalizePairingCode(code), senderId };
        },
      }),
  ]);
}
