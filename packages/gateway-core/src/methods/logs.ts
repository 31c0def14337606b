import { z } from 'zod';
import { TAIL_LIMITS, tailLog } from '../log/tail.ts';
import type { TailResult } from '../log/tail.ts';
import type { Gateway } from '../server/gateway.ts';

/** Which log `logs.tail` reads: a fixed file (`logging.file`) or the daily files of a directory. */
export interface LogMethodsDeps {
  /** Config `logging.file`: read this file instead of the daily ones. */
  logFile?: string;
  /** Directory of the daily `openclaw-YYYY-MM-DD.log` files (default `/tmp/openclaw`). */
  logDir?: string;
  /** Epoch milliseconds (default `Date.now`): decides which daily file is current. */
  clock?: () => number;
}

const tailParams = z.object({
  cursor: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(TAIL_LIMITS.maxLimit).optional(),
  maxBytes: z.number().int().min(1).max(TAIL_LIMITS.maxMaxBytes).optional(),
  /** Our addition: the `file` of the previous answer, so a rotation is seen even when the new file is already past the cursor. */
  file: z.string().optional(),
});
/** Params of `logs.tail`. */
export type LogsTailParams = z.infer<typeof tailParams>;

/** `logs.tail`: the end of the gateway log, or what was appended since `cursor`. */
export function tailLogs(deps: LogMethodsDeps, params: LogsTailParams): Promise<TailResult> {
  const { logFile: file, logDir: dir, clock } = deps;
  return tailLog({ file, dir, clock, cursor: params.cursor, cursorFile: params.file, limit: params.limit, maxBytes: params.maxBytes });
}

/** Registers `logs.tail`; returns its removal. */
export function registerLogMethods(gateway: Pick<Gateway, 'registerMethod'>, deps: LogMethodsDeps): () => void {
  return gateway.registerMethod('logs.tail', { params: tailParams, handler: (params) => tailLogs(deps, params) });
}
