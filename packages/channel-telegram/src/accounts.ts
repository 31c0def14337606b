import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ChannelAccess, ChannelAccountConfig } from '@openclaw/gateway-core';
import type { OpenClawConfig } from '@openclaw/config';

/** `channels.telegram` as the config layer validated it. */
export type TelegramSection = NonNullable<NonNullable<OpenClawConfig['channels']>['telegram']>;

/** One entry of `channels.telegram.accounts`. */
type TelegramAccountFields = NonNullable<TelegramSection['accounts']>[string];

/** Where an account's bot token came from; shown in status instead of the token. */
export type TokenSource = 'config' | 'file' | 'env' | 'none';

/** One bot account, with the channel-level fields it inherits applied. */
export interface TelegramAccount {
  accountId: string;
  /** The secret. Never logged or reported: report {@link tokenSource}. */
  botToken: string | undefined;
  tokenSource: TokenSource;
  /** The file the token was (to be) read from, if `tokenFile` is set. */
  tokenFile: string | undefined;
  /** Why there is no token although one was configured (an unreadable `tokenFile`). */
  tokenError: string | undefined;
  dmPolicy: TelegramSection['dmPolicy'];
  allowFrom: NonNullable<TelegramSection['allowFrom']>;
  groupPolicy: TelegramSection['groupPolicy'];
  groupAllowFrom: NonNullable<TelegramSection['groupAllowFrom']>;
  groups: NonNullable<TelegramSection['groups']>;
  /** Longest message this account sends (Telegram's maximum, 4096, by default). */
  textChunkLimit: number;
  /** Set: the bot receives updates by webhook instead of long polling. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Local path of the webhook handler: `webhookPath`, else the path of `webhookUrl`, else `/telegram-webhook`. */
  webhookPath: string | undefined;
  /** Bot API server (a self-hosted telegram-bot-api); undefined: api.telegram.org. */
  apiRoot: string | undefined;
}

