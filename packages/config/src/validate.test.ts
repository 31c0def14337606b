import { describe, expect, it } from 'vitest';
import { describeFound, suggestKey, validateConfig } from './validate.ts';

const BIND_VALUES = '"loopback", "lan", "tailnet", "auto", "custom"';

describe('validateConfig: valid configs', () => {
  it('applies the defaults to an empty config', () => {
    const result = validateConfig({});
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.config?.gateway).toEqual({
      port: 18789,
      mode: 'local',
      bind: 'loopback',
      auth: { allowTailscale: false, rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 } },
      tailscale: { mode: 'off', resetOnExit: false },
      controlUi: { enabled: true, basePath: '/' },
    });
    expect(result.config?.channels).toBeUndefined();
  });

  it('keeps the values given and does not modify its input', () => {
    const input = { gateway: { port: 19000, bind: 'lan', auth: { token: 't' } } };
    const copy = structuredClone(input);
    const result = validateConfig(input);
    expect(result.errors).toEqual([]);
    expect(result.config?.gateway.port).toBe(19000);
    expect(result.config?.gateway.bind).toBe('lan');
    expect(result.config?.gateway.auth.token).toBe('t');
    expect(input).toEqual(copy);
  });
});

describe('validateConfig: errors', () => {
  it('an invalid enum value names the path, every allowed value and what was found', () => {
    const result = validateConfig({ gateway: { bind: 'x' } });
    expect(result.config).toBeUndefined();
    expect(result.warnings).toEqual([]);
    expect(result.errors).toEqual([
      { code: 'invalid-value', path: ['gateway', 'bind'], message: `gateway.bind: expected one of ${BIND_VALUES}, found string "x"` },
    ]);
  });

  it.each([
    [{ gateway: { port: '19000' } }, ['gateway', 'port'], 'gateway.port: expected number, found string "19000"'],
    [{ gateway: { port: 1.5 } }, ['gateway', 'port'], 'gateway.port: expected int, found number 1.5'],
    [{ gateway: 'x' }, ['gateway'], 'gateway: expected object, found string "x"'],
    [{ gateway: { auth: [] } }, ['gateway', 'auth'], 'gateway.auth: expected object, found an array'],
    [{ gateway: { auth: { allowTailscale: 'yes' } } }, ['gateway', 'auth', 'allowTailscale'], 'gateway.auth.allowTailscale: expected boolean, found string "yes"'],
    [{ logging: null }, ['logging'], 'logging: expected object, found null'],
    [{ gateway: { trustedProxies: { a: 1 } } }, ['gateway', 'trustedProxies'], 'gateway.trustedProxies: expected array, found an object'],
    [{ env: { OPENAI_API_KEY: 42 } }, ['env', 'OPENAI_API_KEY'], 'env.OPENAI_API_KEY: expected string, found number 42'],
    [{ agents: { list: [{ id: 'main' }, { id: 7 }] } }, ['agents', 'list', 1, 'id'], 'agents.list[1].id: expected string, found number 7'],
  ])('invalid type %j: %s', (input, path, message) => {
    const result = validateConfig(input);
    expect(result.config).toBeUndefined();
    expect(result.errors).toEqual([{ code: 'invalid-type', path, message }]);
  });

  it('a long found value is described by its type only', () => {
    const long = 'a'.repeat(50);
    expect(validateConfig({ gateway: { port: long } }).errors).toEqual([
      { code: 'invalid-type', path: ['gateway', 'port'], message: 'gateway.port: expected number, found string' },
    ]);
  });

  it('other checks keep zod\'s message and add what was found', () => {
    expect(validateConfig({ gateway: { port: 0 } }).errors).toEqual([
      { code: 'too-small', path: ['gateway', 'port'], message: 'gateway.port: Too small: expected number to be >=1 (found number 0)' },
    ]);
    expect(validateConfig({ gateway: { customBindHost: 'nope' } }).errors).toEqual([
      {
        code: 'invalid-union',
        path: ['gateway', 'customBindHost'],
        message: 'gateway.customBindHost: customBindHost must be an IP address such as "192.168.1.10" or "fd00::10" (found string "nope")',
      },
    ]);
    expect(validateConfig({ gateway: { bind: 'custom', customBindHost: 'fd00::10' } }).errors).toEqual([]);
    expect(validateConfig({ agents: { list: [{ id: 'main' }, { id: 'MAIN' }] } }).errors).toEqual([
      { code: 'custom', path: ['agents', 'list', 1, 'id'], message: 'agents.list[1].id: duplicate agent id "MAIN" (found string "MAIN")' },
    ]);
  });

  it('a top-level value that is not an object is an error at "(top level)"', () => {
    expect(validateConfig([1]).errors).toEqual([{ code: 'invalid-type', path: [], message: '(top level): expected object, found an array' }]);
    expect(validateConfig(undefined).errors).toEqual([{ code: 'invalid-type', path: [], message: '(top level): expected object, found nothing' }]);
  });

  it('reports every error at once', () => {
    const result = validateConfig({
      gateway: { port: 'abc', bind: 'x', tailscale: { mode: 'on' } },
      logging: { level: 3 },
      session: 5,
    });
    expect(result.config).toBeUndefined();
    expect(result.errors.map((e) => e.message).sort()).toEqual([
      `gateway.bind: expected one of ${BIND_VALUES}, found string "x"`,
      'gateway.port: expected number, found string "abc"',
      'gateway.tailscale.mode: expected one of "off", "serve", "funnel", found string "on"',
      'logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", found number 3',
      'session: expected object, found number 5',
    ]);
  });
});

