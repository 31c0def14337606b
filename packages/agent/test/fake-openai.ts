import { randomBytes } from 'node:crypto';

import { bearerToken, isRecord, sseFrame, startFakeProvider } from './fake-provider-server.ts';
import type { FakeProvider, FakeProviderOptions, ProviderDialect, Turn } from './fake-provider-server.ts';

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

/** Chat Completions as api.openai.com speaks it (the SDK's `baseURL` includes `/v1`). */
const openai: ProviderDialect = {
  baseURLPath: '/v1',
  modelCallPath: '/v1/chat/completions',
  idPrefix: 'chatcmpl-fake',
  defaultModel: 'gpt-fake-1',
  apiKeyOf: bearerToken,
  commonHeaders: () => ({ 'x-request-id': `req_${randomBytes(12).toString('hex')}` }),
  errorBody: (status, message) => {
    const known = ERRORS[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
    return { error: { message, type: known.type, param: null, code: known.code } };
  },
  modelList: (model) => ({
    object: 'list',
    data: [{ id: model, object: 'model', created: 1_735_689_600, owned_by: 'openai' }],
  }),
  message: (turn) => ({
    ...envelope(turn, 'chat.completion'),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: turn.chunks.join(''), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason(turn),
      },
    ],
    usage: usage(turn),
  }),
  stream: (turn) => {
    // With include_usage every chunk carries `usage: null` until the final usage-only chunk.
    const withUsage = isRecord(turn.body.stream_options) && turn.body.stream_options.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = withUsage ? { usage: null } : {}) =>
      sseFrame({ ...envelope(turn, 'chat.completion.chunk'), choices, ...extra });
    const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    return {
      opening: [chunk([choice({ role: 'assistant', content: '', refusal: null })])],
      delta: (text) => chunk([choice({ content: text })]),
      closing: [
        chunk([choice({}, finishReason(turn))]),
        ...(withUsage ? [chunk([], { usage: usage(turn) })] : []),
        sseFrame('[DONE]'),
      ],
    };
  },
};

function envelope(turn: Turn, object: string) {
  return { id: turn.id, object, created: Math.floor(Date.now() / 1000), model: turn.model, system_fingerprint: 'fp_fake' };
}

function usage(turn: Turn) {
  return {
    prompt_tokens: turn.usage.input,
    completion_tokens: turn.usage.output,
    total_tokens: turn.usage.input + turn.usage.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

function finishReason(turn: Turn): string {
  return turn.stopReason ?? 'stop';
}

/**
 * Starts a loopback fake of the OpenAI Chat Completions API. Point the real SDK at it with
 * `new OpenAI({ apiKey, baseURL: fake.url, maxRetries: 0 })`; `fake.url` already ends in `/v1`.
 */
export function startFakeOpenAI(options?: FakeProviderOptions): Promise<FakeProvider> {
  return startFakeProvider(openai, options);
}
