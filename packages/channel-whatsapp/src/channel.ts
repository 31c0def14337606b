import type { BaileysEventMap, ConnectionState, WABrowserDescription, WAMessage } from '@whiskeysockets/baileys';
import { ChannelAuthError, chunkText } from '@openclaw/gateway-core';
import type { ChannelContext, ChannelInstance, OutboundMessage, ProbeResult, Scheduler, SendResult } from '@openclaw/gateway-core';
import { sessionDirOf } from './accounts.ts';
import type { WhatsAppAccount } from './accounts.ts';
import { clearAuthStore, linkedJid, openAuthStore } from './auth-store.ts';
import type { WhatsAppAuthStore } from './auth-store.ts';
import { CONNECT_FAILED, describeError, notLinkedError, sessionEndedError } from './errors.ts';
import { toInboundMessage } from './inbound.ts';
import { phoneOf, toJid } from './jid.ts';
import type { SelfIdentity } from './jid.ts';
import { decideReconnect, describeDisconnect, disconnectStatus } from './reconnect.ts';
import { RecentMap } from './recent.ts';
import { claimSession } from './session-claims.ts';
import { SocketLink } from './socket.ts';
import type { CreateWhatsAppSocket } from './socket.ts';

/** What every connection of one plugin shares: resolved plugin options. */

/** A connection up this long counts as stable: its drop starts a fresh reconnect count. */
const STABLE_CONNECTION_MS = 60_000;
export interface WhatsAppRuntime {
  createSocket: CreateWhatsAppSocket;
  browser: WABrowserDescription;
  waWebSocketUrl: string | undefined;
  /** Uniform in [0, 1), for reconnect jitter. */
  random: () => number;
  /** Timers of reconnects and login timeouts. */
  scheduler: Scheduler;
}

/** How many received messages are kept for replies to quote, and how many sent ids are remembered. */
const RECENT_MESSAGES = 200;

/**
 * One linked phone: a Baileys socket on the account's saved session. `start()` resolves when
 * WhatsApp opened the connection; a connection that drops later is reopened here with the
 * account's `reconnect` backoff, and only a dead session (logged out), a session taken over
 * by another client, or too many failed attempts end the instance (`context.fail`).
 */
export class WhatsAppChannel implements ChannelInstance {
  readonly textLimit: number;
  readonly #context: ChannelContext<WhatsAppAccount>;
  readonly #runtime: WhatsAppRuntime;
  readonly #label: string;
  readonly #recent = new RecentMap<string, WAMessage>(RECENT_MESSAGES);
  readonly #sent = new RecentMap<string, true>(RECENT_MESSAGES);
  #store: WhatsAppAuthStore | undefined;
  #link: SocketLink | undefined;
  #self: SelfIdentity | undefined;
  #connected = false;
  #attempt = 0;
  /** When the connection last opened: the reconnect count starts over only after it held. */
  #openedAt: number | undefined;
  #timer: unknown;
  #release: (() => void) | undefined;
  #firstOpen: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #stopping: Promise<void> | undefined;

  constructor(context: ChannelContext<WhatsAppAccount>, runtime: WhatsAppRuntime) {
    this.#context = context;
    this.#runtime = runtime;
    this.#label = `whatsapp account "${context.accountId}"`;
    this.textLimit = context.config.textChunkLimit;
  }

