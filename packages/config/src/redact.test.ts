import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretKey, redactSecrets } from './redact.ts';

describe('redaction', () => {
  it('knows secret keys and leaves look-alikes alone', () => {
    for (const key of ['token', 'botToken', 'password', 'apiKey', 'webhookSecret', 'ANTHROPIC_API_KEY', 'OPENCLAW_GATEWAY_TOKEN', 'privateKey', 'secret']) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['tokenFile', 'maxTokens', 'contextTokens', 'mode', 'port', 'passwordless']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('redacts secrets anywhere in the tree, keeping everything else', () => {
    const config = {
      gateway: { port: 1, auth: { mode: 'token', token: 'abc' } },
      channels: { telegram: { botToken: '123:AA', tokenFile: '/x', accounts: { b: { botToken: 'z' } } } },
      env: { vars: { OPENAI_API_KEY: 'sk-1' }, HOME_DIR: '/h' },
      models: { providers: { local: { apiKey: '' } } },
    };
    expect(redactSecrets(config)).toEqual({
      gateway: { port: 1, auth: { mode: 'token', token: REDACTED } },
      channels: { telegram: { botToken: REDACTED, tokenFile: '/x', accounts: { b: { botToken: REDACTED } } } },
      env: { vars: { OPENAI_API_KEY: REDACTED }, HOME_DIR: REDACTED },
      models: { providers: { local: { apiKey: '' } } },
    });
    expect(config.gateway.auth.token).toBe('abc');
  });

  it('treats every string in the env block as a secret, whatever its name', () => {
    expect(redactSecrets({ env: { vars: { DATABASE_URL: 'postgres://u:pass@db/x' }, GITHUB_PAT: 'ghp_x', shellEnv: { enabled: true } } })).toEqual({
      env: { vars: { DATABASE_URL: REDACTED }, GITHUB_PAT: REDACTED, shellEnv: { enabled: true } },
    });
  });

  it('redacts a secret asked for by its own path', () => {
    expect(redactSecrets('abc', ['gateway', 'auth', 'token'])).toBe(REDACTED);
    expect(redactSecrets({ token: 'abc' }, ['gateway', 'auth'])).toEqual({ token: REDACTED });
  });
});
