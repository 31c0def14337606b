import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EnvSource } from './env.ts';
import { loadConfig } from './load.ts';
import type { LoadConfigOptions, LoadedConfig } from './load.ts';
import type { Env } from './paths.ts';

/** Every test gets its own home, state dir and working directory on the real filesystem. */
interface Sandbox {
  root: string;
  home: string;
  state: string;
  cwd: string;
  /** `<state>/openclaw.json` */
  config: string;
  cwdEnv: string;
  stateEnv: string;
  write(path: string, text: string): string;
  load(env?: Env, options?: LoadConfigOptions): LoadedConfig;
}

const created: string[] = [];
afterAll(() => {
  for (const dir of created) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'oc-load-'));
  created.push(root);
  const home = join(root, 'home');
  const state = join(root, 'state');
  const cwd = join(root, 'work');
  for (const dir of [home, state, cwd]) mkdirSync(dir);
  return {
    root,
    home,
    state,
    cwd,
    config: join(state, 'openclaw.json'),
    cwdEnv: join(cwd, '.env'),
    stateEnv: join(state, '.env'),
    write(path, text) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    load(env = {}, options = {}) {
      return loadConfig({ env: { OPENCLAW_STATE_DIR: state, ...env }, cwd, home, ...options });
    },
  };
}

const fileOrigin = (file: string, variables?: { name: string; source: EnvSource | undefined }[]) =>
  variables ? { kind: 'file', file, variables } : { kind: 'file', file };

describe('loadConfig without a config file', () => {
  it('returns the defaults, exists: false and no problems', () => {
    const s = sandbox();
    const loaded = s.load();
    expect(loaded.exists).toBe(false);
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.migrations).toEqual([]);
    expect(loaded.input).toEqual({});
    expect(loaded.config?.gateway.port).toBe(18789);
    expect(loaded.config?.gateway.bind).toBe('loopback');
    expect(loaded.config?.gateway.mode).toBe('local');
    expect(loaded.config?.logging.level).toBe('info');
    expect(loaded.paths).toEqual({ stateDir: s.state, configPath: s.config, profile: undefined });
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([{ kind: 'default' }]);
  });

  it('finds ~/.openclaw/openclaw.json when OPENCLAW_STATE_DIR is not set', () => {
    const s = sandbox();
    const file = s.write(join(s.home, '.openclaw', 'openclaw.json'), '{ gateway: { port: 19010 } }');
    const loaded = loadConfig({ env: {}, cwd: null, home: s.home });
    expect(loaded.paths).toEqual({ stateDir: join(s.home, '.openclaw'), configPath: file, profile: undefined });
    expect(loaded.exists).toBe(true);
    expect(loaded.config?.gateway.port).toBe(19010);
  });

  it('treats an empty file as an existing, empty config', () => {
    const s = sandbox();
    s.write(s.config, '  \n');
    const loaded = s.load();
    expect(loaded.exists).toBe(true);
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(18789);
  });
});

