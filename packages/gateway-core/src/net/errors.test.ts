import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayBindError, GatewayConfigError, formatHostPort } from './errors.ts';

const servers: Server[] = [];

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
    servers.push(server);
  });
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('GatewayConfigError', () => {
  it('carries a code and a hint, and is distinct from transport errors', () => {
    const error = new GatewayConfigError('BIND_REFUSED_NO_AUTH', 'refusing', { hint: 'fix it' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('GatewayConfigError');
    expect(error.code).toBe('BIND_REFUSED_NO_AUTH');
    expect(error.hint).toBe('fix it');
    expect(error).not.toBeInstanceOf(GatewayBindError);
  });
});

describe('GatewayBindError.fromListenError', () => {
  it('explains a real EADDRINUSE with the port in the message', async () => {
    const first = await listen(0);
    const { port } = first.address() as AddressInfo;
    const failure = await listen(port).then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = GatewayBindError.fromListenError(failure, { host: '127.0.0.1', port });
    expect(error.code).toBe('EADDRINUSE');
    expect(error.message).toBe(`cannot listen on ws://127.0.0.1:${port}: port ${port} is already in use (EADDRINUSE)`);
    expect(error.hint).toContain('openclaw gateway stop');
    expect(error.port).toBe(port);
    expect(error.cause).toBe(failure);
  });

  it('explains EACCES and EADDRNOTAVAIL, and brackets IPv6 hosts', () => {
    const eacces = GatewayBindError.fromListenError(Object.assign(new Error('x'), { code: 'EACCES' }), { host: '0.0.0.0', port: 80 });
    expect(eacces.message).toBe('cannot listen on ws://0.0.0.0:80: permission denied for port 80 (EACCES)');
    expect(eacces.hint).toContain('CAP_NET_BIND_SERVICE');
    const notAvail = GatewayBindError.fromListenError(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }), { host: 'fd00::5', port: 18789 });
    expect(notAvail.message).toBe('cannot listen on ws://[fd00::5]:18789: address fd00::5 is not assigned to this host (EADDRNOTAVAIL)');
    const other = GatewayBindError.fromListenError(new Error('boom'), { host: '127.0.0.1', port: 1 });
    expect(other.code).toBe('UNKNOWN');
    expect(other.message).toBe('cannot listen on ws://127.0.0.1:1 (port 1): boom');
  });

  it('formats host:port', () => {
    expect(formatHostPort('::1', 5)).toBe('[::1]:5');
    expect(formatHostPort('127.0.0.1', 5)).toBe('127.0.0.1:5');
  });
});
