import { describe, expect, it } from 'vitest';
import type { ResolvedGatewayAuth, StartupCheck } from './auth-config.ts';
import { assertStartable, resolveGatewayAuth } from './auth-config.ts';
import { GatewayConfigError } from './errors.ts';

const TOKEN = 'tok-0123456789abcdef0123456789abcdef';
const PASSWORD = 'correct horse battery staple';

describe('resolveGatewayAuth', () => {
  it('takes flags over config over env, and the legacy env last', () => {
    const env = { OPENCLAW_GATEWAY_TOKEN: 'from-env', CLAWDBOT_GATEWAY_TOKEN: 'legacy' };
    expect(resolveGatewayAuth({ auth: { token: 'from-config' } }, { env, flags: { token: 'from-flag' } }).token).toBe('from-flag');
    expect(resolveGatewayAuth({ auth: { token: 'from-config' } }, { env }).token).toBe('from-config');
    expect(resolveGatewayAuth({}, { env }).token).toBe('from-env');
    expect(resolveGatewayAuth({}, { env: { CLAWDBOT_GATEWAY_TOKEN: 'legacy' } }).token).toBe('legacy');
    expect(resolveGatewayAuth({}, { env: { OPENCLAW_GATEWAY_PASSWORD: 'pw' } }).password).toBe('pw');
  });

  it('treats whitespace-only secrets as unset', () => {
    const auth = resolveGatewayAuth({ auth: { token: '  ' } }, { env: { OPENCLAW_GATEWAY_TOKEN: 'env-token' }, flags: { token: '' } });
    expect(auth.token).toBe('env-token');
  });

  it('defaults the mode to password if a password exists, else token', () => {
    expect(resolveGatewayAuth({}, { env: {} })).toEqual({ mode: 'token', allowTailscale: false, modeSource: 'default' });
    expect(resolveGatewayAuth({ auth: { password: PASSWORD } }, { env: {} })).toMatchObject({ mode: 'password', modeSource: 'default' });
    expect(resolveGatewayAuth({ auth: { mode: 'token', password: PASSWORD } }, { env: {} })).toMatchObject({ mode: 'token', modeSource: 'config' });
    expect(resolveGatewayAuth({ auth: { mode: 'token' } }, { env: {}, flags: { auth: 'password' } })).toMatchObject({ mode: 'password', modeSource: 'flag' });
  });

  it('allowTailscale: configured value, else serve with token mode', () => {
    expect(resolveGatewayAuth({ tailscale: { mode: 'serve' } }, { env: {} }).allowTailscale).toBe(true);
    expect(resolveGatewayAuth({ tailscale: { mode: 'serve' }, auth: { password: PASSWORD } }, { env: {} }).allowTailscale).toBe(false);
    expect(resolveGatewayAuth({ tailscale: { mode: 'serve' }, auth: { allowTailscale: false } }, { env: {} }).allowTailscale).toBe(false);
    expect(resolveGatewayAuth({ tailscale: { mode: 'off' }, auth: { allowTailscale: true } }, { env: {} }).allowTailscale).toBe(true);
  });
});

function auth(overrides: Partial<ResolvedGatewayAuth> = {}): ResolvedGatewayAuth {
  return { mode: 'token', allowTailscale: false, modeSource: 'default', ...overrides };
}

function check(overrides: Partial<StartupCheck>): StartupCheck {
  return { bindHosts: ['127.0.0.1', '::1'], bindMode: 'loopback', auth: auth({ token: TOKEN }), tailscaleMode: 'off', ...overrides };
}

function refusal(input: StartupCheck): GatewayConfigError {
  try {
    assertStartable(input);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError);
    const refused = error as GatewayConfigError;
    // Refusals never echo a secret.
    expect(`${refused.message} ${refused.hint}`).not.toContain(TOKEN);
    expect(`${refused.message} ${refused.hint}`).not.toContain(PASSWORD);
    return refused;
  }
  throw new Error('expected a refusal');
}

const GENERATE = 'openclaw config set gateway.auth.token "$(openssl rand -hex 32)"';

