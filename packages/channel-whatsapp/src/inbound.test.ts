import { describe, expect, it, vi } from 'vitest';
import { BOT_LID, BOT_PHONE, incoming } from '../test/fake-whatsapp.ts';
import { harnessPerTest } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';

const ADA = '15551234567';
const ADA_JID = `${ADA}@s.whatsapp.net`;
const GROUP = '120363025246125486@g.us';
const BOT_JID = `${BOT_PHONE}@s.whatsapp.net`;

const run = harnessPerTest();

/** Delivers the messages, then a DM marker, and returns what was routed before the marker. */
async function routedFrom(h: Harness, deliver: () => void): Promise<Harness['routed']> {
  const before = h.routed.length;
  deliver();
  h.whatsapp.latest().receive(incoming({ chat: ADA_JID, text: 'marker' }));
  await vi.waitFor(() => expect(h.routed.some((m) => m.text === 'marker')).toBe(true));
  return h.routed.slice(before, -1);
}

describe('inbound', () => {
  it('a direct message arrives with the chat JID, the sender as E.164 digits, the name, id and time', async () => {
    const h = await run();
    const message = incoming({ chat: ADA_JID, text: 'hello there', id: '3A0000HELLO', pushName: 'Ada Lovelace', timestamp: 1_760_000_123 });
    h.whatsapp.latest().receive(message);
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    expect(h.routed[0]).toEqual({
      channel: 'whatsapp',
      accountId: 'default',
      chatType: 'direct',
      chatId: ADA_JID,
      senderId: ADA,
      senderName: 'Ada Lovelace',
      text: 'hello there',
      messageId: '3A0000HELLO',
      mentioned: false,
      timestamp: 1_760_000_123_000,
      raw: message,
    });
    expect(h.snapshot().lastInboundAt).not.toBeNull();
  });

  it('takes text from extended text, image and video captions and wrapped (ephemeral, view-once) messages', async () => {
    const h = await run();
    const routed = await routedFrom(h, () => {
      const socket = h.whatsapp.latest();
      socket.receive(incoming({ chat: ADA_JID, message: { extendedTextMessage: { text: 'with a link https://openclaw.ai' } } }));
      socket.receive(incoming({ chat: ADA_JID, message: { imageMessage: { caption: 'look at this' } } }));
      socket.receive(incoming({ chat: ADA_JID, message: { videoMessage: { caption: 'and this video' } } }));
      socket.receive(incoming({ chat: ADA_JID, message: { ephemeralMessage: { message: { extendedTextMessage: { text: 'disappearing' } } } } }));
      socket.receive(incoming({ chat: ADA_JID, message: { viewOnceMessageV2: { message: { imageMessage: { caption: 'once' } } } } }));
      socket.receive(incoming({ chat: ADA_JID, message: { imageMessage: {} } }));
      socket.receive(incoming({ chat: ADA_JID, message: { reactionMessage: { text: '👍' } } }));
      socket.receive(incoming({ chat: ADA_JID, text: '   ' }));
    });
    expect(routed.map((m) => m.text)).toEqual(['with a link https://openclaw.ai', 'look at this', 'and this video', 'disappearing', 'once']);
  });

  it('in a group: chatId is the group, senderId the participant; mentioned for an @mention (by number or LID) or a reply to the bot', async () => {
    const h = await run();
    const bob = '447700900123@s.whatsapp.net';
    const routed = await routedFrom(h, () => {
      const socket = h.whatsapp.latest();
      socket.receive(incoming({ chat: GROUP, from: ADA_JID, text: '@bot what is up', message: { extendedTextMessage: { text: '@bot what is up', contextInfo: { mentionedJid: [BOT_JID] } } } }));
      socket.receive(incoming({ chat: GROUP, from: ADA_JID, message: { extendedTextMessage: { text: 'by lid', contextInfo: { mentionedJid: [BOT_LID] } } } }));
      socket.receive(incoming({ chat: GROUP, from: ADA_JID, message: { extendedTextMessage: { text: 'a reply', contextInfo: { stanzaId: '3EB0BOT0001', participant: `${BOT_PHONE}:7@s.whatsapp.net`, quotedMessage: { conversation: 'bot said' } } } } }));
      socket.receive(incoming({ chat: GROUP, from: ADA_JID, message: { imageMessage: { caption: 'photo for @bot', contextInfo: { mentionedJid: [BOT_JID] } } } }));
      socket.receive(incoming({ chat: GROUP, from: bob, text: 'just chatting' }));
      socket.receive(incoming({ chat: GROUP, from: bob, message: { extendedTextMessage: { text: 'hey @ada', contextInfo: { mentionedJid: [ADA_JID] } } } }));
      socket.receive(incoming({ chat: GROUP, from: bob, message: { extendedTextMessage: { text: 'reply to ada', contextInfo: { stanzaId: 'X', participant: ADA_JID, quotedMessage: { conversation: 'hi' } } } } }));
    });
    expect(routed.map((m) => [m.text, m.chatType, m.chatId, m.senderId, m.mentioned])).toEqual([
      ['@bot what is up', 'group', GROUP, ADA, true],
      ['by lid', 'group', GROUP, ADA, true],
      ['a reply', 'group', GROUP, ADA, true],
      ['photo for @bot', 'group', GROUP, ADA, true],
      ['just chatting', 'group', GROUP, '447700900123', false],
      ['hey @ada', 'group', GROUP, '447700900123', false],
      ['reply to ada', 'group', GROUP, '447700900123', false],
    ]);
  });

  it('senders WhatsApp addresses by LID are reported by phone number when Baileys knows it, else by LID', async () => {
    const h = await run();
    const routed = await routedFrom(h, () => {
      const socket = h.whatsapp.latest();
      socket.receive(incoming({ chat: '11122233344455@lid', chatAlt: ADA_JID, text: 'dm by lid' }));
      socket.receive(incoming({ chat: GROUP, from: '55566677788899@lid', fromAlt: '4915112345678@s.whatsapp.net', text: 'group by lid' }));
      socket.receive(incoming({ chat: GROUP, from: '55566677788899@lid', text: 'number unknown' }));
    });
    expect(routed.map((m) => [m.text, m.chatType, m.chatId, m.senderId])).toEqual([
      ['dm by lid', 'direct', '11122233344455@lid', ADA],
      ['group by lid', 'group', GROUP, '4915112345678'],
      ['number unknown', 'group', GROUP, '55566677788899@lid'],
    ]);
  });

  it('ignores its own messages, other upsert types, status updates, newsletters and broadcasts', async () => {
    const h = await run();
    const routed = await routedFrom(h, () => {
      const socket = h.whatsapp.latest();
      socket.receive(incoming({ chat: ADA_JID, text: 'sent from my phone', fromMe: true }));
      socket.receive(incoming({ chat: GROUP, from: BOT_JID, text: 'mine in a group', fromMe: true }));
      socket.receive(incoming({ chat: ADA_JID, text: 'history' }), 'append');
      socket.receive(incoming({ chat: 'status@broadcast', from: ADA_JID, text: 'my status' }));
      socket.receive(incoming({ chat: '120363111111111111@newsletter', text: 'news' }));
      socket.receive(incoming({ chat: '1234567890@broadcast', from: ADA_JID, text: 'list' }));
    });
    expect(routed).toEqual([]);
  });

  it('marks received messages as read unless sendReadReceipts is false', async () => {
    const h = await run();
    const message = incoming({ chat: ADA_JID, text: 'read me' });
    await routedFrom(h, () => h.whatsapp.latest().receive(message));
    expect(h.whatsapp.latest().reads).toContainEqual(message.key);
    await h[Symbol.asyncDispose]();

    const quiet = await run({ section: { sendReadReceipts: false } });
    await routedFrom(quiet, () => quiet.whatsapp.latest().receive(incoming({ chat: ADA_JID, text: 'do not read me' })));
    expect(quiet.whatsapp.latest().reads).toEqual([]);
  });

  it('selfChatMode: the owner’s messages in "Message yourself" reach the agent, the bot’s own replies there do not', async () => {
    const h = await run({ section: { selfChatMode: true } });
    const self = `${BOT_PHONE}@s.whatsapp.net`;
    const routed = await routedFrom(h, () => h.whatsapp.latest().receive(incoming({ chat: self, text: 'note to self', fromMe: true })));
    expect(routed.map((m) => [m.text, m.chatType, m.chatId, m.senderId, m.mentioned])).toEqual([['note to self', 'direct', self, BOT_PHONE, false]]);

    const { messageIds } = await h.instance().send(self, { text: 'the agent answers' });
    const echo = incoming({ chat: self, text: 'the agent answers', fromMe: true, id: messageIds[0]! });
    const others = await routedFrom(h, () => {
      h.whatsapp.latest().receive(echo);
      h.whatsapp.latest().receive(incoming({ chat: ADA_JID, text: 'to ada from my phone', fromMe: true }));
    });
    expect(others).toEqual([]);
    expect(h.whatsapp.latest().reads).not.toContainEqual(echo.key);
  });

  it('never logs what people wrote', async () => {
    const h = await run();
    await routedFrom(h, () => h.whatsapp.latest().receive(incoming({ chat: ADA_JID, text: 'my secret diary entry' })));
    expect(h.sink.lines().join('\n')).not.toContain('my secret diary entry');
  });
});
