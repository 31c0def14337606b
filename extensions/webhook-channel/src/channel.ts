import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelContext, ChannelInstance, OutboundMessage, ProbeResult, SendResult } from '@openclaw/gateway-core';
import type { WebhookAccount } from './config.ts';
import { WebhookAuthError } from './errors.ts';
import { RequestRefusal, SECRET_HEADER, readJsonBody, secretMatches, toInbound } from './inbound.ts';

/** A reply POST slower than this fails (the gateway reports the send as failed). */
export const SEND_TIMEOUT_MS = 10_000;
/** The path messages are POSTed to. */
export const MESSAGE_PATH = '/message';

/** What the reply endpoint receives: `POST <replyUrl>` with this JSON and the secret header. */
export interface WebhookReplyBody {
  /** The `chat` of the message answered (for a direct message: its `from`). */
  chat: string;
  text: string;
  /** This reply's id (a UUID); a long reply arrives as several POSTs. */
  id: string;
  /** The `id` of the message this answers, in group chats. */
  replyTo?: string;
  thread?: string;
}

/**
 * One running webhook account: an HTTP server on its own host and port taking `POST /message`,
 * and replies POSTed to `replyUrl`. Both directions carry the shared secret.
 */
export class WebhookChannel implements ChannelInstance {
  readonly textLimit: number;
  readonly #context: ChannelContext<WebhookAccount>;
  #server: Server | undefined;

  constructor(context: ChannelContext<WebhookAccount>) {
    this.#context = context;
    this.textLimit = context.config.textLimit;
  }

  async start(): Promise<void> {
    const { host, port, replyUrl } = this.#context.config;
    const server = createServer((request, response) => void this.#handle(request, response));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      // EADDRINUSE and the like: a plain error, so the gateway retries with backoff.
      throw new Error(`cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    // A listening server that fails later takes this instance down; the gateway starts a new one.
    server.on('error', (error) => this.#context.fail(error));
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    // The reply URL's origin only: a path or query may carry a token.
    this.#context.reportStatus({ url: `http://${shownHost}:${address.port}${MESSAGE_PATH}`, replyTo: new URL(replyUrl).origin });
    this.#context.logger.info('webhook channel listening', { host: address.address, port: address.port });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server?.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async send(target: string, message: OutboundMessage): Promise<SendResult> {
    const id = randomUUID();
    const body: WebhookReplyBody = {
      chat: target,
      text: message.text,
      id,
      ...(message.replyToMessageId === undefined ? {} : { replyTo: message.replyToMessageId }),
      ...(message.threadId === undefined ? {} : { thread: message.threadId }),
    };
    const response = await this.#callReplyUrl('POST', JSON.stringify(body), AbortSignal.timeout(SEND_TIMEOUT_MS));
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      throw new WebhookAuthError(`the reply endpoint refused the shared secret (HTTP ${response.status})`, {
        hint: 'set the same secret in channels.webhook.secret and at the reply endpoint, then restart the gateway',
      });
    }
    if (!response.ok) throw new Error(`the reply endpoint answered HTTP ${response.status}`);
    return { messageIds: [id] };
  }

  /** Asks the reply endpoint whether it is there (`HEAD`); any answer but 401/403 or a 5xx is healthy. */
  async probe(options: { signal: AbortSignal }): Promise<ProbeResult> {
    const response = await this.#callReplyUrl('HEAD', undefined, options.signal);
    if (response.status === 401 || response.status === 403) return { ok: false, status: response.status, error: 'the reply endpoint refused the shared secret' };
    return response.status >= 500 ? { ok: false, status: response.status, error: `HTTP ${response.status}` } : { ok: true, status: response.status };
  }

  #callReplyUrl(method: 'POST' | 'HEAD', body: string | undefined, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { [SECRET_HEADER]: this.#context.config.secret };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(this.#context.config.replyUrl, { method, headers, body, signal: AbortSignal.any([signal, this.#context.signal]), redirect: 'error' });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path !== MESSAGE_PATH) throw new RequestRefusal(404, `not found; messages go to POST ${MESSAGE_PATH}`);
      if (request.method !== 'POST') {
        response.setHeader('allow', 'POST');
        throw new RequestRefusal(405, `use POST ${MESSAGE_PATH}`);
      }
      if (!secretMatches(request.headers[SECRET_HEADER], this.#context.config.secret)) throw new RequestRefusal(401, `missing or wrong ${SECRET_HEADER} header`);
      const message = toInbound(await readJsonBody(request), this.#context.clock);
      reply(response, 202, { ok: true, id: message.messageId });
      // The reply, if any, comes later through send(): an agent turn takes longer than a webhook should wait.
      void this.#context.onInbound(message);
    } catch (error) {
      if (error instanceof RequestRefusal) reply(response, error.status, { ok: false, error: error.message });
      else {
        this.#context.logger.warn('webhook request failed', { error: error instanceof Error ? error.message : String(error) });
        reply(response, 500, { ok: false, error: 'internal error' });
      }
    }
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent || response.destroyed) return;
  // Connection: close after a refusal, so an unread request body is not left on the socket.
  response.writeHead(status, { 'content-type': 'application/json', ...(status >= 400 ? { connection: 'close' } : {}) });
  response.end(JSON.stringify(body));
}
