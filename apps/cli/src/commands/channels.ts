// `openclaw channels status | login`: what the running gateway's channels are doing, and the
// QR login of a linked-device channel (WhatsApp), both through the gateway.
import { ExitCode } from '../exit-codes.ts';
import { print, printError, printJson } from '../output.ts';
import { formatDuration } from './status.ts';
import type { RemoteFlags } from './gateway.ts';
import { connectTarget, reportGatewayFailure, resolveTarget } from './gateway.ts';

/** Flags of `openclaw channels status`. */
export interface ChannelsStatusFlags extends RemoteFlags {
  probe?: boolean;
}

/** Flags of `openclaw channels login`. */
export interface ChannelsLoginFlags extends RemoteFlags {
  channel?: string;
  account?: string;
  force?: boolean;
}

interface AccountSnapshot {
  accountId: string;
  enabled?: boolean;
  configured?: boolean;
  state?: string;
  connected?: boolean;
  lastError?: string | null;
  hint?: string;
  lastInboundAt?: number | null;
  nextRetryAt?: number | null;
  probe?: { ok?: boolean; error?: string; elapsedMs?: number };
  [key: string]: unknown;
}

interface ChannelsStatusPayload {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channelAccounts: Record<string, AccountSnapshot[]>;
}

/** Snapshot keys a person wants to see besides state and errors (the plugin's own status fields). */
const EXTRA_FIELDS = ['mode', 'tokenSource', 'botUsername', 'linked'];

function ago(ts: number | null | undefined, now: number): string | undefined {
  return typeof ts === 'number' ? `${formatDuration(Math.max(0, now - ts))} ago` : undefined;
}

/** One line per account: state, the plugin's fields, the probe, the last error and its fix. */
export function describeAccountSnapshot(account: AccountSnapshot, now: number): string[] {
  const state = account.connected ? 'connected' : account.enabled === false ? 'disabled' : account.configured === false ? 'not configured' : (account.state ?? 'not connected');
  const parts = [state, ...EXTRA_FIELDS.filter((key) => account[key] !== undefined && account[key] !== null).map((key) => `${key} ${String(account[key])}`)];
  const inbound = ago(account.lastInboundAt, now);
  if (inbound) parts.push(`last message ${inbound}`);
  if (typeof account.nextRetryAt === 'number') parts.push(`retry in ${formatDuration(Math.max(0, account.nextRetryAt - now))}`);
  if (account.probe) parts.push(account.probe.ok ? `probe ok${account.probe.elapsedMs === undefined ? '' : ` (${account.probe.elapsedMs} ms)`}` : `probe failed: ${account.probe.error ?? 'unknown error'}`);
  const lines = [parts.join(', ')];
  if (account.lastError) lines.push(`last error: ${account.lastError}`);
  if (account.hint) lines.push(`fix: ${account.hint}`);
  return lines;
}

/**
 * `openclaw channels status [--probe] [--json]`: the gateway's `channels.status`, one block per
 * channel and one line per account. `--probe` asks each connected account's platform (getMe,
 * /users/@me) within --timeout.
 */
export async function channelsStatus(flags: ChannelsStatusFlags, version: string): Promise<void> {
  const target = resolveTarget(flags);
  // The probe must finish before the request itself times out.
  const params = flags.probe ? { probe: true, timeoutMs: Math.min(120_000, Math.max(1, target.timeoutMs - 1_000)) } : {};
  let status: ChannelsStatusPayload;
  try {
    status = (await connectTarget(target, version, ['operator.read'], (session) => session.request('channels.status', params))) as ChannelsStatusPayload;
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json)) throw error;
    return;
  }
  if (flags.json) return printJson(status);
  if (status.channelOrder.length === 0) {
    print(`The gateway at ${target.url} runs no channels.`);
    print('  configure one (openclaw channels list shows what this host\'s config sets up), then: openclaw gateway restart');
    return;
  }
  print(`Channels of the gateway at ${target.url}`);
  for (const id of status.channelOrder) {
    const label = status.channelLabels[id];
    print(`  ${id}${label && label !== id ? ` (${label})` : ''}`);
    const accounts = status.channelAccounts[id] ?? [];
    const width = Math.max(...accounts.map((a) => a.accountId.length));
    for (const account of accounts) {
      const [first, ...rest] = describeAccountSnapshot(account, status.ts);
      print(`    ${account.accountId.padEnd(width)}  ${first}`);
      for (const line of rest) print(`    ${' '.repeat(width)}  ${line}`);
    }
  }
}

/** How long `channels login` waits for the code to be scanned. */
const LOGIN_WAIT_MS = 180_000;

/**
 * `openclaw channels login [--channel whatsapp] [--account ID]`: starts the channel's QR login
 * on the gateway (`web.login.start`), prints the QR payload, then waits for the phone to link
 * (`web.login.wait`). No QR renderer ships with openclaw, so the payload is printed with a way
 * to draw it (`qrencode`); the dashboard shows the image.
 */
export async function channelsLogin(flags: ChannelsLoginFlags, version: string): Promise<void> {
  const resolved = resolveTarget(flags);
  // The session must outlive the wait for the scan.
  const target = { ...resolved, timeoutMs: Math.max(resolved.timeoutMs, LOGIN_WAIT_MS + 15_000) };
  const which = { ...(flags.channel === undefined ? {} : { channel: flags.channel }), ...(flags.account === undefined ? {} : { accountId: flags.account }) };
  try {
    await connectTarget(target, version, ['operator.admin'], async (session) => {
      if (!(session.hello.features?.methods ?? []).includes('web.login.start')) {
        printError(
          `the gateway at ${target.url} runs no channel with a QR login${flags.channel ? ` (asked for ${flags.channel})` : ''}`,
          'configure channels.whatsapp, restart the gateway (openclaw gateway restart), then run this again; Telegram and Discord use bot tokens instead (openclaw channels list)',
        );
        process.exitCode = ExitCode.failure;
        return;
      }
      const started = (await session.request('web.login.start', { ...which, ...(flags.force ? { force: true } : {}), timeoutMs: LOGIN_WAIT_MS })) as { message?: string; qr?: string };
      // --json: one line per step (NDJSON), so a script sees the QR payload before the wait.
      if (flags.json) print(JSON.stringify({ step: 'started', ...started }));
      else {
        if (started.message) print(started.message);
        if (started.qr) {
          print('');
          print('Scan this QR payload with the phone (WhatsApp → Settings → Linked devices → Link a device).');
          print('openclaw has no terminal QR renderer; draw it with qrencode (apt install qrencode):');
          print(`  qrencode -t ANSIUTF8 '${started.qr.replaceAll("'", "'\\''")}'`);
          print('or open the dashboard (openclaw dashboard), which shows it as an image.');
          print('');
          print(`Waiting up to ${LOGIN_WAIT_MS / 1000} s for the phone to link …`);
        }
      }
      const done = (await session.request('web.login.wait', { ...which, timeoutMs: LOGIN_WAIT_MS })) as { connected?: boolean; message?: string };
      if (flags.json) print(JSON.stringify({ step: 'done', ...done }));
      else if (done.connected) print(`Linked: ${done.message ?? 'the account is connected'}; the gateway restarts it with the new credentials.`);
      if (!done.connected) {
        if (!flags.json) printError(`not linked: ${done.message ?? 'the login did not complete'}`, 'run openclaw channels login again and scan the new code');
        process.exitCode = ExitCode.failure;
      }
    });
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json)) throw error;
  }
}
