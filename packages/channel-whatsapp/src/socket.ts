import { Browsers, makeCacheableSignalKeyStore, makeWASocket } from '@whiskeysockets/baileys';
import type {
  AuthenticationState,
  BaileysEventEmitter,
  BaileysEventMap,
  ConnectionState,
  Contact,
  SocketConfig,
  WABrowserDescription,
  WAMessage,
  WAMessageKey,
  WAPresence,
} from '@whiskeysockets/baileys';
import type { GatewayLogger } from '@openclaw/gateway-core';
import type { WhatsAppAuthStore } from './auth-store.ts';

/**
 * The part of a Baileys socket (`ReturnType<typeof makeWASocket>`) the plugin uses. A real
 * socket satisfies it; tests pass an object around Baileys' own event buffer
 * (`makeEventBuffer`) that records what is sent.
 */
export interface WhatsAppSocketLike {
  /** `connection.update`, `creds.update`, `messages.upsert`. */
  readonly ev: BaileysEventEmitter;
  /** The linked account (`15551234567:12@s.whatsapp.net`, and its `lid`), once logged in. */
  readonly user?: Contact | undefined;
  sendMessage(jid: string, content: { text: string }, options?: { quoted?: WAMessage }): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void>;
  /** Sends read receipts (blue ticks). */
  readMessages?(keys: WAMessageKey[]): Promise<void>;
  /** Closes the connection; `undefined` for a deliberate close. Never `logout()`: that unlinks the device. */
  end(error: Error | undefined): void | Promise<void>;
}

/** The logger Baileys takes (pino's shape). */
export type BaileysLogger = SocketConfig['logger'];

/** What the plugin passes to {@link CreateWhatsAppSocket}: the options of `makeWASocket` it sets. */
export interface WhatsAppSocketOptions {
  auth: AuthenticationState;
  logger: BaileysLogger;
  browser: WABrowserDescription;
  /** Default: Baileys' `wss://web.whatsapp.com/ws/chat`. */
  waWebSocketUrl?: string | undefined;
  /** The CLI renders the QR; Baileys must not print. */
  printQRInTerminal: false;
  /** Stay "offline" so the phone keeps getting notifications. */
  markOnlineOnConnect: false;
}

/** Makes a socket; the default, {@link createBaileysSocket}, is Baileys' `makeWASocket`. */
export type CreateWhatsAppSocket = (options: WhatsAppSocketOptions) => WhatsAppSocketLike;

/** How the linked device shows in the phone's "Linked devices". */
export const DEFAULT_BROWSER: WABrowserDescription = Browsers.ubuntu('OpenClaw');

/**
 * Baileys' `makeWASocket` with a key cache in front of the session files and without the full
 * history sync: the gateway answers new messages and must stay small on a 1 GB VPS. (The
 * initial history sync stays on: Baileys 7 learns the phone-number ↔ LID mappings from it.)
 */
export const createBaileysSocket: CreateWhatsAppSocket = ({ auth, logger, waWebSocketUrl, ...options }) =>
  makeWASocket({
    ...options,
    logger,
    auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, logger) },
    ...(waWebSocketUrl === undefined ? {} : { waWebSocketUrl }),
    syncFullHistory: false,
    generateHighQualityLinkPreview: false,
  });

/**
 * Baileys' logger calls, forwarded one level quieter (its info is our trace, its error our
 * warn). Only the message and an error's message are passed on: Baileys logs whole stanzas
 * and messages in its objects, which may hold key material or what people wrote.
 */
export function baileysLogger(logger: GatewayLogger): BaileysLogger {
  const forward = (level: 'trace' | 'debug' | 'warn') => (obj: unknown, msg?: string) => {
    const text = msg ?? (typeof obj === 'string' ? obj : 'baileys');
    const error = errorIn(obj);
    logger[level](`baileys: ${text}`, error === undefined ? undefined : { error });
  };
  const adapter: BaileysLogger = {
    // Not 'trace': Baileys renders every stanza as XML for trace logging when it sees that level.
    level: 'info',
    child: () => adapter,
    trace: forward('trace'),
    debug: forward('trace'),
    info: forward('trace'),
    warn: forward('debug'),
    error: forward('warn'),
  };
  return adapter;
}

function errorIn(obj: unknown): string | undefined {
  if (obj instanceof Error) return obj.message;
  const nested = (obj as { err?: unknown; error?: unknown } | null | undefined) ?? {};
  const error = nested.err ?? nested.error;
  return error instanceof Error ? error.message : undefined;
}

/** What a {@link SocketLink} hands on. */
export interface SocketHandlers {
  onConnection(update: Partial<ConnectionState>): void;
  onMessages?(upsert: BaileysEventMap['messages.upsert']): void;
}

/**
 * One socket with the plugin's listeners on it: credential updates are saved to the store,
 * connection updates and messages go to the handlers until {@link close}.
 */
export class SocketLink {
  readonly socket: WhatsAppSocketLike;
  readonly #store: WhatsAppAuthStore;
  readonly #logger: GatewayLogger;
  #closed = false;

  constructor(create: CreateWhatsAppSocket, options: Omit<WhatsAppSocketOptions, 'auth' | 'logger'>, store: WhatsAppAuthStore, handlers: SocketHandlers, logger: GatewayLogger) {
    this.#store = store;
    this.#logger = logger;
    this.socket = create({ ...options, auth: store.state, logger: baileysLogger(logger) });
    const { ev } = this.socket;
    ev.on('creds.update', this.#saveCreds);
    ev.on('connection.update', (update) => {
      if (!this.#closed) handlers.onConnection(update);
    });
    const onMessages = handlers.onMessages;
    if (onMessages) {
      ev.on('messages.upsert', (upsert) => {
        if (!this.#closed) onMessages(upsert);
      });
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops handing on events, ends the socket (if it is not closed already) and waits for pending session writes. */
  async close(): Promise<void> {
    if (this.#closed) return this.#store.flush();
    this.#closed = true;
    try {
      await this.socket.end(undefined);
    } catch (error) {
      this.#logger.debug('whatsapp socket end failed', { error: (error as Error).message });
    }
    this.socket.ev.off('creds.update', this.#saveCreds);
    await this.#store.flush();
  }

  readonly #saveCreds = (): void => {
    this.#store.saveCreds().catch((error: unknown) => {
      this.#logger.error('cannot save the WhatsApp session credentials', { error: (error as Error).message, dir: this.#store.dir });
    });
  };
}
