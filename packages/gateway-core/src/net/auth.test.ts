import { describe, expect, it } from 'vitest';
import type { ResolvedGatewayAuth } from './auth-config.ts';
import type { AuthorizeConnectInput, AuthResult } from './auth.ts';
import { SHARED_SECRET_SCOPE, authorizeConnect, verifySecret } from './auth.ts';
import { AuthRateLimiter } from './rate-limit.ts';
import type { TailscaleWhois } from './tailscale.ts';

const TOKEN = 'tok-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e';
const PASSWORD = 'hunter2-but-much-longer-than-that';
const UI = { id: 'openclaw-control-ui', mode: 'webchat' };
const LOCAL = { remoteAddress: '127.0.0.1', headers: { host: '127.0.0.1:18789' } };
const REMOTE = { remoteAddress: '198.51.100.20', headers: { host: 'vps.example.com:18789' } };

const noWhois: TailscaleWhois = () => Promise.reject(new Error('whois must not be called'));

function tokenAuth(overrides: Partial<ResolvedGatewayAuth> = {}): ResolvedGatewayAuth {
  return { mode: 'token', token: TOKEN, allowTailscale: false, modeSource: 'config', ...overrides };
}

function connect(overrides: Partial<AuthorizeConnectInput>): Promise<AuthResult> {
  return authorizeConnect({ auth: tokenAuth(), presented: undefined, request: REMOTE, tailscaleWhois: noWhois, ...overrides });
}

