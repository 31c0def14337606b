// `openclaw pairing list | approve | reject`: the DM pairing requests of the chat channels.
// Through the gateway when it runs (so an approved sender is told at once), else straight
// in this host's pairing store (cross-process locked), without telling the sender.
import type { PairingApproveResult } from '@openclaw/gateway-core';
import { PairingStore, StateError, normalizePairingCode } from '@openclaw/state';
import type { PendingPairing } from '@openclaw/state';
import { GatewayRequestError, GatewayTransportError } from '../gateway-client.ts';
import type { GatewaySession } from '../gateway-client.ts';
import { print, printJson, printWarning } from '../output.ts';
import { formatDuration } from './status.ts';
import type { GatewayFailure, GatewayTarget, RemoteFlags } from './gateway.ts';
import { connectTarget, reportGatewayFailure, resolveTarget } from './gateway.ts';

/** Where a pairing command did its work. */
type Outcome<T> = { source: 'gateway'; result: T } | { source: 'local'; result: T; why: string };

/**
 * Runs `remote` on the gateway; when this host's gateway is not running (nothing listens on
 * its port) or is too old to have the method, runs `local` on the pairing store instead. A
 * remote gateway never falls back: this host's store is not its store.
 */
async function onGatewayOrStore<T>(target: GatewayTarget, version: string, remote: (session: GatewaySession) => Promise<T>, local: (store: PairingStore) => Promise<T>): Promise<Outcome<T>> {
  try {
    return { source: 'gateway', result: await connectTarget(target, version, ['operator.admin'], remote) };
  } catch (error) {
    if (target.remote) throw error;
    let why: string;
    if (error instanceof GatewayTransportError && error.failure === 'refused') why = `no gateway is running at ${target.url}`;
    else if (error instanceof GatewayRequestError && error.message.startsWith('unknown method: pairing.')) why = `the gateway at ${target.url} has no pairing methods (an older version?)`;
    else throw error;
    return { source: 'local', result: await local(new PairingStore({ stateDir: target.loaded.paths.stateDir })), why };
  }
}

/** A refused pairing command (unknown code, bad channel name, damaged store), from the store or the gateway. */
function pairingRefusal(error: unknown): GatewayFailure | undefined {
  const fixes = (hint: string | undefined) => (hint === undefined ? [] : [hint]);
  if (error instanceof StateError) return { kind: error.code, message: error.message, fixes: fixes(error.hint) };
  if (error instanceof GatewayRequestError && error.detailCode !== undefined && error.method.startsWith('pairing.')) return { kind: error.detailCode, message: error.message, fixes: fixes(error.hint) };
  return undefined;
}

async function run(flags: RemoteFlags, work: (target: GatewayTarget) => Promise<void>): Promise<void> {
  const target = resolveTarget(flags);
  try {
    await work(target);
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json, pairingRefusal)) throw error;
  }
}

/** "42 (@alice, Alice)". */
export function describeSender(id: string, meta: Record<string, string> | undefined): string {
  const known = [meta?.username ? `@${meta.username.replace(/^@/, '')}` : '', meta?.name ?? ''].filter(Boolean);
  return known.length > 0 ? `${id} (${known.join(', ')})` : id;
}

/** `openclaw pairing list [channel] [--json]`: the pending requests, oldest first. */
export async function pairingList(channel: string | undefined, flags: RemoteFlags, version: string): Promise<void> {
  await run(flags, async (target) => {
    const outcome = await onGatewayOrStore(
      target,
      version,
      async (session) => ((await session.request('pairing.list', channel === undefined ? {} : { channel })) as { requests: PendingPairing[] }).requests,
      (store) => store.list(channel),
    );
    const requests = outcome.result;
    if (flags.json) return printJson({ ok: true, source: outcome.source, requests });
    if (outcome.source === 'local') process.stderr.write(`note: ${outcome.why}; showing this host's pairing store\n`);
    if (requests.length === 0) {
      print(`No pending pairing requests${channel === undefined ? '' : ` on ${channel}`}.`);
      return;
    }
    const now = Date.now();
    const rows = requests.map((r) => [r.channel, r.code, describeSender(r.id, r.meta), `${formatDuration(now - Date.parse(r.createdAt))} ago`, `in ${formatDuration(Math.max(0, Date.parse(r.expiresAt) - now))}`]);
    const header = ['CHANNEL', 'CODE', 'SENDER', 'REQUESTED', 'EXPIRES'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [header, ...rows]) print(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
    print();
    print(`Approve with: openclaw pairing approve ${requests[0]!.channel} ${requests[0]!.code}`);
  });
}

/**
 * `openclaw pairing approve <channel> <code>`: the sender may DM the bot from now on. The
 * gateway tells them so through the channel; without a gateway the store is changed
 * directly and the operator is told that the sender was not notified.
 */
export async function pairingApprove(channel: string, code: string, flags: RemoteFlags, version: string): Promise<void> {
  await run(flags, async (target) => {
    const outcome = await onGatewayOrStore<Omit<PairingApproveResult, 'ok'>>(
      target,
      version,
      async (session) => (await session.request('pairing.approve', { channel, code })) as PairingApproveResult,
      async (store) => ({ channel, code: normalizePairingCode(code), ...(await store.approve(channel, code)), notified: false }),
    );
    const result = outcome.source === 'local' ? { ...outcome.result, reason: `${outcome.why}; approved in this host's pairing store` } : outcome.result;
    if (flags.json) return printJson({ ok: true, source: outcome.source, ...result });
    print(`Approved ${channel} sender ${describeSender(result.senderId, result.meta)}.`);
    if (result.notified) print('They were told through the channel that they can start chatting.');
    else printWarning(`the sender was not notified: ${result.reason ?? 'unknown reason'}`, 'tell them they can message the bot now');
  });
}

/** `openclaw pairing reject <channel> <code>`: drops the request; the sender gets no access (and no message). */
export async function pairingReject(channel: string, code: string, flags: RemoteFlags, version: string): Promise<void> {
  await run(flags, async (target) => {
    const outcome = await onGatewayOrStore(
      target,
      version,
      async (session) => (await session.request('pairing.reject', { channel, code })) as { senderId: string },
      (store) => store.reject(channel, code),
    );
    if (flags.json) return printJson({ ok: true, source: outcome.source, channel, code: normalizePairingCode(code), senderId: outcome.result.senderId });
    if (outcome.source === 'local') process.stderr.write(`note: ${outcome.why}; rejected in this host's pairing store\n`);
    print(`Rejected ${channel} sender ${outcome.result.senderId}: their code no longer works; a new message from them gets a new code.`);
  });
}
