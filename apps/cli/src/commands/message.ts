// `openclaw message send`: one outbound message through a channel of the running gateway.
import { randomUUID } from 'node:crypto';
import { GatewayRequestError } from '../gateway-client.ts';
import { UsageError } from '../global-flags.ts';
import { print, printJson } from '../output.ts';
import type { GatewayFailure, GatewayTarget, RemoteFlags } from './gateway.ts';
import { connectTarget, reportGatewayFailure, resolveTarget } from './gateway.ts';

/** Flags of `openclaw message send`. */
export interface MessageSendFlags extends RemoteFlags {
  channel?: string;
  target?: string;
  message?: string;
  account?: string;
  threadId?: string;
}

function required(value: string | undefined, flag: string, example: string): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new UsageError(`${flag} is required, e.g. openclaw message send ${example}`);
  return trimmed;
}

/** The gateway has no such channel or account, or it is not connected: what to do about it. */
function channelRefusal(error: unknown, channel: string, target: GatewayTarget): GatewayFailure | undefined {
  if (!(error instanceof GatewayRequestError)) return undefined;
  const fixes: Record<string, string[]> = {
    CHANNEL_UNKNOWN: [`configure channels.${channel} in ${target.loaded.paths.configPath} (openclaw channels list), then restart the gateway: openclaw gateway restart`],
    ACCOUNT_UNKNOWN: [`pick one of the gateway's ${channel} accounts with --account (openclaw channels status)`],
    CHANNEL_NOT_CONNECTED: [...(error.hint ? [error.hint] : []), 'openclaw channels status shows each account and its last error; the gateway keeps retrying, so try again later'],
  };
  const kind = error.detailCode;
  const fix = kind === undefined ? undefined : fixes[kind];
  if (kind === undefined || fix === undefined) return undefined;
  const why = kind === 'CHANNEL_NOT_CONNECTED' || !error.hint ? error.message : `${error.message} (${error.hint})`;
  return { kind, message: `the gateway at ${target.url} cannot send on ${channel}: ${why}`, fixes: fix };
}

/**
 * `openclaw message send --channel <c> --target <id> --message <text> [--account ID]`: the
 * gateway's `send` splits the text to the channel's limits and delivers it; prints the ids of
 * the messages sent. The request carries an idempotency key, so a retry is not sent twice.
 */
export async function messageSend(flags: MessageSendFlags, version: string): Promise<void> {
  const example = '--channel telegram --target 123456789 --message "Hello"';
  const channel = required(flags.channel, '--channel', example);
  const to = required(flags.target, '--target', example);
  if (flags.message === undefined || flags.message.trim() === '') throw new UsageError(`--message is required and must not be empty, e.g. openclaw message send ${example}`);
  const target = resolveTarget(flags);
  const params = {
    channel,
    to,
    message: flags.message,
    idempotencyKey: randomUUID(),
    ...(flags.account === undefined ? {} : { accountId: flags.account }),
    ...(flags.threadId === undefined ? {} : { threadId: flags.threadId }),
  };
  try {
    const result = (await connectTarget(target, version, ['operator.write'], (session) => session.request('send', params))) as { messageIds?: string[] };
    const ids = result.messageIds ?? [];
    if (flags.json) return printJson({ url: target.url, ...result });
    print(`Sent to ${channel} ${to}: ${ids.length === 1 ? 'message' : `${ids.length} messages`} ${ids.join(', ')}`.trimEnd());
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json, (e) => channelRefusal(e, channel, target))) throw error;
  }
}
