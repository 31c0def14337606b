import { createChannelRouter } from '@openclaw/gateway-core';
import type { AgentTurnRequest, InboundMessage } from '@openclaw/gateway-core';
import { describe, expect, it, vi } from 'vitest';
import { BOT_PHONE, boom, incoming } from '../test/fake-whatsapp.ts';
import { harnessPerTest } from '../test/harness.ts';
import { toJid } from './jid.ts';

const ADA = '15551234567';
const ADA_JID = `${ADA}@s.whatsapp.net`;
const GROUP = '120363025246125486@g.us';

const run = harnessPerTest();

describe('send', () => {
  it('sends text to a phone number or a JID through sock.sendMessage(jid, { text })', async () => {
    const h = await run();
    const first = await h.registry.send({ channel: 'whatsapp', target: '+1 555 123-4567', message: { text: 'hi Ada' } });
    await h.registry.send({ channel: 'whatsapp', target: ADA_JID, message: { text: 'again' } });
    await h.registry.send({ channel: 'whatsapp', target: GROUP, message: { text: 'hello group' } });
    await h.registry.send({ channel: 'whatsapp', target: `${ADA}:12@s.whatsapp.net`, message: { text: 'device suffix dropped' } });
    expect(h.whatsapp.latest().sent).toEqual([
      { jid: ADA_JID, text: 'hi Ada', quotedId: undefined },
      { jid: ADA_JID, text: 'again', quotedId: undefined },
      { jid: GROUP, text: 'hello group', quotedId: undefined },
      { jid: ADA_JID, text: 'device suffix dropped', quotedId: undefined },
    ]);
    expect(first.messageIds).toEqual(['3EB0BOT0001']);
    expect(h.snapshot().lastOutboundAt).not.toBeNull();
  });

  it('quotes the message it replies to when that message was received recently', async () => {
    const h = await run();
    h.whatsapp.latest().receive(incoming({ chat: GROUP, from: ADA_JID, text: 'question', id: '3A00QUESTION' }));
    await vi.waitFor(() => expect(h.routed).toHaveLength(1));
    await h.registry.send({ channel: 'whatsapp', target: GROUP, message: { text: 'answer', replyToMessageId: '3A00QUESTION' } });
    await h.registry.send({ channel: 'whatsapp', target: GROUP, message: { text: 'unknown quote', replyToMessageId: 'NOT-SEEN' } });
    expect(h.whatsapp.latest().sent).toEqual([
      { jid: GROUP, text: 'answer', quotedId: '3A00QUESTION' },
      { jid: GROUP, text: 'unknown quote', quotedId: undefined },
    ]);
  });

  it('textLimit is 4000, or textChunkLimit; a longer text is split here too, as a safety net', async () => {
    const h = await run({ section: { textChunkLimit: 50 } });
    expect(h.instance().textLimit).toBe(50);
    const text = `${'word '.repeat(15)}\n\n${'more '.repeat(6)}`;
    const result = await h.registry.send({ channel: 'whatsapp', target: ADA, message: { text } });
    const sent = h.whatsapp.latest().sent.map((m) => m.text);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((piece) => piece.length <= 50)).toBe(true);
    expect(sent.join(' ').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
    expect(result.messageIds).toHaveLength(sent.length);
  });

  it('refuses targets that are neither numbers nor JIDs, and reports a failed send without the text', async () => {
    const h = await run();
    await expect(h.registry.send({ channel: 'whatsapp', target: 'ada', message: { text: 'x' } })).rejects.toMatchObject({
      code: 'SEND_FAILED',
      message: expect.stringContaining('"ada" is neither a phone number nor a WhatsApp chat id'),
    });
    h.whatsapp.latest().failSends = boom(428, 'Connection Closed');
    await expect(h.registry.send({ channel: 'whatsapp', target: ADA, message: { text: 'private words' } })).rejects.toMatchObject({
      code: 'SEND_FAILED',
      message: 'whatsapp account "default": send failed: WhatsApp send failed: Connection Closed (428)',
    });
  });

  it('while reconnecting the account is not connected: sends are refused, typing is skipped', async () => {
    const h = await run();
    h.whatsapp.behaviour = 'manual';
    h.whatsapp.latest().close(428);
    await vi.waitFor(() => expect(h.snapshot().connected).toBe(false));
    await expect(h.registry.send({ channel: 'whatsapp', target: ADA, message: { text: 'x' } })).rejects.toMatchObject({ code: 'CHANNEL_NOT_CONNECTED' });
    expect(await h.registry.sendTyping({ channel: 'whatsapp', target: ADA })).toBe(false);
  });
});

