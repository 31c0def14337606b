import { z } from 'zod';

/** Names an inline env entry may have: the `${VAR}` substitution alphabet. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const shellEnvSchema = z.strictObject({
  /** Import API keys from a login shell, for daemons started without the user's profile. */
  enabled: z.boolean().optional().describe('Import missing API keys from the login shell environment at startup.'),
});

/** The keys `env` declares itself; everything else is an inline variable. */
const envShape = {
  vars: z
    .record(z.string().min(1), z.string())
    .optional()
    .describe('Environment variables applied when not already set in the process environment or .env.'),
  shellEnv: shellEnvSchema.optional().describe('Login-shell environment import.'),
};

/**
 * `env`: variables applied to the process when not already set. Besides `vars`, any
 * UPPER_CASE key with a string value is a variable too (`env.OPENAI_API_KEY`).
 *
 * The catch-all is `unknown` and the refinement sorts extra keys, because a plain
 * `catchall(z.string())` would make a typo such as `shelEnv: {…}` a hard type error;
 * this way a non-variable key becomes an ordinary `unrecognized_keys` issue (a warning
 * with a "did you mean" suggestion), while `OPENAI_API_KEY: 42` is still an error.
 */
export const envSchema = z
  .object(envShape)
  .catchall(z.unknown())
  .superRefine((env, ctx) => {
    const unknownKeys: string[] = [];
    for (const [key, value] of Object.entries(env)) {
      if (Object.hasOwn(envShape, key)) continue;
      if (!ENV_NAME.test(key)) {
        unknownKeys.push(key);
      } else if (typeof value !== 'string') {
        ctx.addIssue({
          code: 'invalid_type',
          expected: 'string',
          input: value,
          path: [key],
          message: `env.${key} must be a string: inline env entries are environment variables`,
        });
      }
    }
    if (unknownKeys.length > 0) {
      ctx.addIssue({ code: 'unrecognized_keys', keys: unknownKeys, input: env, continue: true });
    }
  })
  // The JSON Schema cannot express the refinement; state the same contract declaratively.
  .meta({ patternProperties: { [ENV_NAME.source]: { type: 'string' } }, additionalProperties: false })
  .describe('Environment variables: `vars` and/or UPPER_CASE keys with string values.');