describe('validateConfig: unknown keys', () => {
  it.each([
    [{ gatway: {} }, ['gatway'], 'gateway'],
    [{ GATEWAY: {} }, ['GATEWAY'], 'gateway'],
    [{ gateway: { prot: 1 } }, ['gateway', 'prot'], 'port'],
    [{ gateway: { auth: { tokn: 'a' } } }, ['gateway', 'auth', 'tokn'], 'token'],
    [{ gateway: { auth: { rateLimit: { maxAttempt: 3 } } } }, ['gateway', 'auth', 'rateLimit', 'maxAttempt'], 'maxAttempts'],
    [{ agents: { list: [{ id: 'main', modle: 'x/y' }] } }, ['agents', 'list', 0, 'modle'], 'model'],
    [{ channels: { telegram: { groups: { '-100': { requireMentin: true } } } } }, ['channels', 'telegram', 'groups', '-100', 'requireMentin'], 'requireMention'],
    [{ env: { shelEnv: {} } }, ['env', 'shelEnv'], 'shellEnv'],
  ])('%j is a warning suggesting the known key', (input, path, suggestion) => {
    const result = validateConfig(input);
    expect(result.errors).toEqual([]);
    expect(result.config).toBeDefined();
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.code).toBe('unknown-key');
    expect(result.warnings[0]?.path).toEqual(path);
    expect(result.warnings[0]?.suggestion).toBe(suggestion);
  });

  it('messages name the full path of the key and of the suggestion', () => {
    expect(validateConfig({ agents: { list: [{ id: 'main', modle: 'x/y' }] } }).warnings).toEqual([
      {
        code: 'unknown-key',
        path: ['agents', 'list', 0, 'modle'],
        message: 'unknown key agents.list[0].modle (did you mean agents.list[0].model?); it is ignored',
        suggestion: 'model',
      },
    ]);
    expect(validateConfig({ channels: { telegram: { groups: { '-100': { requireMentin: true } } } } }).warnings[0]?.message).toBe(
      'unknown key channels.telegram.groups["-100"].requireMentin (did you mean channels.telegram.groups["-100"].requireMention?); it is ignored',
    );
  });

  it('a key that resembles nothing gets no suggestion', () => {
    const result = validateConfig({ foo: { a: 1 }, gateway: { auth: { zzzzzzzz: true } } });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      { code: 'unknown-key', path: ['gateway', 'auth', 'zzzzzzzz'], message: 'unknown key gateway.auth.zzzzzzzz; it is ignored' },
      { code: 'unknown-key', path: ['foo'], message: 'unknown key foo; it is ignored' },
    ]);
  });

  it('several unknown keys in one object are each reported', () => {
    const result = validateConfig({ gateway: { prot: 1, bnd: 'lan' } });
    expect(result.warnings.map((w) => [w.path, w.suggestion])).toEqual([
      [['gateway', 'prot'], 'port'],
      [['gateway', 'bnd'], 'bind'],
    ]);
  });

  it('unknown keys are stripped before the defaults are applied, and the config is returned', () => {
    const result = validateConfig({ gateway: { prot: 19000, auth: { tokn: 'x' } }, loging: { level: 'debug' }, session: {} });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(3);
    expect(result.config).toBeDefined();
    expect(result.config?.gateway.port).toBe(18789);
    expect(result.config?.gateway).not.toHaveProperty('prot');
    expect(result.config?.gateway.auth).not.toHaveProperty('tokn');
    expect(result.config?.gateway.auth.rateLimit.maxAttempts).toBe(10);
    expect(result.config).not.toHaveProperty('loging');
    expect(result.config?.logging.level).toBe('info');
  });

  it('unknown keys and errors are both reported; there is no config', () => {
    const result = validateConfig({ gateway: { bind: 'x', prot: 1 }, loging: {} });
    expect(result.config).toBeUndefined();
    expect(result.errors).toEqual([
      { code: 'invalid-value', path: ['gateway', 'bind'], message: `gateway.bind: expected one of ${BIND_VALUES}, found string "x"` },
    ]);
    expect(result.warnings).toEqual([
      {
        code: 'unknown-key',
        path: ['gateway', 'prot'],
        message: 'unknown key gateway.prot (did you mean gateway.port?); it is ignored',
        suggestion: 'port',
      },
      { code: 'unknown-key', path: ['loging'], message: 'unknown key loging (did you mean logging?); it is ignored', suggestion: 'logging' },
    ]);
  });

  it('keys in the open places (plugin config, model params, env vars) are not unknown keys', () => {
    const input = {
      plugins: { entries: { voice: { config: { anything: { goes: true } } } } },
      agents: { defaults: { models: { 'anthropic/claude': { params: { temprature: 0.2 } } } } },
      env: { vars: { any_name: 'x' }, OC_INLINE: 'y' },
    };
    const result = validateConfig(input);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.config?.plugins.entries?.voice?.config).toEqual({ anything: { goes: true } });
    expect(result.config?.agents.defaults.models?.['anthropic/claude']?.params).toEqual({ temprature: 0.2 });
    // Beside them, a misspelt fixed key is still caught.
    expect(validateConfig({ plugins: { entries: { voice: { enbled: true } } } }).warnings).toEqual([
      {
        code: 'unknown-key',
        path: ['plugins', 'entries', 'voice', 'enbled'],
        message: 'unknown key plugins.entries.voice.enbled (did you mean plugins.entries.voice.enabled?); it is ignored',
        suggestion: 'enabled',
      },
    ]);
  });
});

