import { z } from 'zod';
import { allowFromList, dmPolicySchema, groupPolicySchema, hasWildcard, nonEmptyString, positiveInt } from './common.ts';

/** Settings of one group chat (`groups.<id>`). */
export const groupSchema = z.strictObject({
  /** In groups the bot usually answers only when addressed, so busy chats do not trigger a run per message. */
  requireMention: z.boolean().optional().describe('Answer only when the bot is mentioned or replied to.'),
  enabled: z.boolean().optional().describe('Set false to ignore this group.'),
  allowFrom: allowFromList().optional().describe('Senders allowed in this group (overrides groupAllowFrom).'),
  systemPrompt: z.string().optional().describe('Extra system prompt for conversations in this group.'),
});

/**
 * Field factories shared by the channel schemas. Each returns the bare field so the
 * channel level can add a default while the `accounts.<id>` level keeps it optional:
 * an account that omits a field inherits the channel's value, and a schema default on
 * the account would silently override that inheritance.
 */
export const channelFields = {
  enabled: () => z.boolean().describe('Start this channel (or account) with the gateway.'),
  dmPolicy: () => dmPolicySchema,
  allowFrom: () =>
    allowFromList().describe('Senders allowed to DM the bot (user ids or usernames); "*" allows everyone.'),
  groupPolicy: () => groupPolicySchema,
  groupAllowFrom: () =>
    allowFromList().describe('Senders allowed to trigger the bot in groups (user ids or usernames); "*" allows everyone.'),
  groups: () =>
    z
      .record(nonEmptyString(), groupSchema)
      .describe('Per-group settings keyed by group/chat id; "*" sets defaults for every group.'),
  textChunkLimit: (platformMax: number) =>
    positiveInt()
      .max(platformMax)
      .describe(`Split replies into messages of at most this many characters (platform maximum ${platformMax}).`),
};

/** Account ids appear in session keys and state paths. */
export const accountIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'account id must be 1-64 letters, digits, "-" or "_"');

type DmPolicy = z.output<typeof dmPolicySchema>;
type AllowList = readonly (string | number)[];

/** The DM access settings of the channel level or of one account, wherever the channel keeps them. */
export interface DmAccess {
  policy: DmPolicy | undefined;
  allowFrom: AllowList | undefined;
}

export interface OpenDmRuleOptions {
  /** Config path of the channel, for messages: "channels.telegram". */
  channel: string;
  /** Path of the policy key inside a channel or account, for messages: "dmPolicy" or "dm.policy". */
  policyKey: string;
  /** Path segments of the allowlist inside a channel or account, where the issue is reported. */
  allowFromPath: readonly string[];
  base: DmAccess;
  accounts: Readonly<Record<string, DmAccess>> | undefined;
}

/**
 * `open` means anyone can talk to the agent. Requiring an explicit `"*"` makes that a
 * deliberate choice rather than a typo of "pairing". The issue is reported at the
 * allowlist, since adding `"*"` there (or changing the policy) is the fix.
 *
 * Accounts inherit both settings from the channel, so the rule is checked on each
 * account's effective values, but only for accounts that set one of them — otherwise
 * the channel-level issue already covers it.
 */
export function requireWildcardForOpenDms(ctx: z.RefinementCtx, options: OpenDmRuleOptions): void {
  const { channel, policyKey, allowFromPath, base } = options;
  const allowFromKey = allowFromPath.join('.');
  if (base.policy === 'open' && !hasWildcard(base.allowFrom)) {
    ctx.addIssue({
      code: 'custom',
      path: [...allowFromPath],
      message:
        `${channel}.${policyKey} is "open", so ${channel}.${allowFromKey} must include "*" ` +
        `(add "*" to allow everyone, or use "pairing" or "allowlist")`,
    });
  }
  for (const [id, account] of Object.entries(options.accounts ?? {})) {
    if (account.policy === undefined && account.allowFrom === undefined) continue;
    const policy = account.policy ?? base.policy;
    const allowFrom = account.allowFrom ?? base.allowFrom;
    if (policy !== 'open' || hasWildcard(allowFrom)) continue;
    const where = `${channel}.accounts.${id}`;
    const inherited = account.policy === undefined ? ` (inherited from ${channel}.${policyKey})` : '';
    ctx.addIssue({
      code: 'custom',
      path: ['accounts', id, ...allowFromPath],
      message:
        `${where}.${policyKey} is "open"${inherited}, so ${where}.${allowFromKey} must include "*" ` +
        `(add "*" to allow everyone, or use "pairing" or "allowlist")`,
    });
  }
}

/** `record` with each value mapped; `undefined` stays `undefined`. */
export function mapValues<T, U>(
  record: Readonly<Record<string, T>> | undefined,
  fn: (value: T) => U,
): Record<string, U> | undefined {
  if (record === undefined) return undefined;
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
