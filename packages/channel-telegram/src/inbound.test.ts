import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, TOKEN, waitFor } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';

const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: 'Team' };
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

async function running(): Promise<Harness> {
  harness = await startHarness({ botToken: TOKEN });
  await harness.fake.waitForCall('getUpdates');
  return harness;
}

/** Pushes the messages, then a DM marker, and returns what was routed before the marker. */
async function routedFrom(h: Harness, push: () => void): Promise<Harness['routed']> {
  const before = h.routed.length;
  push();
  h.fake.pushMessage({ text: 'marker' });
  await waitFor(() => h.routed.some((m) => m.text === 'marker'), 5_000, 'the marker message');
  return h.routed.slice(before, -1);
}

describe('inbound', () => {
  it('a direct message arrives with the chat, the sender and the message', async () => {
    const h = await running();
    const update = h.fake.pushMessage({ text: 'hello there', date: 1_760_000_000 });
    const message = await waitFor(() => h.routed[0], 5_000, 'the message');
    expect(message).toEqual({
      channel: 'telegram',
      accountId: 'default',
      chatType: 'direct',
      chatId: '1001',
      senderId: '1001',
      senderName: 'Ada Lovelace',
      senderUsername: 'ada',
      text: 'hello there',
      messageId: String(update.message!.message_id),
      mentioned: false,
      timestamp: 1_760_000_000_000,
      raw: update.message,
    });
    expect(h.account().lastInboundAt).not.toBeNull();
  });

  it('in a group, @mentioning the bot, a command addressed to it or a reply to it sets mentioned', async () => {
    const h = await running();
    await h.instance().send(String(GROUP.id), { text: 'I am the bot' });
    const botMessage = h.fake.sentMessages()[0]!;
    const someoneElse = { ...botMessage, from: { id: 555, is_bot: false, first_name: 'Bob' } };
    const routed = await routedFrom(h, () => {
      h.fake.pushMessage({ chat: GROUP, text: 'hey @claw_bot what is up' });
      h.fake.pushMessage({ chat: GROUP, text: 'hey @CLAW_BOT case does not matter' });
      h.fake.pushMessage({ chat: GROUP, text: '/status@claw_bot' });
      h.fake.pushMessage({ chat: GROUP, text: 'a reply', replyTo: botMessage });
      h.fake.pushMessage({ chat: GROUP, caption: 'look @claw_bot' });
      h.fake.pushMessage({ chat: GROUP, text: 'just chatting' });
      h.fake.pushMessage({ chat: GROUP, text: 'hey @other_bot' });
      h.fake.pushMessage({ chat: GROUP, text: '/status@other_bot' });
      h.fake.pushMessage({ chat: GROUP, text: 'a reply to Bob', replyTo: someoneElse });
    });
    expect(routed.map((m) => [m.text, m.mentioned, m.chatType, m.chatId])).toEqual([
      ['hey @claw_bot what is up', true, 'group', String(GROUP.id)],
      ['hey @CLAW_BOT case does not matter', true, 'group', String(GROUP.id)],
      ['/status@claw_bot', true, 'group', String(GROUP.id)],
      ['a reply', true, 'group', String(GROUP.id)],
      ['look @claw_bot', true, 'group', String(GROUP.id)],
      ['just chatting', false, 'group', String(GROUP.id)],
      ['hey @other_bot', false, 'group', String(GROUP.id)],
      ['/status@other_bot', false, 'group', String(GROUP.id)],
      ['a reply to Bob', false, 'group', String(GROUP.id)],
    ]);
  });

  it('forum topics carry threadId; the implicit reply to the topic root is not a mention', async () => {
    const h = await running();
    const forum = { ...GROUP, is_forum: true as const };
    const root = { message_id: 77, date: 1, chat: forum, from: h.fake.botUser(), forum_topic_created: { name: 'T', icon_color: 1 } } as never;
    const routed = await routedFrom(h, () => {
      h.fake.pushMessage({ chat: forum, text: 'in the topic', topicId: 77, replyTo: root });
      h.fake.pushMessage({ chat: { id: -200, type: 'group', title: 'Old group' }, text: 'plain group' });
    });
    expect(routed.map((m) => [m.text, m.threadId, m.mentioned, m.chatType])).toEqual([
      ['in the topic', '77', false, 'group'],
      ['plain group', undefined, false, 'group'],
    ]);
  });

  it('ignores messages from bots (itself included), edits and messages without text; asks only for messages', async () => {
    const h = await running();
    const routed = await routedFrom(h, () => {
      h.fake.pushMessage({ chat: GROUP, text: 'from a bot', from: { id: 9, is_bot: true, first_name: 'B', username: 'some_bot' } });
      h.fake.pushMessage({ chat: GROUP, text: 'from me', from: h.fake.botUser() });
      h.fake.pushMessage({ text: 'edited' }, { kind: 'edited_message' });
      h.fake.pushMessage({ chat: GROUP });
      h.fake.pushMessage({ text: '   ' });
    });
    expect(routed).toEqual([]);
    expect(h.fake.callsTo('getUpdates')[0]!.params.allowed_updates).toEqual(['message']);
  });

  it('a slow router holds up its own chat only, and keeps that chat in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    harness = await startHarness(
      { botToken: TOKEN },
      {
        registry: {
          onInbound: async (message) => {
            seen.push(message.text);
            if (message.text === 'slow') await gate;
          },
        },
      },
    );
    const h = harness;
    h.fake.pushMessage({ text: 'slow' });
    h.fake.pushMessage({ text: 'after slow' });
    h.fake.pushMessage({ chat: GROUP, text: 'other chat' });
    await waitFor(() => seen.includes('other chat'), 5_000, 'the other chat');
    expect(seen).toEqual(['slow', 'other chat']);
    release();
    await waitFor(() => seen.includes('after slow'), 5_000, 'the queued message');
    expect(seen).toEqual(['slow', 'other chat', 'after slow']);
  });
});
