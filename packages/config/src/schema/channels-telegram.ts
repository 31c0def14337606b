import { z } from 'zod';
import { nonEmptyString } from './common.ts';
import { accountIdSchema, channelFields, mapValues, requireWildcardForOpenDms } from './channels-shared.ts';

/** Telegram rejects messages longer than this. */
const TELEGRAM_MAX_TEXT = 4096;

/** Fields a Telegram bot account can set; every one is optional so accounts inherit the channel's. */
const telegramAccountShape = {
  enabled: channelFields.enabled().optional(),
  /** From @BotFather; `TELEGRAM_BOT_TOKEN` is used for the default account when unset. */
  botToken: nonEmptyString()
    .optional()
    .describe('Bot token from @BotFather (env TELEGRAM_BOT_TOKEN when unset); prefer "${TELEGRAM_BOT_TOKEN}" or tokenFile.'),
  /** Keeps the secret out of openclaw.json. */
  tokenFile: nonEmptyString().optional().describe('File containing the bot token, instead of botToken.'),
  dmPolicy: channelFields.dmPolicy().optional(),
  allowFrom: channelFields.allowFrom().optional(),
  groupPolicy: channelFields.groupPolicy().optional(),
  groupAllowFrom: channelFields.groupAllowFrom().optional(),
  groups: channelFields.groups().optional(),
  textChunkLimit: channelFields.textChunkLimit(TELEGRAM_MAX_TEXT).optional(),
  /** Switches from long polling to a webhook; Telegram only calls HTTPS URLs. */
  webhookUrl: z
    .url({ protocol: /^https$/, error: 'webhookUrl must be an https:// URL (Telegram only calls HTTPS webhooks)' })
    .optional()
    .describe('Public HTTPS URL Telegram posts updates to; unset means long polling. Requires webhookSecret.'),
  /** Without it anyone who learns the URL could inject fake updates. */
  webhookSecret: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'webhookSecret must be 1-256 characters of A-Z, a-z, 0-9, "_" or "-" (Telegram\'s rule)')
    .optional()
    .describe('Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required with webhookUrl.'),
  webhookPath: z
    .string()
    .regex(/^\//, 'webhookPath must start with "/"')
    .optional()
    .describe('Local HTTP path the webhook handler listens on.'),
  /** A self-hosted Bot API server (telegram-bot-api) instead of api.telegram.org. */
  apiRoot: z
    .url({ protocol: /^https?$/, error: 'apiRoot must be an http:// or https:// URL' })
    .optional()
    .describe('Bot API server, default https://api.telegram.org; set it for a self-hosted telegram-bot-api server.'),
};

type TelegramAccountFields = z.output<z.ZodObject<typeof telegramAccountShape>>;

const telegramAccountSchema = z.strictObject(telegramAccountShape);

/** `channels.telegram`: the Telegram bot(s). */
export const telegramSchema = z
  .strictObject({
    ...telegramAccountShape,
    enabled: channelFields.enabled().default(true),
    dmPolicy: channelFields.dmPolicy().default('pairing'),
    groupPolicy: channelFields.groupPolicy().default('allowlist'),
    textChunkLimit: channelFields.textChunkLimit(TELEGRAM_MAX_TEXT).default(TELEGRAM_MAX_TEXT),
    accounts: z
      .record(accountIdSchema, telegramAccountSchema)
      .optional()
      .describe('Additional bots keyed by account id; each inherits the fields it does not set.'),
  })
  .superRefine((telegram, ctx) => {
    requireWildcardForOpenDms(ctx, {
      channel: 'channels.telegram',
      policyKey: 'dmPolicy',
      allowFromPath: ['allowFrom'],
      base: { policy: telegram.dmPolicy, allowFrom: telegram.allowFrom },
      accounts: mapValues(telegram.accounts, (a) => ({ policy: a.dmPolicy, allowFrom: a.allowFrom })),
    });
    requireWebhookSecret(ctx, 'channels.telegram', [], telegram, undefined);
    for (const [id, account] of Object.entries(telegram.accounts ?? {})) {
      requireWebhookSecret(ctx, `channels.telegram.accounts.${id}`, ['accounts', id], account, telegram);
    }
  });

/**
 * A webhook without a secret accepts forged updates from anyone who finds the URL. An
 * account that sets its own `webhookUrl` may inherit the channel's secret.
 */
function requireWebhookSecret(
  ctx: z.RefinementCtx,
  where: string,
  path: readonly string[],
  fields: TelegramAccountFields,
  inheritFrom: TelegramAccountFields | undefined,
): void {
  if (fields.webhookUrl === undefined) return;
  if ((fields.webhookSecret ?? inheritFrom?.webhookSecret) !== undefined) return;
  ctx.addIssue({
    code: 'custom',
    path: [...path, 'webhookSecret'],
    message: `${where}.webhookSecret is required when ${where}.webhookUrl is set (it proves updates come from Telegram)`,
  });
}
