import { TAIL_LIMITS, tailLog } from '../log/tail.ts';
import type { TailResult } from '../log/tail.ts';
import type { Gateway } from '../server/gateway.ts';
import * as v from '../validation/shape.ts';
import type { Infer } from '../validation/shape.ts';

/** Which log `logs.tail` reads: a fixed file (`logging.file`) or the daily files of a directory. */
export interface LogMethodsDeps {
  /** Config `logging.file`: read this file instead of the daily ones. */
  logFile?: string;
  /** Directory of the daily `openclaw-YYYY-MM-DD.log` files (default `/tmp/openclaw`). */
  logDir?: string;
  /** Epoch milliseconds (default `Date.now`): decides which daily file is current. */
  clock?: () => number;
}

const tailParams = v.object({
  cursor: v.optional(v.int({ min: 0 })),
  limit: v.optional(v.int({ min: 1, max: TAIL_LIMITS.maxLimit })),
  maxBytes: v.optional(v.int({ min: 1, max: TAIL_LIMITS.maxMaxBytes })),
  /** Our addition: the `file` of the previous answer, so a rotation is seen even when the new file is already past the cursor. */
  file: v.optional(v.string()),
});
/** Params of `logs.tail`. */
export type LogsTailParams = Infer<typeof tailParams>;

/** `logs.tail`: the end of the gateway log, or what was appended since `cursor`. */
export function tailLogs(deps: LogMethodsDeps, params: LogsTailParams): Promise<TailResult> {
  const { logFile: file, logDir: dir, clock } = deps;
  return tailLog({ file, dir, clock, cursor: params.cursor, cursorFile: params.file, limit: params.limit, maxBytes: params.maxBytes });
}

/** Registers `logs.tail`; returns its removal. */
export function registerLogMethods(gateway: Pick<Gateway, 'registerMethod'>, deps: LogMethodsDeps): () => void {
  return gateway.registerMethod('logs.tail', { params: tailParams, handler: (params) => tailLogs(deps, params) });
}
