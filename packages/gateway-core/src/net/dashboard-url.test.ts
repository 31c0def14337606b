import { describe, expect, it } from 'vitest';
import { controlUiLinks, dashboardUrl, redactUrl } from './dashboard-url.ts';
import { GatewayConfigError } from './errors.ts';

describe('dashboardUrl', () => {
  it('points loopback, lan and auto at 127.0.0.1', () => {
    for (const bind of ['loopback', 'lan', 'auto'] as const) {
      expect(dashboardUrl({ bind, port: 18789, token: 'abc' })).toBe('http://127.0.0.1:18789/?token=abc');
    }
  });

  it('URL-encodes the token', () => {
    expect(dashboardUrl({ bind: 'loopback', port: 18789, token: 'a b&c=d/+?#é' })).toBe('http://127.0.0.1:18789/?token=a%20b%26c%3Dd%2F%2B%3F%23%C3%A9');
  });

  it('omits the query without a token', () => {
    expect(dashboardUrl({ bind: 'loopback', port: 18789 })).toBe('http://127.0.0.1:18789/');
  });

  it('uses the custom host or the tailnet IP', () => {
    expect(dashboardUrl({ bind: 'custom', customBindHost: '192.168.1.10', port: 1234, token: 't' })).toBe('http://192.168.1.10:1234/?token=t');
    expect(dashboardUrl({ bind: 'custom', customBindHost: 'fd00::5', port: 1234 })).toBe('http://[fd00::5]:1234/');
    expect(dashboardUrl({ bind: 'custom', customBindHost: '0.0.0.0', port: 1234 })).toBe('http://127.0.0.1:1234/');
    expect(dashboardUrl({ bind: 'tailnet', tailnetIp: '100.101.102.103', port: 18789 })).toBe('http://100.101.102.103:18789/');
  });

  it('refuses tailnet without an IP and custom without a valid host', () => {
    expect(() => dashboardUrl({ bind: 'tailnet', port: 18789 })).toThrow(GatewayConfigError);
    expect(() => dashboardUrl({ bind: 'custom', customBindHost: 'host.example', port: 18789 })).toThrow(GatewayConfigError);
  });

  it('honours the base path', () => {
    expect(controlUiLinks({ bind: 'loopback', port: 18789, basePath: '/openclaw/' })).toEqual({
      httpUrl: 'http://127.0.0.1:18789/openclaw/',
      wsUrl: 'ws://127.0.0.1:18789/openclaw',
    });
    expect(controlUiLinks({ bind: 'loopback', port: 18789, basePath: '/' })).toEqual({ httpUrl: 'http://127.0.0.1:18789/', wsUrl: 'ws://127.0.0.1:18789' });
    expect(dashboardUrl({ bind: 'loopback', port: 18789, basePath: 'ui', token: 'x' })).toBe('http://127.0.0.1:18789/ui/?token=x');
  });
});

describe('redactUrl', () => {
  it('replaces token and password values with ***', () => {
    expect(redactUrl('http://127.0.0.1:18789/?token=a%20b%26c')).toBe('http://127.0.0.1:18789/?token=***');
    expect(redactUrl('http://h/?a=1&TOKEN=secret&b=2')).toBe('http://h/?a=1&TOKEN=***&b=2');
    expect(redactUrl('http://h/#token=secret')).toBe('http://h/#token=***');
    expect(redactUrl('ws://h/?password=pw&token=t')).toBe('ws://h/?password=***&token=***');
  });

  it('leaves other URLs alone', () => {
    expect(redactUrl('http://127.0.0.1:18789/')).toBe('http://127.0.0.1:18789/');
    expect(redactUrl('http://h/?mytoken=x')).toBe('http://h/?mytoken=x');
  });

  it('round-trips with dashboardUrl', () => {
    const url = dashboardUrl({ bind: 'loopback', port: 18789, token: 'deadbeef' });
    expect(redactUrl(url)).toBe('http://127.0.0.1:18789/?token=***');
    expect(redactUrl(url)).not.toContain('deadbeef');
  });
});
