import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ChannelInboundInput } from '@openclaw/gateway-core';

/** The header both directions carry the shared secret in. */
export const SECRET_HEADER = 'x-webhook-secret';
/** Bigger request bodies are refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * What `POST /message` takes: who wrote (`from`), what (`text`) and, for a conversation with
 * several people, which one (`chat`; absent means a direct message from `from`).
 */
export interface WebhookMessageBody {
  from: string;
  text: string;
  chat?: string;
  /** The sender's display name. */
  name?: string;
  /** Your id of the message; default: a random UUID. */
  id?: string;
  /** In a group: the bot was addressed (groups with `requireMention` answer only then). */
  mentioned?: boolean;
}

/**
 * True when `given` is the secret. Both sides are hashed first, so the comparison takes as
 * long whatever the input's length, and `timingSafeEqual` compares in constant time.
 */
export function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** Why a body is refused, as the HTTP status and the text sent back. */
export class RequestRefusal extends Error {
  override readonly name = 'RequestRefusal';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Reads a JSON body of at most {@link MAX_BODY_BYTES}; throws {@link RequestRefusal} otherwise. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (declared > MAX_BODY_BYTES) throw new RequestRefusal(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestRefusal(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new RequestRefusal(400, 'body is not JSON');
  }
}

const optionalText = (value: unknown): value is string | undefined => value === undefined || (typeof value === 'string' && value.trim() !== '');

/** The message the gateway gets for a `POST /message` body; throws {@link RequestRefusal} (400) for a bad one. */
export function toInbound(body: unknown, clock: () => number): ChannelInboundInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestRefusal(400, 'expected a JSON object {from, text, chat?}');
  const { from, text, chat, name, id, mentioned } = body as Record<string, unknown>;
  if (typeof from !== 'string' || from.trim() === '') throw new RequestRefusal(400, '"from" must be a non-empty string (the sender id)');
  if (typeof text !== 'string' || text.trim() === '') throw new RequestRefusal(400, '"text" must be a non-empty string');
  if (!optionalText(chat) || !optionalText(name) || !optionalText(id)) throw new RequestRefusal(400, '"chat", "name" and "id" must be non-empty strings when given');
  if (mentioned !== undefined && typeof mentioned !== 'boolean') throw new RequestRefusal(400, '"mentioned" must be true or false when given');
  return {
    chatType: chat === undefined ? 'direct' : 'group',
    chatId: chat ?? from,
    senderId: from,
    ...(name === undefined ? {} : { senderName: name }),
    text,
    messageId: id ?? randomUUID(),
    ...(mentioned === undefined ? {} : { mentioned }),
    timestamp: clock(),
  };
}
