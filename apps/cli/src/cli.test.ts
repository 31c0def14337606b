import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, assertBuilt, runCli, tempHome } from '../test/run-cli.ts';

const version = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(assertBuilt);

function stateDir(home: string): string {
  return join(home, '.openclaw');
}

function writeConfig(home: string, text: string): string {
  const dir = stateDir(home);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'openclaw.json');
  writeFileSync(file, text);
  return file;
}

describe('openclaw (global)', () => {
  it('--version prints the package version', () => {
    const result = runCli(['--version'], { home: tempHome() });
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands and the global flags', () => {
    const result = runCli(['--help'], { home: tempHome() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/config\s+read and change openclaw.json/);
    expect(result.stdout).toContain('--profile <name>');
    expect(result.stdout).toContain('--dev');
  });

  it('an unknown command exits 2 and says what to run', () => {
    const result = runCli(['frobnicate'], { home: tempHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(result.stderr).toContain('openclaw --help');
  });

  it('with no command prints the help and exits 0; `config` alone is a usage error', () => {
    const bare = runCli([], { home: tempHome() });
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('Usage: openclaw');
    const config = runCli(['config'], { home: tempHome() });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('Usage: openclaw config');
    const unknown = runCli(['config', 'frob'], { home: tempHome() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frob'");
  });

  it('stops quietly when the reader closes the pipe (openclaw … | head -1)', () => {
    const home = tempHome();
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" dashboard | head -1; "${process.execPath}" "${CLI}" --help | head -1`], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('Dashboard URL: http://127.0.0.1:18789/\nUsage: openclaw [options] [command]\n');
    expect(result.stderr).toBe('');
  });

  it('a bad profile name exits 78 with the rule', () => {
    const result = runCli(['--profile', 'a/b', 'config', 'path'], { home: tempHome() });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('invalid profile name "a/b"');
    expect(result.stderr).toMatch(/fix: a profile name is/);
  });
});

describe('openclaw config path', () => {
  it('defaults to ~/.openclaw/openclaw.json', () => {
    const home = tempHome();
    expect(runCli(['config', 'path'], { home }).stdout).toBe(`${home}/.openclaw/openclaw.json\n`);
  });

  it('follows --profile, --dev and OPENCLAW_CONFIG_PATH', () => {
    const home = tempHome();
    expect(runCli(['--profile', 'work', 'config', 'path'], { home }).stdout).toBe(`${home}/.openclaw-work/openclaw.json\n`);
    expect(runCli(['--profile=work', 'config', 'path'], { home }).stdout).toBe(`${home}/.openclaw-work/openclaw.json\n`);
    expect(runCli(['--dev', 'config', 'path'], { home }).stdout).toBe(`${home}/.openclaw-dev/openclaw.json\n`);
    expect(runCli(['config', 'path'], { home, env: { OPENCLAW_CONFIG_PATH: '~/elsewhere.json5' } }).stdout).toBe(`${home}/elsewhere.json5\n`);
  });

  it('--json adds the state dir, profile and whether the file exists', () => {
    const home = tempHome();
    const result = JSON.parse(runCli(['--dev', 'config', 'path', '--json'], { home }).stdout) as Record<string, unknown>;
    expect(result).toEqual({ stateDir: `${home}/.openclaw-dev`, configPath: `${home}/.openclaw-dev/openclaw.json`, profile: 'dev', exists: false });
  });
});

describe('openclaw config get / set / unset', () => {
  it('set stores JSON5 values with their type, get reads them back, file is 0600 in a 0700 dir', () => {
    const home = tempHome();
    expect(runCli(['config', 'set', 'gateway.port', '19000'], { home }).code).toBe(0);
    expect(runCli(['config', 'set', 'gateway.bind', 'lan'], { home }).code).toBe(0);
    expect(runCli(['config', 'set', 'gateway.auth.token', 'a-very-long-secret-token-value'], { home }).code).toBe(0);
    const file = join(stateDir(home), 'openclaw.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { gateway: { port: unknown; bind: unknown } };
    expect(stored.gateway.port).toBe(19000);
    expect(stored.gateway.bind).toBe('lan');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir(home)).mode & 0o777).toBe(0o700);
    expect(runCli(['config', 'get', 'gateway.port'], { home }).stdout).toBe('19000\n');
    expect(runCli(['config', 'get', 'gateway.bind'], { home }).stdout).toBe('lan\n');
  });

  it('keeps comments and formatting: only the edited value changes', () => {
    const home = tempHome();
    const before = `// my gateway, hand-written
{
  gateway: {
    port: 18789,   // the default
    /* keep me */ bind: 'loopback',
  },

  agents: { defaults: { model: { primary: "anthropic/claude-opus-4-5" } } },
}
`;
    const file = writeConfig(home, before);
    const result = runCli(['config', 'set', 'gateway.port', '19000'], { home });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before.replace('port: 18789,', 'port: 19000,'));
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(before);
  });

  it('redacts secrets unless --reveal', () => {
    const home = tempHome();
    writeConfig(home, '{ gateway: { auth: { mode: "token", token: "s3cret-token-123456789" } }, channels: { telegram: { botToken: "123:ABC" } } }');
    const whole = runCli(['config', 'get', '--json'], { home });
    expect(whole.stdout).not.toContain('s3cret');
    expect(whole.stdout).not.toContain('123:ABC');
    expect(runCli(['config', 'get', 'gateway.auth.token'], { home }).stdout).toBe('[redacted]\n');
    expect(runCli(['config', 'get', 'gateway.auth.token', '--reveal'], { home }).stdout).toBe('s3cret-token-123456789\n');
    const set = runCli(['config', 'set', 'gateway.auth.token', 'another-secret-value-42'], { home });
    expect(set.stdout + set.stderr).not.toContain('another-secret');
  });

  it('--explain says which layer set a value', () => {
    const home = tempHome();
    const file = writeConfig(home, '{ gateway: { bind: "lan", auth: { token: "${MY_TOKEN}" } } }');
    writeFileSync(join(stateDir(home), '.env'), 'MY_TOKEN=from-dotenv-token-value\n');
    const env = { OPENCLAW_GATEWAY_PORT: '19555' };
    expect(runCli(['config', 'get', 'gateway.bind', '--explain'], { home, env }).stdout).toBe(`gateway.bind = lan\n  set by: file ${file}\n`);
    expect(runCli(['config', 'get', 'gateway.port', '--explain'], { home, env }).stdout).toBe(
      'gateway.port = 19555\n  set by: environment variable OPENCLAW_GATEWAY_PORT, from the process environment\n',
    );
    expect(runCli(['config', 'get', 'gateway.mode', '--explain'], { home, env }).stdout).toBe(
      'gateway.mode = local\n  set by: default (not set anywhere; the schema default applies)\n',
    );
    const token = JSON.parse(runCli(['config', 'get', 'gateway.auth.token', '--explain', '--json'], { home, env }).stdout) as { value: string; origins: unknown[] };
    expect(token.value).toBe('[redacted]');
    expect(token.origins).toEqual([{ kind: 'file', file, variables: [{ name: 'MY_TOKEN', source: { layer: 'state-dotenv', file: join(stateDir(home), '.env') } }] }]);
  });

  it('warns when an environment variable overrides what was just set', () => {
    const home = tempHome();
    const result = runCli(['config', 'set', 'gateway.port', '19001'], { home, env: { OPENCLAW_GATEWAY_PORT: '20000' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: OPENCLAW_GATEWAY_PORT is set in the process environment and overrides gateway.port');
  });

  it('refuses a value of the wrong type and leaves the file alone (exit 78)', () => {
    const home = tempHome();
    const file = writeConfig(home, '{ gateway: { port: 18789 } }\n');
    const result = runCli(['config', 'set', 'gateway.port', 'abc'], { home });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('gateway.port: expected number, found string "abc"');
    expect(readFileSync(file, 'utf8')).toBe('{ gateway: { port: 18789 } }\n');
  });

  it('unset removes the key so the default applies', () => {
    const home = tempHome();
    writeConfig(home, '{\n  gateway: {\n    port: 19000,\n    bind: "lan",\n  },\n}\n');
    const result = runCli(['config', 'unset', 'gateway.port'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('removed gateway.port');
    expect(runCli(['config', 'get', 'gateway.port'], { home }).stdout).toBe('18789\n');
    expect(runCli(['config', 'unset', 'gateway.port'], { home }).stdout).toContain('was not set');
  });

  it('an unknown path suggests the likely key', () => {
    const home = tempHome();
    const result = runCli(['config', 'get', 'gateway.prot'], { home });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('no value at gateway.prot');
    expect(result.stderr).toContain('did you mean gateway.port?');
  });
});

describe('openclaw config validate', () => {
  it('with no file: the defaults apply, exit 0', () => {
    const home = tempHome();
    const result = runCli(['config', 'validate'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no config file');
  });

  it('broken JSON5: file:line:col and the line, exit 78', () => {
    const home = tempHome();
    const file = writeConfig(home, '{\n  gateway: { port: 18789 }\n  agents: {}\n}\n');
    const result = runCli(['config', 'validate'], { home });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${file}:3:3: invalid character 'a'`);
    expect(result.stderr).toContain('3 |   agents: {}');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an unknown key is a warning with a suggestion, not a failure', () => {
    const home = tempHome();
    writeConfig(home, '{ gateway: { prot: 1 } }');
    const result = runCli(['config', 'validate'], { home });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: unknown key gateway.prot (did you mean gateway.port?)');
    expect(result.stdout).toContain('is valid (1 warning)');
  });

  it('wrong types: every bad path with expected and found, exit 78', () => {
    const home = tempHome();
    writeConfig(home, '{ gateway: { port: "high", bind: "everywhere" } }');
    const result = runCli(['config', 'validate', '--json'], { home });
    expect(result.code).toBe(78);
    const report = JSON.parse(result.stdout) as { valid: boolean; errors: { message: string }[] };
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => e.message)).toEqual([
      'gateway.port: expected number, found string "high"',
      expect.stringMatching(/^gateway\.bind: expected one of "loopback", "lan", .*found string "everywhere"$/),
    ]);
  });

  it('a missing ${VAR} names the config path that needs it', () => {
    const home = tempHome();
    writeConfig(home, '{ channels: { telegram: { botToken: "${TELEGRAM_BOT_TOKEN}" } } }');
    const result = runCli(['config', 'validate'], { home });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('Missing env var "TELEGRAM_BOT_TOKEN" referenced at config path: channels.telegram.botToken');
  });

  it('a legacy config is migrated in memory with a warning that names doctor', () => {
    const home = tempHome();
    writeConfig(home, '{ gateway: { token: "legacy-token-abcdefghijkl" } }');
    const result = runCli(['config', 'validate'], { home });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/legacy config: .*gateway\.auth\.token.*openclaw doctor --fix/);
    expect(runCli(['config', 'get', 'gateway.auth.token', '--reveal'], { home }).stdout).toBe('legacy-token-abcdefghijkl\n');
  });
});
