import { describe, expect, it } from 'vitest';
import { headerValue, isLocalDirect, isLocalHostHeader, isTrustedProxy, resolveClientAddress } from './client-address.ts';

describe('resolveClientAddress', () => {
  const proxies = ['127.0.0.1', '10.0.0.0/8', 'fd00::/8'];

  it('ignores forwarding headers from an untrusted peer (spoofed XFF)', () => {
    expect(resolveClientAddress('203.0.113.9', { 'x-forwarded-for': '127.0.0.1' }, proxies)).toBe('203.0.113.9');
    expect(resolveClientAddress('203.0.113.9', { 'x-real-ip': '127.0.0.1' }, proxies)).toBe('203.0.113.9');
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, undefined)).toBe('127.0.0.1');
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, [])).toBe('127.0.0.1');
  });

  it('normalises the peer address', () => {
    expect(resolveClientAddress('::ffff:203.0.113.9', {}, proxies)).toBe('203.0.113.9');
    expect(resolveClientAddress(undefined, {}, proxies)).toBeUndefined();
  });

  it('walks XFF right to left past trusted hops', () => {
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.7' }, proxies)).toBe('198.51.100.7');
    // The client prepended a fake 127.0.0.1; the proxies appended the real hops.
    expect(resolveClientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '127.0.0.1, 198.51.100.7, 10.1.1.1' }, proxies)).toBe('198.51.100.7');
    expect(resolveClientAddress('10.0.0.1', { 'x-forwarded-for': '2001:db8::9, fd00::2' }, proxies)).toBe('2001:db8::9');
  });

  it('accepts ports in XFF entries and joins repeated headers', () => {
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.7:5123' }, proxies)).toBe('198.51.100.7');
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': '[2001:db8::1]:443' }, proxies)).toBe('2001:db8::1');
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': ['127.0.0.1', '198.51.100.8'] }, proxies)).toBe('198.51.100.8');
  });

  it('stops at an unparseable hop, keeping the last trusted one', () => {
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': 'garbage, 10.2.2.2' }, proxies)).toBe('10.2.2.2');
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': 'unknown' }, proxies)).toBe('127.0.0.1');
  });

  it('uses the leftmost hop when every hop is trusted', () => {
    expect(resolveClientAddress('127.0.0.1', { 'x-forwarded-for': '10.9.9.9, 10.1.1.1' }, proxies)).toBe('10.9.9.9');
  });

  it('falls back to X-Real-IP from a trusted proxy', () => {
    expect(resolveClientAddress('127.0.0.1', { 'x-real-ip': '198.51.100.3' }, proxies)).toBe('198.51.100.3');
    expect(resolveClientAddress('127.0.0.1', { 'x-real-ip': 'nope' }, proxies)).toBe('127.0.0.1');
  });

  it('isTrustedProxy handles mapped and IPv6 peers', () => {
    expect(isTrustedProxy('::ffff:10.3.3.3', proxies)).toBe(true);
    expect(isTrustedProxy('fd00::1', proxies)).toBe(true);
    expect(isTrustedProxy('::1', proxies)).toBe(false);
  });
});

describe('isLocalHostHeader', () => {
  it('accepts localhost, loopback IPs and *.ts.net', () => {
    for (const host of ['localhost:18789', '127.0.0.1', '[::1]:8080', 'gw.tail1234.ts.net']) expect(isLocalHostHeader(host)).toBe(true);
    for (const host of [undefined, 'evil.example', '192.168.1.2:18789', 'localhost.evil.example']) expect(isLocalHostHeader(host)).toBe(false);
  });
});

describe('isLocalDirect', () => {
  const local = { host: '127.0.0.1:18789' };

  it('is true for a loopback client with a local Host and no proxy headers', () => {
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: local }, undefined)).toBe(true);
    expect(isLocalDirect({ remoteAddress: '::ffff:127.0.0.1', headers: { host: 'localhost' } }, undefined)).toBe(true);
  });

  it('is false for remote peers and foreign Host headers', () => {
    expect(isLocalDirect({ remoteAddress: '192.168.1.20', headers: local }, undefined)).toBe(false);
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: { host: 'attacker.example' } }, undefined)).toBe(false);
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: {} }, undefined)).toBe(false);
  });

  it('is false for a local proxy relaying someone (forwarding headers, untrusted peer)', () => {
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: { ...local, 'x-forwarded-for': '127.0.0.1' } }, undefined)).toBe(false);
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: { ...local, 'x-forwarded-host': 'a' } }, undefined)).toBe(false);
  });

  it('never treats a forwarded request as local, even from a trusted proxy (the header may be the client\'s own)', () => {
    const forged = { ...local, 'x-forwarded-for': '127.0.0.1' };
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: forged }, ['127.0.0.1'])).toBe(false);
    const remote = { ...local, 'x-forwarded-for': '198.51.100.4' };
    expect(isLocalDirect({ remoteAddress: '127.0.0.1', headers: remote }, ['127.0.0.1'])).toBe(false);
  });

  it('headerValue joins repeated headers', () => {
    expect(headerValue({ a: ['x', 'y'] }, 'a')).toBe('x, y');
    expect(headerValue({}, 'a')).toBeUndefined();
  });
});
