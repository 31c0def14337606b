/**
 * A stand-in for Baileys' socket that WhatsApp's Noise handshake makes impossible to fake on
 * the wire. Its event emitter is Baileys' own (`makeEventBuffer`), so the plugin's listeners
 * run on Baileys' event plumbing; what the plugin sends is recorded.
 */
import { makeEventBuffer } from '@whiskeysockets/baileys';
import type { BaileysEventMap, Contact, WAMessage, WAMessageKey, WAPresence } from '@whiskeysockets/baileys';
import { nullLogger } from '@openclaw/gateway-core';
import { baileysLogger } from '../src/index.ts';
import type { CreateWhatsAppSocket, WhatsAppSocketLike, WhatsAppSocketOptions } from '../src/index.ts';

/** The phone number of the linked test account. */
export const BOT_PHONE = '15550001000';
/** Its LID (Baileys 7 also addresses accounts by these). */
export const BOT_LID = '99887766554433@lid';

/** An error shaped like Baileys' close errors: a Boom with `output.statusCode`. */
export function boom(statusCode: number, message = 'Connection Failure'): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, error: 'WhatsApp', message } } });
}

export interface SentMessage {
  jid: string;
  text: string;
  quotedId: string | undefined;
}

/** One fake socket; the test drives its connection and messages. */
export class FakeWhatsAppSocket implements WhatsAppSocketLike {
  readonly ev = makeEventBuffer(baileysLogger(nullLogger));
  readonly options: WhatsAppSocketOptions;
  user: Contact | undefined;
  readonly sent: SentMessage[] = [];
  readonly presences: { type: WAPresence; jid: string | undefined }[] = [];
  readonly reads: WAMessageKey[] = [];
  /** Set: every `sendMessage` rejects with it. */
  failSends: Error | undefined;
  ended = false;
  #nextId = 1;

  constructor(options: WhatsAppSocketOptions) {
    this.options = options;
  }

  async sendMessage(jid: string, content: { text: string }, options?: { quoted?: WAMessage }): Promise<WAMessage | undefined> {
    if (this.failSends) throw this.failSends;
    const id = `3EB0BOT${String(this.#nextId++).padStart(4, '0')}`;
    this.sent.push({ jid, text: content.text, quotedId: options?.quoted?.key.id ?? undefined });
    return { key: { remoteJid: jid, fromMe: true, id }, message: { conversation: content.text }, messageTimestamp: Math.floor(Date.now() / 1_000) };
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.presences.push({ type, jid });
  }

  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.reads.push(...keys);
  }

  /** As Baileys: the first end emits a close with the given error. */
  end(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.#emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }

  /** WhatsApp accepted the session: `user` is set and the connection opens. */
  open(): void {
    const me = this.options.auth.creds.me;
    this.user = { id: me?.id ?? `${BOT_PHONE}:7@s.whatsapp.net`, lid: me?.lid ?? BOT_LID };
    this.#emit('connection.update', { connection: 'open' });
  }

  /** WhatsApp closed the connection with `statusCode` (a Boom, as Baileys reports it). */
  close(statusCode: number, message?: string): void {
    this.end(boom(statusCode, message));
  }

  /** A (new) QR code to show. */
  showQr(qr: string): void {
    this.#emit('connection.update', { qr });
  }

  /** The phone scanned the QR code: Baileys stores the new identity and a key, and says so. */
  async scan(phone = BOT_PHONE): Promise<void> {
    const me = { id: `${phone}:7@s.whatsapp.net`, lid: BOT_LID, name: 'Claw' };
    Object.assign(this.options.auth.creds, { me, platform: 'android' });
    await this.options.auth.keys.set({ 'pre-key': { '1': { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } } });
    this.#emit('creds.update', { me });
  }

  /** A message WhatsApp delivered (`messages.upsert`, type `notify` unless said otherwise). */
  receive(message: WAMessage, type: BaileysEventMap['messages.upsert']['type'] = 'notify'): void {
    this.#emit('messages.upsert', { type, messages: [message] });
  }

  #emit<T extends keyof BaileysEventMap>(event: T, data: BaileysEventMap[T]): void {
    this.ev.emit(event, data);
  }
}

/** What a new socket does by itself: with saved credentials it opens, without it shows a QR code. */
export type SocketBehaviour = 'auto' | 'manual';

/** The socket factory handed to the plugin, and every socket it made. */
export class FakeWhatsApp {
  readonly sockets: FakeWhatsAppSocket[] = [];
  behaviour: SocketBehaviour = 'auto';
  #qrCount = 0;

  readonly createSocket: CreateWhatsAppSocket = (options) => {
    const socket = new FakeWhatsAppSocket(options);
    this.sockets.push(socket);
    if (this.behaviour === 'auto') {
      setImmediate(() => {
        if (socket.ended) return;
        if (options.auth.creds.me) socket.open();
        else socket.showQr(`2@fake-qr-${++this.#qrCount},noise-key,identity-key,adv-secret`);
      });
    }
    return socket;
  };

  /** The newest socket. */
  latest(): FakeWhatsAppSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was made');
    return socket;
  }

  /** Every message sent, across sockets. */
  sent(): SentMessage[] {
    return this.sockets.flatMap((socket) => socket.sent);
  }
}

let messageCounter = 0;

/** A received text message; `chat` is a JID, `from` the author in groups. */
export function incoming(fields: {
  chat: string;
  from?: string;
  fromAlt?: string;
  chatAlt?: string;
  text?: string;
  message?: WAMessage['message'];
  fromMe?: boolean;
  id?: string;
  pushName?: string;
  timestamp?: number;
}): WAMessage {
  return {
    key: {
      remoteJid: fields.chat,
      fromMe: fields.fromMe ?? false,
      id: fields.id ?? `3A${String(++messageCounter).padStart(8, '0')}`,
      ...(fields.from === undefined ? {} : { participant: fields.from }),
      ...(fields.fromAlt === undefined ? {} : { participantAlt: fields.fromAlt }),
      ...(fields.chatAlt === undefined ? {} : { remoteJidAlt: fields.chatAlt }),
    },
    message: fields.message ?? { conversation: fields.text ?? 'hello' },
    messageTimestamp: fields.timestamp ?? 1_760_000_000,
    pushName: fields.pushName ?? 'Ada',
  };
}
