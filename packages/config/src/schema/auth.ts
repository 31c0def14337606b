import { z } from 'zod';
import { nonEmptyString } from './common.ts';

/** Metadata of one credential profile; the secret itself lives in the credentials store, never here. */
const authProfileSchema = z.strictObject({
  provider: nonEmptyString().describe('Provider id this profile authenticates, e.g. "anthropic".'),
  mode: z.enum(['api_key', 'oauth', 'token']).describe('Kind of credential: API key, OAuth login, or static token.'),
  email: nonEmptyString().optional().describe('Account email, for display.'),
});

/** `auth`: which credential profiles exist and the order they are tried in. */
export const authSchema = z.strictObject({
  profiles: z
    .record(nonEmptyString(), authProfileSchema)
    .optional()
    .describe('Credential profiles keyed by profile id, e.g. "anthropic:default".'),
  order: z
    .record(nonEmptyString(), z.array(nonEmptyString()))
    .optional()
    .describe('Per provider, profile ids in the order they are tried.'),
});
