import type { ConnectionState } from '@whiskeysockets/baileys';
import type { ChannelLoginContext, ChannelLoginFlow, ChannelLoginStartOptions, ChannelLoginStartResult, ChannelLoginWaitResult, GatewayLogger } from '@openclaw/gateway-core';
import { sessionDirOf } from './accounts.ts';
import type { WhatsAppAccount } from './accounts.ts';
import { clearAuthStore, linkedJid, openAuthStore, readCreds } from './auth-store.ts';
import type { WhatsAppAuthStore } from './auth-store.ts';
import type { WhatsAppRuntime } from './channel.ts';
import { phoneOf } from './jid.ts';
import { describeDisconnect, disconnectStatus } from './reconnect.ts';
import { claimSession } from './session-claims.ts';
import type { SessionClaim } from './session-claims.ts';
import { SocketLink } from './socket.ts';

/** The login's timings (see `WhatsAppPluginOptions`). */
export interface LoginTimings {
  /** How long `start` waits for WhatsApp's first QR code. */
  qrTimeoutMs: number;
  /** How long `wait` waits for the scan, unless the caller says otherwise. */
  waitTimeoutMs: number;
  /** A login nobody finishes is closed after this long. */
  ttlMs: number;
}

/** What `start` tells the operator next to the QR code. */
export const SCAN_QR_MESSAGE = 'Scan this QR code in WhatsApp → Settings → Linked devices → Link a device.';

/** WhatsApp closes the first socket after a scan with 515 (restart required); the login reopens it this many times at most. */
const MAX_RESTARTS = 3;
const RESTART_REQUIRED = 515;

/**
 * The QR login (`openclaw channels login`, RPC `web.login.start` / `web.login.wait`). `start`
 * opens a socket on an empty session and returns WhatsApp's QR code; the socket stays open
 * between the two calls. `wait` resolves once the phone scanned it, WhatsApp opened the
 * connection with the new credentials and they are on disk; the registry then restarts the
 * account, which connects with them.
 */
export class WhatsAppLogin implements ChannelLoginFlow<WhatsAppAccount> {
  readonly #runtime: WhatsAppRuntime;
  readonly #timings: LoginTimings;
  readonly #pending = new Map<string, PendingLogin>();

  constructor(runtime: WhatsAppRuntime, timings: LoginTimings) {
    this.#runtime = runtime;
    this.#timings = timings;
  }