describe('describeFound', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [{ a: 1 }, 'an object'],
    [{}, 'an object'],
    [[1, 2], 'an array'],
    [[], 'an array'],
    ['x', 'string "x"'],
    ['', 'string ""'],
    [42, 'number 42'],
    [true, 'boolean true'],
    // Shown while the JSON text is at most 40 characters (38 + the quotes).
    ['a'.repeat(38), `string "${'a'.repeat(38)}"`],
    ['a'.repeat(39), 'string'],
    ['a'.repeat(500), 'string'],
    [-0.5, 'number -0.5'],
  ])('%j reads as %s', (value, expected) => {
    expect(describeFound(value)).toBe(expected);
  });
});

describe('suggestKey', () => {
  const known = ['port', 'mode', 'bind', 'customBindHost', 'auth', 'tailscale', 'controlUi', 'trustedProxies', 'remote'];

  it.each([
    ['prot', 'port'],
    ['PORT', 'port'],
    ['bnd', 'bind'],
    ['custombindhost', 'customBindHost'],
    ['customBindHst', 'customBindHost'],
    ['tailScale', 'tailscale'],
    ['trustedProxy', 'trustedProxies'],
    ['controlUI', 'controlUi'],
  ])('%s -> %s', (key, expected) => {
    expect(suggestKey(key, known)).toBe(expected);
  });

  it.each(['zzzzzz', 'listen', 'address', 'x'])('%s has no suggestion', (key) => {
    expect(suggestKey(key, known)).toBeUndefined();
  });

  it('allows more edits for longer keys (a third of the length, at least 2)', () => {
    expect(suggestKey('ab', ['xy'])).toBe('xy');
    expect(suggestKey('abc', ['xyz'])).toBeUndefined();
    expect(suggestKey('abcdefghi', ['abcxyzghi'])).toBe('abcxyzghi');
    expect(suggestKey('abcdefghi', ['wxyzefghi'])).toBeUndefined();
  });

  it('prefers the closest candidate, and the first of equally close ones', () => {
    expect(suggestKey('mod', ['model', 'mode'])).toBe('mode');
    expect(suggestKey('bar', ['baz', 'bat'])).toBe('baz');
  });

  it('has nothing to suggest without candidates', () => {
    expect(suggestKey('port', [])).toBeUndefined();
  });
});
