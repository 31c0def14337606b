// WhatsApp through the gateway's router with the real pairing store: the adapter runs on a
// fake socket built around Baileys' own event emitter (WhatsApp's Noise handshake cannot be
// faked on the wire), messages.upsert in, sendMessage out.
import { rmSync } from 'node:fs';
import { createChannelRouter } from '@openclaw/gateway-core';
import type { AgentTurnRequest, InboundMessage } from '@openclaw/gateway-core';
import { incoming, startHarness } from '@openclaw/channel-whatsapp/testing';
import type { Harness } from '@openclaw/channel-whatsapp/testing';
import { PairingStore } from '@openclaw/state';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ADA = '15551234567';
const ADA_JID = `${ADA}@s.whatsapp.net`;
let harness: Harness | undefined;

afterEach(async () => {
  if (!harness) return;
  await harness[Symbol.asyncDispose]();
  rmSync(harness.stateDir, { recursive: true, force: true });
  harness = undefined;
});

describe('WhatsApp pairing through the router', () => {
  it('an unknown sender gets the code once; once approved, the next message reaches the agent and is answered', async () => {
    let route: (message: InboundMessage) => Promise<void> = async () => undefined;
    const h = (harness = await startHarness({ section: { dmPolicy: 'pairing' }, registry: { onInbound: (message) => route(message) } }));
    const pairing = new PairingStore({ stateDir: h.stateDir });
    const turns: AgentTurnRequest[] = [];
    route = createChannelRouter({
      channels: h.registry,
      pairing,
      session: () => ({ dmScope: 'per-channel-peer' }),
      runTurn: async (request) => {
        turns.push(request);
        return { status: 'ok', text: `echo: ${request.message}` };
      },
    });
    const socket = h.whatsapp.latest();
    socket.receive(incoming({ chat: ADA_JID, text: 'hello?' }));
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    const [pending] = await pairing.list('whatsapp');
    expect(pending?.id).toBe(ADA);
    expect(socket.sent[0]).toMatchObject({ jid: ADA_JID });
    expect(socket.sent[0]?.text).toContain(`Your WhatsApp user id: ${ADA}`);
    expect(socket.sent[0]?.text).toContain(`openclaw pairing approve whatsapp ${pending?.code}`);

    socket.receive(incoming({ chat: ADA_JID, text: 'still there?' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(socket.sent).toHaveLength(1);
    expect(turns).toHaveLength(0);

    await pairing.approve('whatsapp', pending?.code ?? '');
    socket.receive(incoming({ chat: ADA_JID, text: 'now?' }));
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent[1]).toMatchObject({ jid: ADA_JID, text: 'echo: now?' });
    expect(turns[0]).toMatchObject({ sessionKey: `agent:main:whatsapp:dm:${ADA}`, meta: { channel: 'whatsapp', chatType: 'direct' } });
  });
});
