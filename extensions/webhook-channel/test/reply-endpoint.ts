import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the endpoint received. */
export interface ReceivedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A loopback HTTP server standing in for the service that receives the webhook channel's replies. */
export interface ReplyEndpoint {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** The status every later request gets (default 200). */
  answerWith(status: number): void;
  /** Resolves once `count` POSTs have arrived. */
  waitForPosts(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Starts a {@link ReplyEndpoint} on 127.0.0.1 and a free port. */
export async function startReplyEndpoint(): Promise<ReplyEndpoint> {
  const received: ReceivedRequest[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method ?? '', headers: request.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(request.method === 'HEAD' ? undefined : '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const posts = () => received.filter((r) => r.method === 'POST');
  return {
    url: `http://127.0.0.1:${port}/replies`,
    received,
    answerWith: (next) => void (status = next),
    async waitForPosts(count, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (posts().length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} POSTs, got ${JSON.stringify(posts())}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return posts();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
