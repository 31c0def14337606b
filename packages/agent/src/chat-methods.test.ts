import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenClawConfigSchema } from '@openclaw/config';
import type { Gateway } from '@openclaw/gateway-core';
import { createGateway, resolveGatewayAuth } from '@openclaw/gateway-core';
import { SessionStore } from '@openclaw/state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeProvider } from '../test/fake-providers.ts';
import { startFakeAnthropic } from '../test/fake-providers.ts';
import { OperatorClient } from '../test/operator-client.ts';
import { registerChatMethods } from './chat-methods.ts';
import { AgentRuntime } from './runtime.ts';

const TOKEN = 'chat-test-token-0123456789abcdef';
let stateDir: string;
let provider: FakeProvider;
let gateway: Gateway;
let runtime: AgentRuntime;
let store: SessionStore;
let client: OperatorClient;

beforeEach(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'oc-chat-'));
  provider = await startFakeAnthropic();
  const config = OpenClawConfigSchema.parse({
    models: { providers: { anthropic: { baseUrl: provider.url } } },
    agents: { defaults: { model: { primary: 'anthropic/claude-test', fallbacks: [] } } },
  });
  store = new SessionStore({ stateDir });
  runtime = new AgentRuntime({ stateDir, config: () => config, env: { ANTHROPIC_API_KEY: 'sk-ant-test' }, sessions: () => store });
  gateway = createGateway({ version: '1.0.0', auth: resolveGatewayAuth({ auth: { token: TOKEN } }, { env: {} }), port: 0, hosts: ['127.0.0.1'] });
  registerChatMethods(gateway, runtime);
  const [address] = await gateway.start();
  client = await OperatorClient.connect(`ws://127.0.0.1:${address?.port}/`, TOKEN);
});

afterEach(async () => {
  client.close();
  await runtime.close();
  await gateway.stop();
  store.close();
  await provider.close();
  rmSync(stateDir, { recursive: true, force: true });
});

type Frame = Record<string, unknown>;
const payload = (frame: Frame) => frame.payload as Record<string, unknown>;
const chatEvents = (runId: string) => client.frames.filter((f) => f.type === 'event' && f.event === 'chat' && payload(f).runId === runId).map(payload);
const finalOf = (runId: string) => client.waitFor((f) => f.type === 'event' && f.event === 'chat' && payload(f).runId === runId && payload(f).state !== 'delta');
const textOf = (event: Record<string, unknown>) => ((event.message as { content: { text: string }[] }).content[0]?.text ?? '');

describe('chat methods over WebSocket', () => {
  it('chat.send acks at once, streams cumulative deltas at most every 150 ms, and ends with the whole text', async () => {
    const chunks = Array.from({ length: 12 }, (_, i) => `part${i} `);
    provider.script({ text: chunks, delayMs: 40 });
    const ack = await client.call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'run-1' });
    expect(ack).toMatchObject({ ok: true, payload: { runId: 'run-1', status: 'started' } });
    const final = payload(await finalOf('run-1'));
    expect(final).toMatchObject({ state: 'final', sessionKey: 'agent:main:main', stopReason: 'stop' });
    expect(textOf(final)).toBe(chunks.join(''));

    const events = chatEvents('run-1');
    const deltas = events.filter((e) => e.state === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    // Throttled: 12 chunks 40 ms apart (~480 ms) cannot yield a delta per chunk.
    expect(deltas.length).toBeLessThan(chunks.length);
    for (const [i, delta] of deltas.entries()) {
      expect(chunks.join('').startsWith(textOf(delta))).toBe(true);
      if (i > 0) expect(textOf(delta).length).toBeGreaterThan(textOf(deltas[i - 1] as Record<string, unknown>).length);
    }
    const stamps = deltas.map((d) => (d.message as { timestamp: number }).timestamp);
    for (let i = 1; i < stamps.length; i++) expect((stamps[i] as number) - (stamps[i - 1] as number)).toBeGreaterThanOrEqual(145);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const agentEvents = client.frames.filter((f) => f.event === 'agent' && payload(f).runId === 'run-1').map(payload);
    expect(agentEvents[0]).toMatchObject({ stream: 'lifecycle', data: { phase: 'start' } });
    expect(agentEvents.at(-1)).toMatchObject({ stream: 'lifecycle', data: { phase: 'end' } });

    const history = await client.call('chat.history', { sessionKey: 'main' });
    expect(payload(history).messages).toMatchObject([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: chunks.join('') }], usage: { output: expect.any(Number) } },
    ]);
  });

  it('a repeated idempotency key is not run twice', async () => {
    provider.script({ text: ['slow ', 'reply'], delayMs: 100 });
    await client.call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'same' });
    expect(payload(await client.call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'same' }))).toEqual({ runId: 'same', status: 'in_flight' });
    await finalOf('same');
    expect(payload(await client.call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'same' }))).toMatchObject({ runId: 'same', status: 'ok', cached: true });
    expect(provider.requests).toHaveLength(1);
  });

  it('chat.abort and /stop end a run as aborted, and the session keeps working', async () => {
    provider.script({ hang: true });
    await client.call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'a1' });
    await provider.received(1);
    expect(payload(await client.call('chat.abort', { sessionKey: 'main' }))).toEqual({ ok: true, aborted: true, runIds: ['a1'] });
    expect(payload(await finalOf('a1'))).toMatchObject({ state: 'aborted' });

    provider.script({ text: ['one ', 'two ', 'three'], delayMs: 300 });
    await client.call('chat.send', { sessionKey: 'main', message: 'again', idempotencyKey: 'a2' });
    await client.waitFor((f) => f.event === 'chat' && payload(f).runId === 'a2' && payload(f).state === 'delta');
    expect(payload(await client.call('chat.send', { sessionKey: 'main', message: '/stop', idempotencyKey: 'stop' }))).toEqual({ ok: true, aborted: true, runIds: ['a2'] });
    const aborted = payload(await finalOf('a2'));
    expect(aborted).toMatchObject({ state: 'aborted' });
    expect(textOf(aborted)).toBe('one ');

    await client.call('chat.send', { sessionKey: 'main', message: 'last', idempotencyKey: 'a3' });
    expect(payload(await finalOf('a3'))).toMatchObject({ state: 'final' });
  });

  it('a failed run ends with an error event naming the cause; bad params are refused', async () => {
    provider.script({ status: 400, message: 'bad request' });
    await client.call('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: 'e1' });
    expect(payload(await finalOf('e1'))).toMatchObject({ state: 'error', errorMessage: 'anthropic/claude-test: 400 bad request' });
    const bad = await client.call('chat.send', { sessionKey: 'main' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'invalid params for chat.send at message: required' } });
  });

  it('agent answers accepted, then the final result', async () => {
    provider.script({ text: ['forty', '-two'] });
    const interim = await client.call('agent', { message: 'answer?', idempotencyKey: 'ag1' });
    expect(interim).toMatchObject({ ok: true, payload: { runId: 'ag1', status: 'accepted' } });
    const response = await client.waitFor((f) => f.type === 'res' && f.id === interim.id && payload(f).status !== 'accepted');
    expect(response).toMatchObject({ ok: true, payload: { runId: 'ag1', status: 'ok', result: { payloads: [{ text: 'forty-two' }], meta: { model: 'anthropic/claude-test' } } } });
    expect(payload(await client.call('agent.wait', { runId: 'ag1' }))).toMatchObject({ runId: 'ag1', status: 'ok' });
  });
});
