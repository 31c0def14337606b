// `openclaw agent --message …`: one turn through the gateway, the reply streamed to the
// terminal as it arrives.
import { randomUUID } from 'node:crypto';
import { ExitCode } from '../exit-codes.ts';
import type { GatewaySession } from '../gateway-client.ts';
import { GatewayTransportError } from '../gateway-client.ts';
import { UsageError } from '../global-flags.ts';
import { print, printError, printJson } from '../output.ts';
import type { RemoteFlags } from './gateway.ts';
import { connectTarget, reportGatewayFailure, resolveTarget } from './gateway.ts';

/** Flags of `openclaw agent`. */
export interface AgentFlags extends RemoteFlags {
  message?: string;
  session?: string;
}

/** How a turn ended, from its last `chat` event. */
export interface TurnOutcome {
  runId: string;
  sessionKey: string;
  /** `stopped`: the message was `/stop`, which ends runs instead of starting one. */
  state: 'final' | 'aborted' | 'error' | 'stopped';
  text: string;
  errorMessage?: string;
  errorHint?: string;
  usage?: unknown;
  stopReason?: string;
}

interface ChatEvent {
  runId?: unknown;
  sessionKey?: unknown;
  state?: unknown;
  message?: { content?: { text?: unknown }[] };
  errorMessage?: unknown;
  errorHint?: unknown;
  usage?: unknown;
  stopReason?: unknown;
}

const textOf = (event: ChatEvent): string => {
  const text = event.message?.content?.[0]?.text;
  return typeof text === 'string' ? text : '';
};

/**
 * Sends `message` with `chat.send` and follows the run's `chat` events: `onText` gets each
 * new piece of the reply, the promise the outcome. `abort` (Ctrl-C) asks the gateway to stop
 * the run; the outcome then says `aborted`.
 */
export function streamTurn(session: GatewaySession, request: { url: string; sessionKey: string; message: string; onText?: ((piece: string) => void) | undefined }): { outcome: Promise<TurnOutcome>; abort: () => void } {
  const runId = randomUUID();
  let shown = '';
  let sessionKey = request.sessionKey;
  const outcome = new Promise<TurnOutcome>((resolve, reject) => {
    const unsubscribe = session.onEvent((event, raw) => {
      const payload = raw as ChatEvent;
      if (event !== 'chat' || payload?.runId !== runId) return;
      if (typeof payload.sessionKey === 'string') sessionKey = payload.sessionKey;
      const text = textOf(payload);
      // Deltas carry the reply so far: print what is new.
      if (text.startsWith(shown) && text.length > shown.length) {
        request.onText?.(text.slice(shown.length));
        shown = text;
      }
      if (payload.state === 'delta') return;
      unsubscribe();
      const state = payload.state === 'final' || payload.state === 'aborted' ? payload.state : 'error';
      resolve({
        runId,
        sessionKey,
        state,
        text: state === 'final' ? text : shown,
        ...(typeof payload.errorMessage === 'string' ? { errorMessage: payload.errorMessage } : {}),
        ...(typeof payload.errorHint === 'string' ? { errorHint: payload.errorHint } : {}),
        ...(payload.usage === undefined ? {} : { usage: payload.usage }),
        ...(typeof payload.stopReason === 'string' ? { stopReason: payload.stopReason } : {}),
      });
    });
    session.closed.then(
      () => {
        unsubscribe();
        reject(new GatewayTransportError('closed', request.url, 'the gateway closed the connection before the reply was complete'));
      },
      () => undefined,
    );
    session.request('chat.send', { sessionKey: request.sessionKey, message: request.message, idempotencyKey: runId }).then(
      (ack) => {
        // `/stop` answers {ok, aborted, runIds} and starts no run: there is no event to wait for.
        const answer = ack as { status?: unknown; aborted?: unknown } | undefined;
        if (answer?.status === 'started' || answer?.status === 'in_flight') return;
        unsubscribe();
        resolve({ runId, sessionKey, state: 'stopped', text: '', errorMessage: answer?.aborted === true ? 'stopped the running reply' : 'nothing was running' });
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
  const abort = () => void session.request('chat.abort', { sessionKey: request.sessionKey, runId }).catch(() => undefined);
  return { outcome, abort };
}

/** Prints how a turn ended when it did not end well; returns the exit code. */
export function reportOutcome(outcome: TurnOutcome): number {
  if (outcome.state === 'final') return ExitCode.ok;
  if (outcome.state === 'stopped') {
    print(outcome.errorMessage ?? 'stopped');
    return ExitCode.ok;
  }
  if (outcome.state === 'aborted') {
    printError('the run was aborted');
    return ExitCode.failure;
  }
  printError(`the agent failed: ${outcome.errorMessage ?? 'unknown error'}`, outcome.errorHint);
  return ExitCode.failure;
}

/** `openclaw agent --message "…" [--session KEY] [--json]`. */
export async function agentCommand(flags: AgentFlags, version: string): Promise<void> {
  const message = flags.message?.trim();
  if (!message) throw new UsageError('--message is required, e.g. openclaw agent --message "What is on my calendar?"');
  const target = resolveTarget(flags);
  try {
    const outcome = await connectTarget(target, version, ['operator.write'], async (session) => {
      const turn = streamTurn(session, { url: target.url, sessionKey: flags.session ?? 'main', message, onText: flags.json ? undefined : (piece) => process.stdout.write(piece) });
      const onSigint = () => turn.abort();
      process.once('SIGINT', onSigint);
      try {
        return await turn.outcome;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
    if (flags.json) printJson(outcome);
    else if (outcome.text !== '') process.stdout.write('\n');
    process.exitCode = flags.json ? (outcome.state === 'final' || outcome.state === 'stopped' ? ExitCode.ok : ExitCode.failure) : reportOutcome(outcome);
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json)) throw error;
  }
}
