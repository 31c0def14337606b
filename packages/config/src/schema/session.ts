import { z } from 'zod';
import { nonEmptyString, positiveInt } from './common.ts';

const sessionResetSchema = z.strictObject({
  /** `daily` starts a fresh session at `atHour`; `idle` after `idleMinutes` without messages. */
  mode: z.enum(['daily', 'idle']).optional().describe('"daily": new session each day at atHour; "idle": after idleMinutes of silence.'),
  atHour: z.int().min(0).max(23).optional().describe('Local hour (0-23) of the daily reset.'),
  idleMinutes: positiveInt().optional().describe('Minutes without messages after which the session resets.'),
});

/** `session`: how conversations map to agent sessions and when they start over. */
export const sessionSchema = z.strictObject({
  /**
   * `main` shares one session across every DM (a single-user assistant); the `per-*`
   * scopes isolate senders, which matters as soon as more than one person can DM the bot.
   */
  dmScope: z
    .enum(['main', 'per-peer', 'per-channel-peer', 'per-account-channel-peer'])
    .default('main')
    .describe(
      'How DMs map to sessions: "main" (all DMs share the main session), "per-peer" (one per sender), ' +
        '"per-channel-peer" (per channel and sender), "per-account-channel-peer" (per bot account, channel and sender).',
    ),
  mainKey: nonEmptyString().default('main').describe('Key of the main session (agent:<id>:<mainKey>).'),
  resetTriggers: z
    .array(nonEmptyString())
    .default(['/new', '/reset'])
    .describe('Messages that start a fresh session.'),
  reset: sessionResetSchema.optional().describe('Automatic session reset.'),
  idleMinutes: positiveInt().optional().describe('Reset a session after this many idle minutes (see also reset).'),
});
