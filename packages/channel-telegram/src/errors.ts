import { GrammyError, HttpError } from 'grammy';

/** What a bot token in a URL path is replaced with. */
export const REDACTED_TOKEN = '<redacted>';

/** `bot<id>:<secret>` as it appears in Bot API URLs. */
const TOKEN_IN_URL = /bot\d+:[A-Za-z0-9_-]+/g;

/**
 * `text` with `token` (raw or URL-encoded) replaced, and any other `bot<id>:<secret>` URL
 * segment turned into `bot<redacted>`. grammY's and node-fetch's errors carry the request
 * URL, which has the token in its path.
 */
export function redactToken(text: string, token: string | undefined): string {
  let out = text;
  if (token) {
    out = out.split(token).join(REDACTED_TOKEN);
    const encoded = encodeURIComponent(token);
    if (encoded !== token) out = out.split(encoded).join(REDACTED_TOKEN);
  }
  return out.replace(TOKEN_IN_URL, `bot${REDACTED_TOKEN}`);
}

/**
 * A one-line, token-free description of anything a Bot API call threw: Telegram's own
 * answer for a {@link GrammyError}, the transport's reason for an {@link HttpError}.
 */
export function describeError(error: unknown, token: string | undefined): string {
  let text: string;
  if (error instanceof GrammyError) text = `${error.error_code} ${error.description}`;
  else if (error instanceof HttpError) text = `${error.message} ${error.error instanceof Error ? error.error.message : String(error.error)}`;
  else if (error instanceof Error) text = error.message || error.name;
  else text = String(error);
  return redactToken(text, token);
}

/** Telegram's `error_code` when the Bot API answered with an error, else undefined (transport failure). */
export function apiErrorCode(error: unknown): number | undefined {
  return error instanceof GrammyError ? error.error_code : undefined;
}

/** Telegram's `retry_after` in milliseconds (429 answers), else 0. */
export function retryAfterMs(error: unknown): number {
  const seconds = error instanceof GrammyError ? error.parameters.retry_after : undefined;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1_000 : 0;
}
