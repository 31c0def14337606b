import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { Client, SendableChannels } from 'discord.js';
import type { OutboundMessage, SendResult } from '@openclaw/gateway-core';
import { splitMessage } from './split.ts';
import type { MessageLimits } from './split.ts';

/**
 * The channel to post in for `id`: a guild channel, thread or DM channel (from the cache,
 * else `GET /channels/:id`), or, when no channel has that id, the DM channel with the user
 * of that id (`POST /users/@me/channels`), so a pairing notice can go to a user id.
 */
export async function resolveSendable(client: Client, id: string): Promise<SendableChannels> {
  let channel;
  try {
    channel = await client.channels.fetch(id);
  } catch (error) {
    if (!isUnknownChannel(error)) throw error;
    channel = await client.users.createDM(id).catch((dmError: unknown) => {
      if (isUnknownUser(dmError)) throw new Error(`Discord has no channel or user with id ${id}`, { cause: error });
      throw dmError;
    });
  }
  if (!channel) throw new Error(`Discord has no channel with id ${id}`);
  if (!channel.isSendable()) throw new Error(`Discord channel ${id} does not take messages (channel type ${channel.type})`);
  return channel;
}

/**
 * Posts `message` to `channel`, split to `limits` if it is longer; only the first part
 * quotes `replyToMessageId` (and a missing quoted message is no error).
 */
export async function sendText(channel: SendableChannels, message: OutboundMessage, limits: MessageLimits): Promise<SendResult> {
  const parts = splitMessage(message.text, limits);
  if (parts.length === 0) throw new Error('refusing to send an empty message: Discord rejects messages without text');
  const messageIds: string[] = [];
  for (const [index, content] of parts.entries()) {
    const reply = index === 0 && message.replyToMessageId !== undefined ? { reply: { messageReference: message.replyToMessageId, failIfNotExists: false } } : {};
    const sent = await channel.send({ content, ...reply });
    messageIds.push(sent.id);
  }
  return { messageIds };
}

function isUnknownChannel(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.UnknownChannel || error.status === 404);
}

function isUnknownUser(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.code === RESTJSONErrorCodes.UnknownUser || error.status === 404 || error.code === RESTJSONErrorCodes.InvalidFormBodyOrContentType);
}
