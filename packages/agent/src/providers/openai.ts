// OpenAI Chat Completions through the official SDK: OpenAI itself and every compatible
// server (Ollama, vLLM, llama.cpp, OpenRouter, Groq, …). Loaded on the first call.
import type OpenAI from 'openai';
import { ClientCache } from './client-cache.ts';
import type { ModelRequest, ModelResponse, StopReason } from './types.ts';
import { emptyUsage, throwIfAborted } from './types.ts';

const clients = new ClientCache<OpenAI>();

const STOP_REASONS: Record<string, StopReason> = { stop: 'stop', length: 'length', tool_calls: 'toolUse', function_call: 'toolUse', content_filter: 'stop' };

async function client(request: ModelRequest): Promise<OpenAI> {
  const { endpoint } = request.target;
  return clients.get([endpoint.baseUrl, request.apiKey, JSON.stringify(endpoint.headers)], async () => {
    const { default: OpenAIClient } = await import('openai');
    // Local servers ignore the key, but the SDK insists on one.
    return new OpenAIClient({ apiKey: request.apiKey ?? 'not-needed', baseURL: endpoint.baseUrl ?? null, maxRetries: 0, defaultHeaders: endpoint.headers });
  });
}

/** Streams a Chat Completions call, reporting text deltas as they arrive. */
export async function callOpenAI(request: ModelRequest): Promise<ModelResponse> {
  const openai = await client(request);
  const { target } = request;
  const stream = await openai.chat.completions.create(
    {
      ...target.params,
      model: target.model,
      messages: [...(request.system ? [{ role: 'system' as const, content: request.system }] : []), ...request.messages],
      ...(target.maxTokens === undefined ? {} : { max_tokens: target.maxTokens }),
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal: request.signal },
  );
  const usage = emptyUsage();
  let text = '';
  let stopReason: StopReason = 'stop';
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content;
    if (typeof delta === 'string' && delta !== '') {
      text += delta;
      request.onText(delta);
    }
    if (choice?.finish_reason) stopReason = STOP_REASONS[choice.finish_reason] ?? 'stop';
    if (chunk.usage) {
      // prompt_tokens includes the cached ones; pi-ai's usage counts them apart (as Anthropic does).
      usage.cacheRead = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
      usage.input = Math.max(0, (chunk.usage.prompt_tokens ?? 0) - usage.cacheRead);
      usage.output = chunk.usage.completion_tokens ?? 0;
    }
  }
  // The SDKs end the stream quietly when its signal aborts; the run must see the abort.
  throwIfAborted(request.signal);
  return { text, usage, stopReason, api: 'openai-completions' };
}
