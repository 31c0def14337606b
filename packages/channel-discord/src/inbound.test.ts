import { describe, expect, it, vi } from 'vitest';
import { mention } from '../test/fake-discord.ts';
import type { FakeUser } from '../test/fake-discord.ts';
import { startHarness } from '../test/harness.ts';
import { MESSAGE_CONTENT_INTENT_HINT } from './errors.ts';

const alice: FakeUser = { id: '2000000000000000002', username: 'alice', globalName: 'Alice A.' };
const otherBot: FakeUser = { id: '3000000000000000003', username: 'helper-bot', bot: true };
const guilds = [{ id: 'g-100', channels: [{ id: 'c-100', name: 'general' }, { id: 't-200', type: 'thread' as const, parentId: 'c-100' }] }];

describe('inbound messages', () => {
  it('a guild message that mentions the bot arrives as a channel message, mentioned, without the mention', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const id = await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, nick: 'Ali', content: `${mention(h.discord.bot)}  what's up?` });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    const [message] = h.routed;
    expect({ ...message, raw: undefined }).toEqual({
      channel: 'discord',
      accountId: 'default',
      chatType: 'channel',
      chatId: 'c-100',
      senderId: alice.id,
      senderName: 'Ali',
      senderUsername: 'alice',
      text: "what's up?",
      messageId: id,
      mentioned: true,
      timestamp: expect.any(Number),
      spaceId: 'g-100',
      raw: undefined,
    });
    expect(Math.abs(message!.timestamp! - Date.now())).toBeLessThan(60_000);
    expect(message!.raw).toMatchObject({ id, guildId: 'g-100', channelId: 'c-100' });
    expect(h.snapshot().lastInboundAt).not.toBeNull();
  });

  it('an unmentioned guild message arrives with mentioned:false (the router applies requireMention)', async () => {
    await using h = await startHarness({ fake: { guilds } });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: 'just chatting <@4000000000000000004>' });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.routed[0]).toMatchObject({ mentioned: false, text: 'just chatting <@4000000000000000004>', senderName: 'Alice A.' });
  });

  it('a reply to one of the bot\'s messages counts as a mention', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const { messageIds } = await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: 'I am here' } });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: 'and so am I', replyTo: messageIds[0]! });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.routed[0]).toMatchObject({ mentioned: true, text: 'and so am I' });
  });

  it('a DM arrives as a direct message in its DM channel', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const dm = h.discord.dmChannelId(alice);
    await h.discord.dispatchMessage({ channelId: dm, author: alice, content: 'hello bot' });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.routed[0]).toMatchObject({ chatType: 'direct', chatId: dm, senderId: alice.id, senderName: 'Alice A.', text: 'hello bot', mentioned: false });
    expect(h.routed[0]!.threadId).toBeUndefined();
  });

  it('a message in a thread names the parent channel as chat and the thread as threadId', async () => {
    await using h = await startHarness({ fake: { guilds } });
    await h.discord.dispatchMessage({ channelId: 't-200', author: alice, content: `${mention(h.discord.bot)} in a thread` });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.routed[0]).toMatchObject({ chatType: 'channel', chatId: 'c-100', threadId: 't-200', mentioned: true, text: 'in a thread' });
  });

  it('ignores bots, the bot itself, and messages with no text besides the mention', async () => {
    await using h = await startHarness({ fake: { guilds } });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: otherBot, content: `${mention(h.discord.bot)} beep` });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: h.discord.bot, content: 'my own echo' });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: ` ${mention(h.discord.bot)} ` });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: 'the only one' });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.routed.map((m) => m.text)).toEqual(['the only one']);
  });

  it('guild messages without their text are reported once as a missing Message Content intent', async () => {
    await using h = await startHarness({ fake: { guilds } });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: '' });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: '' });
    await h.discord.dispatchMessage({ channelId: 'c-100', author: alice, content: `${mention(h.discord.bot)} still works` });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    const snapshot = h.snapshot();
    expect(snapshot.lastError).toContain(MESSAGE_CONTENT_INTENT_HINT);
    expect(snapshot.warning).toBe(snapshot.lastError);
    expect(snapshot.connected).toBe(true);
    expect(h.logs.records.filter((r) => r.level === 'warn' && r.msg.includes('Message Content Intent'))).toHaveLength(1);
  });

  it('an empty DM is not taken for a missing intent', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const dm = h.discord.dmChannelId(alice);
    await h.discord.dispatchMessage({ channelId: dm, author: alice, content: '' });
    await h.discord.dispatchMessage({ channelId: dm, author: alice, content: 'after' });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.snapshot().lastError).toBeNull();
  });
});
