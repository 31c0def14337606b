// Sending a text of any length: split to what one message of the account may carry, then
// delivered piece by piece. The router's replies and the `send` method both go through here.
import { chunkText } from './chunk.ts';
import type { ChannelRegistry, ChannelSendRequest } from './registry.ts';

/** Fallback text limit of a channel that states none. */
export const DEFAULT_TEXT_LIMIT = 4000;

/** A text for {@link deliverText}. */
export interface TextDelivery extends Omit<ChannelSendRequest, 'message'> {
  text: string;
  threadId?: string | undefined;
  /** Quoted by the first message only. */
  replyToMessageId?: string | undefined;
}

/**
 * Splits `text` by the account instance's `textLimit` and `lineLimit` and sends the pieces in
 * order (blank ones skipped). Resolves with the ids of every message sent; rejects with the
 * registry's `ChannelError` at the first piece that fails (the earlier ones were delivered).
 */
export async function deliverText(channels: Pick<ChannelRegistry, 'account' | 'send'>, delivery: TextDelivery): Promise<string[]> {
  const { text, threadId, replyToMessageId, ...route } = delivery;
  const instance = channels.account(route.channel, route.accountId).instance;
  const chunks = chunkText(text, { limit: instance?.textLimit ?? DEFAULT_TEXT_LIMIT, maxLines: instance?.lineLimit });
  const messageIds: string[] = [];
  let first = true;
  for (const chunk of chunks) {
    if (chunk.trim() === '') continue;
    const message = { text: chunk, ...(threadId ? { threadId } : {}), ...(first && replyToMessageId ? { replyToMessageId } : {}) };
    const result = await channels.send({ ...route, message });
    messageIds.push(...result.messageIds);
    first = false;
  }
  return messageIds;
}