describe('environment layers seen through ${VAR}', () => {
  const CONFIG_WITH_BLOCK = `{
  // the token comes from wherever OC_TEST_TOKEN is defined
  gateway: { auth: { token: "Bearer \${OC_TEST_TOKEN}" } },
  env: { vars: { OC_TEST_TOKEN: "from-config" } },
}`;

  type Layer = 'process' | 'cwd-dotenv' | 'state-dotenv' | 'config-env';

  /** Defines OC_TEST_TOKEN in the given layers (each with a value naming the layer). */
  function withLayers(layers: readonly Layer[]): { s: Sandbox; loaded: LoadedConfig } {
    const s = sandbox();
    s.write(s.config, layers.includes('config-env') ? CONFIG_WITH_BLOCK : '{ gateway: { auth: { token: "Bearer ${OC_TEST_TOKEN}" } } }');
    if (layers.includes('cwd-dotenv')) s.write(s.cwdEnv, 'OC_TEST_TOKEN=from-cwd\n');
    if (layers.includes('state-dotenv')) s.write(s.stateEnv, '# state\nOC_TEST_TOKEN="from-state"\n');
    const env: Env = layers.includes('process') ? { OC_TEST_TOKEN: 'from-process' } : {};
    return { s, loaded: s.load(env) };
  }

  const sourceOf = (s: Sandbox, layer: Layer): EnvSource => {
    switch (layer) {
      case 'process':
        return { layer: 'process' };
      case 'cwd-dotenv':
        return { layer: 'cwd-dotenv', file: s.cwdEnv };
      case 'state-dotenv':
        return { layer: 'state-dotenv', file: s.stateEnv };
      case 'config-env':
        return { layer: 'config-env', file: s.config };
    }
  };

  const pairs: { winner: Layer; loser: Layer; value: string }[] = [
    { winner: 'process', loser: 'cwd-dotenv', value: 'from-process' },
    { winner: 'cwd-dotenv', loser: 'state-dotenv', value: 'from-cwd' },
    { winner: 'state-dotenv', loser: 'config-env', value: 'from-state' },
    { winner: 'process', loser: 'config-env', value: 'from-process' },
    { winner: 'process', loser: 'state-dotenv', value: 'from-process' },
    { winner: 'cwd-dotenv', loser: 'config-env', value: 'from-cwd' },
  ];

  it.each(pairs)('$winner beats $loser, and explain() names $winner', ({ winner, loser, value }) => {
    const { s, loaded } = withLayers([winner, loser]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.auth.token).toBe(`Bearer ${value}`);
    expect(loaded.env.values.OC_TEST_TOKEN).toBe(value);
    expect(loaded.env.sources.get('OC_TEST_TOKEN')).toEqual(sourceOf(s, winner));
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([
      fileOrigin(s.config, [{ name: 'OC_TEST_TOKEN', source: sourceOf(s, winner) }]),
    ]);
  });

  it.each(['process', 'cwd-dotenv', 'state-dotenv', 'config-env'] as const)('%s alone supplies the variable', (layer) => {
    const { s, loaded } = withLayers([layer]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.auth.token).toBe(`Bearer from-${layer === 'cwd-dotenv' ? 'cwd' : layer === 'state-dotenv' ? 'state' : layer === 'config-env' ? 'config' : 'process'}`);
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([
      fileOrigin(s.config, [{ name: 'OC_TEST_TOKEN', source: sourceOf(s, layer) }]),
    ]);
  });

  it('all four layers at once: the process environment wins', () => {
    const { s, loaded } = withLayers(['config-env', 'state-dotenv', 'cwd-dotenv', 'process']);
    expect(loaded.config?.gateway.auth.token).toBe('Bearer from-process');
    expect(loaded.env.sources.get('OC_TEST_TOKEN')).toEqual(sourceOf(s, 'process'));
  });

  it('cwd: null skips ./.env, so <stateDir>/.env supplies the variable', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { auth: { token: "${OC_TEST_TOKEN}" } } }');
    s.write(s.cwdEnv, 'OC_TEST_TOKEN=from-cwd\n');
    s.write(s.stateEnv, 'OC_TEST_TOKEN=from-state\n');
    const loaded = s.load({}, { cwd: null });
    expect(loaded.config?.gateway.auth.token).toBe('from-state');
    expect(loaded.env.sources.get('OC_TEST_TOKEN')).toEqual({ layer: 'state-dotenv', file: s.stateEnv });
  });

  it('an inline UPPER_CASE entry of the env block is a variable too', () => {
    const s = sandbox();
    s.write(s.config, '{ env: { OC_TEST_TOKEN: "inline" }, gateway: { auth: { password: "${OC_TEST_TOKEN}" } } }');
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.auth.password).toBe('inline');
    expect(loaded.provenance.explain(['gateway', 'auth', 'password'])).toEqual([
      fileOrigin(s.config, [{ name: 'OC_TEST_TOKEN', source: { layer: 'config-env', file: s.config } }]),
    ]);
  });

  it('a value with two references lists both variables with their own layers', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { remote: { url: "wss://${OC_HOST}:${OC_PORT}" } } }');
    s.write(s.stateEnv, 'OC_PORT=443\n');
    const loaded = s.load({ OC_HOST: 'gw.example.ts.net' });
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.remote?.url).toBe('wss://gw.example.ts.net:443');
    expect(loaded.provenance.explain(['gateway', 'remote', 'url'])).toEqual([
      fileOrigin(s.config, [
        { name: 'OC_HOST', source: { layer: 'process' } },
        { name: 'OC_PORT', source: { layer: 'state-dotenv', file: s.stateEnv } },
      ]),
    ]);
  });
});

