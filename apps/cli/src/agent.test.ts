// End to end: the built CLI's gateway runs the agent against loopback fake providers that
// speak the real SSE formats, driven by the real SDKs inside the gateway.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeProvider } from '@openclaw/agent/testing';
import { startFakeAnthropic, startFakeOpenAI } from '@openclaw/agent/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { WsClient, freePort, startGateway } from '../test/gateway-process.ts';
import { assertBuilt, runCliAsync, tempHome } from '../test/run-cli.ts';

const TOKEN = 'agent-e2e-token-0123456789abcdef';
let home: string;
let port: number;
let anthropic: FakeProvider;
let openai: FakeProvider;
let gateway: GatewayProcess | undefined;
const KEYS = { ANTHROPIC_API_KEY: 'sk-ant-e2e-secret', OPENAI_API_KEY: 'sk-openai-e2e-secret' };

beforeAll(() => assertBuilt());

beforeEach(async () => {
  home = tempHome();
  port = await freePort();
  anthropic = await startFakeAnthropic();
  openai = await startFakeOpenAI({ apiKey: KEYS.OPENAI_API_KEY });
  mkdirSync(join(home, '.openclaw'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(home, '.openclaw', 'openclaw.json'),
    JSON.stringify({
      gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } },
      models: { providers: { anthropic: { baseUrl: anthropic.url }, openai: { baseUrl: openai.url } } },
      agents: { defaults: { model: { primary: 'anthropic/claude-e2e', fallbacks: ['openai/gpt-e2e'] } } },
      logging: { file: join(home, 'gateway.log') },
    }),
    { mode: 0o600 },
  );
});