/** Options of {@link resolveAccounts}. */
export interface ResolveAccountsOptions {
  /** Where `TELEGRAM_BOT_TOKEN` (and `HOME` for `~/` in `tokenFile`) are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The account built from the channel-level fields. */
export const DEFAULT_ACCOUNT_ID = 'default';
/** Telegram rejects longer messages. */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** The variable the default account's token falls back to. */
export const TOKEN_ENV = 'TELEGRAM_BOT_TOKEN';
const DEFAULT_WEBHOOK_PATH = '/telegram-webhook';

/**
 * Splits `channels.telegram` into bot accounts: `default` from the channel-level fields (with
 * `accounts.default` on top, if present), plus one per other `accounts.<id>`.
 *
 * Named accounts inherit the access and chunking fields (`dmPolicy`, `allowFrom`,
 * `groupPolicy`, `groupAllowFrom`, `groups`, `textChunkLimit`, `webhookSecret`) and `enabled:
 * false`, but never the bot token or the webhook URL and path: those identify one bot, and
 * two accounts sharing them would fight over its updates. The default account is omitted when
 * named accounts exist and the channel level has no token of its own.
 *
 * Token order: `botToken`, then `tokenFile` (an unreadable or empty file leaves the account
 * unconfigured with `tokenError`; it does not fall back), then `TELEGRAM_BOT_TOKEN` for the
 * default account only. An account without a token is `configured: false`.
 */
export function resolveAccounts(section: TelegramSection | undefined, options: ResolveAccountsOptions = {}): ChannelAccountConfig<TelegramAccount>[] {
  const base: Partial<TelegramSection> = section ?? {};
  const env = options.env ?? process.env;
  const named = Object.entries(base.accounts ?? {}).filter(([id]) => id !== DEFAULT_ACCOUNT_ID);
  const ownDefault: TelegramAccountFields = { ...pickBotFields(base), ...base.accounts?.[DEFAULT_ACCOUNT_ID] };
  const hasDefault =
    named.length === 0 || ownDefault.botToken !== undefined || ownDefault.tokenFile !== undefined || nonEmpty(env[TOKEN_ENV]) !== undefined;
  const accounts = named.map(([id, fields]) => buildAccount(id, fields, base, env, false));
  return hasDefault ? [buildAccount(DEFAULT_ACCOUNT_ID, ownDefault, base, env, true), ...accounts] : accounts;
}

function pickBotFields(base: Partial<TelegramSection>): TelegramAccountFields {
  const { botToken, tokenFile, webhookUrl, webhookPath, enabled } = base;
  return { botToken, tokenFile, webhookUrl, webhookPath, enabled };
}

function buildAccount(
  accountId: string,
  own: TelegramAccountFields,
  base: Partial<TelegramSection>,
  env: Readonly<Record<string, string | undefined>>,
  isDefault: boolean,
): ChannelAccountConfig<TelegramAccount> {
  const where = isDefault ? 'channels.telegram' : `channels.telegram.accounts.${accountId}`;
  const token = resolveToken(own, where, env, isDefault);
  const config: TelegramAccount = {
    accountId,
    ...token,
    dmPolicy: own.dmPolicy ?? base.dmPolicy ?? 'pairing',
    allowFrom: own.allowFrom ?? base.allowFrom ?? [],
    groupPolicy: own.groupPolicy ?? base.groupPolicy ?? 'allowlist',
    groupAllowFrom: own.groupAllowFrom ?? base.groupAllowFrom ?? [],
    groups: own.groups ?? base.groups ?? {},
    textChunkLimit: own.textChunkLimit ?? base.textChunkLimit ?? TELEGRAM_TEXT_LIMIT,
    webhookUrl: own.webhookUrl,
    webhookSecret: own.webhookSecret ?? base.webhookSecret,
    webhookPath: own.webhookUrl === undefined ? undefined : (own.webhookPath ?? pathOf(own.webhookUrl)),
    apiRoot: own.apiRoot ?? base.apiRoot,
  };
  const enabled = base.enabled !== false && own.enabled !== false;
  return { accountId, config, enabled, configured: config.botToken !== undefined, access: telegramAccess(config) };
}

type ResolvedToken = Pick<TelegramAccount, 'botToken' | 'tokenSource' | 'tokenFile' | 'tokenError'>;

function resolveToken(own: TelegramAccountFields, where: string, env: Readonly<Record<string, string | undefined>>, isDefault: boolean): ResolvedToken {
  if (own.botToken !== undefined) return { botToken: own.botToken.trim(), tokenSource: 'config', tokenFile: undefined, tokenError: undefined };
  if (own.tokenFile !== undefined) return readTokenFile(own.tokenFile, `${where}.tokenFile`, env);
  const fromEnv = isDefault ? nonEmpty(env[TOKEN_ENV]) : undefined;
  if (fromEnv !== undefined) return { botToken: fromEnv, tokenSource: 'env', tokenFile: undefined, tokenError: undefined };
  return { botToken: undefined, tokenSource: 'none', tokenFile: undefined, tokenError: undefined };
}

function readTokenFile(file: string, key: string, env: Readonly<Record<string, string | undefined>>): ResolvedToken {
  const path = file.startsWith('~/') ? `${env.HOME ?? homedir()}${file.slice(1)}` : file;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { botToken: undefined, tokenSource: 'none', tokenFile: path, tokenError: `${key}: cannot read ${path} (${code})` };
  }
  const token = nonEmpty(text);
  if (token === undefined) return { botToken: undefined, tokenSource: 'none', tokenFile: path, tokenError: `${key}: ${path} is empty` };
  return { botToken: token, tokenSource: 'file', tokenFile: path, tokenError: undefined };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function pathOf(url: string): string {
  const path = new URL(url).pathname;
  return path === '/' ? DEFAULT_WEBHOOK_PATH : path;
}

/** The account's access policy for the gateway's router (Telegram's config is already in its shape). */
export function telegramAccess(account: TelegramAccount): ChannelAccess {
  return {
    dmPolicy: account.dmPolicy,
    allowFrom: account.allowFrom,
    groupPolicy: account.groupPolicy,
    groupAllowFrom: account.groupAllowFrom,
    groups: account.groups,
  };
}
