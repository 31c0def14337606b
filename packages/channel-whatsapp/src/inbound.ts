import { getContentType, isJidGroup, isLidUser, isPnUser, jidNormalizedUser, normalizeMessageContent } from '@whiskeysockets/baileys';
import type { WAMessage, proto } from '@whiskeysockets/baileys';
import type { ChannelInboundInput, ChatType } from '@openclaw/gateway-core';
import { isSelf, phoneOf, senderIdOf } from './jid.ts';
import type { SelfIdentity } from './jid.ts';

/** Options of {@link toInboundMessage}. */
export interface InboundOptions {
  /** Pass the owner's own messages in their self-chat ("Message yourself"). */
  selfChatMode?: boolean;
  /** Ids of messages this account sent: in self-chat mode they come back as the owner's own. */
  sentByUs?: (messageId: string) => boolean;
}

/**
 * The gateway's view of a received WhatsApp message, or undefined for what the gateway does
 * not handle: messages this account sent (except the owner's in their self-chat, with
 * `selfChatMode`), status updates, newsletters and broadcasts, and messages without text or
 * caption (reactions, stickers, deletions, edits).
 *
 * `chatId` is the chat's JID (where a reply goes); `senderId` the author's phone number in
 * E.164 digits (the LID JID when WhatsApp hides the number); `mentioned` is true when the
 * linked account is @mentioned or the message replies to one of its messages.
 */
export function toInboundMessage(message: WAMessage, self: SelfIdentity | undefined, options: InboundOptions = {}): ChannelInboundInput | undefined {
  const { key } = message;
  const remoteJid = key.remoteJid ? jidNormalizedUser(key.remoteJid) : '';
  const chatType = chatTypeOf(remoteJid);
  if (!key.id || !chatType) return undefined;
  const ownSelfChat = key.fromMe === true && chatType === 'direct' && options.selfChatMode === true && isSelf(remoteJid, self) && options.sentByUs?.(key.id) !== true;
  if (key.fromMe && !ownSelfChat) return undefined;
  const content = normalizeMessageContent(message.message);
  const text = textOf(content);
  if (text === undefined || text.trim() === '') return undefined;
  const senderId = ownSelfChat ? phoneOf(self?.id) : chatType === 'direct' ? senderIdOf(remoteJid, key.remoteJidAlt) : senderIdOf(key.participant, key.participantAlt);
  if (senderId === undefined) return undefined;
  const timestamp = toMillis(message.messageTimestamp);
  return {
    chatType,
    chatId: remoteJid,
    senderId,
    ...(message.pushName ? { senderName: message.pushName } : {}),
    text,
    messageId: key.id,
    mentioned: !ownSelfChat && addressesSelf(contextInfoOf(content), self),
    ...(timestamp === undefined ? {} : { timestamp }),
    raw: message,
  };
}

function chatTypeOf(jid: string): ChatType | undefined {
  if (isJidGroup(jid)) return 'group';
  if (isPnUser(jid) || isLidUser(jid)) return 'direct';
  return undefined;
}

/** The text of a message: plain, extended (with links, mentions or quotes), or a media caption. */
export function textOf(content: proto.IMessage | undefined): string | undefined {
  if (!content) return undefined;
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    undefined
  );
}

function contextInfoOf(content: proto.IMessage | undefined): proto.IContextInfo | undefined {
  const type = getContentType(content);
  if (!content || !type) return undefined;
  const inner = content[type] as { contextInfo?: proto.IContextInfo | null } | string | null | undefined;
  return typeof inner === 'object' && inner !== null ? (inner.contextInfo ?? undefined) : undefined;
}

/** An @mention of the linked account, or a reply to one of its messages. */
function addressesSelf(context: proto.IContextInfo | undefined, self: SelfIdentity | undefined): boolean {
  if (!context || !self) return false;
  if (context.mentionedJid?.some((jid) => isSelf(jid, self))) return true;
  return Boolean(context.stanzaId) && isSelf(context.participant, self);
}

/** Baileys' `messageTimestamp` (seconds, a number or a protobuf Long) in epoch milliseconds. */
function toMillis(value: WAMessage['messageTimestamp']): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = Number(typeof value === 'number' ? value : value.toString());
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : undefined;
}