describe('OPENCLAW_GATEWAY_* overrides', () => {
  it('OPENCLAW_GATEWAY_PORT from the process environment beats gateway.port in the file', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: 19000 } }');
    const loaded = s.load({ OPENCLAW_GATEWAY_PORT: '19555' });
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(19555);
    expect(loaded.input).toEqual({ gateway: { port: 19555 } });
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_PORT', source: { layer: 'process' } },
    ]);
    // Without the variable the file's value applies and explains as the file.
    const plain = s.load();
    expect(plain.config?.gateway.port).toBe(19000);
    expect(plain.provenance.explain(['gateway', 'port'])).toEqual([fileOrigin(s.config)]);
  });

  it('OPENCLAW_GATEWAY_PORT from <stateDir>/.env beats gateway.port in the file', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: 19000 } }');
    s.write(s.stateEnv, 'OPENCLAW_GATEWAY_PORT=19666\n');
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(19666);
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_PORT', source: { layer: 'state-dotenv', file: s.stateEnv } },
    ]);
  });

  it('the process value of OPENCLAW_GATEWAY_PORT beats the one in <stateDir>/.env', () => {
    const s = sandbox();
    s.write(s.stateEnv, 'OPENCLAW_GATEWAY_PORT=19666\n');
    const loaded = s.load({ OPENCLAW_GATEWAY_PORT: '19555' });
    expect(loaded.config?.gateway.port).toBe(19555);
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_PORT', source: { layer: 'process' } },
    ]);
  });

  it.each(['abc', '70000', '0', '19000.5'])('OPENCLAW_GATEWAY_PORT=%s is an error naming the variable', (raw) => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: 19000 } }');
    const loaded = s.load({ OPENCLAW_GATEWAY_PORT: raw });
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors).toEqual([
      {
        code: 'invalid-value',
        path: ['gateway', 'port'],
        message: `OPENCLAW_GATEWAY_PORT: expected a port number from 1 to 65535, found "${raw}"`,
        hint: 'unset OPENCLAW_GATEWAY_PORT or set it to a free port, e.g. OPENCLAW_GATEWAY_PORT=18789',
      },
    ]);
  });

  it('an invalid OPENCLAW_GATEWAY_PORT in <stateDir>/.env is an error too', () => {
    const s = sandbox();
    s.write(s.stateEnv, 'OPENCLAW_GATEWAY_PORT=70000\n');
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors.map((e) => e.message)).toEqual(['OPENCLAW_GATEWAY_PORT: expected a port number from 1 to 65535, found "70000"']);
  });

  it('an empty OPENCLAW_GATEWAY_PORT is ignored', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: 19000 } }');
    const loaded = s.load({ OPENCLAW_GATEWAY_PORT: '' });
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(19000);
  });

  it('OPENCLAW_GATEWAY_TOKEN lands at gateway.auth.token, over the file and creating the section', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { auth: { token: "from-file" } } }');
    const loaded = s.load({ OPENCLAW_GATEWAY_TOKEN: 'from-env' });
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.auth.token).toBe('from-env');
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_TOKEN', source: { layer: 'process' } },
    ]);

    const bare = sandbox();
    expect(bare.load().config?.gateway.auth.token).toBeUndefined();
    bare.write(bare.cwdEnv, 'OPENCLAW_GATEWAY_TOKEN=from-cwd\n');
    const created = bare.load();
    expect(created.input).toEqual({ gateway: { auth: { token: 'from-cwd' } } });
    expect(created.config?.gateway.auth.token).toBe('from-cwd');
    expect(created.config?.gateway.port).toBe(18789);
    expect(created.provenance.explain(['gateway', 'auth', 'token'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_TOKEN', source: { layer: 'cwd-dotenv', file: bare.cwdEnv } },
    ]);
  });

  it('OPENCLAW_GATEWAY_PASSWORD lands at gateway.auth.password', () => {
    const s = sandbox();
    const loaded = s.load({ OPENCLAW_GATEWAY_PASSWORD: 'hunter2' });
    expect(loaded.config?.gateway.auth.password).toBe('hunter2');
    expect(loaded.provenance.explain(['gateway', 'auth', 'password'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_PASSWORD', source: { layer: 'process' } },
    ]);
  });

  it('an override does not paper over a section of the file that is not an object', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: 5 }');
    const loaded = s.load({ OPENCLAW_GATEWAY_TOKEN: 'from-env' });
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors).toEqual([{ code: 'invalid-type', path: ['gateway'], message: 'gateway: expected object, found number 5' }]);
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([{ kind: 'default' }]);
  });

  it('envOverrides: false loads the file as written', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: 19000 } }');
    const loaded = s.load({ OPENCLAW_GATEWAY_PORT: 'abc', OPENCLAW_GATEWAY_TOKEN: 't' }, { envOverrides: false });
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(19000);
    expect(loaded.config?.gateway.auth.token).toBeUndefined();
  });
});

