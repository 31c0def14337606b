import { z } from 'zod';
import { nonEmptyString, nonNegativeInt, positiveInt, WILDCARD } from './common.ts';
import { accountIdSchema, channelFields, mapValues, requireWildcardForOpenDms } from './channels-shared.ts';

/**
 * WhatsApp senders are phone numbers. The leading "+" is optional because people write
 * numbers both ways and the channel normalizes them.
 */
const e164Entry = () =>
  z
    .string()
    .refine((entry) => entry === WILDCARD || /^\+?[1-9]\d{1,14}$/.test(entry), {
      message: 'expected an E.164 phone number such as "+15551234567" (digits only, no spaces), or "*"',
    });

const e164List = () => z.array(e164Entry());

/** Baileys reconnect backoff: `min(maxMs, initialMs * factor^(attempt-1) * (1 + jitter * random))`. */
const reconnectFields = {
  initialMs: positiveInt().describe('Delay before the first reconnect attempt, in milliseconds.'),
  maxMs: positiveInt().describe('Upper bound of the reconnect delay, in milliseconds.'),
  factor: z.number().min(1).describe('Multiplier applied to the delay after each failed attempt.'),
  jitter: z.number().min(0).max(1).describe('Random extra delay as a fraction of the delay (0-1).'),
  maxAttempts: nonNegativeInt().describe('Reconnect attempts before giving up.'),
};

const reconnectAccountSchema = z.strictObject({
  initialMs: reconnectFields.initialMs.optional(),
  maxMs: reconnectFields.maxMs.optional(),
  factor: reconnectFields.factor.optional(),
  jitter: reconnectFields.jitter.optional(),
  maxAttempts: reconnectFields.maxAttempts.optional(),
});

/** Defaults from the original's `web.reconnect`. */
const reconnectSchema = z.strictObject({
  initialMs: reconnectFields.initialMs.default(2000),
  maxMs: reconnectFields.maxMs.default(30_000),
  factor: reconnectFields.factor.default(1.8),
  jitter: reconnectFields.jitter.default(0.25),
  maxAttempts: reconnectFields.maxAttempts.default(12),
});

/** Fields a WhatsApp account (one linked phone) can set; every one is optional so accounts inherit the channel's. */
const whatsappAccountShape = {
  enabled: channelFields.enabled().optional(),
  dmPolicy: channelFields.dmPolicy().optional(),
  allowFrom: e164List().optional().describe('Phone numbers (E.164) allowed to message the bot; "*" allows everyone.'),
  groupPolicy: channelFields.groupPolicy().optional(),
  groupAllowFrom: e164List().optional().describe('Phone numbers (E.164) allowed to trigger the bot in groups; "*" allows everyone.'),
  groups: channelFields.groups().optional(),
  textChunkLimit: positiveInt()
    .optional()
    .describe('Split replies into messages of at most this many characters.'),
  /** For a bot that runs on the owner's own number: the owner talks to it in "Message yourself". */
  selfChatMode: z.boolean().optional().describe('The bot uses your own number; talk to it in your self-chat.'),
  sendReadReceipts: z.boolean().optional().describe('Mark incoming messages as read (blue ticks).'),
  /** Holds the linked-device credentials; losing it means scanning the QR code again. */
  authDir: nonEmptyString()
    .optional()
    .describe('Directory of the WhatsApp session credentials (default: <stateDir>/credentials/whatsapp/<accountId>).'),
  reconnect: reconnectAccountSchema.optional().describe('Reconnect backoff after the WhatsApp connection drops.'),
};

const whatsappAccountSchema = z.strictObject(whatsappAccountShape);

/** `channels.whatsapp`: WhatsApp via a linked device (Baileys). */
export const whatsappSchema = z
  .strictObject({
    ...whatsappAccountShape,
    enabled: channelFields.enabled().default(true),
    dmPolicy: channelFields.dmPolicy().default('pairing'),
    groupPolicy: channelFields.groupPolicy().default('allowlist'),
    textChunkLimit: whatsappAccountShape.textChunkLimit.unwrap().default(4000),
    reconnect: reconnectSchema.prefault({}).describe('Reconnect backoff after the WhatsApp connection drops.'),
    accounts: z
      .record(accountIdSchema, whatsappAccountSchema)
      .optional()
      .describe('Additional linked phones keyed by account id; each inherits the fields it does not set.'),
  })
  .superRefine((whatsapp, ctx) => {
    requireWildcardForOpenDms(ctx, {
      channel: 'channels.whatsapp',
      policyKey: 'dmPolicy',
      allowFromPath: ['allowFrom'],
      base: { policy: whatsapp.dmPolicy, allowFrom: whatsapp.allowFrom },
      accounts: mapValues(whatsapp.accounts, (a) => ({ policy: a.dmPolicy, allowFrom: a.allowFrom })),
    });
  });
