import { z } from 'zod';
import { nonEmptyString, positiveInt } from './common.ts';

/** Wire protocols a custom provider can speak. */
export const modelApiSchema = z
  .enum(['openai-completions', 'openai-responses', 'anthropic-messages'])
  .describe('Wire protocol of the provider: OpenAI Chat Completions, OpenAI Responses, or Anthropic Messages.');

const providerModelSchema = z.strictObject({
  id: nonEmptyString().describe('Model id as the provider expects it in requests.'),
  name: nonEmptyString().optional().describe('Display name.'),
  contextWindow: positiveInt().optional().describe('Context window in tokens.'),
  maxTokens: positiveInt().optional().describe('Maximum output tokens per response.'),
});

/** A model provider: a built-in one with overrides, or a custom OpenAI/Anthropic-compatible endpoint. */
const providerSchema = z.strictObject({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'baseUrl must be an http:// or https:// URL' })
    .optional()
    .describe('API base URL, e.g. "http://127.0.0.1:11434/v1" for a local OpenAI-compatible server.'),
  /** Prefer `${ENV_VAR}` or the credentials store over a literal key in the file. */
  apiKey: nonEmptyString().optional().describe('API key; use "${ENV_VAR}" rather than a literal secret.'),
  api: modelApiSchema.optional(),
  headers: z.record(z.string(), z.string()).optional().describe('Extra HTTP headers sent with every request.'),
  models: z.array(providerModelSchema).optional().describe('Models this provider offers.'),
});

/** `models`: model providers beyond (or instead of) the built-in catalog. */
export const modelsSchema = z.strictObject({
  /** `merge` adds these providers to the built-in catalog; `replace` uses only these. */
  mode: z
    .enum(['merge', 'replace'])
    .default('merge')
    .describe('"merge": add these providers to the built-in catalog; "replace": use only these.'),
  providers: z
    .record(nonEmptyString(), providerSchema)
    .optional()
    .describe('Providers keyed by provider id (the part before "/" in model references).'),
});