  /** Opens the saved session; throws a `ChannelAuthError` when there is none or WhatsApp ended it. */
  async start(): Promise<void> {
    const { config, stateDir, accountId, logger, signal } = this.#context;
    const dir = sessionDirOf(config, stateDir);
    if (dir === undefined) {
      throw new ChannelAuthError(`${CONNECT_FAILED}: no directory for the session`, { hint: 'run the gateway with a state directory, or set channels.whatsapp.authDir' });
    }
    this.#claim(dir);
    const store = await openAuthStore(dir, { logger });
    const jid = linkedJid(store.state.creds);
    if (jid === undefined) throw notLinkedError(accountId);
    this.#store = store;
    this.#context.reportStatus({ linkedAs: `+${phoneOf(jid) ?? '?'}`, maxReconnectAttempts: config.reconnect.maxAttempts });
    const opened = new Promise<void>((resolve, reject) => (this.#firstOpen = { resolve, reject }));
    const onAbort = () => this.#firstOpen?.reject(new Error('start aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted || this.#stopping) throw new Error('start aborted');
      this.#connect(store);
      await opened;
    } finally {
      this.#firstOpen = undefined;
      signal.removeEventListener('abort', onAbort);
    }
    logger.info('whatsapp connected', { linkedAs: `+${phoneOf(jid) ?? '?'}` });
  }

  /** Ends the socket and waits for pending session writes. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /** Sends `message.text` to a phone number or JID; quotes `replyToMessageId` when it is a recent message. */
  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    const link = this.#connectedLink();
    const jid = toJid(target);
    const pieces = message.text.length > this.textLimit ? chunkText(message.text, { limit: this.textLimit }) : [message.text];
    if (pieces.every((piece) => piece.trim() === '')) throw new Error('refusing to send an empty WhatsApp message');
    const quoted = message.replyToMessageId === undefined ? undefined : this.#recent.get(message.replyToMessageId);
    const messageIds: string[] = [];
    for (const [index, piece] of pieces.entries()) {
      let sent: WAMessage | undefined;
      try {
        sent = await link.socket.sendMessage(jid, { text: piece }, index === 0 && quoted ? { quoted } : undefined);
      } catch (error) {
        throw new Error(`WhatsApp send failed: ${describeError(error)}`, { cause: error });
      }
      const id = sent?.key.id;
      if (id) {
        messageIds.push(id);
        this.#sent.set(id, true);
      }
    }
    return { messageIds };
  }

  /** Shows "typing…" in the chat. */
  async sendTyping(target: string): Promise<void> {
    await this.#connectedLink().socket.sendPresenceUpdate('composing', toJid(target));
  }

  /** Whether the socket is connected now, and as which number. */
  async probe(): Promise<ProbeResult> {
    const linkedAs = this.#self === undefined ? {} : { linkedAs: `+${phoneOf(this.#self.id) ?? '?'}` };
    return this.#connected ? { ok: true, ...linkedAs } : { ok: false, error: 'not connected to WhatsApp', ...linkedAs };
  }

  #claim(dir: string): void {
    const claim = claimSession(dir, { kind: 'instance', label: this.#label, evict: () => this.#evict() });
    if ('holder' in claim) {
      if (claim.holder.kind === 'login') throw new Error(`${CONNECT_FAILED}: a QR login for this account is in progress`);
      throw new ChannelAuthError(`${CONNECT_FAILED}: ${this.#label} uses the same session directory as ${claim.holder.label}`, {
        hint: 'give each account its own channels.whatsapp.accounts.<id>.authDir, or remove the duplicate',
      });
    }
    this.#release = claim.release;
  }

  #connect(store: WhatsAppAuthStore): void {
    const { browser, waWebSocketUrl } = this.#runtime;
    const link: SocketLink = new SocketLink(
      this.#runtime.createSocket,
      { browser, waWebSocketUrl, printQRInTerminal: false, markOnlineOnConnect: false },
      store,
      {
        onConnection: (update) => this.#onConnection(link, update),
        onMessages: (upsert) => this.#onMessages(link, upsert),
      },
      this.#context.logger,
    );
    this.#link = link;
  }

