import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenClawConfig } from '@openclaw/config';
import { OpenClawConfigSchema } from '@openclaw/config';
import { SessionStore } from '@openclaw/state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../test/fake-providers.ts';
import { startFakeAnthropic, startFakeOpenAI } from '../test/fake-providers.ts';
import type { RunEvent } from './runtime.ts';
import { AgentRuntime } from './runtime.ts';

let stateDir: string;
let anthropic: FakeProvider;
let openai: FakeProvider;
const stores = new Map<string, SessionStore>();

beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'oc-agent-'));
  // SDK 1.x sends the key as `Authorization: Bearer`; the test checks the header itself.
  anthropic = await startFakeAnthropic();
  openai = await startFakeOpenAI({ apiKey: 'sk-openai-test' });
});

afterEach(async () => {
  for (const store of stores.values()) store.close();
  stores.clear();
  await Promise.all([anthropic.close(), openai.close()]);
  rmSync(stateDir, { recursive: true, force: true });
});

function configWith(input: Record<string, unknown> = {}): OpenClawConfig {
  return OpenClawConfigSchema.parse({
    models: { providers: { anthropic: { baseUrl: anthropic.url }, openai: { baseUrl: openai.url } } },
    agents: { defaults: { model: { primary: 'anthropic/claude-test', fallbacks: ['openai/gpt-test'] } } },
    ...input,
  });
}

function runtime(options: { config?: OpenClawConfig; env?: Record<string, string>; systemPrompt?: () => string } = {}): AgentRuntime {
  const config = options.config ?? configWith();
  return new AgentRuntime({
    stateDir,
    config: () => config,
    env: options.env ?? { ANTHROPIC_API_KEY: 'sk-ant-test', OPENAI_API_KEY: 'sk-openai-test' },
    sessions: (agentId) => {
      let store = stores.get(agentId);
      if (!store) stores.set(agentId, (store = new SessionStore({ stateDir, agentId })));
      return store;
    },
    fallbackDelayMs: () => 5,
    ...(options.systemPrompt ? { systemPrompt: options.systemPrompt } : {}),
  });
}

