import type { IncomingMessage, ServerResponse } from 'node:http';
import { securityHeaders } from '../net/index.ts';
import { STATUS_PAGE_CSS, STATUS_PAGE_JS, statusPageHtml } from '../http/status-page.ts';

/** What the HTTP side of the gateway serves besides the WebSocket. */
export interface HttpRoutesOptions {
  /** Where the status page lives (`gateway.controlUi.basePath`), normalised to end with '/'. */
  basePath: string;
  controlUiEnabled: boolean;
  /** True while the gateway accepts connections (for /readyz). */
  ready(): boolean;
}

function send(res: ServerResponse, status: number, type: string, body: string, html = false): void {
  res.writeHead(status, { ...securityHeaders({ html }), 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Answers the plain HTTP routes: `/healthz` (liveness, no auth), `/readyz`, and the status
 * page with its script and stylesheet. Returns false for anything else (the caller 404s
 * or, when embedded, passes the request on).
 */
export function handleHttpRoute(req: IncomingMessage, res: ServerResponse, options: HttpRoutesOptions): boolean {
  const path = requestPath(req.url);
  if (path === undefined) {
    refuse(res, 400, 'Bad Request');
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/healthz') {
    send(res, 200, 'application/json', '{"ok":true}');
    return true;
  }
  if (path === '/readyz') {
    const ready = options.ready();
    send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready }));
    return true;
  }
  if (!options.controlUiEnabled) return false;
  const base = options.basePath;
  if (path === base || path === base.slice(0, -1) || path === `${base}index.html`) {
    send(res, 200, 'text/html; charset=utf-8', statusPageHtml(base), true);
    return true;
  }
  if (path === `${base}status.js`) {
    send(res, 200, 'text/javascript; charset=utf-8', STATUS_PAGE_JS);
    return true;
  }
  if (path === `${base}status.css`) {
    send(res, 200, 'text/css; charset=utf-8', STATUS_PAGE_CSS);
    return true;
  }
  return false;
}

/** The path of a request target, or undefined when it is not a URL at all (e.g. `http://[`). */
export function requestPath(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://gateway.invalid').pathname;
  } catch {
    return undefined;
  }
}

/** A plain-text refusal with the security headers. */
export function refuse(res: ServerResponse, status: number, message: string): void {
  send(res, status, 'text/plain; charset=utf-8', `${message}\n`);
}
