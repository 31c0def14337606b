import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PairingStore } from '@openclaw/state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeChannel, fakeAccount } from '../../test/fake-channel.ts';
import type { ChannelAccess } from './access.ts';
import { decideAccess } from './access.ts';
import type { InboundMessage } from './contract.ts';
import { ChannelRegistry } from './registry.ts';
import type { AgentTurnRequest, AgentTurnResult } from './router.ts';
import { createChannelRouter, pairingMessage, sessionKeyFor } from './router.ts';

const dm = (overrides: Partial<InboundMessage> = {}): InboundMessage => ({ channel: 'fake', accountId: 'default', chatType: 'direct', chatId: 'c1', senderId: '42', text: 'hi', messageId: 'm1', ...overrides });
const group = (overrides: Partial<InboundMessage> = {}): InboundMessage => dm({ chatType: 'group', chatId: 'g1', ...overrides });
const access = (overrides: Partial<ChannelAccess> = {}): ChannelAccess => ({ dmPolicy: 'pairing', allowFrom: [], groupPolicy: 'allowlist', ...overrides });

describe('decideAccess', () => {
  it('DMs: disabled, open, allowlist by id or username, pairing-approved senders', () => {
    expect(decideAccess(dm(), access({ dmPolicy: 'disabled', allowFrom: ['*'] }))).toEqual({ allow: false, reason: 'dm-disabled' });
    expect(decideAccess(dm(), access({ dmPolicy: 'open', allowFrom: ['*'] }))).toEqual({ allow: true });
    expect(decideAccess(dm(), access({ dmPolicy: 'allowlist', allowFrom: [7] }))).toEqual({ allow: false, reason: 'dm-not-allowed' });
    expect(decideAccess(dm(), access({ dmPolicy: 'allowlist', allowFrom: [42] }))).toEqual({ allow: true });
    expect(decideAccess(dm({ senderUsername: 'Alice' }), access({ dmPolicy: 'allowlist', allowFrom: ['@alice'] }))).toEqual({ allow: true });
    expect(decideAccess(dm(), access())).toEqual({ allow: false, reason: 'needs-pairing' });
    expect(decideAccess(dm(), access(), ['42'])).toEqual({ allow: true });
  });
  it('groups: policy, listed groups and spaces, sender lists, mentions, the group prompt', () => {
    expect(decideAccess(group({ mentioned: true }), access({ groupPolicy: 'disabled' }))).toMatchObject({ reason: 'group-disabled' });
    expect(decideAccess(group({ mentioned: true }), access())).toMatchObject({ reason: 'group-not-allowed' });
    expect(decideAccess(group({ mentioned: true }), access({ groupPolicy: 'open' }))).toEqual({ allow: true });
    expect(decideAccess(group(), access({ groupPolicy: 'open' }))).toMatchObject({ reason: 'not-mentioned' });
    expect(decideAccess(group(), access({ groupPolicy: 'open', groups: { g1: { requireMention: false } } }))).toEqual({ allow: true });
    const guild = access({ groups: { s1: { requireMention: true, allowFrom: ['42'] }, g1: { requireMention: false, systemPrompt: 'Be brief.' } } });
    expect(decideAccess(group({ spaceId: 's1' }), guild)).toEqual({ allow: true, systemPrompt: 'Be brief.' });
    expect(decideAccess(group({ spaceId: 's1', senderId: '7' }), guild)).toMatchObject({ reason: 'sender-not-allowed' });
    expect(decideAccess(group({ spaceId: 's1', chatId: 'other' }), guild)).toMatchObject({ reason: 'not-mentioned' });
    expect(decideAccess(group({ mentioned: true }), access({ groups: { '*': {}, g1: { enabled: false } } }))).toMatchObject({ reason: 'group-disabled' });
  });
});

describe('sessionKeyFor', () => {
  it('follows session.dmScope for DMs and keys groups by chat and thread', () => {
    expect(sessionKeyFor(dm(), { dmScope: 'main' })).toBe('agent:main:main');
    expect(sessionKeyFor(dm(), { dmScope: 'per-channel-peer' })).toBe('agent:main:fake:dm:42');
    expect(sessionKeyFor(group({ threadId: '9' }), { dmScope: 'main' })).toBe('agent:main:fake:group:g1:thread:9');
  });
});

