import { z } from 'zod';
import { nonEmptyString, positiveInt } from './common.ts';

/** Log levels, most verbose first; `silent` turns logging off. */
export const logLevelSchema = z
  .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  .describe('Minimum level written: trace, debug, info, warn, error, fatal, or silent.');

/** A redaction pattern must compile, or it would fail at the first log line instead of at load. */
const regexSource = () =>
  z.string().min(1).refine(
    (source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** `logging`: the gateway's JSONL log. */
export const loggingSchema = z.strictObject({
  level: logLevelSchema.default('info'),
  file: nonEmptyString().optional().describe('Log file path (default: /tmp/openclaw/openclaw-YYYY-MM-DD.log, rotated daily).'),
  maxFileBytes: positiveInt()
    .default(10 * 1024 * 1024)
    .describe('Size at which a log file is rotated, in bytes (default 10 MiB).'),
  retentionDays: positiveInt().default(7).describe('Days rotated log files are kept.'),
  /** Tokens and keys end up in tool output and errors; masking them is the safe default. */
  redactSensitive: z.boolean().default(true).describe('Mask tokens, API keys and passwords in log output.'),
  redactPatterns: z
    .array(regexSource())
    .optional()
    .describe('Extra regular expressions (JavaScript syntax) whose matches are masked in logs.'),
});
