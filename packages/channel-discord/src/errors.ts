import { ChannelAuthError } from '@openclaw/gateway-core';

/** Gateway close codes after which discord.js does not reconnect and the credentials or settings must change. */
export const DISCORD_CLOSE_CODES = Object.freeze({
  authenticationFailed: 4004,
  disallowedIntents: 4014,
});

/** The fix for close 4014 and for guild messages that arrive without their text. */
export const MESSAGE_CONTENT_INTENT_HINT =
  'enable "Message Content Intent" in the Discord Developer Portal → your application → Bot → Privileged Gateway Intents, then restart the gateway';

/** Shown in `lastError` (once) when guild messages arrive without their text. */
export const MESSAGE_CONTENT_MISSING =
  `Discord delivers guild messages to this bot without their text, so only mentions reach it: ${MESSAGE_CONTENT_INTENT_HINT}`;

/** How the remote refused the bot: its token, or the privileged intents it asked for. */
export type DiscordRefusal = 'token' | 'intents';

/** Where the operator sets the token of `accountId`. */
export function tokenHint(accountId: string): string {
  const where = accountId === 'default' ? 'channels.discord.token (or DISCORD_BOT_TOKEN)' : `channels.discord.accounts.${accountId}.token`;
  return `set ${where} to the bot token from the Discord Developer Portal → your application → Bot → Reset Token`;
}

/** The refusal a gateway close code means, if any. */
export function refusalOfCloseCode(code: number): DiscordRefusal | undefined {
  if (code === DISCORD_CLOSE_CODES.authenticationFailed) return 'token';
  if (code === DISCORD_CLOSE_CODES.disallowedIntents) return 'intents';
  return undefined;
}

/**
 * The refusal behind an error discord.js threw: `TokenInvalid` (REST 401 while logging in),
 * a REST 401 later on, or the errors its gateway shard raises for close 4004 and 4014.
 */
export function refusalOfError(error: unknown): DiscordRefusal | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, status } = error as { code?: unknown; status?: unknown };
  if (code === 'TokenInvalid' || status === 401 || error.message === 'Authentication failed') return 'token';
  if (error.message === 'Used disallowed intents') return 'intents';
  return undefined;
}

/** The `ChannelAuthError` for a refusal, with the fix as its hint. */
export function refusalError(refusal: DiscordRefusal, accountId: string, cause?: unknown): ChannelAuthError {
  const options = cause === undefined ? {} : { cause };
  if (refusal === 'intents') {
    return new ChannelAuthError('Discord refused the Message Content intent (gateway close 4014: disallowed intents)', {
      ...options,
      hint: MESSAGE_CONTENT_INTENT_HINT,
    });
  }
  return new ChannelAuthError('Discord rejected the bot token (401 Unauthorized / gateway close 4004)', { ...options, hint: tokenHint(accountId) });
}

/**
 * What the plugin throws or reports for `error`: a `ChannelAuthError` for a refusal, else an
 * `Error` whose message has the token masked. An error that mentioned the token is replaced
 * rather than wrapped, so the token is not reachable through `cause` either.
 */
export function toChannelFailure(error: unknown, accountId: string, token: string | undefined): Error {
  const refusal = refusalOfError(error);
  if (refusal !== undefined) return refusalError(refusal, accountId, error);
  const message = error instanceof Error ? error.message || error.name : String(error);
  const masked = maskToken(message, token);
  if (masked !== message) return new Error(masked);
  return error instanceof Error ? error : new Error(message);
}

/** `text` with every occurrence of `token` replaced by `[redacted]`. */
export function maskToken(text: string, token: string | undefined): string {
  return token ? text.split(token).join('[redacted]') : text;
}
