import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { OpenClawConfigSchema, configJsonSchema, schemaKeysAt } from './index.ts';
import type { OpenClawConfig, OpenClawConfigInput } from './index.ts';

type Path = (string | number)[];

/** Builds `{ a: { b: value } }` from `['a', 'b']`. */
function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

function issues(input: unknown) {
  const result = OpenClawConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues;
}

/** The issues that are not unknown keys, i.e. the ones the loader treats as errors. */
function errors(input: unknown) {
  return issues(input).filter((issue) => issue.code !== 'unrecognized_keys');
}

describe('defaults', () => {
  it('fills the whole tree from an empty file', () => {
    expect(OpenClawConfigSchema.parse({})).toEqual({
      logging: { level: 'info', maxFileBytes: 10 * 1024 * 1024, retentionDays: 7, redactSensitive: true },
      models: { mode: 'merge' },
      agents: {
        defaults: {
          model: { primary: 'anthropic/claude-opus-4-5', fallbacks: [] },
          bootstrapMaxChars: 20_000,
          timeoutSeconds: 600,
          typingIntervalSeconds: 6,
        },
      },
      session: { dmScope: 'main', mainKey: 'main', resetTriggers: ['/new', '/reset'] },
      gateway: {
        port: 18789,
        mode: 'local',
        bind: 'loopback',
        auth: { allowTailscale: false, rateLimit: { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000 } },
        tailscale: { mode: 'off', resetOnExit: false },
        controlUi: { enabled: true, basePath: '/' },
      },
      plugins: { enabled: true },
    });
  });

  it('leaves sections without defaults absent, and auth.mode unset', () => {
    const config = OpenClawConfigSchema.parse({});
    expect(config.channels).toBeUndefined();
    expect(config.env).toBeUndefined();
    expect(config.auth).toBeUndefined();
    expect(config.gateway.auth.mode).toBeUndefined();
  });

  it('fills nested defaults inside a partly written section', () => {
    const config = OpenClawConfigSchema.parse({ gateway: { auth: { token: 't', rateLimit: { maxAttempts: 3 } } } });
    expect(config.gateway.port).toBe(18789);
    expect(config.gateway.auth).toEqual({
      token: 't',
      allowTailscale: false,
      rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 300_000 },
    });
  });

  it('fills channel defaults once a channel is present, but not inside accounts', () => {
    const { channels } = OpenClawConfigSchema.parse({
      channels: { telegram: { accounts: { work: { botToken: '1:x' } } }, discord: {}, whatsapp: {} },
    });
    expect(channels?.telegram).toEqual({
      enabled: true,
      dmPolicy: 'pairing',
      groupPolicy: 'allowlist',
      textChunkLimit: 4096,
      accounts: { work: { botToken: '1:x' } },
    });
    expect(channels?.discord).toEqual({
      enabled: true,
      dm: { policy: 'pairing' },
      groupPolicy: 'allowlist',
      textChunkLimit: 2000,
      maxLinesPerMessage: 17,
    });
    expect(channels?.whatsapp).toMatchObject({ enabled: true, dmPolicy: 'pairing', groupPolicy: 'allowlist', textChunkLimit: 4000 });
    expect(channels?.whatsapp?.reconnect).toEqual({ initialMs: 2000, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: 12 });
  });

  it('keeps an omitted per-agent fallbacks distinct from an empty one', () => {
    const config = OpenClawConfigSchema.parse({ agents: { list: [{ id: 'a', model: { primary: 'openai/gpt-5' } }] } });
    expect(config.agents.list?.[0]?.model).toEqual({ primary: 'openai/gpt-5' });
  });

  it('types the input as optional where defaults exist and the output as filled', () => {
    expectTypeOf<Record<never, never>>().toExtend<OpenClawConfigInput>();
    expectTypeOf<OpenClawConfig['gateway']['port']>().toEqualTypeOf<number>();
    expectTypeOf<OpenClawConfigInput['gateway']>().toEqualTypeOf<
      NonNullable<OpenClawConfigInput['gateway']> | undefined
    >();
  });
});

