import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_FAILURES } from '../test/fake-bot-api.ts';
import { TOKEN, observable, secretOf, startHarness } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';

const CHAT = '-1001234567890';
let harness: Harness | undefined;

afterEach(async () => {
  if (harness) expect(observable(harness)).not.toContain(secretOf(TOKEN));
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

async function run(section: Parameters<typeof startHarness>[0] = { botToken: TOKEN }, options: Parameters<typeof startHarness>[1] = {}): Promise<Harness> {
  harness = await startHarness(section, options);
  return harness;
}

describe('send', () => {
  it('sends one message with thread and reply, and returns its id', async () => {
    const h = await run();
    const result = await h.registry.send({ channel: 'telegram', target: CHAT, message: { text: 'hi', threadId: '42', replyToMessageId: '7' } });
    const [call] = h.fake.callsTo('sendMessage');
    expect(call!.params).toEqual({ chat_id: Number(CHAT), text: 'hi', message_thread_id: 42, reply_parameters: { message_id: 7, allow_sending_without_reply: true } });
    expect(result).toEqual({ messageIds: [String(h.fake.sentMessages()[0]!.message_id)] });
    expect(h.account().lastOutboundAt).not.toBeNull();
  });

  it('splits text longer than textChunkLimit (the instance textLimit), replying with the first part only', async () => {
    const h = await run({ botToken: TOKEN, textChunkLimit: 100 });
    expect(h.instance().textLimit).toBe(100);
    const paragraphs = ['a'.repeat(80), 'b'.repeat(80), 'c '.repeat(60).trim()];
    const result = await h.instance().send(CHAT, { text: paragraphs.join('\n'), threadId: '5', replyToMessageId: '9' });
    const calls = h.fake.callsTo('sendMessage').map((c) => c.params);
    expect(calls.map((p) => p.text)).toEqual([paragraphs[0], paragraphs[1], expect.any(String), expect.any(String)]);
    expect(calls.every((p) => String(p.text).length <= 100 && p.message_thread_id === 5)).toBe(true);
    expect(calls.map((p) => p.reply_parameters !== undefined)).toEqual([true, false, false, false]);
    expect(calls.slice(2).map((p) => p.text).join(' ')).toBe(paragraphs[2]);
    expect(result.messageIds).toHaveLength(4);
  });

  it('waits out a 429 for retry_after seconds, then delivers', async () => {
    const h = await run();
    h.fake.fail('sendMessage', FAKE_FAILURES.tooManyRequests(1));
    await expect(h.instance().send(CHAT, { text: 'patience' })).resolves.toEqual({ messageIds: [expect.any(String)] });
    const [limited, delivered] = h.fake.callsTo('sendMessage');
    expect([limited!.status, delivered!.status]).toEqual([429, 200]);
    expect(delivered!.at - limited!.at).toBeGreaterThanOrEqual(1_000);
    expect(h.sink.records.filter((r) => r.msg === 'telegram rate limit; retrying')).toHaveLength(1);
  });

  it('gives up after sendRetries 429s, and at once when retry_after is too long', async () => {
    const h = await run({ botToken: TOKEN }, { plugin: { sendRetries: 1, maxRetryAfterSeconds: 5 } });
    h.fake.fail('sendMessage', FAKE_FAILURES.tooManyRequests(1), { times: 2 });
    const error = await h.registry.send({ channel: 'telegram', target: CHAT, message: { text: 'x' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SEND_FAILED', message: expect.stringContaining('telegram sendMessage failed: 429 Too Many Requests: retry after 1') });
    expect(h.fake.callsTo('sendMessage')).toHaveLength(2);

    h.fake.fail('sendMessage', FAKE_FAILURES.tooManyRequests(3_600));
    await expect(h.instance().send(CHAT, { text: 'y' })).rejects.toThrow(/retry after 3600/);
    expect(h.fake.callsTo('sendMessage')).toHaveLength(3);
    expect(h.account().connected).toBe(true);
  });

  it('a refused send says which part failed; an empty text is refused before calling Telegram', async () => {
    const h = await run({ botToken: TOKEN, textChunkLimit: 10 });
    h.fake.fail('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(h.instance().send(CHAT, { text: 'first part second part' })).rejects.toThrow(
      'telegram sendMessage (part 1 of 3) failed: 403 Forbidden: bot was blocked by the user',
    );
    await expect(h.instance().send(CHAT, { text: ' \n ' })).rejects.toThrow(/empty message/);
    expect(h.fake.callsTo('sendMessage')).toHaveLength(1);
  });
});

describe('typing and probe', () => {
  it('sendTyping sends the typing action, in the topic when given', async () => {
    const h = await run();
    await expect(h.registry.sendTyping({ channel: 'telegram', target: CHAT, threadId: '3' })).resolves.toBe(true);
    expect(h.fake.callsTo('sendChatAction')[0]!.params).toEqual({ chat_id: Number(CHAT), action: 'typing', message_thread_id: 3 });
  });

  it('probe answers with the bot from getMe, or the error', async () => {
    const h = await run();
    const status = await h.registry.probe();
    expect(status.channelAccounts.telegram![0]!.probe).toEqual({ ok: true, bot: { id: 7000001, username: 'claw_bot' }, elapsedMs: expect.any(Number) });
    h.fake.fail('getMe', FAKE_FAILURES.badGateway);
    const failed = await h.registry.probe();
    expect(failed.channelAccounts.telegram![0]!.probe).toMatchObject({ ok: false, error: expect.stringContaining("Network request for 'getMe' failed!") });
  });
});
