import type { IncomingMessage, ServerResponse } from 'node:http';

/** Serves one account's webhook: grammY's `webhookCallback(bot, 'http', { secretToken })`. */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The local paths of the accounts running in webhook mode, so one HTTP server (the
 * gateway's) can serve all of them. Each path belongs to one account at a time.
 */
export class WebhookRoutes {
  readonly #routes = new Map<string, { label: string; handler: WebhookHandler }>();

  /** Routes `path` to `handler`; throws when another account holds it. Returns the removal function. */
  add(path: string, label: string, handler: WebhookHandler): () => void {
    const current = this.#routes.get(path);
    if (current) throw new Error(`webhook path ${path} is already served for ${current.label}`);
    const route = { label, handler };
    this.#routes.set(path, route);
    return () => {
      if (this.#routes.get(path) === route) this.#routes.delete(path);
    };
  }

  /** The paths served now. */
  paths(): string[] {
    return [...this.#routes.keys()];
  }

  /**
   * Answers `req` if its path is a webhook path: 405 for anything but POST, 401 for a wrong
   * or missing `X-Telegram-Bot-Api-Secret-Token`, 400 for a body that is not an update, else
   * 200 once the update is queued. Resolves false (without touching `res`) for other paths,
   * so the caller can go on routing.
   */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const route = this.#routes.get(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!route) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return true;
    }
    try {
      await route.handler(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(400);
      res.end();
    }
    return true;
  }
}