describe('enums', () => {
  const cases: [string, string[]][] = [
    ['gateway.mode', ['gateway', 'mode']],
    ['gateway.bind', ['gateway', 'bind']],
    ['gateway.auth.mode', ['gateway', 'auth', 'mode']],
    ['gateway.tailscale.mode', ['gateway', 'tailscale', 'mode']],
    ['models.mode', ['models', 'mode']],
    ['models.providers.*.api', ['models', 'providers', 'local', 'api']],
    ['auth.profiles.*.mode', ['auth', 'profiles', 'anthropic:default', 'mode']],
    ['session.dmScope', ['session', 'dmScope']],
    ['session.reset.mode', ['session', 'reset', 'mode']],
    ['logging.level', ['logging', 'level']],
    ['channels.telegram.dmPolicy', ['channels', 'telegram', 'dmPolicy']],
    ['channels.telegram.groupPolicy', ['channels', 'telegram', 'groupPolicy']],
    ['channels.telegram.accounts.*.dmPolicy', ['channels', 'telegram', 'accounts', 'work', 'dmPolicy']],
    ['channels.discord.dm.policy', ['channels', 'discord', 'dm', 'policy']],
    ['channels.discord.groupPolicy', ['channels', 'discord', 'groupPolicy']],
    ['channels.whatsapp.dmPolicy', ['channels', 'whatsapp', 'dmPolicy']],
    ['channels.whatsapp.groupPolicy', ['channels', 'whatsapp', 'groupPolicy']],
  ];

  it.each(cases)('%s rejects an unknown value at its path', (_name, path) => {
    // Some enums sit beside required fields (auth profiles need a provider); only the enum matters here.
    const found = errors(nest(path, 'bogus')).filter((issue) => issue.code === 'invalid_value');
    expect(found).toEqual([expect.objectContaining({ code: 'invalid_value', path })]);
  });
});

describe('unknown keys', () => {
  const cases: [string, unknown, Path, string][] = [
    ['a typo in gateway', { gateway: { prot: 1 } }, ['gateway'], 'prot'],
    ['an unknown top-level section', { wizard: {} }, [], 'wizard'],
    ['a key in gateway.auth', { gateway: { auth: { tokn: 'x' } } }, ['gateway', 'auth'], 'tokn'],
    ['a key in a telegram group', { channels: { telegram: { groups: { '-100123': { requireMentions: true } } } } }, ['channels', 'telegram', 'groups', '-100123'], 'requireMentions'],
    ['dmPolicy on discord', { channels: { discord: { dmPolicy: 'open' } } }, ['channels', 'discord'], 'dmPolicy'],
    ['a key in an agents.list entry', { agents: { list: [{ id: 'a', modle: 'x' }] } }, ['agents', 'list', 0], 'modle'],
    ['a key in a telegram account', { channels: { telegram: { accounts: { work: { bot_token: 'x' } } } } }, ['channels', 'telegram', 'accounts', 'work'], 'bot_token'],
    ['a non-variable key in env', { env: { shelEnv: { enabled: true } } }, ['env'], 'shelEnv'],
    ['a key in a plugin entry', { plugins: { entries: { p: { enable: true } } } }, ['plugins', 'entries', 'p'], 'enable'],
  ];

  it.each(cases)('reports %s as unrecognized_keys at its parent, and nothing else', (_name, input, path, key) => {
    const found = issues(input);
    expect(found).toEqual([expect.objectContaining({ code: 'unrecognized_keys', path, keys: [key] })]);
  });

  it('accepts the open places: plugin channels, plugin config, model params, env entries, $schema', () => {
    const input = {
      $schema: './node_modules/@openclaw/config/openclaw.schema.json',
      channels: { matrix: { homeserver: 'https://m.example', nested: { anything: [1] } } },
      plugins: { entries: { matrix: { enabled: true, config: { whatever: { deep: true } } } } },
      agents: { defaults: { models: { 'openai/gpt-5': { alias: 'gpt', params: { temperature: 0.2, reasoning: { effort: 'high' } } } } } },
      env: { OPENAI_API_KEY: 'sk-test', vars: { http_proxy: 'http://proxy:3128' }, shellEnv: { enabled: true } },
    };
    expect(issues(input)).toEqual([]);
  });

  it('still requires a plugin channel value to be an object', () => {
    expect(errors({ channels: { matrix: 'yes' } })).toEqual([expect.objectContaining({ path: ['channels', 'matrix'] })]);
  });

  it('rejects a non-string value for an UPPER_CASE env entry', () => {
    expect(errors({ env: { OPENAI_API_KEY: 42 } })).toEqual([
      expect.objectContaining({ code: 'invalid_type', path: ['env', 'OPENAI_API_KEY'] }),
    ]);
  });
});