describe('assertStartable refusals', () => {
  it.each([
    ['lan', ['0.0.0.0']],
    ['auto', ['0.0.0.0']],
    ['tailnet', ['100.101.102.103']],
    ['custom', ['192.168.1.10']],
  ] as const)('refuses %s without a secret', (bindMode, bindHosts) => {
    const error = refusal(check({ bindMode, bindHosts, auth: auth() }));
    expect(error.code).toBe('BIND_REFUSED_NO_AUTH');
    expect(error.message).toBe(`refusing to bind gateway to ${bindMode} without auth`);
    expect(error.hint).toBe(`set a token: ${GENERATE} (or OPENCLAW_GATEWAY_TOKEN), or keep the gateway private: openclaw config set gateway.bind loopback`);
  });

  it('refuses off loopback when only the other kind of secret exists', () => {
    const error = refusal(check({ bindMode: 'lan', bindHosts: ['0.0.0.0'], auth: auth({ mode: 'token', modeSource: 'config', allowTailscale: true, password: PASSWORD }) }));
    expect(error.code).toBe('BIND_REFUSED_NO_AUTH');
  });

  it('refuses token mode chosen explicitly without a token', () => {
    const error = refusal(check({ auth: auth({ modeSource: 'config' }) }));
    expect(error.code).toBe('AUTH_TOKEN_MISSING');
    expect(error.message).toBe('Gateway auth is set to token, but no token is configured.');
    expect(error.hint).toBe(`set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), or pass --token; to generate one: ${GENERATE}`);
    expect(refusal(check({ auth: auth({ modeSource: 'flag', password: PASSWORD }) })).code).toBe('AUTH_TOKEN_MISSING');
  });

  it('refuses password mode without a password', () => {
    const error = refusal(check({ auth: auth({ mode: 'password', modeSource: 'flag', token: TOKEN }) }));
    expect(error.code).toBe('AUTH_PASSWORD_MISSING');
    expect(error.message).toBe('Gateway auth is set to password, but no password is configured.');
    expect(error.hint).toBe('set gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password');
  });

  it('refuses funnel without password mode', () => {
    const error = refusal(check({ tailscaleMode: 'funnel' }));
    expect(error.code).toBe('FUNNEL_REQUIRES_PASSWORD');
    expect(error.message).toBe('tailscale funnel requires gateway auth mode=password (funnel publishes the gateway to the internet)');
    expect(error.hint).toBe(
      'set gateway.auth.mode password and gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD); or use gateway.tailscale.mode serve to stay on your tailnet',
    );
  });

  it.each(['serve', 'funnel'] as const)('refuses tailscale %s off loopback', (tailscaleMode) => {
    const error = refusal(
      check({ tailscaleMode, bindMode: 'lan', bindHosts: ['0.0.0.0'], auth: auth({ mode: 'password', password: PASSWORD }) }),
    );
    expect(error.code).toBe('TAILSCALE_REQUIRES_LOOPBACK');
    expect(error.message).toBe(`tailscale ${tailscaleMode} requires gateway.bind loopback (current: lan)`);
    expect(error.hint).toBe(`openclaw config set gateway.bind loopback (tailscale ${tailscaleMode} proxies to 127.0.0.1 itself)`);
  });

  it('treats an empty host list as exposed', () => {
    expect(refusal(check({ bindHosts: [], auth: auth() })).code).toBe('BIND_REFUSED_NO_AUTH');
  });
});

describe('assertStartable accepts', () => {
  it('off loopback with the secret of the active mode', () => {
    expect(assertStartable(check({ bindMode: 'lan', bindHosts: ['0.0.0.0'] }))).toEqual({ unauthenticated: false, warnings: [] });
    const password = auth({ mode: 'password', password: PASSWORD });
    expect(assertStartable(check({ bindMode: 'custom', bindHosts: ['10.0.0.2'], auth: password }))).toEqual({ unauthenticated: false, warnings: [] });
  });

  it('funnel and serve on loopback with a password', () => {
    const password = auth({ mode: 'password', password: PASSWORD });
    expect(assertStartable(check({ tailscaleMode: 'funnel', auth: password })).unauthenticated).toBe(false);
    expect(assertStartable(check({ tailscaleMode: 'serve', auth: password })).unauthenticated).toBe(false);
  });

  it('loopback with no auth at all, with a warning for the CLI', () => {
    const result = assertStartable(check({ auth: auth() }));
    expect(result.unauthenticated).toBe(true);
    expect(result.warnings).toEqual([
      `gateway auth is not configured: any local user or SSH tunnel to this host can control the gateway; set one with: ${GENERATE}`,
    ]);
  });

  it('token mode without a token when Tailscale identity is allowed (serve)', () => {
    const result = assertStartable(check({ tailscaleMode: 'serve', auth: auth({ modeSource: 'config', allowTailscale: true }) }));
    expect(result).toEqual({ unauthenticated: false, warnings: ['gateway token is not configured: only verified Tailscale identities can connect'] });
  });
});
