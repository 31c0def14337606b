import { describe, expect, it, vi } from 'vitest';
import type { ChannelError } from '@openclaw/gateway-core';
import type { FakeUser } from '../test/fake-discord.ts';
import { startHarness } from '../test/harness.ts';
import type { DiscordChannel } from './channel.ts';

const alice: FakeUser = { id: '2000000000000000002', username: 'alice' };
const guilds = [{ id: 'g-100', channels: [{ id: 'c-100' }, { id: 'c-101' }, { id: 't-200', type: 'thread' as const, parentId: 'c-100' }] }];

describe('send', () => {
  it('posts to the target channel with the bot authorization, quoting the message it answers', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const result = await h.registry.send({ channel: 'discord', target: 'c-101', message: { text: 'hello there', replyToMessageId: '1234567890123456789' } });
    expect(h.discord.posted).toEqual([
      {
        id: result.messageIds[0],
        channelId: 'c-101',
        content: 'hello there',
        replyTo: '1234567890123456789',
        authorization: `Bot ${h.discord.token}`,
        allowedMentions: { parse: ['users'], replied_user: true },
      },
    ]);
    const body = h.discord.requests.find((r) => r.method === 'POST' && r.path === '/channels/c-101/messages')!.body;
    expect(body).toMatchObject({ message_reference: { message_id: '1234567890123456789', fail_if_not_exists: false } });
    expect(h.snapshot().lastOutboundAt).not.toBeNull();
  });

  it('states the account\'s limits and splits longer text at 2000 characters and at the line limit', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const instance = h.registry.account('discord').instance as DiscordChannel;
    expect([instance.textLimit, instance.lineLimit]).toEqual([2000, 17]);

    const long = 'x'.repeat(4500);
    const first = await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: long, replyToMessageId: '1234567890123456789' } });
    expect(first.messageIds).toHaveLength(3);
    expect(h.discord.posted.map((p) => [p.content.length, p.replyTo])).toEqual([[2000, '1234567890123456789'], [2000, undefined], [500, undefined]]);

    const tall = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: tall } });
    expect(h.discord.posted.slice(3).map((p) => p.content.split('\n').length)).toEqual([17, 3]);
    expect(h.discord.postedIn('c-100')).toHaveLength(5);
  });

  it('takes textChunkLimit and maxLinesPerMessage from the account', async () => {
    await using h = await startHarness({ fake: { guilds }, section: { textChunkLimit: 10, maxLinesPerMessage: 2 } });
    const instance = h.registry.account('discord').instance as DiscordChannel;
    expect([instance.textLimit, instance.lineLimit]).toEqual([10, 2]);
    await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: 'one two three four\na\nb' } });
    expect(h.discord.posted.map((p) => p.content)).toEqual(['one two', 'three four', 'a\nb']);
  });

  it('posts into a thread when given its id, and into a DM channel', async () => {
    await using h = await startHarness({ fake: { guilds } });
    await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: 'in thread', threadId: 't-200' } });
    const dm = h.discord.dmChannelId(alice);
    await h.discord.dispatchMessage({ channelId: dm, author: alice, content: 'hi' });
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    await h.registry.send({ channel: 'discord', target: h.routed[0]!.chatId, message: { text: 'hi alice' } });
    expect(h.discord.posted.map((p) => [p.channelId, p.content])).toEqual([['t-200', 'in thread'], [dm, 'hi alice']]);
  });

  it('opens a DM when the target is a user id', async () => {
    await using h = await startHarness({ fake: { guilds } });
    h.discord.dmChannelId(alice);
    await h.registry.send({ channel: 'discord', target: alice.id, message: { text: 'your pairing was approved' } });
    expect(h.discord.requests.filter((r) => r.method === 'POST').map((r) => [r.path, r.body])).toEqual([
      ['/users/@me/channels', { recipient_id: alice.id }],
      [`/channels/dm-${alice.id}/messages`, expect.objectContaining({ content: 'your pairing was approved' })],
    ]);
  });

  it('fails with SEND_FAILED for an unknown target or an empty text, and stays connected', async () => {
    await using h = await startHarness({ fake: { guilds } });
    const unknown = (await h.registry.send({ channel: 'discord', target: '999', message: { text: 'x' } }).catch((e: unknown) => e)) as ChannelError;
    expect(unknown).toMatchObject({ code: 'SEND_FAILED' });
    expect(unknown.message).toContain('Discord has no channel or user with id 999');
    const empty = (await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: ' \n ' } }).catch((e: unknown) => e)) as ChannelError;
    expect(empty.message).toContain('refusing to send an empty message');
    expect(h.discord.posted).toEqual([]);
    expect(h.snapshot()).toMatchObject({ state: 'running', connected: true });
  });

  it('a token revoked while running (REST 401) turns the account auth-failed', async () => {
    await using h = await startHarness({ fake: { guilds } });
    h.discord.rejectRest(401);
    const error = (await h.registry.send({ channel: 'discord', target: 'c-100', message: { text: 'x' } }).catch((e: unknown) => e)) as ChannelError;
    expect(error).toMatchObject({ code: 'SEND_FAILED', cause: { name: 'ChannelAuthError' } });
    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'auth-failed', connected: false, hint: expect.stringContaining('channels.discord.token') }));
  });
});

describe('sendTyping', () => {
  it('posts a typing indicator to the channel, or to the thread', async () => {
    await using h = await startHarness({ fake: { guilds } });
    await expect(h.registry.sendTyping({ channel: 'discord', target: 'c-100' })).resolves.toBe(true);
    await expect(h.registry.sendTyping({ channel: 'discord', target: 'c-100', threadId: 't-200' })).resolves.toBe(true);
    await expect(h.registry.sendTyping({ channel: 'discord', target: '999' })).resolves.toBe(false);
    const typing = h.discord.requests.filter((r) => r.path.endsWith('/typing')).map((r) => [r.method, r.path, r.authorization]);
    expect(typing).toEqual([
      ['POST', '/channels/c-100/typing', `Bot ${h.discord.token}`],
      ['POST', '/channels/t-200/typing', `Bot ${h.discord.token}`],
    ]);
  });
});
