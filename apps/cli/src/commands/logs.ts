import { UsageError } from '../global-flags.ts';
import { print } from '../output.ts';
import { connectTarget, reportGatewayFailure, resolveTarget } from './gateway.ts';
import type { RemoteFlags } from './gateway.ts';

/** Flags of `openclaw logs`. */
export interface LogsFlags extends RemoteFlags {
  tail?: string;
  follow?: boolean;
  interval?: string;
}

interface TailPayload {
  file: string;
  cursor: number;
  lines: string[];
  reset?: boolean;
}

const MAX_LINES = 5_000;

function wholeNumber(text: string | undefined, flag: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${text}"`);
  return value;
}

/** One log record as a person reads it: time, level, message, then the other fields. */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...fields } = record;
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${String(time ?? '')} ${String(level ?? '').toUpperCase().padEnd(5)} ${String(msg ?? '')}${rest ? `  ${rest}` : ''}`;
}

/**
 * `openclaw logs [--tail N] [--follow] [--json]`: the gateway's log through its `logs.tail`
 * method, so it works over a tunnel too. `--follow` polls from the last cursor until Ctrl-C.
 */
export async function logsCommand(flags: LogsFlags, version: string): Promise<void> {
  const limit = wholeNumber(flags.tail, '--tail', 100, MAX_LINES);
  const intervalMs = wholeNumber(flags.interval, '--interval', 1_000, 60_000);
  const target = resolveTarget(flags);
  const show = (lines: readonly string[]) => {
    for (const line of lines) print(flags.json ? line : formatLogLine(line));
  };
  try {
    await connectTarget(target, version, ['operator.read'], async (session) => {
      let tail = (await session.request('logs.tail', { limit })) as TailPayload;
      show(tail.lines);
      while (flags.follow) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        const next = (await session.request('logs.tail', { cursor: tail.cursor, limit: MAX_LINES })) as TailPayload;
        if (next.reset && !flags.json) process.stderr.write(`-- log rotated: now ${next.file} --\n`);
        show(next.lines);
        tail = next;
      }
    });
  } catch (error) {
    if (!reportGatewayFailure(error, target, flags.json)) throw error;
  }
}