  #onConnection(link: SocketLink, update: Partial<ConnectionState>): void {
    if (link !== this.#link || this.#stopping) return;
    if (update.connection === 'open') this.#onOpen(link);
    else if (update.connection === 'close') {
      // Called from Baileys' event emitter: a rejection here would be unhandled and end the process.
      this.#onClose(link, update.lastDisconnect?.error).catch((error: unknown) => {
        this.#context.logger.error('whatsapp close handling failed', { error: error instanceof Error ? error.message : String(error) });
        this.#context.fail(error);
      });
    }
  }

  #onOpen(link: SocketLink): void {
    const user = link.socket.user ?? this.#store?.state.creds.me;
    this.#self = user ? { id: user.id, lid: user.lid } : undefined;
    this.#connected = true;
    const reconnected = this.#firstOpen === undefined;
    this.#openedAt = Date.now();
    // `connected` counts only once the registry has the instance running, i.e. not on the first open.
    this.#context.reportStatus({ connected: true, lastError: null, reconnectAttempt: 0, nextReconnectAt: undefined });
    if (reconnected) this.#context.logger.info('whatsapp reconnected');
    else this.#firstOpen?.resolve();
  }

  async #onClose(link: SocketLink, error: unknown): Promise<void> {
    this.#link = undefined;
    this.#connected = false;
    // A close while start() waits fails the start; any later close is the instance's to handle.
    const first = this.#firstOpen;
    await link.close();
    if (this.#stopping) return;
    const { config, accountId, logger } = this.#context;
    const code = disconnectStatus(error);
    const reason = describeDisconnect(error);
    // A connection that opens and drops again at once must not retry for ever: the count is
    // kept unless the connection had been up for a while.
    if (this.#openedAt !== undefined && Date.now() - this.#openedAt >= STABLE_CONNECTION_MS) this.#attempt = 0;
    this.#openedAt = undefined;
    const decision = decideReconnect(code, first ? 1 : ++this.#attempt, config.reconnect, this.#runtime.random);
    if (decision.action === 'relogin') {
      logger.warn('whatsapp ended the session', { reason });
      // Logged out from the phone: the keys are dead, and clearing them lets a plain login relink.
      if (code === 401 && this.#store) await clearAuthStore(this.#store.dir);
      const ended = sessionEndedError(accountId, error);
      if (first) first.reject(ended);
      else this.#context.fail(ended);
      return;
    }
    if (first) {
      first.reject(new Error(`${CONNECT_FAILED}: the connection closed before it opened (${reason})`));
      return;
    }
    if (decision.action === 'give-up') {
      const why = code === 440 ? 'another WhatsApp Web client took over this session' : `gave up after ${this.#attempt - 1} reconnect attempts`;
      logger.error('whatsapp connection lost for good', { reason, attempts: this.#attempt - 1 });
      // Final: the registry must not start it again on its own (two clients on one session
      // would knock each other off for ever); a restart or a login does.
      const hint = code === 440 ? 'stop the other client using this WhatsApp session (another gateway?), then: openclaw gateway restart' : 'check the network, then: openclaw gateway restart';
      this.#context.fail(new ChannelAuthError(`WhatsApp connection lost: ${why} (last close: ${reason})`, { hint }));
      return;
    }
    const { delayMs } = decision;
    const attempt = this.#attempt;
    const lastError = `WhatsApp connection closed: ${reason}; reconnecting in ${(delayMs / 1_000).toFixed(1)} s (attempt ${attempt} of ${config.reconnect.maxAttempts})`;
    this.#context.reportStatus({ connected: false, lastError, reconnectAttempt: attempt, nextReconnectAt: this.#context.clock() + delayMs });
    logger.warn('whatsapp connection closed; reconnecting', { reason, attempt, delayMs });
    this.#timer = this.#runtime.scheduler.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopping && this.#store) this.#connect(this.#store);
    }, delayMs);
  }

  #onMessages(link: SocketLink, upsert: BaileysEventMap['messages.upsert']): void {
    if (link !== this.#link || upsert.type !== 'notify') return;
    const { config, logger } = this.#context;
    for (const message of upsert.messages) {
      const input = toInboundMessage(message, this.#self, { selfChatMode: config.selfChatMode, sentByUs: (id) => this.#sent.has(id) });
      if (!input) {
        logger.trace('ignored a whatsapp message', { chatId: message.key.remoteJid, messageId: message.key.id });
        continue;
      }
      this.#recent.set(input.messageId, message);
      if (config.sendReadReceipts && !message.key.fromMe && link.socket.readMessages) {
        link.socket.readMessages([message.key]).catch((error: unknown) => logger.debug('whatsapp read receipt failed', { error: describeError(error) }));
      }
      void this.#context.onInbound(input);
    }
  }

  #connectedLink(): SocketLink {
    if (!this.#link || !this.#connected) throw new Error(`${this.#label} is not connected to WhatsApp`);
    return this.#link;
  }

  /** A forced login takes the session over: end this instance first, so it writes nothing more. */
  async #evict(): Promise<void> {
    this.#context.fail(
      new ChannelAuthError(`${CONNECT_FAILED}: the session is being replaced by a new QR login`, { hint: 'scan the QR code that `openclaw channels login` shows' }),
    );
    await this.stop();
  }

  async #shutdown(): Promise<void> {
    if (this.#timer !== undefined) this.#runtime.scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#firstOpen?.reject(new Error('stopped'));
    this.#connected = false;
    const link = this.#link;
    this.#link = undefined;
    try {
      await link?.close();
      await this.#store?.flush();
    } finally {
      this.#release?.();
    }
  }
}