  async start(context: ChannelLoginContext<WhatsAppAccount>, options: ChannelLoginStartOptions): Promise<ChannelLoginStartResult> {
    const dir = sessionDirFor(context);
    const existing = this.#pending.get(dir);
    if (existing && !existing.finished) {
      if (!options.force && existing.qr !== undefined) return { message: SCAN_QR_MESSAGE, qr: existing.qr };
      await existing.finish({ connected: false, message: 'Replaced by a newer login.' });
    }
    if (!options.force) {
      const jid = linkedJid(await readCreds(dir));
      if (jid !== undefined) return { message: `WhatsApp is already linked (+${phoneOf(jid) ?? '?'}). Run the login with --force to link it again.` };
    }
    const release = await this.#claim(dir, context, options.force === true);
    let pending: PendingLogin;
    try {
      if (options.force) await clearAuthStore(dir);
      const store = await openAuthStore(dir, { logger: context.logger });
      pending = new PendingLogin(store, this.#runtime, context.logger, release, this.#timings.ttlMs);
    } catch (error) {
      release();
      throw error;
    }
    this.#pending.set(dir, pending);
    context.logger.info('whatsapp login started', { force: options.force === true });
    const first = await pending.firstQr(options.timeoutMs ?? this.#timings.qrTimeoutMs, context.signal);
    if (typeof first === 'string') return { message: SCAN_QR_MESSAGE, qr: first };
    if (first.connected) return { message: first.message };
    throw new Error(first.message);
  }

  async wait(context: ChannelLoginContext<WhatsAppAccount>, options: { timeoutMs?: number }): Promise<ChannelLoginWaitResult> {
    const dir = sessionDirFor(context);
    const pending = this.#pending.get(dir);
    if (!pending) return { connected: false, message: 'No WhatsApp login is in progress: start one with openclaw channels login.' };
    const result = await pending.settled(options.timeoutMs ?? this.#timings.waitTimeoutMs, context.signal);
    if (result === undefined) {
      if (context.signal.aborted) {
        await pending.finish({ connected: false, message: 'The login was cancelled.' });
      } else {
        return { connected: false, message: 'Still waiting for the QR code to be scanned; wait again, or start a new login for a fresh code.' };
      }
    }
    if (this.#pending.get(dir) === pending) this.#pending.delete(dir);
    const final = result ?? (await pending.done);
    context.logger.info('whatsapp login finished', { connected: final.connected });
    return final;
  }

  /** Claims the session directory for the login; a forced login first evicts whoever holds it. */
  async #claim(dir: string, context: ChannelLoginContext<WhatsAppAccount>, force: boolean): Promise<() => void> {
    const claim: SessionClaim = {
      kind: 'login',
      label: `the whatsapp login of account "${context.accountId}"`,
      evict: async () => this.#pending.get(dir)?.finish({ connected: false, message: 'Replaced by a newer login.' }),
    };
    for (let round = 0; round < 2; round++) {
      const result = claimSession(dir, claim);
      if ('release' in result) return result.release;
      if (!force) throw new Error(`${result.holder.label} is using this WhatsApp session; run the login with --force to replace it`);
      context.logger.info('whatsapp login replaces the running session', { holder: result.holder.label });
      await result.holder.evict();
    }
    throw new Error('the WhatsApp session directory is still in use; try the login again');
  }
}

function sessionDirFor(context: ChannelLoginContext<WhatsAppAccount>): string {
  const dir = context.config === undefined ? undefined : sessionDirOf(context.config, context.stateDir);
  if (dir === undefined) throw new Error('no directory for the WhatsApp session: run the gateway with a state directory, or set channels.whatsapp.authDir');
  return dir;
}

/** One QR login in progress: its socket (reopened after the scan when WhatsApp asks to), its latest QR code, its outcome. */
class PendingLogin {
  qr: string | undefined;
  /** Resolves with the outcome; never rejects. */
  readonly done: Promise<ChannelLoginWaitResult>;
  readonly #store: WhatsAppAuthStore;
  readonly #runtime: WhatsAppRuntime;
  readonly #logger: GatewayLogger;
  readonly #release: () => void;
  readonly #ttl: unknown;
  readonly #changed = new Set<() => void>();
  #resolve!: (result: ChannelLoginWaitResult) => void;
  #link: SocketLink | undefined;
  #restarts = 0;
  #finishing: Promise<void> | undefined;

  constructor(store: WhatsAppAuthStore, runtime: WhatsAppRuntime, logger: GatewayLogger, release: () => void, ttlMs: number) {
    this.#store = store;
    this.#runtime = runtime;
    this.#logger = logger;
    this.#release = release;
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    this.#ttl = runtime.scheduler.setTimeout(() => void this.finish({ connected: false, message: 'The login timed out before the QR code was scanned.' }), ttlMs);
    this.#connect();
  }

  get finished(): boolean {
    return this.#finishing !== undefined;
  }

  /** The first QR code, or the outcome if the login ended first; after `timeoutMs` or an abort the login is ended. */
  async firstQr(timeoutMs: number, signal: AbortSignal): Promise<string | ChannelLoginWaitResult> {
    const seen = await this.#until(() => this.qr !== undefined || this.finished, timeoutMs, signal);
    if (seen && !this.finished && this.qr !== undefined) return this.qr;
    if (!this.finished) {
      const message = signal.aborted ? 'The login was cancelled.' : `WhatsApp sent no QR code within ${Math.round(timeoutMs / 1_000)} s.`;
      await this.finish({ connected: false, message });
    }
    return this.done;
  }

  /** The outcome, or undefined when `timeoutMs` passed or `signal` aborted first. */
  async settled(timeoutMs: number, signal: AbortSignal): Promise<ChannelLoginWaitResult | undefined> {
    const ended = await this.#until(() => this.finished, timeoutMs, signal);
    return ended ? this.done : undefined;
  }

  /** Ends the login with `result` (the first result wins): closes the socket, waits for the session files, lets go of the directory. */
  finish(result: ChannelLoginWaitResult): Promise<void> {
    if (this.#finishing) return this.#finishing;
    this.#finishing = this.#end(result);
    this.#notify();
    return this.#finishing;
  }

  async #end(result: ChannelLoginWaitResult): Promise<void> {
    this.#runtime.scheduler.clearTimeout(this.#ttl);
    try {
      await this.#link?.close();
      await this.#store.flush();
    } finally {
      this.#release();
      this.#resolve(result);
    }
  }

  #connect(): void {
    const { browser, waWebSocketUrl, createSocket } = this.#runtime;
    const link: SocketLink = new SocketLink(
      createSocket,
      { browser, waWebSocketUrl, printQRInTerminal: false, markOnlineOnConnect: false },
      this.#store,
      { onConnection: (update) => this.#onConnection(link, update) },
      this.#logger,
    );
    this.#link = link;
  }

  #onConnection(link: SocketLink, update: Partial<ConnectionState>): void {
    if (link !== this.#link || this.finished) return;
    if (update.qr) {
      this.qr = update.qr;
      this.#notify();
    }
    if (update.connection === 'open') {
      const jid = linkedJid(this.#store.state.creds);
      this.#logger.info('whatsapp linked');
      void this.finish({ connected: true, message: `Linked! WhatsApp (+${phoneOf(jid) ?? '?'}) is ready.` });
    } else if (update.connection === 'close') {
      const error = update.lastDisconnect?.error;
      if (disconnectStatus(error) === RESTART_REQUIRED && linkedJid(this.#store.state.creds) !== undefined && this.#restarts < MAX_RESTARTS) {
        this.#restarts += 1;
        this.#logger.info('whatsapp asked for a restart after the scan; reconnecting');
        void link.close().then(() => {
          if (!this.finished) this.#connect();
        });
        return;
      }
      void this.finish({ connected: false, message: loginCloseMessage(error, this.qr !== undefined) });
    }
  }

  #notify(): void {
    for (const wake of this.#changed) wake();
  }

  /** True once `check()` holds (re-checked on every change); false after `timeoutMs` or an abort. */
  #until(check: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const { scheduler } = this.#runtime;
      const settle = (value: boolean) => {
        scheduler.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#changed.delete(wake);
        resolve(value);
      };
      const wake = () => {
        if (check()) settle(true);
      };
      const onAbort = () => settle(false);
      const timer = scheduler.setTimeout(() => settle(false), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#changed.add(wake);
      if (signal.aborted) settle(false);
      else wake();
    });
  }
}

/** Why a login ended without a connection, for the operator. */
function loginCloseMessage(error: unknown, qrShown: boolean): string {
  const code = disconnectStatus(error);
  if (!qrShown) return `WhatsApp closed the connection before it sent a QR code (${describeDisconnect(error)}). Check the network and start the login again.`;
  if (code === 401) return 'WhatsApp refused the link (logged out). Start the login again.';
  // Baileys ends the socket with 408 once WhatsApp's QR codes ran out.
  if (code === 408) return 'The QR code expired before it was scanned. Start the login again for a fresh code.';
  return `WhatsApp closed the connection during the login (${describeDisconnect(error)}). Start the login again.`;
}
