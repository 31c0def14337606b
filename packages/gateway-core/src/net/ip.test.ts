import { describe, expect, it } from 'vitest';
import { clientKey, createAddressMatcher, isLoopbackAddress, isTailnetIPv4, normalizeIp, parseHostHeader, parseIp } from './ip.ts';

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', 4],
    [' 10.0.0.1 ', '10.0.0.1', 4],
    ['::ffff:127.0.0.1', '127.0.0.1', 4],
    ['::FFFF:7f00:1', '127.0.0.1', 4],
    ['[::1]', '::1', 6],
    ['0:0:0:0:0:0:0:1', '::1', 6],
    ['FE80::1%eth0', 'fe80::1', 6],
    ['2001:DB8::0:1', '2001:db8::1', 6],
  ])('%s -> %s', (input, address, family) => {
    expect(parseIp(input)).toEqual({ address, family });
  });

  it.each(['', 'localhost', '1.2.3', '127.000.0.1', '[::1', '1.2.3.4:80', 'example.com'])('rejects %j', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });

  it('normalizes or gives undefined', () => {
    expect(normalizeIp(undefined)).toBeUndefined();
    expect(normalizeIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('address classes', () => {
  it('recognises loopback in every spelling', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '[::1]']) expect(isLoopbackAddress(ip)).toBe(true);
    for (const ip of ['10.0.0.1', '::2', 'localhost', undefined, '128.0.0.1']) expect(isLoopbackAddress(ip)).toBe(false);
  });

  it('recognises the tailnet range 100.64.0.0/10', () => {
    expect(isTailnetIPv4('100.64.0.1')).toBe(true);
    expect(isTailnetIPv4('100.127.255.254')).toBe(true);
    expect(isTailnetIPv4('100.128.0.1')).toBe(false);
    expect(isTailnetIPv4('100.63.0.1')).toBe(false);
    expect(isTailnetIPv4('fd7a:115c:a1e0::1')).toBe(false);
  });

  it('keys IPv6 clients by /64 and IPv4 by address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('createAddressMatcher', () => {
  const matcher = createAddressMatcher(['10.0.0.0/8', '192.168.1.5', 'fd00::/8', '::ffff:172.16.0.0/108', 'nonsense', '10.0.0.0/33', '1.2.3.4/']);

  it('matches exact IPs and CIDRs in both families, mapped or not', () => {
    expect(matcher.matches('10.200.3.4')).toBe(true);
    expect(matcher.matches('::ffff:10.200.3.4')).toBe(true);
    expect(matcher.matches('192.168.1.5')).toBe(true);
    expect(matcher.matches('192.168.1.6')).toBe(false);
    expect(matcher.matches('fd12::1')).toBe(true);
    expect(matcher.matches('fe80::1')).toBe(false);
    expect(matcher.matches('172.16.9.9')).toBe(true);
    expect(matcher.matches('172.32.0.1')).toBe(false);
    expect(matcher.matches(undefined)).toBe(false);
    expect(matcher.matches('not-an-ip')).toBe(false);
  });

  it('reports invalid entries instead of trusting anything for them', () => {
    expect(matcher.invalid).toEqual(['nonsense', '10.0.0.0/33', '1.2.3.4/']);
    expect(createAddressMatcher(undefined).matches('127.0.0.1')).toBe(false);
  });
});

describe('parseHostHeader', () => {
  it.each([
    ['localhost:18789', 'localhost', 18789],
    ['LOCALHOST', 'localhost', undefined],
    ['localhost.:80', 'localhost', 80],
    ['[::1]:18789', '::1', 18789],
    ['127.0.0.1', '127.0.0.1', undefined],
  ])('%s', (input, hostname, port) => {
    expect(parseHostHeader(input)).toEqual({ hostname, port });
  });

  it.each([undefined, '', '::1', '[::1', 'host:99999', 'host:abc', 'evil.com@localhost', '[nothost]:80', 'a b'])('rejects %j', (input) => {
    expect(parseHostHeader(input)).toBeUndefined();
  });
});
