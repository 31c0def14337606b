import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.ts';
import { toJsonSafe } from './serialize.ts';

const TELEGRAM = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const DISCORD = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GxYz12.abcdefghijklmnopqrstuvwxyz0123456789AB';

describe('createRedactor: secret-looking keys', () => {
  const redactor = createRedactor();
  const redact = (value: unknown) => toJsonSafe(value, { redactor });

  it('masks values under secret names at any depth', () => {
    expect(
      redact({
        token: 't',
        password: 'p',
        secret: 's',
        apiKey: 'k',
        botToken: 'b',
        accessToken: 'a',
        ANTHROPIC_API_KEY: 'e',
        OPENCLAW_GATEWAY_TOKEN: 'g',
        webhookSecret: 'w',
        headers: { Authorization: 'whatever', cookie: ['a=b'], 'set-cookie': 'c', 'x-api-key': 'x', 'x-openclaw-token': 'y' },
        list: [{ refresh_token: 'r' }],
        credentials: { user: 'u', pass: 'p' },
      }),
    ).toEqual({
      token: '[redacted]',
      password: '[redacted]',
      secret: '[redacted]',
      apiKey: '[redacted]',
      botToken: '[redacted]',
      accessToken: '[redacted]',
      ANTHROPIC_API_KEY: '[redacted]',
      OPENCLAW_GATEWAY_TOKEN: '[redacted]',
      webhookSecret: '[redacted]',
      headers: { Authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', 'x-api-key': '[redacted]', 'x-openclaw-token': '[redacted]' },
      list: [{ refresh_token: '[redacted]' }],
      credentials: '[redacted]',
    });
  });

  it('leaves look-alikes and absence markers readable', () => {
    const value = { tokenFile: '/etc/tok', maxTokens: 4096, tokenSource: 'env', tokens: 12, hasToken: true, token: null, password: '', sessionId: 'abc' };
    expect(redact(value)).toEqual(value);
  });
});

describe('createRedactor: known secret values', () => {
  it('masks every occurrence, inside URLs and URL-encoded', () => {
    const r = createRedactor({ secrets: () => [TELEGRAM, 'gw-token-0123456789'] });
    expect(r.redactString('a gw-token-0123456789 b gw-token-0123456789')).toBe('a [redacted] b [redacted]');
    expect(r.redactString('ws://127.0.0.1:18789/?x=1&t=gw-token-0123456789#f')).toBe('ws://127.0.0.1:18789/?x=1&t=[redacted]#f');
    expect(r.redactString(`https://api.telegram.org/bot${TELEGRAM}/getMe`)).not.toContain(TELEGRAM.split(':')[1]);
    const encoded = encodeURIComponent(TELEGRAM);
    expect(encoded).toContain('%3A');
    expect(r.redactString(`u=${encoded}`)).toBe('u=[redacted]');
    expect(r.redactString(`u=${encoded.replace('%3A', '%3a')}`)).toBe('u=[redacted]');
  });

  it('reads the secrets at every call, so a rotated token is covered', () => {
    let current = 'first-token-aaaaaaaa';
    const r = createRedactor({ secrets: () => [current] });
    expect(r.redactString('first-token-aaaaaaaa')).toBe('[redacted]');
    current = 'second-token-bbbbbbbb';
    expect(r.redactString('first-token-aaaaaaaa second-token-bbbbbbbb')).toBe('first-token-aaaaaaaa [redacted]');
  });

  it('ignores values shorter than 8 characters and handles regex metacharacters', () => {
    const r = createRedactor({ secrets: () => ['short', undefined, 'a.b*c+d?(e)[f]'] });
    expect(r.redactString('short and a.b*c+d?(e)[f] and aXbbc')).toBe('short and [redacted] and aXbbc');
  });
});

describe('createRedactor: well-known shapes', () => {
  const r = createRedactor();
  it.each([
    ['Anthropic key', 'key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv_wx-yz end', 'key [redacted] end'],
    ['OpenAI key', 'key=sk-proj-AbCdEfGhIjKlMnOpQrStUv', 'key=[redacted]'],
    ['Telegram bot token', `token ${TELEGRAM} used`, 'token 123456789:[redacted] used'],
    ['Telegram token in an API URL', `GET https://api.telegram.org/bot${TELEGRAM}/getUpdates`, 'GET https://api.telegram.org/bot123456789:[redacted]/getUpdates'],
    ['Bearer header', 'Authorization: Bearer abc.def-ghi_jkl', 'Authorization: Bearer [redacted]'],
    ['Basic header', 'Authorization: Basic dXNlcjpwYXNzMTIz', 'Authorization: Basic [redacted]'],
    ['Basic header with padding', 'Basic dXNlcjpwYXNz==', 'Basic [redacted]'],
    ['?token= query', 'GET /ws?token=abc123&x=1', 'GET /ws?token=[redacted]&x=1'],
    ['&token= query', 'GET /ws?x=1&token=abc123', 'GET /ws?x=1&token=[redacted]'],
    ['&access_token= query', 'https://h/cb?access_token=zzz#a', 'https://h/cb?access_token=[redacted]#a'],
    ['Discord bot token', `login ${DISCORD} ok`, 'login [redacted] ok'],
    ['Discord Bot header', `Authorization: Bot ${DISCORD}`, 'Authorization: Bot [redacted]'],
    ['JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt [redacted]'],
    ['GitHub token', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz', '[redacted]'],
    ['Slack token', 'xoxb-1234567890-abcdefghij', '[redacted]'],
    ['Google API key', 'AIzaSyA-0123456789abcdefghijklmnopqrstu', '[redacted]'],
    ['env assignment', 'OPENCLAW_GATEWAY_TOKEN=abc123 ANTHROPIC_API_KEY=xyz', 'OPENCLAW_GATEWAY_TOKEN=[redacted] ANTHROPIC_API_KEY=[redacted]'],
    ['JSON in a string', '{"botToken":"12:ab","name":"x","apiKey":"k\\"q"}', '{"botToken":"[redacted]","name":"x","apiKey":"[redacted]"}'],
    ['PEM key', 'k=-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- done', 'k=[redacted] done'],
  ])('%s', (_name, input, expected) => {
    expect(r.redactString(input)).toBe(expected);
  });

  it('leaves ordinary prose alone', () => {
    for (const text of ['Bot connected to 3 guilds', 'Basic authentication failed', 'missing bearer token', 'task-list-for-tomorrow-and-beyond', 'at 12:34:56', 'tokenSource=env']) {
      expect(r.redactString(text)).toBe(text);
    }
  });
});

describe('createRedactor: patterns and enabled', () => {
  it('masks matches of config redactPatterns; an empty match changes nothing', () => {
    const r = createRedactor({ patterns: ['acct-\\d{4}', 'x*', '(unclosed'] });
    expect(r.redactString('user acct-1234 here')).toBe('user [redacted] here');
  });

  it('with redactSensitive off, still masks known secret values and explicit patterns', () => {
    const r = createRedactor({ enabled: false, secrets: () => ['gw-token-0123456789'], patterns: ['acct-\\d+'] });
    expect(r.redactString('Bearer abcdefghijk gw-token-0123456789 acct-9')).toBe('Bearer abcdefghijk [redacted] [redacted]');
    expect(r.isSecretKey('token')).toBe(false);
  });
});