describe('$include origins', () => {
  it('values explain as the file that set them; a sibling key overriding an included one explains as the main file', () => {
    const s = sandbox();
    const base = s.write(join(s.state, 'conf.d', 'base.json5'), `{
  $include: "./deeper.json5",
  gateway: { port: 18000, bind: "lan", auth: { token: "t-base" } },
}`);
    const deeper = s.write(join(s.state, 'conf.d', 'deeper.json5'), '{ logging: { level: "debug" } }');
    s.write(s.config, `{
  $include: "./conf.d/base.json5",
  gateway: { port: 19000 },
}`);
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(19000);
    expect(loaded.config?.gateway.bind).toBe('lan');
    expect(loaded.config?.logging.level).toBe('debug');
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([fileOrigin(s.config)]);
    expect(loaded.provenance.explain(['gateway', 'bind'])).toEqual([fileOrigin(base)]);
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([fileOrigin(base)]);
    expect(loaded.provenance.explain(['logging', 'level'])).toEqual([fileOrigin(deeper)]);
    // An object lists the distinct origins of everything below it, in key order (port first).
    expect(loaded.provenance.explain(['gateway'])).toEqual([fileOrigin(s.config), fileOrigin(base)]);
    expect(loaded.provenance.explain(['logging', 'file'])).toEqual([{ kind: 'default' }]);
  });

  it('an override of an included value by OPENCLAW_GATEWAY_PORT explains as the variable', () => {
    const s = sandbox();
    s.write(join(s.state, 'base.json5'), '{ gateway: { port: 18000 } }');
    s.write(s.config, '{ $include: "./base.json5" }');
    const loaded = s.load({ OPENCLAW_GATEWAY_PORT: '18001' });
    expect(loaded.config?.gateway.port).toBe(18001);
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_PORT', source: { layer: 'process' } },
    ]);
  });

  it('the env block of an included file is a variable layer', () => {
    const s = sandbox();
    s.write(join(s.state, 'secrets.json5'), '{ env: { OC_TEST_TOKEN: "included" } }');
    s.write(s.config, '{ $include: "./secrets.json5", gateway: { auth: { token: "${OC_TEST_TOKEN}" } } }');
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.auth.token).toBe('included');
    expect(loaded.env.sources.get('OC_TEST_TOKEN')?.layer).toBe('config-env');
  });
});

