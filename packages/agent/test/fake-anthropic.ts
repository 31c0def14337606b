import { randomBytes } from 'node:crypto';

import { bearerToken, sseFrame, startFakeProvider } from './fake-provider-server.ts';
import type { FakeProvider, FakeProviderOptions, ProviderDialect, Turn } from './fake-provider-server.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The Messages API as api.anthropic.com speaks it (the SDK appends `/v1/...` to `baseURL` itself). */
const anthropic: ProviderDialect = {
  baseURLPath: '',
  modelCallPath: '/v1/messages',
  idPrefix: 'msg_fake',
  defaultModel: 'claude-fake-1',
  // SDK 1.x sends the API key as `Authorization: Bearer`; older clients and curl use `x-api-key`.
  apiKeyOf: (headers) => (typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : bearerToken(headers)),
  commonHeaders: () => ({ 'request-id': `req_${randomBytes(12).toString('hex')}` }),
  errorBody: (status, message) => ({
    type: 'error',
    error: { type: ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
  }),
  modelList: (model) => ({
    data: [{ type: 'model', id: model, display_name: 'Claude (fake)', created_at: '2025-01-01T00:00:00Z' }],
    has_more: false,
    first_id: model,
    last_id: model,
  }),
  message: (turn) => ({
    ...messageShell(turn),
    content: [{ type: 'text', text: turn.chunks.join(''), citations: null }],
    stop_reason: stopReason(turn),
    usage: usage(turn.usage.input, turn.usage.output),
  }),
  stream: (turn) => ({
    opening: [
      sseFrame({ type: 'message_start', message: { ...messageShell(turn), usage: usage(turn.usage.input, 1) } }, 'message_start'),
      sseFrame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      sseFrame({ type: 'ping' }, 'ping'),
    ],
    delta: (text) =>
      sseFrame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
    closing: [
      sseFrame({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sseFrame(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReason(turn), stop_sequence: null, stop_details: null },
          usage: { output_tokens: turn.usage.output },
        },
        'message_delta',
      ),
      sseFrame({ type: 'message_stop' }, 'message_stop'),
    ],
  }),
};

function messageShell(turn: Turn) {
  return {
    id: turn.id,
    type: 'message',
    role: 'assistant',
    model: turn.model,
    content: [],
    container: null,
    stop_reason: null,
    stop_sequence: null,
    stop_details: null,
  };
}

function usage(input: number, output: number) {
  return { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output };
}

function stopReason(turn: Turn): string {
  return turn.stopReason ?? 'end_turn';
}

/**
 * Starts a loopback fake of the Anthropic Messages API. Point the real SDK at it with
 * `new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 0 })`.
 */
export function startFakeAnthropic(options?: FakeProviderOptions): Promise<FakeProvider> {
  return startFakeProvider(anthropic, options);
}