describe('createChannelRouter', () => {
  let stateDir: string;
  let pairing: PairingStore;
  let channel: FakeChannel;
  let registry: ChannelRegistry;
  let turns: AgentTurnRequest[];
  let stops: string[];
  let reply: (request: AgentTurnRequest) => AgentTurnResult;

  beforeEach(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'oc-router-'));
    pairing = new PairingStore({ stateDir });
    channel = new FakeChannel({ id: 'fake', label: 'Fake Chat' });
    turns = [];
    stops = [];
    reply = (request) => ({ status: 'ok', text: `echo: ${request.message}` });
    const router = createChannelRouter({
      channels: { account: (c, a) => registry.account(c, a), send: (r) => registry.send(r), sendTyping: (r) => registry.sendTyping(r), snapshot: () => registry.snapshot() },
      pairing,
      session: () => ({ dmScope: 'per-channel-peer' }),
      runTurn: async (request) => {
        turns.push(request);
        return reply(request);
      },
      abortSession: (key) => {
        stops.push(key);
        return stops.length === 1 ? 1 : 0;
      },
    });
    registry = new ChannelRegistry({ onInbound: router, stateDir });
    registry.add(channel.plugin, [{ accountId: 'default', config: fakeAccount(), access: access({ groups: { g1: {} } }) }]);
    await registry.startAll();
  });

  afterEach(async () => {
    await registry.stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const instance = () => channel.latest('default');
  const sentTexts = () => channel.sent.map((s) => s.message.text);

  it('an unknown DM sender gets the pairing code once; after approval the next message reaches the agent', async () => {
    await instance().receive({ senderId: '42', senderUsername: 'alice', text: 'hello?' });
    await instance().receive({ senderId: '42', text: 'anyone?' });
    expect(turns).toEqual([]);
    const [pending] = await pairing.list('fake');
    expect(pending).toMatchObject({ id: '42', meta: { username: 'alice' } });
    expect(sentTexts()).toEqual([pairingMessage('Fake Chat', 'fake', '42', pending?.code ?? '')]);
    expect(sentTexts()[0]).toContain(`openclaw pairing approve fake ${pending?.code}`);

    await pairing.approve('fake', pending?.code ?? '');
    await instance().receive({ senderId: '42', text: 'now?' });
    expect(turns).toMatchObject([{ sessionKey: 'agent:main:fake:dm:42', message: 'now?', meta: { channel: 'fake', chatType: 'direct', deliveryContext: { to: 'chat-1', accountId: 'default' } } }]);
    expect(sentTexts().at(-1)).toBe('echo: now?');
    expect(channel.events).toContain('typing:default:chat-1');
  });

  it('groups: an unmentioned message is ignored; a mention is answered as a reply, with the group key', async () => {
    await instance().receive({ chatType: 'group', chatId: 'g1', text: 'chatter' });
    expect(turns).toHaveLength(0);
    await instance().receive({ chatType: 'group', chatId: 'g1', text: '@bot ping', mentioned: true, messageId: 'm77' });
    expect(turns[0]?.sessionKey).toBe('agent:main:fake:group:g1');
    expect(channel.sent.at(-1)).toMatchObject({ target: 'g1', message: { text: 'echo: @bot ping', replyToMessageId: 'm77' } });
  });

  it('long replies are chunked; errors are told to the sender; aborted turns send nothing', async () => {
    await pairing.allow('fake', '42');
    reply = () => ({ status: 'ok', text: 'word '.repeat(2000).trim() });
    await instance().receive({ senderId: '42' });
    expect(channel.sent.length).toBe(3);
    for (const text of sentTexts()) expect(text.length).toBeLessThanOrEqual(4000);
    reply = () => ({ status: 'error', text: '', error: { message: 'No API key found for provider "anthropic"' } });
    await instance().receive({ senderId: '42' });
    expect(sentTexts().at(-1)).toBe('⚠️ The agent could not answer: No API key found for provider "anthropic"');
    reply = () => ({ status: 'aborted', text: 'partial' });
    await instance().receive({ senderId: '42' });
    expect(channel.sent.length).toBe(4);
  });

  it('/stop from an allowed sender ends the session\'s runs instead of reaching the agent', async () => {
    await pairing.allow('fake', '42');
    await instance().receive({ senderId: '42', text: '/stop' });
    await instance().receive({ senderId: '42', text: ' /STOP ' });
    expect(stops).toEqual(['agent:main:fake:dm:42', 'agent:main:fake:dm:42']);
    expect(turns).toHaveLength(0);
    expect(sentTexts()).toEqual(['Stopped.', 'Nothing to stop.']);
  });
});
