// What the gateway benchmarks share: a free loopback port and an operator connection.
import { createServer } from 'node:net';
import { WebSocket } from 'ws';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Opens an operator connection with `token` and completes `connect`; resolves with
 * `{socket, request}`, rejects if refused. `onEvent` receives every event frame after the
 * challenge.
 */
export function connect(port, token, onEvent) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const pending = new Map();
    let ids = 0;
    const request = (method, params = {}) =>
      new Promise((res) => {
        const id = String(++ids);
        pending.set(id, res);
        socket.send(JSON.stringify({ type: 'req', id, method, params }));
      });
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        request('connect', { minProtocol: 3, maxProtocol: 4, client: { id: 'cli', version: 'bench', platform: 'linux', mode: 'cli' }, scopes: ['operator.admin'], auth: { token } }).then((res) =>
          res.ok ? resolve({ socket, request }) : reject(new Error(res.error?.message)),
        );
      } else if (frame.type === 'event') onEvent?.(frame);
      else if (frame.type === 'res') {
        pending.get(frame.id)?.(frame);
        pending.delete(frame.id);
      }
    });
    socket.on('error', reject);
  });
}
