// `openclaw models list | set | auth login`, end to end: the built CLI in a child process with
// a temp HOME, keys checked by the real SDKs against loopback fakes of the providers.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FakeProvider } from '@openclaw/agent/testing';
import { startFakeAnthropic, startFakeOpenAI } from '@openclaw/agent/testing';
import { CredentialStore } from '@openclaw/state';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, runCliAsync, tempHome } from '../test/run-cli.ts';

beforeAll(assertBuilt);

const KEY = 'sk-ant-test-0123456789-very-secret';
const fakes: FakeProvider[] = [];

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function stateDir(home: string): string {
  return join(home, '.openclaw');
}

function writeConfig(home: string, text: string): string {
  mkdirSync(stateDir(home), { recursive: true, mode: 0o700 });
  const file = join(stateDir(home), 'openclaw.json');
  writeFileSync(file, text);
  return file;
}

/** A home whose config sends `provider` to `baseUrl`. */
function homeWithProvider(provider: string, baseUrl: string): string {
  const home = tempHome();
  writeConfig(home, JSON.stringify({ models: { providers: { [provider]: { baseUrl } } } }));
  return home;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function credentials(home: string): string[] {
  const dir = join(stateDir(home), 'credentials');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.json')) : [];
}

const MODELS_CONFIG = `{
  agents: {
    defaults: {
      model: { primary: "anthropic/claude-test", fallbacks: ["openai/gpt-test"] },
      models: { "anthropic/claude-small": { alias: "small" } },
    },
    list: [{ id: "work", model: "openai/gpt-work" }],
  },
}
`;

describe('openclaw models list', () => {
  it('marks the default, fallbacks and agent models; says where each key comes from without printing it', () => {
    const home = tempHome();
    writeConfig(home, MODELS_CONFIG);
    const result = runCli(['models', 'list'], { home, env: { ANTHROPIC_API_KEY: KEY } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/anthropic\/claude-test\s+default\n/);
    expect(result.stdout).toMatch(/openai\/gpt-test\s+fallback\n/);
    expect(result.stdout).toMatch(/openai\/gpt-work\s+agent work\n/);
    expect(result.stdout).toContain('anthropic/claude-small (small)');
    expect(result.stdout).toMatch(/✓ anthropic\s+key from ANTHROPIC_API_KEY \(the process environment\)/);
    expect(result.stdout).toMatch(/✗ openai\s+no API key\n\s+fix: openclaw models auth login --provider openai/);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('--json: a stable object, with a stored profile as the key source and never the key', async () => {
    const home = tempHome();
    writeConfig(home, MODELS_CONFIG);
    await new CredentialStore({ stateDir: stateDir(home) }).write({ type: 'api_key', provider: 'openai', profile: 'default', key: KEY });
    const result = runCli(['models', 'list', '--json'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(KEY);
    const listing = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(listing).toMatchObject({
      configPath: join(stateDir(home), 'openclaw.json'),
      default: 'anthropic/claude-test',
      fallbacks: ['openai/gpt-test'],
    });
    expect(listing.models).toEqual([
      { ref: 'anthropic/claude-test', provider: 'anthropic', name: 'claude-test', default: true, fallback: false, agents: [] },
      { ref: 'openai/gpt-test', provider: 'openai', name: 'gpt-test', default: false, fallback: true, agents: [] },
      { ref: 'openai/gpt-work', provider: 'openai', name: 'gpt-work', default: false, fallback: false, agents: ['work'] },
      { ref: 'anthropic/claude-small', provider: 'anthropic', name: 'claude-small', alias: 'small', default: false, fallback: false, agents: [] },
    ]);
    expect(listing.providers).toEqual([
      {
        id: 'anthropic',
        api: 'anthropic-messages',
        baseUrl: null,
        key: { status: 'missing', fix: 'openclaw models auth login --provider anthropic or set ANTHROPIC_OAUTH_TOKEN / ANTHROPIC_API_KEY' },
      },
      {
        id: 'openai',
        api: 'openai-completions',
        baseUrl: null,
        key: { status: 'profile', profile: 'openai:default', file: join(stateDir(home), 'credentials', 'openai.default.json') },
      },
    ]);
  });

  it('works without a config file (the default model) and exits 78 on an invalid one', () => {
    const bare = runCli(['models', 'list', '--json'], { home: tempHome() });
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout)).toMatchObject({ default: 'anthropic/claude-opus-4-5', fallbacks: [] });
    const home = tempHome();
    writeConfig(home, '{ agents: { defaults: { model: { primary: 42 } } } }');
    expect(runCli(['models', 'list'], { home }).code).toBe(78);
  });
});

describe('openclaw models set', () => {
  it('writes agents.defaults.model.primary in place, keeping comments, and says to restart the gateway', () => {
    const home = tempHome();
    const file = writeConfig(home, `// my models\n${MODELS_CONFIG}`);
    const result = runCli(['models', 'set', 'openai/gpt-next'], { home, env: { OPENAI_API_KEY: KEY } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`default model: anthropic/claude-test → openai/gpt-next (agents.defaults.model.primary in ${file})`);
    expect(result.stdout).toContain('openclaw gateway restart');
    expect(result.stdout).toContain('agents with their own model keep it: work');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('// my models');
    expect(text).toContain('primary: "openai/gpt-next"');
    expect(runCli(['config', 'get', 'agents.defaults.model.primary'], { home }).stdout).toBe('openai/gpt-next\n');
  });

  it('resolves an alias, and warns when the provider has no key', () => {
    const home = tempHome();
    writeConfig(home, MODELS_CONFIG);
    const result = runCli(['models', 'set', 'small', '--json'], { home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: 'agents.defaults.model.primary', previous: 'anthropic/claude-test', value: 'anthropic/claude-small', changed: true });
    expect(result.stderr).toContain('warning: anthropic has no API key yet');
    expect(result.stderr).toContain('fix: openclaw models auth login --provider anthropic');
  });

  it('refuses an unknown provider with exit 78 and leaves the file alone', () => {
    const home = tempHome();
    const file = writeConfig(home, MODELS_CONFIG);
    const result = runCli(['models', 'set', 'frob/model-1'], { home });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('error: unknown model provider "frob" (in frob/model-1)');
    expect(result.stderr).toContain('fix: add it: openclaw config set models.providers.frob');
    expect(readFileSync(file, 'utf8')).toBe(MODELS_CONFIG);
  });
});

describe('openclaw models auth login', () => {
  it('reads the key from stdin, verifies it with the provider (Anthropic SDK), stores it 0600 in a 0700 dir', async () => {
    const fake = await startFakeAnthropic({ apiKey: KEY });
    fakes.push(fake);
    const home = homeWithProvider('anthropic', fake.url);
    const result = await runCliAsync(['models', 'auth', 'login', '--provider', 'anthropic'], { home, input: `${KEY}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`✓ verified: anthropic accepted the key (GET ${fake.url}/v1/models)`);
    expect(result.stdout + result.stderr).not.toContain(KEY);
    expect(fake.requests.map((r) => [r.method, r.path.split('?')[0], r.apiKey])).toEqual([['GET', '/v1/models', KEY]]);
    const file = join(stateDir(home), 'credentials', 'anthropic.default.json');
    expect(result.stdout).toContain(`stored anthropic:default in ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDir(home), 'credentials')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ type: 'api_key', provider: 'anthropic', profile: 'default', key: KEY });
    // The listing now names the stored profile.
    expect(runCli(['models', 'list'], { home }).stdout).toMatch(/✓ anthropic\s+key from stored profile anthropic:default/);
  });

  it('verifies with the OpenAI SDK and stores a named profile (--profile, --json)', async () => {
    const fake = await startFakeOpenAI({ apiKey: KEY });
    fakes.push(fake);
    const home = homeWithProvider('openai', fake.url);
    const result = await runCliAsync(['models', 'auth', 'login', '--provider', 'openai', '--profile', 'work', '--json'], { home, input: KEY });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ provider: 'openai', profile: 'openai:work', file: join(stateDir(home), 'credentials', 'openai.work.json'), verification: 'verified', inUse: true });
    expect(fake.requests[0]?.apiKey).toBe(KEY);
  });

  it('refuses a key the provider rejects: exit 1, nothing stored, the key never shown', async () => {
    const fake = await startFakeAnthropic({ apiKey: 'sk-ant-the-right-one' });
    fakes.push(fake);
    const home = homeWithProvider('anthropic', fake.url);
    const result = await runCliAsync(['models', 'auth', 'login', '--provider', 'anthropic'], { home, input: `${KEY}\n` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: anthropic refused the key (HTTP 401 from GET ${fake.url}/v1/models); nothing was stored`);
    expect(result.stdout + result.stderr).not.toContain(KEY);
    expect(fake.requests).toHaveLength(1);
    expect(credentials(home)).toEqual([]);
  });

  it('--no-verify stores the key without asking the provider', async () => {
    const fake = await startFakeAnthropic({ apiKey: 'sk-ant-the-right-one' });
    fakes.push(fake);
    const home = homeWithProvider('anthropic', fake.url);
    const result = await runCliAsync(['models', 'auth', 'login', '--provider', 'anthropic', '--no-verify'], { home, input: KEY });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('not verified (--no-verify)');
    expect(fake.requests).toEqual([]);
    expect(credentials(home)).toEqual(['anthropic.default.json']);
  });

  it('stores the key with a warning when the provider cannot be reached', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const home = homeWithProvider('openai', baseUrl);
    const result = await runCliAsync(['models', 'auth', 'login', '--provider', 'openai'], { home, input: KEY });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: could not verify the key: ECONNREFUSED (GET ${baseUrl}/models); it was stored anyway`);
    expect(result.stdout + result.stderr).not.toContain(KEY);
    const file = join(stateDir(home), 'credentials', 'openai.default.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('warns when an environment variable would be used before the stored key', async () => {
    const home = tempHome();
    const result = await runCliAsync(['models', 'auth', 'login', '--provider', 'openai', '--no-verify'], { home, input: KEY, env: { OPENAI_API_KEY: 'sk-from-env' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: the gateway will not use this key: OPENAI_API_KEY (the process environment) comes before stored keys');
  });

  it('refuses empty input (exit 2), an unknown provider (exit 78) and a bad profile name (exit 2), storing nothing', async () => {
    const home = tempHome();
    const empty = await runCliAsync(['models', 'auth', 'login', '--provider', 'openai'], { home, input: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('error: no API key on stdin');
    const unknown = await runCliAsync(['models', 'auth', 'login', '--provider', 'frob'], { home, input: KEY });
    expect(unknown.code).toBe(78);
    expect(unknown.stderr).toContain('unknown model provider "frob"');
    expect(unknown.stderr).toContain('--no-verify');
    const badProfile = await runCliAsync(['models', 'auth', 'login', '--provider', 'openai', '--profile', '../x'], { home, input: KEY });
    expect(badProfile.code).toBe(2);
    expect(badProfile.stderr).toContain('invalid profile id');
    expect(credentials(home)).toEqual([]);
  });
});