describe('verifySecret', () => {
  it('compares correctly regardless of length', () => {
    expect(verifySecret(TOKEN, TOKEN)).toBe(true);
    expect(verifySecret(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(verifySecret(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(verifySecret('a', TOKEN)).toBe(false);
    expect(verifySecret('x'.repeat(10_000), TOKEN)).toBe(false);
    expect(verifySecret('é', 'é')).toBe(true);
    expect(verifySecret('e\u0301', 'é')).toBe(false);
  });

  it('is false for missing or empty values', () => {
    expect(verifySecret(undefined, TOKEN)).toBe(false);
    expect(verifySecret(TOKEN, undefined)).toBe(false);
    expect(verifySecret('', '')).toBe(false);
    expect(verifySecret(null, null)).toBe(false);
  });
});

describe('authorizeConnect: token mode', () => {
  it('accepts the right token', async () => {
    expect(await connect({ presented: { token: TOKEN } })).toEqual({ ok: true, method: 'token' });
  });

  it('refuses a wrong token with the original message', async () => {
    expect(await connect({ presented: { token: 'nope' }, client: UI })).toEqual({
      ok: false,
      reason: 'token_mismatch',
      message: 'unauthorized: gateway token mismatch (open a tokenized dashboard URL or paste token in Control UI settings)',
    });
  });

  it('refuses a missing token, with a hint per client kind', async () => {
    const ui = await connect({ client: UI });
    expect(ui).toMatchObject({ ok: false, reason: 'token_missing', message: 'unauthorized: gateway token missing (open a tokenized dashboard URL or paste token in Control UI settings)' });
    const cli = await connect({ client: { id: 'cli', mode: 'cli' }, presented: { token: 'wrong' } });
    expect(cli).toMatchObject({ message: 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)' });
    const other = await connect({ client: { id: 'gateway-client', mode: 'backend' }, presented: { password: TOKEN } });
    expect(other).toMatchObject({ reason: 'token_missing', message: 'unauthorized: gateway token missing (provide gateway auth token)' });
  });

  it('refuses when the gateway has no token although token mode was chosen', async () => {
    const result = await connect({ auth: tokenAuth({ token: undefined }), presented: { token: 'x' } });
    expect(result).toMatchObject({ ok: false, reason: 'token_missing_config', message: 'unauthorized: gateway token not configured on gateway (set gateway.auth.token)' });
  });
});

describe('authorizeConnect: password mode', () => {
  const auth: ResolvedGatewayAuth = { mode: 'password', password: PASSWORD, allowTailscale: false, modeSource: 'default' };

  it('accepts the right password and refuses others', async () => {
    expect(await connect({ auth, presented: { password: PASSWORD } })).toEqual({ ok: true, method: 'password' });
    expect(await connect({ auth, presented: { password: 'guess' }, client: UI })).toMatchObject({
      reason: 'password_mismatch',
      message: 'unauthorized: gateway password mismatch (enter the password in Control UI settings)',
    });
    // A token is not a password.
    expect(await connect({ auth, presented: { token: PASSWORD }, client: { id: 'cli' } })).toMatchObject({
      reason: 'password_missing',
      message: 'unauthorized: gateway password missing (set gateway.remote.password to match gateway.auth.password)',
    });
  });
});

describe('authorizeConnect: no auth configured', () => {
  const open: ResolvedGatewayAuth = { mode: 'token', allowTailscale: false, modeSource: 'default' };

  it('admits local-direct clients with method none', async () => {
    expect(await connect({ auth: open, request: LOCAL })).toEqual({ ok: true, method: 'none' });
  });

  it('still refuses clients relayed by a local proxy or with a foreign Host', async () => {
    const relayed = { remoteAddress: '127.0.0.1', headers: { host: '127.0.0.1', 'x-forwarded-for': '198.51.100.1' } };
    expect(await connect({ auth: open, request: relayed })).toMatchObject({ ok: false, reason: 'token_missing_config' });
    const rebinding = { remoteAddress: '127.0.0.1', headers: { host: 'attacker.example:18789' } };
    expect(await connect({ auth: open, request: rebinding })).toMatchObject({ ok: false, reason: 'token_missing_config' });
  });
});

describe('authorizeConnect: Tailscale', () => {
  const serve = {
    remoteAddress: '127.0.0.1',
    headers: {
      host: 'gw.tail1234.ts.net',
      'tailscale-user-login': 'alice@example.com',
      'x-forwarded-for': '100.101.1.2',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gw.tail1234.ts.net',
    },
  };
  const alice: TailscaleWhois = (ip) => Promise.resolve(ip === '100.101.1.2' ? { login: 'Alice@Example.com' } : null);
  const auth = tokenAuth({ allowTailscale: true, token: undefined, modeSource: 'default' });

  it('admits a verified Serve identity without a token', async () => {
    expect(await connect({ auth, request: serve, tailscaleWhois: alice })).toEqual({ ok: true, method: 'tailscale', user: 'Alice@Example.com' });
  });

  it('refuses a forged identity as tailscale_unverified', async () => {
    const result = await connect({ auth, request: serve, tailscaleWhois: () => Promise.resolve({ login: 'bob@example.com' }) });
    expect(result).toEqual({
      ok: false,
      reason: 'tailscale_unverified',
      tailscale: 'tailscale_user_mismatch',
      message: 'unauthorized: tailscale identity mismatch (Tailscale-User-Login differs from tailscale whois; use gateway token/password)',
    });
  });

  it('falls back to the token when the identity does not verify', async () => {
    const both = tokenAuth({ allowTailscale: true });
    const failing: TailscaleWhois = () => Promise.resolve(null);
    expect(await connect({ auth: both, request: serve, tailscaleWhois: failing, presented: { token: TOKEN } })).toEqual({ ok: true, method: 'token' });
    // Without a Tailscale login header, a token-less client hears about the token.
    expect(await connect({ auth: both, tailscaleWhois: failing })).toMatchObject({ reason: 'token_missing' });
  });

  it('does not consult Tailscale for local-direct clients', async () => {
    expect(await connect({ auth: tokenAuth({ allowTailscale: true }), request: LOCAL, presented: { token: TOKEN } })).toEqual({ ok: true, method: 'token' });
  });
});

describe('authorizeConnect: rate limiting', () => {
  it('locks out after 10 mismatches and reports retryAfterMs', async () => {
    const time = { now: 0 };
    const rateLimiter = new AuthRateLimiter({}, { clock: () => time.now });
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(await connect({ rateLimiter, presented: { token: `guess-${attempt}` } })).toMatchObject({ reason: 'token_mismatch' });
    }
    time.now += 1_000;
    const locked = await connect({ rateLimiter, presented: { token: TOKEN } });
    expect(locked).toEqual({
      ok: false,
      reason: 'rate_limited',
      retryAfterMs: 299_000,
      message: 'unauthorized: too many failed authentication attempts (retry in 299s)',
    });
    expect(rateLimiter.check(REMOTE.remoteAddress, SHARED_SECRET_SCOPE).allowed).toBe(false);
    time.now += 299_000;
    expect(await connect({ rateLimiter, presented: { token: TOKEN } })).toEqual({ ok: true, method: 'token' });
    expect(rateLimiter.size).toBe(0);
  });

  it('does not count missing tokens, and keys on the real client behind a trusted proxy', async () => {
    const rateLimiter = new AuthRateLimiter({ maxAttempts: 1 }, { clock: () => 0 });
    await connect({ rateLimiter });
    expect(rateLimiter.size).toBe(0);
    const proxied = { remoteAddress: '127.0.0.1', headers: { host: 'vps.example.com', 'x-forwarded-for': '198.51.100.77' } };
    await connect({ rateLimiter, request: proxied, trustedProxies: ['127.0.0.1'], presented: { token: 'bad' } });
    expect(rateLimiter.check('198.51.100.77', SHARED_SECRET_SCOPE).allowed).toBe(false);
    expect(rateLimiter.check('127.0.0.1', SHARED_SECRET_SCOPE).allowed).toBe(true);
  });
});

describe('messages never contain a secret', () => {
  it('for every refusal', async () => {
    const secrets = [TOKEN, PASSWORD, 'presented-secret-value'];
    const results = await Promise.all([
      connect({ presented: { token: 'presented-secret-value' } }),
      connect({ presented: { token: PASSWORD, password: 'presented-secret-value' } }),
      connect({ presented: { token: `${TOKEN}x` } }),
      connect({ auth: { mode: 'password', password: PASSWORD, allowTailscale: false, modeSource: 'config' }, presented: { password: 'presented-secret-value' } }),
      connect({ auth: { mode: 'password', password: PASSWORD, allowTailscale: false, modeSource: 'config' }, presented: { token: TOKEN } }),
    ]);
    for (const result of results) {
      expect(result.ok).toBe(false);
      const text = JSON.stringify(result);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
