// The common path of every inbound channel message: access check (DM policy, pairing,
// groups), session key, agent turn with a typing indicator, reply delivered in chunks.
import type { DmScope, PairingStore } from '@openclaw/state';
import { buildSessionKey } from '@openclaw/state';
import type { GatewayLogger } from '../log/index.ts';
import type { ChannelAccess } from './access.ts';
import { DEFAULT_CHANNEL_ACCESS, decideAccess } from './access.ts';
import type { InboundMessage } from './contract.ts';
import { deliverText } from './deliver.ts';
import type { ChannelRegistry } from './registry.ts';

/** One agent turn the router asks for. */
export interface AgentTurnRequest {
  sessionKey: string;
  message: string;
  /** Recorded on the session: where it lives and where replies go. */
  meta: { channel: string; chatType: string; deliveryContext: { channel: string; to: string; accountId: string; threadId?: string } };
  /** A group's own system prompt. */
  extraSystemPrompt?: string;
}

/** How the turn ended (an `AgentRuntime` result fits). */
export interface AgentTurnResult {
  status: 'ok' | 'aborted' | 'error';
  text: string;
  error?: { message: string } | undefined;
}

/** Options of {@link createChannelRouter}. */
export interface ChannelRouterOptions {
  channels: Pick<ChannelRegistry, 'account' | 'send' | 'sendTyping' | 'snapshot'>;
  pairing: Pick<PairingStore, 'request' | 'allowFrom'>;
  /** Runs one agent turn (queued per session by the agent). */
  runTurn(request: AgentTurnRequest): Promise<AgentTurnResult>;
  /** The session settings in force (`session.dmScope`, `session.mainKey`) and the agent that answers channels. */
  session(): { dmScope: DmScope; mainKey?: string | undefined; agentId?: string | undefined };
  /** How often the typing indicator is refreshed (default 6 s; platforms drop it after ~5-10 s). */
  typingIntervalMs?: number;
  /** Ends the runs of a session (a sender's `/stop`); returns how many there were. Without it `/stop` goes to the agent as text. */
  abortSession?(sessionKey: string): number;
  logger?: GatewayLogger;
}

/** The message a sender without access gets once under `dmPolicy: pairing` (the original's wording). */
export function pairingMessage(channelLabel: string, channel: string, senderId: string, code: string): string {
  return [
    'OpenClaw: access not configured.',
    '',
    `Your ${channelLabel} user id: ${senderId}`,
    '',
    `Pairing code: ${code}`,
    '',
    'Ask the bot owner to approve with:',
    `openclaw pairing approve ${channel} ${code}`,
  ].join('\n');
}

/** The session key of a message: DMs per `session.dmScope`, groups per chat (and thread). */
export function sessionKeyFor(message: InboundMessage, session: { dmScope: DmScope; mainKey?: string | undefined; agentId?: string | undefined }): string {
  if (message.chatType === 'direct') {
    return buildSessionKey({ kind: 'dm', agentId: session.agentId, mainKey: session.mainKey, dmScope: session.dmScope, channel: message.channel, accountId: message.accountId, peerId: message.senderId });
  }
  return buildSessionKey({ kind: message.chatType, agentId: session.agentId, channel: message.channel, id: message.chatId, threadId: message.threadId });
}

/**
 * Makes the `onInbound` handler of a {@link ChannelRegistry}. A refused message is dropped
 * (logged at debug), except that an unknown DM sender under `pairing` gets their code once.
 * Delivery failures throw, so the registry counts them on the account.
 */
export function createChannelRouter(options: ChannelRouterOptions): (message: InboundMessage) => Promise<void> {
  const typingIntervalMs = options.typingIntervalMs ?? 6_000;
  const logger = options.logger;
  // One reply at a time per chat: a short answer must not land between the chunks of a long one.
  const deliveries = new Map<string, Promise<void>>();

  const deliver = (message: InboundMessage, text: string): Promise<void> => {
    const chat = `${message.channel}\u0000${message.accountId}\u0000${message.chatId}\u0000${message.threadId ?? ''}`;
    const previous = deliveries.get(chat) ?? Promise.resolve();
    const next = previous.then(() => send(message, text));
    const settled = next.catch(() => undefined);
    deliveries.set(chat, settled);
    void settled.then(() => {
      if (deliveries.get(chat) === settled) deliveries.delete(chat);
    });
    return next;
  };

  const send = async (message: InboundMessage, text: string): Promise<void> => {
    await deliverText(options.channels, {
      channel: message.channel,
      accountId: message.accountId,
      target: message.chatId,
      text,
      threadId: message.threadId,
      replyToMessageId: message.chatType === 'direct' ? undefined : message.messageId,
    });
  };

  const offerPairing = async (message: InboundMessage): Promise<boolean> => {
    const meta = { ...(message.senderName ? { name: message.senderName } : {}), ...(message.senderUsername ? { username: message.senderUsername } : {}) };
    const result = await options.pairing.request(message.channel, message.senderId, Object.keys(meta).length > 0 ? meta : undefined);
    if (result.approved) return true;
    if (result.created) {
      const label = options.channels.snapshot().channelLabels[message.channel] ?? message.channel;
      logger?.info('pairing requested', { channel: message.channel, accountId: message.accountId, senderId: message.senderId });
      await deliver(message, pairingMessage(label, message.channel, message.senderId, result.code));
    }
    return false;
  };

  return async (message) => {
    const access: ChannelAccess = options.channels.account(message.channel, message.accountId).access ?? DEFAULT_CHANNEL_ACCESS;
    const approved = message.chatType === 'direct' && access.dmPolicy !== 'open' && access.dmPolicy !== 'disabled' ? await options.pairing.allowFrom(message.channel) : [];
    const decision = decideAccess(message, access, approved);
    if (!decision.allow) {
      if (decision.reason !== 'needs-pairing' || !(await offerPairing(message))) {
        logger?.debug('inbound message not routed', { channel: message.channel, accountId: message.accountId, chatType: message.chatType, reason: decision.reason });
        return;
      }
    }
    const session = options.session();
    const sessionKey = sessionKeyFor(message, session);
    if (options.abortSession && message.text.trim().toLowerCase() === '/stop') {
      const stopped = options.abortSession(sessionKey);
      await deliver(message, stopped > 0 ? 'Stopped.' : 'Nothing to stop.');
      return;
    }
    const target = { channel: message.channel, accountId: message.accountId, target: message.chatId, ...(message.threadId ? { threadId: message.threadId } : {}) };
    const typing = () => void options.channels.sendTyping(target).catch(() => false);
    typing();
    const timer = setInterval(typing, typingIntervalMs);
    timer.unref();
    let result: AgentTurnResult;
    try {
      result = await options.runTurn({
        sessionKey,
        message: message.text,
        meta: {
          channel: message.channel,
          chatType: message.chatType,
          deliveryContext: { channel: message.channel, to: message.chatId, accountId: message.accountId, ...(message.threadId ? { threadId: message.threadId } : {}) },
        },
        ...(decision.allow && decision.systemPrompt ? { extraSystemPrompt: decision.systemPrompt } : {}),
      });
    } finally {
      clearInterval(timer);
    }
    if (result.status === 'aborted') return;
    const text = result.status === 'ok' ? result.text : `⚠️ The agent could not answer: ${result.error?.message ?? 'unknown error'}`;
    if (text.trim() !== '') await deliver(message, text);
  };
}
