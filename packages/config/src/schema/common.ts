import { z } from 'zod';

/** A whole number >= 1 (counts, sizes, durations). */
export const positiveInt = () => z.int().min(1);

/** A whole number >= 0. */
export const nonNegativeInt = () => z.int().min(0);

/** A string that must not be empty: an empty token or path is always a mistake. */
export const nonEmptyString = () => z.string().min(1);

/**
 * One entry of a sender allowlist: a platform user id (Telegram ids arrive as numbers in
 * hand-written JSON), a username, or the wildcard "*".
 */
export const allowFromEntry = () => z.union([z.string().min(1), z.number()]);

/** A sender allowlist; `"*"` allows everyone. */
export const allowFromList = () => z.array(allowFromEntry());

/** Who may open a direct-message conversation with the bot. */
export const dmPolicySchema = z
  .enum(['pairing', 'allowlist', 'open', 'disabled'])
  .describe(
    'Who may DM the bot: "pairing" (unknown senders get a pairing code the owner approves), ' +
      '"allowlist" (only allowFrom), "open" (anyone; allowFrom must contain "*"), "disabled".',
  );

/** Which group chats the bot answers in. */
export const groupPolicySchema = z
  .enum(['open', 'disabled', 'allowlist'])
  .describe('Which groups the bot answers in: "open" (any), "disabled" (none), "allowlist" (only configured groups).');

/** The wildcard that lets everyone through an allowlist. */
export const WILDCARD = '*';

/** Whether an allowlist contains the wildcard. Numbers never do. */
export function hasWildcard(list: readonly (string | number)[] | undefined): boolean {
  return list?.some((entry) => entry === WILDCARD) ?? false;
}