function transcriptLines(sessionId: string): Record<string, unknown>[] {
  const file = join(stateDir, 'agents', 'main', 'sessions', `${sessionId}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('AgentRuntime', () => {
  it('streams the reply, and the transcript holds the user and assistant turns with usage', async () => {
    anthropic.script({ text: ['Hel', 'lo ', 'there', '!'], usage: { input: 12, output: 4 }, delayMs: 5 });
    const events: RunEvent[] = [];
    const run = runtime({ systemPrompt: () => 'You are a test.' }).run({ sessionKey: 'main', message: 'hi', onEvent: (e) => events.push(e) });
    const result = await run.result;
    expect(result).toMatchObject({ status: 'ok', text: 'Hello there!', model: 'anthropic/claude-test', sessionKey: 'agent:main:main', stopReason: 'stop' });
    expect(result.usage).toMatchObject({ input: 12, output: 4 });
    const deltas = events.filter((e): e is Extract<RunEvent, { type: 'delta' }> => e.type === 'delta');
    expect(deltas.map((d) => d.delta)).toEqual(['Hel', 'lo ', 'there', '!']);
    expect(deltas.at(-1)?.text).toBe('Hello there!');
    expect(events[0]).toMatchObject({ type: 'start', model: 'anthropic/claude-test' });

    const request = anthropic.requests[0];
    expect(request?.headers.authorization ?? request?.headers['x-api-key']).toMatch(/sk-ant-test$/);
    expect(request?.body).toMatchObject({ model: 'claude-test', system: 'You are a test.', stream: true, messages: [{ role: 'user', content: 'hi' }] });

    const lines = transcriptLines(result.sessionId as string);
    expect(lines[0]).toMatchObject({ type: 'session', version: 3, id: result.sessionId });
    expect(lines[1]).toMatchObject({ type: 'message', message: { role: 'user', content: 'hi' } });
    expect(lines[2]).toMatchObject({
      type: 'message',
      parentId: lines[1]?.id,
      message: { role: 'assistant', content: [{ type: 'text', text: 'Hello there!' }], provider: 'anthropic', model: 'claude-test', api: 'anthropic-messages', stopReason: 'stop', usage: { input: 12, output: 4, totalTokens: 16 } },
    });
    const entry = await stores.get('main')?.get('agent:main:main');
    expect(entry).toMatchObject({ inputTokens: 12, outputTokens: 4, totalTokens: 16 });
  });

  it('answers two messages to one session in order, the second with the first in its history', async () => {
    anthropic.script([{ text: 'first answer', delayMs: 20 }, { text: 'second answer' }]);
    const agent = runtime();
    const one = agent.run({ sessionKey: 'main', message: 'one' });
    const two = agent.run({ sessionKey: 'main', message: 'two' });
    const [a, b] = await Promise.all([one.result, two.result]);
    expect([a.text, b.text]).toEqual(['first answer', 'second answer']);
    expect((anthropic.requests[1]?.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('falls back to the next model when the primary answers 429 or 500', async () => {
    for (const status of [429, 500]) {
      anthropic.script({ status, message: 'busy' });
      openai.script({ text: ['from ', 'openai'] });
      const events: RunEvent[] = [];
      const result = await runtime().run({ sessionKey: `s${status}`, message: 'hi', onEvent: (e) => events.push(e) }).result;
      expect(result).toMatchObject({ status: 'ok', text: 'from openai', model: 'openai/gpt-test' });
      expect(events.find((e) => e.type === 'fallback')).toMatchObject({ from: 'anthropic/claude-test', error: `anthropic/claude-test: ${status} busy` });
      const last = openai.requests.at(-1);
      expect(last?.headers.authorization).toBe('Bearer sk-openai-test');
      expect(transcriptLines(result.sessionId as string).at(-1)).toMatchObject({ message: { provider: 'openai', model: 'gpt-test', api: 'openai-completions' } });
    }
  });

  it('reports the last failure when every model fails, and does not retry a bad request', async () => {
    anthropic.script({ status: 503, message: 'overloaded' });
    openai.script({ status: 502, message: 'bad gateway' });
    const result = await runtime().run({ sessionKey: 'main', message: 'hi' }).result;
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({ code: 'PROVIDER_ERROR', status: 502, model: 'openai/gpt-test' });

    anthropic.script({ status: 400, message: 'prompt is too long' });
    const bad = await runtime().run({ sessionKey: 'main', message: 'hi' }).result;
    expect(bad.error).toMatchObject({ code: 'PROVIDER_ERROR', status: 400 });
    expect(openai.requests).toHaveLength(1);
  });

  it('aborts mid-stream: the partial reply is kept, the transcript reloads, the session keeps working', async () => {
    anthropic.script({ text: ['partial ', 'reply ', 'never ', 'finished'], delayMs: 200 });
    const agent = runtime();
    const run = agent.run({
      sessionKey: 'main',
      message: 'long one',
      onEvent: (e) => {
        if (e.type === 'delta') run.abort();
      },
    });
    const result = await run.result;
    expect(result).toMatchObject({ status: 'aborted', text: 'partial ' });
    expect(await anthropic.requests[0]?.ended).toBe('client-closed');
    expect(transcriptLines(result.sessionId as string).at(-1)).toMatchObject({ message: { role: 'assistant', content: [{ type: 'text', text: 'partial ' }], stopReason: 'aborted' } });

    anthropic.script({ text: 'still here' });
    const next = await runtime().run({ sessionKey: 'main', message: 'again' }).result;
    expect(next).toMatchObject({ status: 'ok', text: 'still here', sessionId: result.sessionId });
    expect((anthropic.requests[1]?.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'long one' },
      { role: 'assistant', content: 'partial ' },
      { role: 'user', content: 'again' },
    ]);
  });

  it('aborting a queued run skips it; abortSession stops everything of a session', async () => {
    anthropic.script([{ hang: true }]);
    const agent = runtime();
    const first = agent.run({ sessionKey: 'main', message: 'hangs' });
    const second = agent.run({ sessionKey: 'main', message: 'queued' });
    await anthropic.received(1);
    expect(agent.runsOf('main').map((r) => r.runId)).toEqual([first.runId, second.runId]);
    expect(agent.abortSession('agent:main:main').sort()).toEqual([first.runId, second.runId].sort());
    expect((await first.result).status).toBe('aborted');
    expect((await second.result).status).toBe('aborted');
    expect(anthropic.requests).toHaveLength(1);
  });

  it('ends a run that takes too long with TIMEOUT', async () => {
    anthropic.script({ hang: true });
    const result = await runtime().run({ sessionKey: 'main', message: 'hi', timeoutMs: 200 }).result;
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({ code: 'TIMEOUT', hint: 'raise agents.defaults.timeoutSeconds' });
  });

  it('says which key is missing and how to add it', async () => {
    const config = configWith({ agents: { defaults: { model: { primary: 'anthropic/claude-test', fallbacks: [] } } } });
    const result = await runtime({ config, env: {} }).run({ sessionKey: 'main', message: 'hi' }).result;
    expect(result.error?.message).toBe('No API key found for provider "anthropic"');
    expect(result.error?.hint).toContain('openclaw models auth login --provider anthropic');
    expect(anthropic.requests).toHaveLength(0);
    // The user's message is not lost: it is in the transcript, with the failure after it.
    const lines = transcriptLines(result.sessionId as string);
    expect(lines.at(-2)).toMatchObject({ message: { role: 'user', content: 'hi' } });
    expect(lines.at(-1)).toMatchObject({ type: 'custom', customType: 'openclaw.run-end', data: { status: 'error', code: 'NO_API_KEY' } });
  });

  it('uses a keyless OpenAI-compatible local server', async () => {
    const local = await startFakeOpenAI();
    try {
      const config = configWith({
        models: { providers: { local: { baseUrl: local.url, api: 'openai-completions', models: [{ id: 'llama', maxTokens: 256 }] } } },
        agents: { defaults: { model: { primary: 'local/llama', fallbacks: [] } } },
      });
      local.script({ text: ['lo', 'cal'] });
      const result = await runtime({ config, env: {} }).run({ sessionKey: 'main', message: 'hi' }).result;
      expect(result).toMatchObject({ status: 'ok', text: 'local', model: 'local/llama' });
      expect(local.requests[0]?.body).toMatchObject({ model: 'llama', max_tokens: 256, stream: true, stream_options: { include_usage: true } });
    } finally {
      await local.close();
    }
  });

  it('starts a new session on /new, and runs a message that follows the trigger', async () => {
    const agent = runtime();
    const first = await agent.run({ sessionKey: 'main', message: 'remember 42' }).result;
    const reset = await agent.run({ sessionKey: 'main', message: '/new' }).result;
    expect(reset).toMatchObject({ status: 'ok', command: 'reset', text: 'New session started.' });
    expect(reset.sessionId).not.toBe(first.sessionId);
    const next = await agent.run({ sessionKey: 'main', message: '/reset what did I say?' }).result;
    expect(next.sessionId).not.toBe(reset.sessionId);
    expect((anthropic.requests.at(-1)?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'what did I say?' }]);
  });

  it('builds the system prompt from the workspace by default, read again on every run', async () => {
    const workspace = join(stateDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'AGENTS.md'), '---\ntitle: x\n---\nAlways answer in haiku.\n');
    const agent = runtime();
    await agent.run({ sessionKey: 'main', message: 'hi' }).result;
    const system = (anthropic.requests[0]?.body as { system: string }).system;
    expect(system).toContain('Always answer in haiku.');
    expect(system).not.toContain('title: x');
    writeFileSync(join(workspace, 'MEMORY.md'), 'The user likes tea.\n');
    await agent.run({ sessionKey: 'main', message: 'again' }).result;
    expect((anthropic.requests[1]?.body as { system: string }).system).toContain('The user likes tea.');
  });

  it('a queued run aborted while it waits ends at once, and the running one is not disturbed', async () => {
    anthropic.script([{ text: ['slow ', 'first'], delayMs: 300 }]);
    const agent = runtime();
    const first = agent.run({ sessionKey: 'main', message: 'one' });
    const second = agent.run({ sessionKey: 'main', message: 'two' });
    await anthropic.received(1);
    second.abort();
    const settled = await Promise.race([second.result, first.result.then(() => 'first finished first')]);
    expect(settled).toMatchObject({ runId: second.runId, status: 'aborted' });
    expect(await first.result).toMatchObject({ status: 'ok', text: 'slow first' });
    expect(anthropic.requests).toHaveLength(1);
  });

  it('never repeats the API key a provider quotes in its error', async () => {
    const config = configWith({ agents: { defaults: { model: { primary: 'anthropic/claude-test', fallbacks: [] } } } });
    anthropic.script({ status: 401, message: 'invalid x-api-key: sk-ant-test' });
    const result = await runtime({ config }).run({ sessionKey: 'main', message: 'hi' }).result;
    expect(result.error?.message).toBe('anthropic/claude-test: 401 invalid x-api-key: [redacted]');
    expect(JSON.stringify(transcriptLines(result.sessionId as string))).not.toContain('sk-ant-test');
  });
});