describe('open DM policy needs "*"', () => {
  const message = /must include "\*"/;

  it('reports telegram at channels.telegram.allowFrom', () => {
    const found = errors({ channels: { telegram: { dmPolicy: 'open', allowFrom: [12345] } } });
    expect(found).toEqual([expect.objectContaining({ code: 'custom', path: ['channels', 'telegram', 'allowFrom'] })]);
    expect(found[0]?.message).toMatch(message);
    expect(found[0]?.message).toContain('channels.telegram.dmPolicy');
  });

  it('accepts telegram open with "*"', () => {
    expect(issues({ channels: { telegram: { dmPolicy: 'open', allowFrom: ['*'] } } })).toEqual([]);
  });

  it('reports discord at channels.discord.dm.allowFrom', () => {
    const found = errors({ channels: { discord: { dm: { policy: 'open' } } } });
    expect(found).toEqual([expect.objectContaining({ code: 'custom', path: ['channels', 'discord', 'dm', 'allowFrom'] })]);
    expect(found[0]?.message).toMatch(message);
    expect(found[0]?.message).toContain('channels.discord.dm.policy');
    expect(issues({ channels: { discord: { dm: { policy: 'open', allowFrom: ['*'] } } } })).toEqual([]);
  });

  it('reports whatsapp at channels.whatsapp.allowFrom', () => {
    expect(errors({ channels: { whatsapp: { dmPolicy: 'open', allowFrom: ['+15551234567'] } } })).toEqual([
      expect.objectContaining({ path: ['channels', 'whatsapp', 'allowFrom'], message: expect.stringMatching(message) }),
    ]);
  });

  it('checks accounts on their effective (inherited) policy and allowlist', () => {
    const found = errors({
      channels: {
        telegram: {
          dmPolicy: 'open',
          allowFrom: ['*'],
          accounts: { work: { allowFrom: [1] }, home: { botToken: 'x' }, ok: { dmPolicy: 'open' } },
        },
        discord: { accounts: { alt: { dm: { policy: 'open' } } } },
      },
    });
    expect(found.map((issue) => issue.path)).toEqual([
      ['channels', 'telegram', 'accounts', 'work', 'allowFrom'],
      ['channels', 'discord', 'accounts', 'alt', 'dm', 'allowFrom'],
    ]);
    expect(found[0]?.message).toContain('inherited from channels.telegram.dmPolicy');
  });

  it('is still reported when the same object also has an unknown key', () => {
    const found = errors({ channels: { telegram: { dmPolicy: 'open', typo: 1 } } });
    expect(found.map((issue) => issue.path)).toEqual([['channels', 'telegram', 'allowFrom']]);
  });
});

describe('telegram webhook', () => {
  it('requires webhookSecret with webhookUrl', () => {
    const found = errors({ channels: { telegram: { webhookUrl: 'https://bot.example/tg' } } });
    expect(found).toEqual([expect.objectContaining({ code: 'custom', path: ['channels', 'telegram', 'webhookSecret'] })]);
    expect(found[0]?.message).toContain('required when channels.telegram.webhookUrl is set');
  });

  it('accepts a webhook with a secret, and an account inheriting the secret', () => {
    expect(
      issues({
        channels: {
          telegram: {
            webhookUrl: 'https://bot.example/tg',
            webhookSecret: 's3cret_-',
            accounts: { b: { webhookUrl: 'https://bot.example/b' } },
          },
        },
      }),
    ).toEqual([]);
  });

  it('requires a secret for an account webhook when none is inherited', () => {
    expect(errors({ channels: { telegram: { accounts: { b: { webhookUrl: 'https://bot.example/b' } } } } })).toEqual([
      expect.objectContaining({ path: ['channels', 'telegram', 'accounts', 'b', 'webhookSecret'] }),
    ]);
  });

  it('rejects a non-HTTPS webhook URL', () => {
    expect(errors({ channels: { telegram: { webhookUrl: 'http://bot.example/tg', webhookSecret: 's' } } })).toEqual([
      expect.objectContaining({ path: ['channels', 'telegram', 'webhookUrl'] }),
    ]);
  });
});

