import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFakeAnthropic, startFakeOpenAI } from '../test/fake-providers.ts';
import type { FakeProvider } from '../test/fake-providers.ts';

// These tests prove the loopback fakes speak the wire formats the real SDKs parse: every
// assertion goes through the unmodified @anthropic-ai/sdk and openai clients.

const user = (content: string) => [{ role: 'user' as const, content }];

describe('startFakeAnthropic', () => {
  let fake: FakeProvider;
  let client: Anthropic;
  beforeEach(async () => {
    fake = await startFakeAnthropic();
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('streams the scripted deltas in order, with usage and stop reason, through messages.stream', async () => {
    fake.script({ text: ['Hel', 'lo', ', world'], usage: { input: 11, output: 4 }, stopReason: 'max_tokens' });
    const deltas: string[] = [];
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 64, messages: user('hi') });
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();

    expect(deltas).toEqual(['Hel', 'lo', ', world']);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello, world' }]);
    expect(message).toMatchObject({ model: 'claude-test', stop_reason: 'max_tokens' });
    expect(message.usage).toMatchObject({ input_tokens: 11, output_tokens: 4 });

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/messages', apiKey: 'sk-ant-test' });
    expect(request?.body).toMatchObject({ model: 'claude-test', stream: true, messages: user('hi') });
    expect(request?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect(request?.ended).resolves.toBe('completed');
  });

  it('sends the raw event sequence of the Messages API, ping included', async () => {
    fake.script({ text: ['a', 'b'] });
    const events = [];
    for await (const event of await client.messages.create({ model: 'm', max_tokens: 8, stream: true, messages: user('x') })) {
      events.push(event.type);
    }
    // The SDK drops `ping`, so read the wire once more without it.
    fake.script({ text: ['a', 'b'] });
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({ model: 'm', max_tokens: 8, stream: true, messages: user('x') }),
    });
    const wireEvents = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);

    const text = ['content_block_delta', 'content_block_delta'];
    expect(events).toEqual(['message_start', 'content_block_start', ...text, 'content_block_stop', 'message_delta', 'message_stop']);
    expect(wireEvents).toEqual(['message_start', 'content_block_start', 'ping', ...text, 'content_block_stop', 'message_delta', 'message_stop']);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(fake.requests[1]?.apiKey).toBe('k');
  });

  it('answers a non-streaming call with a Message, echoing the last user message by default', async () => {
    const message = await client.messages.create({
      model: 'm',
      max_tokens: 8,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'ping me' }] }],
    });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: ping me', citations: null }]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('turns scripted errors into the SDK typed errors, with request id and headers', async () => {
    fake.script([{ status: 429, headers: { 'retry-after': '7' } }, { status: 500 }]);
    const call = () => client.messages.create({ model: 'm', max_tokens: 8, messages: user('x') });

    const limited = await call().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(limited).toMatchObject({ status: 429, type: 'rate_limit_error', requestID: expect.stringMatching(/^req_/) });
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('7');
    await expect(call()).rejects.toBeInstanceOf(Anthropic.InternalServerError);
  });

  it('rejects a wrong key with AuthenticationError and lists models for the right one', async () => {
    await using strict = await closing(startFakeAnthropic({ apiKey: 'sk-good', model: 'claude-only' }));
    const good = new Anthropic({ apiKey: 'sk-good', baseURL: strict.url, maxRetries: 0 });
    const bad = new Anthropic({ apiKey: 'sk-bad', baseURL: strict.url, maxRetries: 0 });

    expect((await good.models.list()).data.map((m) => m.id)).toEqual(['claude-only']);
    await expect(bad.models.list()).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(bad.messages.create({ model: 'm', max_tokens: 8, messages: user('x') })).rejects.toMatchObject({ status: 401 });
  });

  it('rejects messages.stream with APIUserAbortError when aborted mid-stream, and sees the client hang up', async () => {
    fake.script({ text: ['one', 'two', 'three', 'four'], delayMs: 100 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const stream = client.messages.stream({ model: 'm', max_tokens: 8, messages: user('x') }, { signal: controller.signal });
    stream.on('text', (delta) => {
      deltas.push(delta);
      controller.abort();
    });

    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(deltas).toEqual(['one']);
    await expect(fake.requests[0]?.ended).resolves.toBe('client-closed');
  });

  it('holds a hanging reply until the client aborts or times out', async () => {
    fake.script([{ hang: true }, { hang: true }]);
    const controller = new AbortController();
    const aborted = client.messages.create({ model: 'm', max_tokens: 8, messages: user('x') }, { signal: controller.signal });
    await fake.received(1);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    await expect(fake.requests[0]?.ended).resolves.toBe('client-closed');

    const timedOut = client.messages.create({ model: 'm', max_tokens: 8, messages: user('x') }, { timeout: 200 });
    await expect(timedOut).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('surfaces a cut stream as an error after the deltas that made it', async () => {
    fake.script({ text: ['kept', 'lost'], cutAfterChunks: 1 });
    const deltas: string[] = [];
    const stream = client.messages.stream({ model: 'm', max_tokens: 8, messages: user('x') });
    stream.on('text', (delta) => deltas.push(delta));

    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.AnthropicError);
    expect(deltas).toEqual(['kept']);
    await expect(fake.requests[0]?.ended).resolves.toBe('cut');
  });

  it('lets a respond function choose replies from the request once the script is empty', async () => {
    await using routed = await closing(
      startFakeAnthropic({ respond: (req) => (JSON.stringify(req.body).includes('fail') ? { status: 500 } : undefined) }),
    );
    const routedClient = new Anthropic({ apiKey: 'k', baseURL: routed.url, maxRetries: 0 });
    await expect(routedClient.messages.create({ model: 'm', max_tokens: 8, messages: user('please fail') })).rejects.toMatchObject({ status: 500 });
    const ok = await routedClient.messages.create({ model: 'm', max_tokens: 8, messages: user('fine') });
    expect(ok.content).toMatchObject([{ text: 'echo: fine' }]);
  });
});

describe('startFakeOpenAI', () => {
  let fake: FakeProvider;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-openai-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterEach(() => fake.close());

  it('streams a role chunk, the deltas in order, a finish chunk and a usage chunk', async () => {
    fake.script({ text: ['Hel', 'lo'], usage: { input: 9, output: 2 }, stopReason: 'length' });
    const chunks = [];
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      messages: user('hi'),
    });
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello');
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['length']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', apiKey: 'sk-openai-test' });
    expect(request?.headers.authorization).toBe('Bearer sk-openai-test');
    expect(request?.body).toMatchObject({ model: 'gpt-test', stream: true, messages: user('hi') });
  });

  it('sends no usage chunk unless stream_options.include_usage asks for one', async () => {
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ model: 'g', stream: true, messages: user('yo') })) {
      chunks.push(chunk);
    }
    expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: yo');
  });

  it('answers a non-streaming call with a chat.completion, and lists models', async () => {
    const completion = await client.chat.completions.create({ model: 'g', messages: user('ping') });
    expect(completion).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'echo: ping' }, finish_reason: 'stop' }] });
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['gpt-fake-1']);
  });

  it('turns scripted errors into the SDK typed errors', async () => {
    fake.script([{ status: 429, headers: { 'retry-after': '2' } }, { status: 500 }]);
    const call = () => client.chat.completions.create({ model: 'g', messages: user('x') });

    const limited = await call().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded', requestID: expect.stringMatching(/^req_/) });
    await expect(call()).rejects.toSatisfy((e) => e instanceof OpenAI.InternalServerError && e.status === 500);
  });

  it('rejects a wrong key with AuthenticationError', async () => {
    await using strict = await closing(startFakeOpenAI({ apiKey: 'sk-good' }));
    const bad = new OpenAI({ apiKey: 'sk-bad', baseURL: strict.url, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('ends on abort mid-stream: the stream helper rejects with APIUserAbortError, raw iteration just stops', async () => {
    fake.script([
      { text: ['one', 'two', 'three'], delayMs: 100 },
      { text: ['one', 'two', 'three'], delayMs: 100 },
    ]);
    const helperAbort = new AbortController();
    const helper = client.chat.completions.stream({ model: 'g', messages: user('x') }, { signal: helperAbort.signal });
    helper.on('content.delta', () => helperAbort.abort());
    await expect(helper.finalChatCompletion()).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect(fake.requests[0]?.ended).resolves.toBe('client-closed');

    const rawAbort = new AbortController();
    const raw = await client.chat.completions.create({ model: 'g', stream: true, messages: user('x') }, { signal: rawAbort.signal });
    const deltas: string[] = [];
    for await (const chunk of raw) {
      const content = chunk.choices[0]?.delta.content;
      if (!content) continue;
      deltas.push(content);
      rawAbort.abort();
    }
    expect(deltas).toEqual(['one']);
    await expect(fake.requests[1]?.ended).resolves.toBe('client-closed');
  });

  it('holds a hanging reply until the client aborts', async () => {
    fake.script({ hang: true });
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'g', messages: user('x') }, { signal: controller.signal });
    await fake.received(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect(fake.requests[0]?.ended).resolves.toBe('client-closed');
  });

  it('surfaces a cut stream as an error after the deltas that made it', async () => {
    fake.script({ text: ['kept', 'lost'], cutAfterChunks: 1 });
    const deltas: string[] = [];
    const read = async () => {
      for await (const chunk of await client.chat.completions.create({ model: 'g', stream: true, messages: user('x') })) {
        const content = chunk.choices[0]?.delta.content;
        if (content) deltas.push(content);
      }
    };
    await expect(read()).rejects.toThrow();
    expect(deltas).toEqual(['kept']);
    await expect(fake.requests[0]?.ended).resolves.toBe('cut');
  });
});

/** Lets a test start an extra fake with `await using`, so it is closed even when an assertion fails. */
async function closing(started: Promise<FakeProvider>): Promise<FakeProvider & AsyncDisposable> {
  const fake = await started;
  return Object.assign(fake, { [Symbol.asyncDispose]: () => fake.close() });
}
