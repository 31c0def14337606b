import { ChannelAuthError } from '@openclaw/gateway-core';
import { DEFAULT_ACCOUNT_ID } from './accounts.ts';
import { disconnectStatus } from './reconnect.ts';

/** What every WhatsApp connection failure says first (the original's wording, which the docs list). */
export const CONNECT_FAILED = 'Failed to connect to WhatsApp';

/** The login command, with `--account` for any account but the default. */
function loginCommand(accountId: string, options: { channel: boolean }): string {
  const channel = options.channel ? ' --channel whatsapp' : '';
  const account = accountId === DEFAULT_ACCOUNT_ID ? '' : ` --account ${accountId}`;
  return `openclaw channels login${channel}${account}`;
}

/** No linked session in the account's directory: a QR login has never been completed (or was cleared). */
export function notLinkedError(accountId: string): ChannelAuthError {
  return new ChannelAuthError(`${CONNECT_FAILED}: not linked`, { hint: loginCommand(accountId, { channel: true }) });
}

/** WhatsApp ended the session (logged out from the phone, or a damaged session): only a new QR login helps. */
export function sessionEndedError(accountId: string, cause?: unknown): ChannelAuthError {
  return new ChannelAuthError(CONNECT_FAILED, { hint: loginCommand(accountId, { channel: false }), ...(cause === undefined ? {} : { cause }) });
}

/** A one-line description of anything Baileys threw, with its status code when it has one. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const code = disconnectStatus(error);
  return code === undefined ? text : `${text} (${code})`;
}