describe('value checks', () => {
  const cases: [string, unknown, Path][] = [
    ['a port out of range', { gateway: { port: 70_000 } }, ['gateway', 'port']],
    ['a fractional port', { gateway: { port: 18789.5 } }, ['gateway', 'port']],
    ['a basePath without a leading slash', { gateway: { controlUi: { basePath: 'ui' } } }, ['gateway', 'controlUi', 'basePath']],
    ['a customBindHost that is not an IP address', { gateway: { bind: 'custom', customBindHost: 'nas.local' } }, ['gateway', 'customBindHost']],
    ['a remote URL that is not ws(s)', { gateway: { remote: { url: 'http://gw:18789' } } }, ['gateway', 'remote', 'url']],
    ['an agent without id', { agents: { list: [{ name: 'x' }] } }, ['agents', 'list', 0, 'id']],
    ['a duplicate agent id', { agents: { list: [{ id: 'a' }, { id: 'A' }] } }, ['agents', 'list', 1, 'id']],
    ['a model key without provider', { agents: { defaults: { models: { opus: {} } } } }, ['agents', 'defaults', 'models', 'opus']],
    ['an hour out of range', { session: { reset: { mode: 'daily', atHour: 24 } } }, ['session', 'reset', 'atHour']],
    ['a Telegram chunk limit above the platform maximum', { channels: { telegram: { textChunkLimit: 5000 } } }, ['channels', 'telegram', 'textChunkLimit']],
    ['a WhatsApp number with spaces', { channels: { whatsapp: { allowFrom: ['+1 555 123'] } } }, ['channels', 'whatsapp', 'allowFrom', 0]],
    ['an invalid redact pattern', { logging: { redactPatterns: ['(unclosed'] } }, ['logging', 'redactPatterns', 0]],
    ['a provider baseUrl that is not http(s)', { models: { providers: { x: { baseUrl: 'ftp://x' } } } }, ['models', 'providers', 'x', 'baseUrl']],
    ['an auth profile without provider', { auth: { profiles: { p: { mode: 'oauth' } } } }, ['auth', 'profiles', 'p', 'provider']],
  ];

  it.each(cases)('rejects %s', (_name, input, path) => {
    expect(errors(input)).toEqual([expect.objectContaining({ path })]);
  });

  it('accepts a realistic config', () => {
    const input: OpenClawConfigInput = {
      gateway: { bind: 'lan', auth: { mode: 'token', token: 'abc' }, trustedProxies: ['10.0.0.1'] },
      agents: { list: [{ id: 'main', default: true, model: 'anthropic/claude-opus-4-5', identity: { emoji: '🦞' } }] },
      models: { providers: { ollama: { baseUrl: 'http://127.0.0.1:11434/v1', api: 'openai-completions', models: [{ id: 'llama3' }] } } },
      auth: { profiles: { 'anthropic:default': { provider: 'anthropic', mode: 'api_key' } }, order: { anthropic: ['anthropic:default'] } },
      session: { dmScope: 'per-channel-peer', reset: { mode: 'daily', atHour: 4 } },
      channels: {
        telegram: { botToken: '123:abc', groups: { '*': { requireMention: true } } },
        discord: { token: 't', guilds: { '123': { channels: { general: { allow: true } } } } },
        whatsapp: { allowFrom: ['+15551234567'], selfChatMode: true },
      },
      logging: { level: 'debug', file: '/var/log/openclaw.log' },
      meta: { lastTouchedVersion: '2026.2.3', lastTouchedAt: '2026-02-03T00:00:00.000Z' },
    };
    expect(issues(input)).toEqual([]);
  });
});

describe('schemaKeysAt', () => {
  it('lists the properties of objects, following records and arrays', () => {
    expect(schemaKeysAt(['gateway'])).toContain('port');
    expect(schemaKeysAt(['channels', 'telegram', 'groups', '-100123'])).toContain('requireMention');
    expect(schemaKeysAt(['agents', 'list', 0])).toContain('id');
    expect(schemaKeysAt(['agents', 'list', '0'])).toContain('id');
    expect(schemaKeysAt(['agents', 'list', 0, 'model'])).toEqual(['primary', 'fallbacks']);
    expect(schemaKeysAt(['channels', 'discord', 'accounts', 'alt', 'dm'])).toEqual(['enabled', 'allowFrom', 'policy']);
    expect(schemaKeysAt(['env'])).toEqual(['vars', 'shellEnv']);
    expect(schemaKeysAt([])).toEqual(expect.arrayContaining(['gateway', 'agents', 'channels', '$schema']));
  });

  it('gives [] for open objects and undefined where the path leads nowhere', () => {
    expect(schemaKeysAt(['channels', 'matrix'])).toEqual([]);
    expect(schemaKeysAt(['gateway', 'nope'])).toBeUndefined();
    expect(schemaKeysAt(['gateway', 'port'])).toBeUndefined();
    expect(schemaKeysAt(['plugins', 'entries', 'p', 'config'])).toBeUndefined();
  });
});

describe('JSON Schema', () => {
  it('is committed up to date in openclaw.schema.json (run scripts/generate.ts)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../openclaw.schema.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  });

  it('describes the input: identified, strict, defaults optional', () => {
    const schema = configJsonSchema();
    expect(schema).toMatchObject({ $id: expect.stringContaining('openclaw.schema.json'), title: expect.any(String) });
    expect(schema.additionalProperties).toBe(false);
    const gateway = schema.properties?.gateway;
    expect(gateway).toMatchObject({ additionalProperties: false, properties: { port: { default: 18789 } } });
    expect(typeof gateway === 'object' ? gateway.required : []).toBeUndefined();
  });

  it('hands out copies', () => {
    const first = configJsonSchema();
    first.title = 'changed';
    expect(configJsonSchema().title).toBe('OpenClaw configuration');
  });
});