describe('legacy configs', () => {
  const LEGACY = `// written by an old version
{
  gateway: { token: "\${OC_LEGACY_TOKEN}", port: 19000 },
  telegram: { botToken: "123:abc" },
  agent: { model: "x/y" },
}
`;

  it('migrate in memory, with warnings that point at openclaw doctor --fix', () => {
    const s = sandbox();
    s.write(s.config, LEGACY);
    const loaded = s.load({ OC_LEGACY_TOKEN: 'legacy-secret' });
    expect(loaded.errors).toEqual([]);
    expect(loaded.migrations.map((m) => [m.number, m.action, m.from, m.to])).toEqual([
      [5, 'move', ['telegram'], ['channels', 'telegram']],
      [8, 'move', ['gateway', 'token'], ['gateway', 'auth', 'token']],
      [10, 'move', ['agent', 'model'], ['agent', 'model', 'primary']],
      [16, 'move', ['agent'], ['agents', 'defaults']],
    ]);
    expect(loaded.warnings).toEqual([
      {
        code: 'legacy-key',
        path: ['telegram'],
        message: 'legacy config: moved telegram to channels.telegram (in memory; run `openclaw doctor --fix` to update the file)',
      },
      {
        code: 'legacy-key',
        path: ['gateway', 'token'],
        message: 'legacy config: moved gateway.token to gateway.auth.token (in memory; run `openclaw doctor --fix` to update the file)',
      },
      {
        code: 'legacy-key',
        path: ['agent', 'model'],
        message: 'legacy config: moved agent.model (a model string) to agent.model.primary (in memory; run `openclaw doctor --fix` to update the file)',
      },
      {
        code: 'legacy-key',
        path: ['agent'],
        message: 'legacy config: moved agent to agents.defaults (in memory; run `openclaw doctor --fix` to update the file)',
      },
    ]);
    expect(loaded.input).toEqual({
      gateway: { port: 19000, auth: { token: 'legacy-secret' } },
      channels: { telegram: { botToken: '123:abc' } },
      agents: { defaults: { model: { primary: 'x/y' } } },
    });
    expect(loaded.config?.gateway.auth.token).toBe('legacy-secret');
    expect(loaded.config?.gateway.port).toBe(19000);
    expect(loaded.config?.channels?.telegram?.botToken).toBe('123:abc');
    expect(loaded.config?.agents.defaults.model.primary).toBe('x/y');
    // The moved values still explain as the file, with the variable that filled them in.
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([
      fileOrigin(s.config, [{ name: 'OC_LEGACY_TOKEN', source: { layer: 'process' } }]),
    ]);
    expect(loaded.provenance.explain(['agents', 'defaults', 'model', 'primary'])).toEqual([fileOrigin(s.config)]);
    expect(loaded.provenance.explain(['channels', 'telegram', 'botToken'])).toEqual([fileOrigin(s.config)]);
    expect(loaded.provenance.explain(['gateway', 'token'])).toEqual([{ kind: 'default' }]);
    // In memory only: the file is not rewritten.
    expect(readFileSync(s.config, 'utf8')).toBe(LEGACY);
  });

  it('a legacy key in an included file explains as that file after it moved', () => {
    const s = sandbox();
    const old = s.write(join(s.state, 'old.json5'), '{ gateway: { token: "t-old" } }');
    s.write(s.config, '{ $include: "./old.json5", gateway: { port: 19000 } }');
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.auth.token).toBe('t-old');
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([fileOrigin(old)]);
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([fileOrigin(s.config)]);
  });

  it('OPENCLAW_GATEWAY_TOKEN still beats a migrated gateway.token', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { token: "t-old" } }');
    const loaded = s.load({ OPENCLAW_GATEWAY_TOKEN: 't-env' });
    expect(loaded.migrations).toHaveLength(1);
    expect(loaded.config?.gateway.auth.token).toBe('t-env');
    expect(loaded.provenance.explain(['gateway', 'auth', 'token'])).toEqual([
      { kind: 'env', variable: 'OPENCLAW_GATEWAY_TOKEN', source: { layer: 'process' } },
    ]);
  });
});

describe('validation through the loader', () => {
  it('an unknown key is a warning with a suggestion; the config loads with defaults', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { prot: 19000 } }');
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([
      {
        code: 'unknown-key',
        path: ['gateway', 'prot'],
        message: 'unknown key gateway.prot (did you mean gateway.port?); it is ignored',
        suggestion: 'port',
      },
    ]);
    expect(loaded.config?.gateway.port).toBe(18789);
    expect(loaded.config?.gateway).not.toHaveProperty('prot');
    // `input` is the file as written: the unknown key is still there.
    expect(loaded.input).toEqual({ gateway: { prot: 19000 } });
  });

  it('a wrong type is an error with the path, what was expected and what was found; no config', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: "19000" } }');
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.exists).toBe(true);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.errors).toEqual([
      { code: 'invalid-type', path: ['gateway', 'port'], message: 'gateway.port: expected number, found string "19000"' },
    ]);
  });

  it('reports every wrong value at once, with unknown keys as warnings beside them', () => {
    const s = sandbox();
    s.write(s.config, `{
  gateway: { port: "abc", bind: "everywhere", tailscale: { mode: "on" } },
  logging: { level: 3, levle: "debug" },
}`);
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors.map((e) => e.message).sort()).toEqual([
      'gateway.bind: expected one of "loopback", "lan", "tailnet", "auto", "custom", found string "everywhere"',
      'gateway.port: expected number, found string "abc"',
      'gateway.tailscale.mode: expected one of "off", "serve", "funnel", found string "on"',
      'logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", found number 3',
    ]);
    expect(loaded.warnings).toEqual([
      {
        code: 'unknown-key',
        path: ['logging', 'levle'],
        message: 'unknown key logging.levle (did you mean logging.level?); it is ignored',
        suggestion: 'level',
      },
    ]);
  });

  it('legacy warnings and unknown-key warnings are reported together', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { token: "t", prot: 1 } }');
    const loaded = s.load();
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings.map((w) => [w.code, w.path])).toEqual([
      ['legacy-key', ['gateway', 'token']],
      ['unknown-key', ['gateway', 'prot']],
    ]);
  });
});

