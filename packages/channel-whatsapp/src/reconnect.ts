import { computeBackoff } from '@openclaw/gateway-core';
import type { BackoffPolicy } from '@openclaw/gateway-core';

/** The original's `web.reconnect`: 2 s growing ×1.8 to at most 30 s, up to 25 % jitter, 12 attempts. */
export const WHATSAPP_RECONNECT_DEFAULTS: Readonly<BackoffPolicy> = Object.freeze({
  initialMs: 2_000,
  maxMs: 30_000,
  factor: 1.8,
  jitter: 0.25,
  maxAttempts: 12,
});

/**
 * Baileys' `DisconnectReason` (7.0.0-rc14), copied so that deciding about a close, and the
 * plugin's light entry that imports this file, do not load Baileys (~55 MB of RSS) before a
 * session exists. A test compares it with the library's enum.
 */
export const DisconnectReason = Object.freeze({
  connectionClosed: 428,
  connectionLost: 408,
  connectionReplaced: 440,
  timedOut: 408,
  loggedOut: 401,
  badSession: 500,
  restartRequired: 515,
  multideviceMismatch: 411,
  forbidden: 403,
  unavailableService: 503,
} as const);

/** What to do after the WhatsApp connection closed. */
export type ReconnectDecision =
  /** Open a new socket with the same session after `delayMs`. */
  | { action: 'reconnect'; delayMs: number }
  /** The session is dead (logged out, damaged): only a new QR login helps. */
  | { action: 'relogin' }
  /** Stop reconnecting: too many attempts, or another client took the session over. */
  | { action: 'give-up' };

/** Close codes after which the session itself is unusable. */
const RELOGIN_CODES: ReadonlySet<number> = new Set([DisconnectReason.loggedOut, DisconnectReason.badSession]);

/**
 * Decides what follows a close with `statusCode` (Baileys' `DisconnectReason`, undefined when
 * the close carried none), `attempt` being the number of this reconnect since the connection
 * was last open (1 for the first). 401 (logged out) and 500 (bad session) need a new login;
 * 440 (replaced by another client on the same session) gives up at once, since reconnecting
 * would only knock the other client off in turn; every other close is retried with
 * `policy`'s backoff until `attempt` exceeds `policy.maxAttempts`.
 */
export function decideReconnect(
  statusCode: number | undefined,
  attempt: number,
  policy: Readonly<BackoffPolicy> = WHATSAPP_RECONNECT_DEFAULTS,
  random: () => number = Math.random,
): ReconnectDecision {
  if (statusCode !== undefined && RELOGIN_CODES.has(statusCode)) return { action: 'relogin' };
  if (statusCode === DisconnectReason.connectionReplaced || attempt > policy.maxAttempts) return { action: 'give-up' };
  return { action: 'reconnect', delayMs: computeBackoff(policy, attempt, random) };
}

/** The status code of a close's error: a Boom's `output.statusCode` as Baileys sets it. */
export function disconnectStatus(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

const REASON_NAMES: ReadonlyMap<number, string> = new Map(
  // DisconnectReason has two names for 408; the first listed (connectionLost) is the usual one.
  Object.entries(DisconnectReason)
    .map(([name, code]): [number, string] => [code, name])
    .reverse(),
);

/** `connectionClosed (428)`, `loggedOut (401)`, or the error's message when it has no code. */
export function describeDisconnect(error: unknown): string {
  const code = disconnectStatus(error);
  if (code !== undefined) return `${REASON_NAMES.get(code) ?? 'status'} (${code})`;
  if (error instanceof Error) return error.message || error.name;
  return error === undefined ? 'no reason given' : String(error);
}
