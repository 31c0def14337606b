import { describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, allowedHostsFromOrigins, checkHost, checkOrigin, securityHeaders } from './http-guards.ts';

const LOOPBACK = { bindHosts: ['127.0.0.1', '::1'], port: 18789 };
const HOST_REFUSED =
  "host not allowed (the gateway listens on loopback only: open http://127.0.0.1:18789/ or add this host's origin to gateway.controlUi.allowedOrigins)";
const ORIGIN_REFUSED = 'origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)';

describe('checkHost on a loopback bind (DNS-rebinding defence)', () => {
  it.each(['localhost', 'localhost:18789', 'LOCALHOST:8080', '127.0.0.1:18789', '127.0.0.1', '[::1]:18789', '[::1]', 'localhost.:18789'])(
    'allows %s (any port: SSH tunnels change it)',
    (host) => {
      expect(checkHost(host, LOOPBACK)).toEqual({ ok: true });
    },
  );

  it.each([
    'attacker.example',
    'attacker.example:18789',
    'localhost.attacker.example',
    '192.168.1.5:18789',
    '0.0.0.0:18789',
    'gw.tail1234.ts.net',
    '',
    'localhost:notaport',
    'evil.com@localhost',
  ])('refuses %j', (host) => {
    expect(checkHost(host, LOOPBACK)).toEqual({ ok: false, status: 403, message: HOST_REFUSED });
  });

  it('refuses a missing Host header', () => {
    expect(checkHost(undefined, LOOPBACK)).toMatchObject({ ok: false, status: 403 });
  });

  it('allows *.ts.net only with Tailscale Serve', () => {
    expect(checkHost('gw.tail1234.ts.net', { ...LOOPBACK, tailscaleServe: true })).toEqual({ ok: true });
    expect(checkHost('ts.net.attacker.example', { ...LOOPBACK, tailscaleServe: true })).toMatchObject({ ok: false });
  });

  it('allows the hosts of configured allowed origins', () => {
    const allowedHosts = allowedHostsFromOrigins(['https://gw.example.com', 'not a url', 'http://[fd00::1]:8080']);
    expect(allowedHosts).toEqual(['gw.example.com', 'fd00::1']);
    expect(checkHost('GW.example.com', { ...LOOPBACK, allowedHosts })).toEqual({ ok: true });
    expect(checkHost('[fd00::1]:8080', { ...LOOPBACK, allowedHosts })).toEqual({ ok: true });
    expect(checkHost('other.example.com', { ...LOOPBACK, allowedHosts })).toMatchObject({ ok: false });
  });
});

describe('checkHost off loopback', () => {
  it('allows any Host (the secret is mandatory there)', () => {
    expect(checkHost('attacker.example', { bindHosts: ['0.0.0.0'], port: 18789 })).toEqual({ ok: true });
    expect(checkHost(undefined, { bindHosts: ['100.101.102.103'], port: 18789 })).toEqual({ ok: true });
  });
});

describe('checkOrigin', () => {
  it('allows non-browser clients (no Origin)', () => {
    expect(checkOrigin(undefined, '127.0.0.1:18789', [])).toEqual({ ok: true });
    expect(checkOrigin('', 'whatever', undefined)).toEqual({ ok: true });
  });

  it('allows the same host and port', () => {
    expect(checkOrigin('http://vps.example.com:18789', 'vps.example.com:18789', [])).toEqual({ ok: true });
    expect(checkOrigin('https://gw.example.com', 'gw.example.com', [])).toEqual({ ok: true });
    expect(checkOrigin('https://gw.example.com', 'GW.EXAMPLE.COM:443', [])).toEqual({ ok: true });
  });

  it('allows loopback to loopback across names and ports', () => {
    expect(checkOrigin('http://localhost:18789', '127.0.0.1:18789', [])).toEqual({ ok: true });
    expect(checkOrigin('http://127.0.0.1:5173', '[::1]:18789', [])).toEqual({ ok: true });
  });

  it('allows configured origins, compared canonically', () => {
    expect(checkOrigin('https://dash.example.com', '127.0.0.1:18789', ['https://Dash.Example.com:443/'])).toEqual({ ok: true });
  });

  it.each([
    ['https://attacker.example', '127.0.0.1:18789'],
    ['http://attacker.example:18789', 'localhost:18789'],
    ['http://vps.example.com:8080', 'vps.example.com:18789'],
    ['https://vps.example.com', 'vps.example.com:80'],
    ['null', '127.0.0.1:18789'],
    ['not a url', '127.0.0.1:18789'],
    ['http://localhost:18789', 'attacker.example'],
    ['http://localhost:18789', undefined],
  ])('refuses Origin %j with Host %j', (origin, host) => {
    expect(checkOrigin(origin, host, ['https://dash.example.com'])).toEqual({ ok: false, status: 403, message: ORIGIN_REFUSED });
  });
});

describe('securityHeaders', () => {
  it('sets the hardening headers, no-store for HTML only', () => {
    const html = securityHeaders({ html: true });
    expect(html).toMatchObject({
      'Content-Security-Policy': DASHBOARD_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    expect(securityHeaders()).not.toHaveProperty('Cache-Control');
  });

  it('uses a CSP without inline script and without framing', () => {
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
    expect(DASHBOARD_CSP).not.toContain('unsafe-eval');
  });
});