describe('errors before validation are reported, never thrown', () => {
  it('broken JSON5 is one CONFIG_PARSE error with file:line:col', () => {
    const s = sandbox();
    s.write(s.config, `{
  gateway: {
    port: 19000
    bind: "lan",
  },
}
`);
    const loaded = s.load();
    expect(loaded.exists).toBe(true);
    expect(loaded.config).toBeUndefined();
    expect(loaded.warnings).toEqual([]);
    expect(loaded.errors).toHaveLength(1);
    const [error] = loaded.errors;
    expect(error?.code).toBe('CONFIG_PARSE');
    expect(error?.path).toEqual([]);
    expect(error?.file).toBe(s.config);
    expect(error?.message).toBe(`${s.config}:4:5: invalid character 'b'\n  4 |     bind: "lan",\n    |     ^`);
    expect(error?.hint).toContain('line 4, column 5');
  });

  it('broken JSON5 in an included file names that file', () => {
    const s = sandbox();
    const part = s.write(join(s.state, 'part.json5'), '{ a: }');
    s.write(s.config, '{ $include: "./part.json5" }');
    const loaded = s.load();
    expect(loaded.errors.map((e) => [e.code, e.file])).toEqual([['CONFIG_PARSE', part]]);
    expect(loaded.errors[0]?.message.startsWith(`${part}:1:6: `)).toBe(true);
  });

  it('a missing $include is a CONFIG_INCLUDE error naming both files', () => {
    const s = sandbox();
    s.write(s.config, '{ $include: "./nope.json5", gateway: { port: 19000 } }');
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors).toEqual([
      {
        code: 'CONFIG_INCLUDE',
        path: [],
        message: `${s.config}: cannot read $include "./nope.json5" (${join(s.state, 'nope.json5')}): file not found`,
        file: s.config,
        hint: 'fix the path (relative paths start from the including file) or remove the $include',
      },
    ]);
  });

  it('a missing ${VAR} is a CONFIG_MISSING_ENV error naming the config path; every one is listed', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { auth: { token: "${OC_NOPE}" } }, agents: { list: [{ id: "main", workspace: "${OC_WS}" }] } }');
    const loaded = s.load({ OC_WS: '' });
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors).toEqual([
      {
        code: 'CONFIG_MISSING_ENV',
        path: [],
        message: 'Missing env var "OC_NOPE" referenced at config path: gateway.auth.token',
        hint: 'set OC_NOPE in the environment, in <stateDir>/.env, or in the config\'s "env" block',
      },
      {
        code: 'CONFIG_MISSING_ENV',
        path: [],
        message: 'Missing env var "OC_WS" referenced at config path: agents.list[0].workspace',
        hint: 'set OC_WS in the environment, in <stateDir>/.env, or in the config\'s "env" block',
      },
    ]);
  });

  it('a config file that is a directory is a CONFIG_READ error', () => {
    const s = sandbox();
    mkdirSync(s.config);
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]?.code).toBe('CONFIG_READ');
    expect(loaded.errors[0]?.file).toBe(s.config);
    expect(loaded.errors[0]?.message).toMatch(new RegExp(`^cannot read ${s.config}: EISDIR`));
  });

  it('an unreadable config file (mode 000) is a CONFIG_READ error with a hint', () => {
    if (process.getuid?.() === 0) return; // root reads anything; the EISDIR case above covers the path
    const s = sandbox();
    s.write(s.config, '{}');
    chmodSync(s.config, 0o000);
    try {
      const loaded = s.load();
      expect(loaded.config).toBeUndefined();
      expect(loaded.errors).toEqual([
        {
          code: 'CONFIG_READ',
          path: [],
          message: `cannot read ${s.config}: EACCES: permission denied, open '${s.config}'`,
          file: s.config,
          hint: `the file is not readable by this user; check its owner and mode (ls -l ${s.config})`,
        },
      ]);
    } finally {
      chmodSync(s.config, 0o600);
    }
  });

  it('an unreadable ./.env is a CONFIG_READ error naming it', () => {
    const s = sandbox();
    mkdirSync(s.cwdEnv);
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors.map((e) => [e.code, e.file])).toEqual([['CONFIG_READ', s.cwdEnv]]);
  });

  it.each([
    ['[1]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
  ])('a top-level %s is a clear error (%s)', (text) => {
    const s = sandbox();
    s.write(s.config, text);
    const loaded = s.load();
    expect(loaded.config).toBeUndefined();
    expect(loaded.errors).toEqual([
      { code: 'invalid-type', path: [], message: `${s.config}: the config must be an object ({ ... })`, file: s.config },
    ]);
  });
});