afterEach(async () => {
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  gateway = undefined;
  await Promise.all([anthropic.close(), openai.close()]);
  rmSync(home, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process (the fakes live in it). */
const cli = (args: string[], options: { env?: Record<string, string>; input?: string } = {}) => runCliAsync(args, { home, ...options });

const start = async (env: Record<string, string> = KEYS) => (gateway = await startGateway([], { home, env }));

function transcripts(): Record<string, unknown>[][] {
  const dir = join(home, '.openclaw', 'agents', 'main', 'sessions');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
}

async function operator(): Promise<WsClient> {
  const client = await WsClient.open(`ws://127.0.0.1:${port}/`);
  const hello = await client.connect({ min: 3, max: 4 }, TOKEN, ['operator.write']);
  expect(hello.ok).toBe(true);
  return client;
}

const payload = (frame: Record<string, unknown>) => frame.payload as Record<string, unknown>;
const textOf = (event: Record<string, unknown>) => ((event.message as { content: { text: string }[] } | undefined)?.content[0]?.text ?? '');

describe('openclaw agent / chat through the gateway', () => {
  it('streams a reply to the terminal and records the turn with usage', async () => {
    await start();
    anthropic.script({ text: ['The answer ', 'is ', '42.'], usage: { input: 30, output: 6 }, delayMs: 20 });
    const result = await cli(['agent', '--message', 'What is the answer?']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'The answer is 42.\n' });
    const [lines] = transcripts();
    expect(lines?.slice(1).map((l) => (l.message as { role: string }).role)).toEqual(['user', 'assistant']);
    expect(lines?.at(-1)).toMatchObject({ message: { content: [{ type: 'text', text: 'The answer is 42.' }], usage: { input: 30, output: 6 }, model: 'claude-e2e' } });
    expect(anthropic.requests[0]?.headers.authorization).toBe(`Bearer ${KEYS.ANTHROPIC_API_KEY}`);
    // The key reached the provider and nowhere else.
    expect(readFileSync(join(home, 'gateway.log'), 'utf8')).not.toContain(KEYS.ANTHROPIC_API_KEY);
  });

  it('falls back to the next model when the primary is rate limited; --json gives the outcome', async () => {
    await start();
    anthropic.script({ status: 429, message: 'rate limited' });
    openai.script({ text: ['fall', 'back'] });
    const result = await cli(['agent', '-m', 'hi', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'final', text: 'fallback', sessionKey: 'agent:main:main' });
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${KEYS.OPENAI_API_KEY}`);
  });

  it('deltas arrive over WebSocket in order and the final text is their concatenation', async () => {
    await start();
    const chunks = Array.from({ length: 8 }, (_, i) => `chunk${i};`);
    anthropic.script({ text: chunks, delayMs: 60 });
    const client = await operator();
    const ack = await client.request('chat.send', { sessionKey: 'main', message: 'stream please', idempotencyKey: 'ws-run' });
    expect(payload(ack)).toEqual({ runId: 'ws-run', status: 'started' });
    const final = await client.next((f) => f.event === 'chat' && payload(f).runId === 'ws-run' && payload(f).state === 'final', 10_000);
    const events = client.frames.filter((f) => f.event === 'chat' && payload(f).runId === 'ws-run').map(payload);
    const texts = events.map(textOf);
    for (let i = 1; i < texts.length; i++) expect(texts[i]?.startsWith(texts[i - 1] ?? '')).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.state === 'delta').length).toBeGreaterThan(1);
    expect(textOf(payload(final))).toBe(chunks.join(''));
    client.close();
  });

  it('a missing key fails with the exact message and the fix', async () => {
    await start({});
    const result = await cli(['agent', '-m', 'hi']);
    expect(result.code).toBe(1);
    // Both models lack a key; the primary's provider is named.
    expect(result.stderr).toContain('the agent failed: No API key found for provider "anthropic"');
    expect(result.stderr).toContain('openclaw models auth login --provider');
  });

  it('openclaw chat answers piped lines in order', async () => {
    await start();
    anthropic.script([{ text: 'first reply', delayMs: 50 }, { text: 'second reply' }]);
    const result = await cli(['chat'], { input: 'one\ntwo\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('first reply\nsecond reply\n');
    expect((anthropic.requests[1]?.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'first reply' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('a gateway SIGKILLed mid-run restarts with readable transcripts and a working session', async () => {
    await start();
    anthropic.script({ text: ['never ', 'finished ', 'reply'], delayMs: 2_000 });
    const client = await operator();
    await client.request('chat.send', { sessionKey: 'main', message: 'before the crash', idempotencyKey: 'crash-run' });
    await client.next((f) => f.event === 'chat' && payload(f).state === 'delta', 10_000);
    gateway?.child.kill('SIGKILL');
    await gateway?.exited;
    client.close();

    await start();
    const after = await operator();
    const history = payload(await after.request('chat.history', { sessionKey: 'main' }));
    expect(history.messages).toEqual([expect.objectContaining({ role: 'user', content: 'before the crash' })]);
    anthropic.script({ text: 'back again' });
    const result = await cli(['agent', '-m', 'are you there?']);
    expect(result).toMatchObject({ code: 0, stdout: 'back again\n' });
    // The conversation goes on in the same session, the interrupted message included.
    expect((anthropic.requests.at(-1)?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'before the crash\n\nare you there?' }]);
    for (const lines of transcripts()) expect(lines[0]).toMatchObject({ type: 'session' });
    after.close();
  });

  it('health --deep probes each model provider: a refused key is a failed check with the fix', async () => {
    await start({ ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY, OPENAI_API_KEY: 'sk-openai-wrong' });
    const result = await cli(['health', '--deep', '--url', `ws://127.0.0.1:${port}`, '--token', TOKEN]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✓ provider anthropic: reachable, key accepted \(anthropic\/claude-e2e; \d+ ms\)/);
    expect(result.stdout).toContain('✗ provider openai: the provider refused the key (HTTP 401) (openai/gpt-e2e)');
    expect(result.stdout).toContain('fix: openclaw models auth login --provider openai');
    expect(result.stdout).not.toContain('sk-openai-wrong');
    expect(anthropic.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
  });
});