describe('typing and probe', () => {
  it('typing is sendPresenceUpdate("composing", jid)', async () => {
    const h = await run();
    expect(await h.registry.sendTyping({ channel: 'whatsapp', target: ADA })).toBe(true);
    expect(await h.registry.sendTyping({ channel: 'whatsapp', target: GROUP })).toBe(true);
    expect(h.whatsapp.latest().presences).toEqual([
      { type: 'composing', jid: ADA_JID },
      { type: 'composing', jid: GROUP },
    ]);
  });

  it('probe reports the connection and the linked number', async () => {
    const h = await run();
    const ok = await h.registry.probe();
    expect(ok.channelAccounts.whatsapp![0]!.probe).toEqual({ ok: true, linkedAs: `+${BOT_PHONE}`, elapsedMs: expect.any(Number) });
    h.whatsapp.behaviour = 'manual';
    h.whatsapp.latest().close(428);
    await vi.waitFor(() => expect(h.snapshot().connected).toBe(false));
    const down = await h.registry.probe();
    expect(down.channelAccounts.whatsapp![0]!.probe).toMatchObject({ ok: false, error: 'not connected to WhatsApp' });
  });
});

describe('with the gateway router', () => {
  it('enforces the account policy from the config, shows typing, and splits the reply at textChunkLimit', async () => {
    const turns: AgentTurnRequest[] = [];
    let route: (message: InboundMessage) => Promise<void> = async () => undefined;
    const h = await run({ section: { dmPolicy: 'allowlist', allowFrom: [`+${ADA}`], textChunkLimit: 80 }, registry: { onInbound: (message) => route(message) } });
    route = createChannelRouter({
      channels: h.registry,
      pairing: {
        request: async () => {
          throw new Error('dmPolicy allowlist never pairs');
        },
        allowFrom: async () => [],
      },
      runTurn: async (request) => {
        turns.push(request);
        return { status: 'ok', text: `${'reply '.repeat(20)}\n\n${'second part '.repeat(3)}` };
      },
      session: () => ({ dmScope: 'main' }),
    });
    h.whatsapp.latest().receive(incoming({ chat: '4915112345678@s.whatsapp.net', text: 'not on the list' }));
    h.whatsapp.latest().receive(incoming({ chat: ADA_JID, text: 'on the list' }));
    await vi.waitFor(() => expect(h.whatsapp.latest().sent.length).toBeGreaterThan(1));
    expect(turns.map((t) => [t.message, t.meta.deliveryContext])).toEqual([['on the list', { channel: 'whatsapp', to: ADA_JID, accountId: 'default' }]]);
    const sent = h.whatsapp.latest().sent;
    expect(sent.every((m) => m.jid === ADA_JID && m.text.length <= 80)).toBe(true);
    expect(h.whatsapp.latest().presences[0]).toEqual({ type: 'composing', jid: ADA_JID });
  });
});

describe('toJid', () => {
  it.each([
    ['15551234567', '15551234567@s.whatsapp.net'],
    ['+49 151 1234-5678', '4915112345678@s.whatsapp.net'],
    ['15551234567:3@s.whatsapp.net', '15551234567@s.whatsapp.net'],
    ['15551234567@c.us', '15551234567@s.whatsapp.net'],
    ['11122233344455@lid', '11122233344455@lid'],
    [GROUP, GROUP],
  ])('%s → %s', (target, jid) => expect(toJid(target)).toBe(jid));

  it.each(['ada', '123', '', 'status@broadcast', 'x@newsletter'])('refuses %j', (target) => expect(() => toJid(target)).toThrow(/neither a phone number nor a WhatsApp chat id/));
});
