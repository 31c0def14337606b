// `openclaw chat`: an interactive terminal chat through the gateway. Each line is a message;
// the reply streams in below it. Ctrl-C stops a reply; Ctrl-D or /exit leaves.
import { createInterface } from 'node:readline';
import { ExitCode } from '../exit-codes.ts';
import { print } from '../output.ts';
import { reportOutcome, streamTurn } from './agent.ts';
import type { RemoteFlags } from './gateway.ts';
import { connectTarget, reportGatewayFailure, resolveTarget } from './gateway.ts';

/** Flags of `openclaw chat`. */
export interface ChatFlags extends RemoteFlags {
  session?: string;
  history?: string;
}

interface HistoryMessage {
  role?: unknown;
  content?: unknown;
}

function historyText(message: HistoryMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return '';
  return message.content.map((part: { type?: unknown; text?: unknown }) => (part?.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
}

/** `openclaw chat [--session KEY] [--history N]`. */
export async function chatCommand(flags: ChatFlags, version: string): Promise<void> {
  const sessionKey = flags.session ?? 'main';
  const historyCount = flags.history === undefined ? 10 : Number(flags.history);
  const target = resolveTarget(flags);
  const interactive = process.stdin.isTTY === true;
  try {
    await connectTarget(target, version, ['operator.write'], async (session) => {
      const history = (await session.request('chat.history', { sessionKey, limit: Math.max(1, historyCount) })) as { sessionKey?: string; messages?: HistoryMessage[] };
      const key = history.sessionKey ?? sessionKey;
      if (interactive) {
        print(`Chatting with the agent in session ${key} through ${target.url}. Ctrl-C stops a reply, Ctrl-D or /exit leaves.`);
        for (const message of (history.messages ?? []).slice(-historyCount)) {
          const text = historyText(message).trim();
          if (text && historyCount > 0) print(`${message.role === 'user' ? 'you' : 'agent'}> ${text}`);
        }
      }
      const lines = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
      let abortCurrent: (() => void) | undefined;
      lines.on('SIGINT', () => {
        if (abortCurrent) abortCurrent();
        else lines.close();
      });
      const prompt = () => interactive && lines.prompt();
      lines.setPrompt('you> ');
      prompt();
      for await (const line of lines) {
        const message = line.trim();
        if (message === '') {
          prompt();
          continue;
        }
        if (message === '/exit' || message === '/quit') break;
        if (interactive) process.stdout.write('agent> ');
        const turn = streamTurn(session, { url: target.url, sessionKey: key, message, onText: (piece) => process.stdout.write(piece) });
        abortCurrent = turn.abort;
        const outcome = await turn.outcome;
        abortCurrent = undefined;
        if (outcome.text !== '') process.stdout.write('\n');
        if (reportOutcome(outcome) !== ExitCode.ok && !interactive) process.exitCode = ExitCode.failure;
        prompt();
      }
      lines.close();
    });
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json)) throw error;
  }
}
