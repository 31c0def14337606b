// Loopback fakes of the model providers that speak the real HTTP + SSE wire formats, so tests
// run the real @anthropic-ai/sdk and openai clients unmodified against them:
//
//   const fake = await startFakeAnthropic(); // fake.close() in afterEach
//   fake.script([{ text: ['Hel', 'lo'], delayMs: 20 }, { status: 429, headers: { 'retry-after': '1' } }, { hang: true }]);
//   const client = new Anthropic({ apiKey: 'k', baseURL: fake.url, maxRetries: 0 });
//
// Unscripted model calls get `echo: <last user message>`; fake.requests records what the SDK sent.
export { startFakeAnthropic } from './fake-anthropic.ts';
export { startFakeOpenAI } from './fake-openai.ts';
export type {
  ErrorReply,
  FakeProvider,
  FakeProviderOptions,
  HangReply,
  RecordedRequest,
  RequestEnd,
  ScriptedReply,
  StreamReply,
} from './fake-provider-server.ts';