describe('loadConfig options', () => {
  it('text: loads the given text instead of the file', () => {
    const s = sandbox();
    s.write(s.config, '{ gateway: { port: 19000 } }');
    const loaded = s.load({}, { text: '{ gateway: { port: 19001 } }' });
    expect(loaded.exists).toBe(true);
    expect(loaded.config?.gateway.port).toBe(19001);
    expect(loaded.provenance.explain(['gateway', 'port'])).toEqual([fileOrigin(s.config)]);
    expect(readFileSync(s.config, 'utf8')).toBe('{ gateway: { port: 19000 } }');
  });

  it('text: counts as an existing config even when there is no file, and its $include is read from disk', () => {
    const s = sandbox();
    s.write(join(s.state, 'inc.json5'), '{ gateway: { bind: "lan" } }');
    const loaded = s.load({}, { text: '{ $include: "./inc.json5" }' });
    expect(loaded.exists).toBe(true);
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.bind).toBe('lan');
  });

  it('configPath: loads another file; OPENCLAW_CONFIG_PATH does the same', () => {
    const s = sandbox();
    const other = s.write(join(s.root, 'elsewhere', 'custom.json5'), '{ gateway: { port: 19002 } }');
    const viaOption = s.load({}, { configPath: other });
    expect(viaOption.paths.configPath).toBe(other);
    expect(viaOption.paths.stateDir).toBe(s.state);
    expect(viaOption.config?.gateway.port).toBe(19002);
    const viaEnv = s.load({ OPENCLAW_CONFIG_PATH: other });
    expect(viaEnv.paths.configPath).toBe(other);
    expect(viaEnv.config?.gateway.port).toBe(19002);
  });

  it('the profile in paths follows OPENCLAW_PROFILE', () => {
    const s = sandbox();
    expect(s.load({ OPENCLAW_PROFILE: 'work' }).paths).toEqual({ stateDir: s.state, configPath: s.config, profile: 'work' });
    expect(s.load({ OPENCLAW_PROFILE: ' dev ' }).paths.profile).toBe('dev');
    expect(s.load({ OPENCLAW_PROFILE: 'default' }).paths.profile).toBeUndefined();
    expect(s.load({ OPENCLAW_PROFILE: '' }).paths.profile).toBeUndefined();
    expect(s.load().paths.profile).toBeUndefined();
  });

  it('readFile: the injected reader is asked for the config, its includes and both .env files', () => {
    const s = sandbox();
    const include = join(s.state, 'inc.json5');
    const files = new Map<string, string>([
      [s.config, '{ $include: "./inc.json5", gateway: { auth: { token: "${OC_A}" } } }'],
      [include, '{ gateway: { port: 19003 } }'],
      [s.stateEnv, 'OC_A=from-memory\n'],
    ]);
    const asked: string[] = [];
    const loaded = s.load(
      {},
      {
        readFile: (path) => {
          asked.push(path);
          return files.get(path);
        },
      },
    );
    expect(asked).toEqual([s.config, include, s.cwdEnv, s.stateEnv]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.config?.gateway.port).toBe(19003);
    expect(loaded.config?.gateway.auth.token).toBe('from-memory');
  });
});
