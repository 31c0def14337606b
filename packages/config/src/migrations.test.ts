import { describe, expect, it } from 'vitest';
import { LEGACY_MIGRATIONS, hasLegacyKeys, migrateLegacyConfig } from './migrations.ts';
import type { ConfigPath, MigrationChange } from './migrations.ts';

type Json = Record<string, unknown>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Json)[key]);
    Object.freeze(value);
  }
  return value;
}

function getAt(root: unknown, path: ConfigPath): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Json)[key as string];
  }
  return node;
}

/** The config with every scalar replaced by the JSON of its path: a stand-in for the loader's origin tree. */
function originTree(value: unknown, path: ConfigPath = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => originTree(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const out: Json = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: originTree(item, [...path, key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return JSON.stringify(path);
}

function put(root: Json, path: ConfigPath, value: unknown): void {
  let node = root as Json;
  for (const key of path.slice(0, -1)) {
    const next = node[key as string];
    if (typeof next !== 'object' || next === null) {
      Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
    }
    node = node[key as string] as Json;
  }
  const last = path[path.length - 1] as string;
  const existing = node[last];
  const isEmpty = typeof existing === 'object' && existing !== null && Object.keys(existing).length === 0;
  if (existing === undefined || isEmpty) Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

/** Replays the changes on the origin tree the way a loader remembering provenance does. */
function replay(raw: Json, changes: readonly MigrationChange[]): Json {
  const tree = originTree(raw) as Json;
  for (const c of changes) {
    if (c.action === 'set') continue;
    const value = getAt(tree, c.from);
    if (value === undefined) continue;
    const parent = getAt(tree, c.from.slice(0, -1)) as Json;
    delete parent[c.from[c.from.length - 1] as string];
    if (c.to) put(tree, c.to, value);
  }
  return tree;
}

function leaves(tree: unknown, path: ConfigPath = []): [ConfigPath, string][] {
  if (typeof tree === 'string') return [[path, tree]];
  if (typeof tree !== 'object' || tree === null) return [];
  return Object.entries(tree).flatMap(([key, item]) => leaves(item, [...path, Array.isArray(tree) ? Number(key) : key]));
}

/**
 * Migrates `raw` and checks what every migration must guarantee: the input is not
 * touched, a second run changes nothing, and replaying the changes' from/to paths puts
 * every surviving user value exactly where the migrated config has it.
 */
function migrate(raw: Json): { config: Json; changes: MigrationChange[] } {
  const before = structuredClone(raw);
  deepFreeze(raw);
  const result = migrateLegacyConfig(raw);
  expect(raw).toEqual(before);
  expect(migrateLegacyConfig(result.config).changes).toEqual([]);
  const rewritten = new Set(result.changes.filter((ch) => ch.action === 'set').map((ch) => JSON.stringify(ch.to)));
  for (const [path, origin] of leaves(replay(raw, result.changes))) {
    const original = getAt(raw, JSON.parse(origin) as ConfigPath);
    const migrated = getAt(result.config, path);
    // Values that change form: #11 turns routing.defaultAgentId into `default: true`, #10 an
    // alias's ref into the alias name, and `set` rewrites a value in place (#13).
    const last = path[path.length - 1];
    if (last === 'default' || last === 'alias' || rewritten.has(JSON.stringify(path))) expect(migrated).toBeDefined();
    else expect({ path, value: migrated }).toEqual({ path, value: original });
  }
  return result;
}

const c = (number: number, id: string, action: MigrationChange['action'], from: ConfigPath, to: ConfigPath | undefined, detail: string) =>
  to === undefined ? { number, id, action, from, detail } : { number, id, action, from, to, detail };

const ID5 = 'providers->channels';
const ID6 = 'routing.allowFrom->channels.whatsapp.allowFrom';
const ID7 = 'routing.groupChat.requireMention->groups.*.requireMention';
const ID8 = 'gateway.token->gateway.auth.token';
const ID9 = 'telegram.requireMention->channels.telegram.groups.*.requireMention';
const ID10 = 'agent.model-config-v2';
const ID11 = 'routing.agents-v2';
const ID13 = 'auth.anthropic-claude-cli-mode-oauth';
const ID16 = 'agent.defaults-v2';
const ID17 = 'identity->agents.list';

describe('LEGACY_MIGRATIONS', () => {
  it('is the original table: numbered 1..17 in order, with its ids', () => {
    expect(LEGACY_MIGRATIONS.map((m) => [m.number, m.id])).toEqual([
      [1, 'bindings.match.provider->bindings.match.channel'],
      [2, 'bindings.match.accountID->bindings.match.accountId'],
      [3, 'session.sendPolicy.rules.match.provider->match.channel'],
      [4, 'messages.queue.byProvider->byChannel'],
      [5, ID5],
      [6, ID6],
      [7, ID7],
      [8, ID8],
      [9, ID9],
      [10, ID10],
      [11, ID11],
      [12, 'routing.config-v2'],
      [13, ID13],
      [14, 'tools.bash->tools.exec'],
      [15, 'messages.tts.enabled->auto'],
      [16, ID16],
      [17, ID17],
    ]);
    for (const m of LEGACY_MIGRATIONS) expect(m.description.length).toBeGreaterThan(10);
  });

  it('marks the migrations whose targets our schema lacks as skipped, each with a reason, and they never apply', () => {
    const skipped = LEGACY_MIGRATIONS.filter((m) => m.skipped !== undefined);
    expect(skipped.map((m) => m.number)).toEqual([1, 2, 3, 4, 12, 14, 15]);
    for (const m of skipped) expect(m.skipped).toMatch(/\bschema\b/);
    const legacy = {
      bindings: [{ agentId: 'work', match: { provider: 'telegram', accountID: 'a' } }],
      session: { sendPolicy: { rules: [{ action: 'deny', match: { provider: 'discord' } }] } },
      messages: { queue: { byProvider: { telegram: 'steer' } }, tts: { enabled: true } },
      routing: { bindings: [], queue: { mode: 'steer' } },
      tools: { bash: { backgroundMs: 1000 } },
    };
    for (const m of skipped) {
      const config = structuredClone(legacy);
      expect(m.apply(config)).toEqual([]);
      expect(config).toEqual(legacy);
    }
    // Their keys are left for the validator to report, not silently moved or lost.
    expect(migrate(structuredClone(legacy))).toEqual({ config: legacy, changes: [] });
  });
});

describe('#5 providers->channels', () => {
  it('moves all seven top-level channel sections under channels', () => {
    const raw = {
      whatsapp: { allowFrom: ['+15551234567'] },
      telegram: { botToken: '123:abc' },
      discord: { token: 'disc' },
      slack: { botToken: 'xoxb' },
      signal: { account: '+1555' },
      imessage: { cliPath: 'imsg' },
      msteams: { appId: 'app' },
      gateway: { mode: 'local' },
    };
    expect(migrate(raw)).toEqual({
      config: {
        gateway: { mode: 'local' },
        channels: {
          whatsapp: { allowFrom: ['+15551234567'] },
          telegram: { botToken: '123:abc' },
          discord: { token: 'disc' },
          slack: { botToken: 'xoxb' },
          signal: { account: '+1555' },
          imessage: { cliPath: 'imsg' },
          msteams: { appId: 'app' },
        },
      },
      changes: ['whatsapp', 'telegram', 'discord', 'slack', 'signal', 'imessage', 'msteams'].map((key) =>
        c(5, ID5, 'move', [key], ['channels', key], `moved ${key} to channels.${key}`),
      ),
    });
  });

  it('deep-merges into an existing channels entry: existing values win and each conflict is reported', () => {
    const raw = {
      telegram: { botToken: 'old', dmPolicy: 'open', allowFrom: ['*'], groups: { '-100': { requireMention: false } } },
      channels: { telegram: { botToken: 'new', groups: { '-200': { requireMention: true } } }, discord: { token: 'd' } },
    };
    expect(migrate(raw)).toEqual({
      config: {
        channels: {
          telegram: {
            botToken: 'new',
            groups: { '-200': { requireMention: true }, '-100': { requireMention: false } },
            dmPolicy: 'open',
            allowFrom: ['*'],
          },
          discord: { token: 'd' },
        },
      },
      changes: [
        c(5, ID5, 'drop', ['telegram', 'botToken'], undefined, 'dropped telegram.botToken: channels.telegram.botToken is already set and wins'),
        c(5, ID5, 'merge', ['telegram', 'dmPolicy'], ['channels', 'telegram', 'dmPolicy'], 'merged telegram.dmPolicy into channels.telegram.dmPolicy'),
        c(5, ID5, 'merge', ['telegram', 'allowFrom'], ['channels', 'telegram', 'allowFrom'], 'merged telegram.allowFrom into channels.telegram.allowFrom'),
        c(
          5,
          ID5,
          'merge',
          ['telegram', 'groups', '-100'],
          ['channels', 'telegram', 'groups', '-100'],
          'merged telegram.groups["-100"] into channels.telegram.groups["-100"]',
        ),
      ],
    });
  });

  it('says when a conflicting legacy value is identical, and reports an empty legacy section it removes', () => {
    const raw = { discord: { token: 'same' }, slack: {}, channels: { discord: { token: 'same' }, slack: { botToken: 'x' } } };
    expect(migrate(raw)).toEqual({
      config: { channels: { discord: { token: 'same' }, slack: { botToken: 'x' } } },
      changes: [
        c(5, ID5, 'drop', ['discord', 'token'], undefined, 'dropped discord.token: channels.discord.token already has the same value'),
        c(5, ID5, 'merge', ['slack'], ['channels', 'slack'], 'merged the empty slack into channels.slack'),
      ],
    });
  });

  it('leaves sections it cannot merge for the validator', () => {
    const raw = { telegram: { botToken: 'x' }, discord: 'not an object', channels: { telegram: 'broken' } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
    const notRecord = { telegram: { botToken: 'x' }, channels: ['broken'] };
    expect(migrate(notRecord)).toEqual({ config: notRecord, changes: [] });
  });
});

describe('#6 routing.allowFrom->channels.whatsapp.allowFrom', () => {
  it('moves the allowlist into a configured channels.whatsapp', () => {
    const raw = { routing: { allowFrom: ['+15551234567', '+447700900123'] }, channels: { whatsapp: { dmPolicy: 'allowlist' } } };
    expect(migrate(raw)).toEqual({
      config: { channels: { whatsapp: { dmPolicy: 'allowlist', allowFrom: ['+15551234567', '+447700900123'] } } },
      changes: [c(6, ID6, 'move', ['routing', 'allowFrom'], ['channels', 'whatsapp', 'allowFrom'], 'moved routing.allowFrom to channels.whatsapp.allowFrom')],
    });
  });

  it('keeps the allowlist when whatsapp is not configured, creating channels.whatsapp (the original drops it)', () => {
    const raw = { routing: { allowFrom: ['+15551234567'] }, channels: { telegram: { botToken: 't' } } };
    expect(migrate(raw)).toEqual({
      config: { channels: { telegram: { botToken: 't' }, whatsapp: { allowFrom: ['+15551234567'] } } },
      changes: [
        c(
          6,
          ID6,
          'move',
          ['routing', 'allowFrom'],
          ['channels', 'whatsapp', 'allowFrom'],
          'moved routing.allowFrom to channels.whatsapp.allowFrom (created channels.whatsapp to keep the allowlist; it takes effect once WhatsApp is linked)',
        ),
      ],
    });
    // Also with no channels section at all.
    expect(migrate({ routing: { allowFrom: ['+1'] } }).config).toEqual({ channels: { whatsapp: { allowFrom: ['+1'] } } });
  });

  it('drops the legacy list, saying so, when channels.whatsapp.allowFrom is already set', () => {
    const raw = { routing: { allowFrom: ['+1'], other: true }, channels: { whatsapp: { allowFrom: ['+2'] } } };
    expect(migrate(raw)).toEqual({
      config: { routing: { other: true }, channels: { whatsapp: { allowFrom: ['+2'] } } },
      changes: [
        c(6, ID6, 'drop', ['routing', 'allowFrom'], undefined, 'dropped routing.allowFrom: channels.whatsapp.allowFrom is already set and wins'),
      ],
    });
  });

  it('leaves it when channels.whatsapp is not an object', () => {
    const raw = { routing: { allowFrom: ['+1'] }, channels: { whatsapp: true } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });
});

describe('#7 routing.groupChat.requireMention->groups.*.requireMention', () => {
  it('sets groups."*".requireMention on each configured whatsapp/telegram/imessage channel', () => {
    const raw = {
      routing: { groupChat: { requireMention: false } },
      channels: { whatsapp: { groups: { '123@g.us': { requireMention: true } } }, imessage: {}, discord: { token: 'd' } },
    };
    expect(migrate(raw)).toEqual({
      config: {
        channels: {
          whatsapp: { groups: { '123@g.us': { requireMention: true }, '*': { requireMention: false } } },
          imessage: { groups: { '*': { requireMention: false } } },
          discord: { token: 'd' },
        },
      },
      changes: [
        c(
          7,
          ID7,
          'move',
          ['routing', 'groupChat', 'requireMention'],
          ['channels', 'whatsapp', 'groups', '*', 'requireMention'],
          'moved routing.groupChat.requireMention to channels.whatsapp.groups["*"].requireMention',
        ),
        c(
          7,
          ID7,
          'move',
          ['routing', 'groupChat', 'requireMention'],
          ['channels', 'imessage', 'groups', '*', 'requireMention'],
          'moved routing.groupChat.requireMention to channels.imessage.groups["*"].requireMention',
        ),
      ],
    });
  });

  it('keeps an existing default-group setting and a more specific telegram.requireMention, reporting both', () => {
    const raw = {
      routing: { groupChat: { requireMention: true, historyLimit: 20 } },
      channels: { whatsapp: { groups: { '*': { requireMention: false } } }, telegram: { requireMention: false } },
    };
    expect(migrate(raw)).toEqual({
      config: {
        // historyLimit belongs to skipped #12 and stays for the validator.
        routing: { groupChat: { historyLimit: 20 } },
        channels: { whatsapp: { groups: { '*': { requireMention: false } } }, telegram: { groups: { '*': { requireMention: false } } } },
      },
      changes: [
        c(
          7,
          ID7,
          'drop',
          ['routing', 'groupChat', 'requireMention'],
          undefined,
          'dropped routing.groupChat.requireMention: channels.whatsapp.groups["*"].requireMention is already set and wins',
        ),
        c(
          7,
          ID7,
          'drop',
          ['routing', 'groupChat', 'requireMention'],
          undefined,
          'did not apply routing.groupChat.requireMention to channels.telegram: its own channels.telegram.requireMention is more specific',
        ),
        c(
          9,
          ID9,
          'move',
          ['channels', 'telegram', 'requireMention'],
          ['channels', 'telegram', 'groups', '*', 'requireMention'],
          'moved channels.telegram.requireMention to channels.telegram.groups["*"].requireMention',
        ),
      ],
    });
  });

  it('reports the drop when no group channel is configured', () => {
    expect(migrate({ routing: { groupChat: { requireMention: true } } })).toEqual({
      config: {},
      changes: [
        c(
          7,
          ID7,
          'drop',
          ['routing', 'groupChat', 'requireMention'],
          undefined,
          'dropped routing.groupChat.requireMention: none of channels.whatsapp, channels.telegram, channels.imessage is configured',
        ),
      ],
    });
  });

  it('leaves it when a channel\'s groups is not an object', () => {
    const raw = { routing: { groupChat: { requireMention: true } }, channels: { telegram: { groups: 'x' } } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });
});

describe('#8 gateway.token->gateway.auth.token', () => {
  it('moves the token and does not force auth.mode', () => {
    const raw = { gateway: { port: 18789, token: 'secret-token', auth: { allowTailscale: true } } };
    expect(migrate(raw)).toEqual({
      config: { gateway: { port: 18789, auth: { allowTailscale: true, token: 'secret-token' } } },
      changes: [c(8, ID8, 'move', ['gateway', 'token'], ['gateway', 'auth', 'token'], 'moved gateway.token to gateway.auth.token')],
    });
  });

  it('drops the legacy token when gateway.auth.token is set, without printing either', () => {
    const raw = { gateway: { token: 'old-secret', auth: { mode: 'token', token: 'new-secret' } } };
    const result = migrate(raw);
    expect(result).toEqual({
      config: { gateway: { auth: { mode: 'token', token: 'new-secret' } } },
      changes: [c(8, ID8, 'drop', ['gateway', 'token'], undefined, 'dropped gateway.token: gateway.auth.token is already set and wins')],
    });
    expect(JSON.stringify(result.changes)).not.toMatch(/secret/);
  });

  it('leaves it when gateway.auth is not an object', () => {
    const raw = { gateway: { token: 't', auth: 'token' } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });
});

describe('#9 telegram.requireMention->channels.telegram.groups.*.requireMention', () => {
  it('moves a top-level telegram.requireMention (via #5) into groups."*"', () => {
    const raw = { telegram: { botToken: 't', requireMention: true, groups: { '-100': { requireMention: false } } } };
    expect(migrate(raw)).toEqual({
      config: { channels: { telegram: { botToken: 't', groups: { '-100': { requireMention: false }, '*': { requireMention: true } } } } },
      changes: [
        c(5, ID5, 'move', ['telegram'], ['channels', 'telegram'], 'moved telegram to channels.telegram'),
        c(
          9,
          ID9,
          'move',
          ['channels', 'telegram', 'requireMention'],
          ['channels', 'telegram', 'groups', '*', 'requireMention'],
          'moved channels.telegram.requireMention to channels.telegram.groups["*"].requireMention',
        ),
      ],
    });
  });

  it('keeps an existing groups."*".requireMention', () => {
    const raw = { channels: { telegram: { requireMention: true, groups: { '*': { requireMention: false } } } } };
    expect(migrate(raw)).toEqual({
      config: { channels: { telegram: { groups: { '*': { requireMention: false } } } } },
      changes: [
        c(
          9,
          ID9,
          'drop',
          ['channels', 'telegram', 'requireMention'],
          undefined,
          'dropped channels.telegram.requireMention: channels.telegram.groups["*"].requireMention is already set and wins',
        ),
      ],
    });
  });
});

describe('#10 agent.model-config-v2', () => {
  it('turns model strings, fallbacks, allowedModels and modelAliases into the v2 shape', () => {
    const raw = {
      agent: {
        model: 'anthropic/claude-sonnet-4',
        modelFallbacks: ['openai/gpt-4.1'],
        imageModel: 'openai/gpt-4o',
        imageModelFallbacks: ['google/gemini-2.0-flash'],
        allowedModels: ['anthropic/claude-opus-4', 'openai/gpt-4.1'],
        modelAliases: { opus: 'anthropic/claude-opus-4', sonnet: 'anthropic/claude-sonnet-4' },
      },
    };
    const A = 'agents';
    expect(migrate(raw)).toEqual({
      config: {
        agents: {
          defaults: {
            model: { primary: 'anthropic/claude-sonnet-4', fallbacks: ['openai/gpt-4.1'] },
            imageModel: { primary: 'openai/gpt-4o', fallbacks: ['google/gemini-2.0-flash'] },
            models: {
              'anthropic/claude-opus-4': { alias: 'opus' },
              'openai/gpt-4.1': {},
              'anthropic/claude-sonnet-4': { alias: 'sonnet' },
              'openai/gpt-4o': {},
              'google/gemini-2.0-flash': {},
            },
          },
        },
      },
      changes: [
        c(10, ID10, 'move', ['agent', 'model'], ['agent', 'model', 'primary'], 'moved agent.model (a model string) to agent.model.primary'),
        c(10, ID10, 'move', ['agent', 'modelFallbacks'], ['agent', 'model', 'fallbacks'], 'moved agent.modelFallbacks to agent.model.fallbacks'),
        c(10, ID10, 'move', ['agent', 'imageModel'], ['agent', 'imageModel', 'primary'], 'moved agent.imageModel (a model string) to agent.imageModel.primary'),
        c(
          10,
          ID10,
          'move',
          ['agent', 'imageModelFallbacks'],
          ['agent', 'imageModel', 'fallbacks'],
          'moved agent.imageModelFallbacks to agent.imageModel.fallbacks',
        ),
        c(
          10,
          ID10,
          'set',
          ['agent', 'allowedModels', 0],
          ['agent', 'models', 'anthropic/claude-opus-4'],
          'added agent.models["anthropic/claude-opus-4"] from agent.allowedModels[0]',
        ),
        c(10, ID10, 'set', ['agent', 'allowedModels', 1], ['agent', 'models', 'openai/gpt-4.1'], 'added agent.models["openai/gpt-4.1"] from agent.allowedModels[1]'),
        c(10, ID10, 'drop', ['agent', 'allowedModels'], undefined, 'removed agent.allowedModels: its models are keys of agent.models now'),
        c(
          10,
          ID10,
          'move',
          ['agent', 'modelAliases', 'opus'],
          ['agent', 'models', 'anthropic/claude-opus-4', 'alias'],
          'moved agent.modelAliases.opus to agent.models["anthropic/claude-opus-4"].alias',
        ),
        c(
          10,
          ID10,
          'move',
          ['agent', 'modelAliases', 'sonnet'],
          ['agent', 'models', 'anthropic/claude-sonnet-4', 'alias'],
          'moved agent.modelAliases.sonnet to agent.models["anthropic/claude-sonnet-4"].alias',
        ),
        c(
          10,
          ID10,
          'set',
          ['agent', 'imageModel', 'primary'],
          ['agent', 'models', 'openai/gpt-4o'],
          'added agent.models["openai/gpt-4o"] so that agent.imageModel.primary stays allowed',
        ),
        c(
          10,
          ID10,
          'set',
          ['agent', 'imageModel', 'fallbacks', 0],
          ['agent', 'models', 'google/gemini-2.0-flash'],
          'added agent.models["google/gemini-2.0-flash"] so that agent.imageModel.fallbacks[0] stays allowed',
        ),
        c(16, ID16, 'move', ['agent'], [A, 'defaults'], 'moved agent to agents.defaults'),
      ],
    });
  });

  it('does not turn a lone model string into a one-model allowlist', () => {
    expect(migrate({ agent: { model: 'openai/gpt-4.1', workspace: '~/clawd' } }).config).toEqual({
      agents: { defaults: { model: { primary: 'openai/gpt-4.1' }, workspace: '~/clawd' } },
    });
  });

  it('also fixes legacy keys already under agents.defaults, keeping an existing alias and fallbacks', () => {
    const raw = {
      agents: {
        defaults: {
          model: { primary: 'anthropic/claude-opus-4', fallbacks: ['openai/gpt-4.1'] },
          modelFallbacks: ['openai/o3'],
          models: { 'anthropic/claude-opus-4': { alias: 'big' } },
          modelAliases: { opus: 'anthropic/claude-opus-4' },
        },
      },
    };
    expect(migrate(raw)).toEqual({
      config: {
        agents: {
          defaults: {
            model: { primary: 'anthropic/claude-opus-4', fallbacks: ['openai/gpt-4.1'] },
            models: { 'anthropic/claude-opus-4': { alias: 'big' } },
          },
        },
      },
      changes: [
        c(
          10,
          ID10,
          'drop',
          ['agents', 'defaults', 'modelFallbacks'],
          undefined,
          'dropped agents.defaults.modelFallbacks: agents.defaults.model.fallbacks is already set and wins',
        ),
        c(
          10,
          ID10,
          'drop',
          ['agents', 'defaults', 'modelAliases', 'opus'],
          undefined,
          'dropped agents.defaults.modelAliases.opus: agents.defaults.models["anthropic/claude-opus-4"].alias is already set and wins',
        ),
      ],
    });
  });

  it('leaves what it cannot interpret', () => {
    const raw = { agent: 'anthropic/claude-sonnet-4', agents: { defaults: { model: 5, modelFallbacks: ['x/y'], allowedModels: [1, 2] } } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });
});

describe('#11 routing.agents-v2', () => {
  it('turns routing.agents into agents.list and routing.defaultAgentId into default: true', () => {
    const raw = {
      routing: {
        defaultAgentId: 'work',
        agents: {
          home: { name: 'Home', workspace: '~/home-ws' },
          work: { name: 'Work', model: 'openai/gpt-4.1', mentionPatterns: ['@work'], sandbox: { tools: { deny: ['exec'] } } },
        },
      },
    };
    expect(migrate(raw)).toEqual({
      config: {
        agents: {
          list: [
            { id: 'home', name: 'Home', workspace: '~/home-ws' },
            { id: 'work', name: 'Work', model: 'openai/gpt-4.1', groupChat: { mentionPatterns: ['@work'] }, tools: { sandbox: { tools: { deny: ['exec'] } } }, default: true },
          ],
        },
      },
      changes: [
        c(11, ID11, 'move', ['routing', 'agents', 'home'], ['agents', 'list', 0], 'moved routing.agents.home to agents.list[0] (id "home")'),
        c(11, ID11, 'move', ['routing', 'agents', 'work'], ['agents', 'list', 1], 'moved routing.agents.work to agents.list[1] (id "work")'),
        c(
          11,
          ID11,
          'move',
          ['agents', 'list', 1, 'mentionPatterns'],
          ['agents', 'list', 1, 'groupChat', 'mentionPatterns'],
          'moved agents.list[1].mentionPatterns to agents.list[1].groupChat.mentionPatterns',
        ),
        c(
          11,
          ID11,
          'move',
          ['agents', 'list', 1, 'sandbox', 'tools'],
          ['agents', 'list', 1, 'tools', 'sandbox', 'tools'],
          'moved agents.list[1].sandbox.tools to agents.list[1].tools.sandbox.tools',
        ),
        c(11, ID11, 'move', ['routing', 'defaultAgentId'], ['agents', 'list', 1, 'default'], 'moved routing.defaultAgentId to agents.list[1].default'),
      ],
    });
  });

  it('merges into an existing entry with the same id, and keeps an existing default', () => {
    const raw = {
      routing: { defaultAgentId: 'work', agents: { work: { name: 'Legacy name', workspace: '~/work' } } },
      agents: { list: [{ id: 'main', default: true }, { id: 'work', name: 'Work' }] },
    };
    expect(migrate(raw)).toEqual({
      config: { agents: { list: [{ id: 'main', default: true }, { id: 'work', name: 'Work', workspace: '~/work' }] } },
      changes: [
        c(11, ID11, 'drop', ['routing', 'agents', 'work', 'name'], undefined, 'dropped routing.agents.work.name: agents.list[1].name is already set and wins'),
        c(11, ID11, 'merge', ['routing', 'agents', 'work', 'workspace'], ['agents', 'list', 1, 'workspace'], 'merged routing.agents.work.workspace into agents.list[1].workspace'),
        c(11, ID11, 'drop', ['routing', 'defaultAgentId'], undefined, 'dropped routing.defaultAgentId: agents.list[0] is already the default agent'),
      ],
    });
  });

  it('creates the entry a defaultAgentId names when there is none', () => {
    expect(migrate({ routing: { defaultAgentId: 'ops' } })).toEqual({
      config: { agents: { list: [{ id: 'ops', default: true }] } },
      changes: [c(11, ID11, 'move', ['routing', 'defaultAgentId'], ['agents', 'list', 0, 'default'], 'moved routing.defaultAgentId to agents.list[0].default (created agent "ops")')],
    });
  });

  it('leaves it when agents.list is not an array', () => {
    const raw = { routing: { agents: { a: {} } }, agents: { list: { a: {} } } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });
});

describe('#13 auth.anthropic-claude-cli-mode-oauth', () => {
  it('switches the claude-cli profile from token to oauth and nothing else', () => {
    const raw = {
      auth: {
        profiles: {
          'anthropic:claude-cli': { provider: 'anthropic', mode: 'token' },
          'anthropic:default': { provider: 'anthropic', mode: 'token' },
        },
      },
    };
    expect(migrate(raw)).toEqual({
      config: {
        auth: {
          profiles: {
            'anthropic:claude-cli': { provider: 'anthropic', mode: 'oauth' },
            'anthropic:default': { provider: 'anthropic', mode: 'token' },
          },
        },
      },
      changes: [
        c(
          13,
          ID13,
          'set',
          ['auth', 'profiles', 'anthropic:claude-cli', 'mode'],
          ['auth', 'profiles', 'anthropic:claude-cli', 'mode'],
          'set auth.profiles["anthropic:claude-cli"].mode from "token" to "oauth"',
        ),
      ],
    });
    const apiKey = { auth: { profiles: { 'anthropic:claude-cli': { provider: 'anthropic', mode: 'api_key' } } } };
    expect(migrate(apiKey).changes).toEqual([]);
  });
});

describe('#16 agent.defaults-v2', () => {
  it('moves agent into agents.defaults (existing values win) and the tool settings into tools', () => {
    const raw = {
      agent: {
        workspace: '~/clawd',
        timeoutSeconds: 900,
        typingIntervalSeconds: 4,
        tools: { allow: ['read', 'write'], deny: ['browser'] },
        elevated: { enabled: true, allowFrom: { telegram: ['123'] } },
        bash: { backgroundMs: 10000 },
        sandbox: { mode: 'non-main', tools: { allow: ['exec'] } },
      },
      agents: { defaults: { workspace: '~/openclaw', bootstrapMaxChars: 10000 } },
    };
    expect(migrate(raw)).toEqual({
      config: {
        agents: { defaults: { workspace: '~/openclaw', bootstrapMaxChars: 10000, timeoutSeconds: 900, typingIntervalSeconds: 4, sandbox: { mode: 'non-main' } } },
        tools: {
          allow: ['read', 'write'],
          deny: ['browser'],
          elevated: { enabled: true, allowFrom: { telegram: ['123'] } },
          exec: { backgroundMs: 10000 },
          sandbox: { tools: { allow: ['exec'] } },
        },
      },
      changes: [
        c(16, ID16, 'move', ['agent', 'tools'], ['tools'], 'moved agent.tools to tools'),
        c(16, ID16, 'move', ['agent', 'elevated'], ['tools', 'elevated'], 'moved agent.elevated to tools.elevated'),
        c(16, ID16, 'move', ['agent', 'bash'], ['tools', 'exec'], 'moved agent.bash to tools.exec'),
        c(16, ID16, 'move', ['agent', 'sandbox', 'tools'], ['tools', 'sandbox', 'tools'], 'moved agent.sandbox.tools to tools.sandbox.tools'),
        c(16, ID16, 'drop', ['agent', 'workspace'], undefined, 'dropped agent.workspace: agents.defaults.workspace is already set and wins'),
        c(16, ID16, 'merge', ['agent', 'timeoutSeconds'], ['agents', 'defaults', 'timeoutSeconds'], 'merged agent.timeoutSeconds into agents.defaults.timeoutSeconds'),
        c(
          16,
          ID16,
          'merge',
          ['agent', 'typingIntervalSeconds'],
          ['agents', 'defaults', 'typingIntervalSeconds'],
          'merged agent.typingIntervalSeconds into agents.defaults.typingIntervalSeconds',
        ),
        c(16, ID16, 'merge', ['agent', 'sandbox'], ['agents', 'defaults', 'sandbox'], 'merged agent.sandbox into agents.defaults.sandbox'),
      ],
    });
  });

  it('merges agent.tools into an existing tools section', () => {
    const raw = { agent: { tools: { allow: ['read'], deny: ['exec'] } }, tools: { deny: ['browser'] } };
    expect(migrate(raw)).toEqual({
      config: { tools: { deny: ['browser'], allow: ['read'] } },
      changes: [
        c(16, ID16, 'merge', ['agent', 'tools', 'allow'], ['tools', 'allow'], 'merged agent.tools.allow into tools.allow'),
        c(16, ID16, 'drop', ['agent', 'tools', 'deny'], undefined, 'dropped agent.tools.deny: tools.deny is already set and wins'),
      ],
    });
  });

  it('reports an empty agent section it removes', () => {
    expect(migrate({ agent: {} })).toEqual({ config: {}, changes: [c(16, ID16, 'drop', ['agent'], undefined, 'dropped agent: it was empty')] });
  });

  it('leaves agent when agents.defaults is not an object', () => {
    const raw = { agent: { workspace: '~/x' }, agents: { defaults: 'nope' } };
    expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });
});

describe('#17 identity->agents.list', () => {
  it('creates the default "main" agent when the list is empty', () => {
    const raw = { identity: { name: 'Clawd', theme: 'helpful lobster', emoji: '🦞' }, agents: { list: [] } };
    expect(migrate(raw)).toEqual({
      config: { agents: { list: [{ id: 'main', default: true, identity: { name: 'Clawd', theme: 'helpful lobster', emoji: '🦞' } }] } },
      changes: [
        c(
          17,
          ID17,
          'move',
          ['identity'],
          ['agents', 'list', 0, 'identity'],
          'moved identity to agents.list[0].identity (created agent "main" as the default: there was none)',
        ),
      ],
    });
  });

  it('gives it to the default agent, merging into an identity it already has', () => {
    const raw = {
      identity: { name: 'Clawd', emoji: '🦞' },
      agents: { list: [{ id: 'home' }, { id: 'work', default: true, identity: { name: 'Molty' } }] },
    };
    expect(migrate(raw)).toEqual({
      config: { agents: { list: [{ id: 'home' }, { id: 'work', default: true, identity: { name: 'Molty', emoji: '🦞' } }] } },
      changes: [
        c(17, ID17, 'drop', ['identity', 'name'], undefined, 'dropped identity.name: agents.list[1].identity.name is already set and wins'),
        c(17, ID17, 'merge', ['identity', 'emoji'], ['agents', 'list', 1, 'identity', 'emoji'], 'merged identity.emoji into agents.list[1].identity.emoji'),
      ],
    });
  });

  it('uses the first agent when none is marked default', () => {
    const raw = { identity: { name: 'Clawd' }, agents: { list: [{ id: 'home' }, { id: 'work' }] } };
    expect(migrate(raw).config).toEqual({ agents: { list: [{ id: 'home', identity: { name: 'Clawd' } }, { id: 'work' }] } });
  });
});

/** A 2025-era `clawdbot.json`: every key in its legacy place. */
const CLAWDBOT_2025 = {
  gateway: { port: 18789, mode: 'local', bind: 'loopback', token: 'b3f0c1d2e4' },
  agent: {
    model: 'anthropic/claude-sonnet-4',
    modelFallbacks: ['openai/gpt-4.1'],
    workspace: '~/clawd',
    timeoutSeconds: 600,
    tools: { allow: ['read', 'write', 'exec'] },
    bash: { backgroundMs: 10000 },
  },
  routing: {
    allowFrom: ['+15551234567'],
    groupChat: { requireMention: true },
  },
  telegram: { botToken: '123456:ABC-DEF', requireMention: false },
  whatsapp: { dmPolicy: 'allowlist' },
  identity: { name: 'Clawd', emoji: '🦞' },
  auth: { profiles: { 'anthropic:claude-cli': { provider: 'anthropic', mode: 'token' } } },
  logging: { level: 'info' },
};

describe('migrateLegacyConfig', () => {
  it('migrates a 2025-era clawdbot.json to the modern shape in one call', () => {
    const { config, changes } = migrate(structuredClone(CLAWDBOT_2025));
    expect(config).toEqual({
      gateway: { port: 18789, mode: 'local', bind: 'loopback', auth: { token: 'b3f0c1d2e4' } },
      channels: {
        telegram: { botToken: '123456:ABC-DEF', groups: { '*': { requireMention: false } } },
        whatsapp: { dmPolicy: 'allowlist', allowFrom: ['+15551234567'], groups: { '*': { requireMention: true } } },
      },
      agents: {
        defaults: {
          model: { primary: 'anthropic/claude-sonnet-4', fallbacks: ['openai/gpt-4.1'] },
          workspace: '~/clawd',
          timeoutSeconds: 600,
        },
        list: [{ id: 'main', default: true, identity: { name: 'Clawd', emoji: '🦞' } }],
      },
      tools: { allow: ['read', 'write', 'exec'], exec: { backgroundMs: 10000 } },
      auth: { profiles: { 'anthropic:claude-cli': { provider: 'anthropic', mode: 'oauth' } } },
      logging: { level: 'info' },
    });
    expect(changes.map((ch) => [ch.number, ch.action, ch.from, ch.to])).toEqual([
      [5, 'move', ['whatsapp'], ['channels', 'whatsapp']],
      [5, 'move', ['telegram'], ['channels', 'telegram']],
      [6, 'move', ['routing', 'allowFrom'], ['channels', 'whatsapp', 'allowFrom']],
      [7, 'move', ['routing', 'groupChat', 'requireMention'], ['channels', 'whatsapp', 'groups', '*', 'requireMention']],
      [7, 'drop', ['routing', 'groupChat', 'requireMention'], undefined],
      [8, 'move', ['gateway', 'token'], ['gateway', 'auth', 'token']],
      [9, 'move', ['channels', 'telegram', 'requireMention'], ['channels', 'telegram', 'groups', '*', 'requireMention']],
      [10, 'move', ['agent', 'model'], ['agent', 'model', 'primary']],
      [10, 'move', ['agent', 'modelFallbacks'], ['agent', 'model', 'fallbacks']],
      [13, 'set', ['auth', 'profiles', 'anthropic:claude-cli', 'mode'], ['auth', 'profiles', 'anthropic:claude-cli', 'mode']],
      [16, 'move', ['agent', 'tools'], ['tools']],
      [16, 'move', ['agent', 'bash'], ['tools', 'exec']],
      [16, 'move', ['agent'], ['agents', 'defaults']],
      [17, 'move', ['identity'], ['agents', 'list', 0, 'identity']],
    ]);
    expect(JSON.stringify(changes)).not.toContain('b3f0c1d2e4');
  });

  it('never mutates its input and is idempotent, on every fixture of this file', () => {
    // `migrate` asserts both; this runs it on the fixtures not covered per migration.
    const fixtures: Json[] = [CLAWDBOT_2025, {}, { gateway: { mode: 'local', auth: { token: 't' } }, channels: { telegram: { botToken: 'x' } } }];
    for (const raw of fixtures) migrate(structuredClone(raw));
    const raw = structuredClone(CLAWDBOT_2025);
    const snapshot = JSON.stringify(raw);
    const first = migrateLegacyConfig(raw);
    expect(JSON.stringify(raw)).toBe(snapshot);
    expect(first.config).not.toBe(raw);
    expect(migrateLegacyConfig(first.config)).toEqual({ config: first.config, changes: [] });
  });

  it('does not throw on odd shapes and leaves them for the validator', () => {
    const odd = [
      { agent: 'sonnet', routing: [1, 2], gateway: 5, channels: null, identity: 'Clawd', auth: { profiles: [] } },
      { routing: { groupChat: 'yes', agents: 'none', defaultAgentId: 7 }, telegram: ['x'], agents: 'x' },
      { agent: { model: { primary: 3 }, modelAliases: { x: 1 } }, tools: 'x' },
    ];
    for (const raw of odd) expect(migrate(raw)).toEqual({ config: raw, changes: [] });
  });

  it('keeps __proto__ keys as data and never pollutes prototypes', () => {
    const raw = JSON.parse(`{
      "__proto__": { "polluted": "root" },
      "telegram": { "__proto__": { "polluted": "telegram" }, "botToken": "t" },
      "channels": { "telegram": { "groups": {} } },
      "routing": { "agents": { "__proto__": { "polluted": "agents" } } },
      "agent": { "modelAliases": { "p": "__proto__" }, "allowedModels": ["__proto__"], "__proto__": { "polluted": "agent" } }
    }`) as Json;
    const { config } = migrate(raw);
    const probe: Json = {};
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    for (const value of [config, getAt(config, ['channels', 'telegram']), getAt(config, ['agents', 'defaults'])]) {
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    }
    expect(Object.hasOwn(config, '__proto__')).toBe(true);
    expect(getAt(config, ['channels', 'telegram', '__proto__'])).toEqual({ polluted: 'telegram' });
    expect(getAt(config, ['agents', 'list', 0])).toEqual({ id: '__proto__', polluted: 'agents' });
    expect(getAt(config, ['agents', 'defaults', 'models', '__proto__'])).toEqual({ alias: 'p' });
    expect(getAt(config, ['agents', 'defaults', '__proto__'])).toEqual({ polluted: 'agent' });
  });
});

describe('hasLegacyKeys', () => {
  it('is true exactly when a migration would change something', () => {
    expect(hasLegacyKeys(CLAWDBOT_2025)).toBe(true);
    expect(hasLegacyKeys({ gateway: { token: 't' } })).toBe(true);
    expect(hasLegacyKeys({ gateway: { auth: { token: 't' } }, channels: { telegram: {} } })).toBe(false);
    // Skipped migrations' keys are left to the validator, not reported here.
    expect(hasLegacyKeys({ tools: { bash: {} }, messages: { tts: { enabled: true } } })).toBe(false);
    expect(hasLegacyKeys(migrateLegacyConfig(CLAWDBOT_2025).config)).toBe(false);
  });
});
