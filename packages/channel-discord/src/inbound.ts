import { ChannelType } from 'discord.js';
import type { Message } from 'discord.js';
import type { ChannelInboundInput, ChatType } from '@openclaw/gateway-core';

/**
 * What the gateway's router gets for a Discord message, or undefined for one it must not
 * see: from a bot (this one included) or a webhook, a system message, or no text once the
 * bot's own mention is removed.
 *
 * - `chatType`: `direct` for a DM, `group` for a group DM, `channel` for a guild channel.
 * - `chatId`: the channel to reply in; for a thread, its parent channel (what guild
 *   channel settings are keyed by), with the thread in `threadId`.
 * - `mentioned`: the bot was @-mentioned or the message replies to one of the bot's.
 * - `raw`: the discord.js `Message` (`raw.guildId` names the guild).
 */
export function toInbound(message: Message, botId: string): ChannelInboundInput | undefined {
  if (message.author.bot || Boolean(message.webhookId) || message.system || message.author.id === botId) return undefined;
  const text = stripMention(message.content, botId).trim();
  if (text === '') return undefined;
  const channel = message.channel;
  const thread = channel.isThread() ? channel : undefined;
  const input: ChannelInboundInput = {
    chatType: chatTypeOf(message),
    chatId: thread?.parentId ?? channel.id,
    senderId: message.author.id,
    senderName: message.member?.displayName ?? message.author.displayName,
    senderUsername: message.author.username,
    text,
    messageId: message.id,
    mentioned: message.mentions.users.has(botId) || message.mentions.repliedUser?.id === botId,
    timestamp: message.createdTimestamp,
    raw: message,
  };
  if (thread) input.threadId = thread.id;
  if (message.guildId) input.spaceId = message.guildId;
  return input;
}

/** `direct` (DM), `group` (group DM) or `channel` (anything in a guild). */
export function chatTypeOf(message: Message): ChatType {
  if (message.channel.type === ChannelType.DM) return 'direct';
  if (message.channel.type === ChannelType.GroupDM) return 'group';
  return 'channel';
}

/** `text` without the bot's own mentions (`<@id>` and the nickname form `<@!id>`), spaces collapsed where they were. */
export function stripMention(text: string, botId: string): string {
  return text.replace(new RegExp(`\\s*<@!?${botId}>\\s*`, 'g'), ' ');
}

/**
 * True for a user's guild message that arrived without any content although it cannot be
 * empty (no attachment, embed, sticker or poll): Discord withholds message text from bots
 * without the Message Content intent, except where they are mentioned.
 */
export function lacksContent(message: Message, botId: string): boolean {
  return (
    message.inGuild() &&
    !message.author.bot &&
    !message.system &&
    message.content === '' &&
    message.attachments.size === 0 &&
    message.embeds.length === 0 &&
    message.stickers.size === 0 &&
    message.poll === null &&
    !message.mentions.users.has(botId)
  );
}
