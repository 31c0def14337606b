// Anthropic Messages through the official SDK, loaded on the first call so that an idle
// gateway never pays for it.
import type Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_MAX_TOKENS } from '../models.ts';
import { ClientCache } from './client-cache.ts';
import type { ModelRequest, ModelResponse, StopReason } from './types.ts';
import { emptyUsage, throwIfAborted } from './types.ts';

const clients = new ClientCache<Anthropic>();

const STOP_REASONS: Record<string, StopReason> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'toolUse', refusal: 'stop', pause_turn: 'stop' };

async function client(request: ModelRequest): Promise<Anthropic> {
  const { endpoint } = request.target;
  return clients.get([endpoint.baseUrl, request.apiKey, JSON.stringify(endpoint.headers)], async () => {
    const { default: AnthropicClient } = await import('@anthropic-ai/sdk');
    const key = request.apiKey ?? 'not-needed';
    // Claude subscription tokens (`sk-ant-oat…`) are bearer tokens, not API keys.
    const auth = key.startsWith('sk-ant-oat') ? { apiKey: null, authToken: key } : { apiKey: key };
    // Retries are ours (fallbacks with backoff), so the SDK must not retry on its own.
    return new AnthropicClient({ ...auth, baseURL: endpoint.baseUrl ?? null, maxRetries: 0, defaultHeaders: endpoint.headers });
  });
}

/** Streams a Messages call, reporting text deltas as they arrive. */
export async function callAnthropic(request: ModelRequest): Promise<ModelResponse> {
  const anthropic = await client(request);
  const { target } = request;
  const stream = await anthropic.messages.create(
    {
      ...target.params,
      model: target.model,
      max_tokens: target.maxTokens ?? DEFAULT_MAX_TOKENS,
      ...(request.system ? { system: request.system } : {}),
      messages: request.messages,
      stream: true,
    },
    { signal: request.signal },
  );
  const usage = emptyUsage();
  let text = '';
  let stopReason: StopReason = 'stop';
  for await (const event of stream) {
    if (event.type === 'message_start') {
      usage.input = event.message.usage.input_tokens ?? 0;
      usage.cacheRead = event.message.usage.cache_read_input_tokens ?? 0;
      usage.cacheWrite = event.message.usage.cache_creation_input_tokens ?? 0;
      usage.output = event.message.usage.output_tokens ?? 0;
    } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      text += event.delta.text;
      request.onText(event.delta.text);
    } else if (event.type === 'message_delta') {
      if (event.delta.stop_reason) stopReason = STOP_REASONS[event.delta.stop_reason] ?? 'stop';
      usage.output = event.usage.output_tokens ?? usage.output;
      if (typeof event.usage.input_tokens === 'number') usage.input = event.usage.input_tokens;
    }
  }
  // The SDKs end the stream quietly when its signal aborts; the run must see the abort.
  throwIfAborted(request.signal);
  return { text, usage, stopReason, api: 'anthropic-messages' };
}
