import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSON5 from 'json5';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempHome } from '../test/run-cli.ts';
import { CredentialStore, processStartTime } from '@openclaw/state';
import { freePort, startGateway } from '../test/gateway-process.ts';
import { migratedText, sameJson } from './commands/doctor-config.ts';
import type { CliResult } from '../test/run-cli.ts';
import { runWithFakeSystemd } from '../test/fake-systemd/index.ts';

beforeAll(assertBuilt);

interface Report {
  ok: boolean;
  checks: Array<{ id: string; status: 'ok' | 'warning' | 'problem'; title: string; detail: string; fix?: string; changed?: boolean; lines?: string[] }>;
  changes: string[];
}

const LEGACY = `// my assistant's config
{
  // how clients reach the gateway
  gateway: {
    port: 18999,
    token: "0123456789abcdef0123456789abcdef",
  },
  /* the Telegram bot */
  telegram: { botToken: "123456:legacy-token" },
}
`;

const HEADER = '{"type":"session","version":3,"id":"s1","timestamp":"2026-01-01T00:00:00.000Z"}';
const ENTRY = '{"type":"message","id":"a1b2c3d4","parentId":null,"timestamp":"2026-01-01T00:00:01.000Z","message":{"role":"user","content":"hi","timestamp":1}}';

/** A temp HOME with a private state dir holding `config` (0600) unless it is undefined. */
function home(config?: string): { home: string; state: string; config: string } {
  const h = tempHome();
  const state = join(h, '.openclaw');
  mkdirSync(state, { mode: 0o700 });
  const file = join(state, 'openclaw.json');
  if (config !== undefined) writeFileSync(file, config, { mode: 0o600 });
  return { home: h, state, config: file };
}

function doctor(h: string, ...args: string[]): CliResult {
  return runCli(['doctor', ...args], { home: h });
}

function json(h: string, ...args: string[]): Report {
  const result = doctor(h, '--json', ...args);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Report;
}

const byId = (report: Report, id: string) => report.checks.find((c) => c.id === id);
const mode = (path: string) => statSync(path).mode & 0o777;

describe('openclaw doctor: legacy config', () => {
  it('without --fix lists the migration and writes nothing', () => {
    const { home: h, config, state } = home(LEGACY);
    const result = doctor(h);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('⚠ legacy keys: 2 changes to migrate');
    expect(result.stdout).toContain('~ moved telegram to channels.telegram');
    expect(result.stdout).toContain('~ moved gateway.token to gateway.auth.token');
    expect(result.stdout).toContain('fix: openclaw doctor --fix');
    expect(result.stdout).not.toContain('legacy-token'); // no secrets in the diff
    expect(readFileSync(config, 'utf8')).toBe(LEGACY);
    expect(readdirSync(state)).toEqual(['openclaw.json']);
  });

  it('with --fix backs the file up, migrates it in place (comments kept), and a second run changes nothing', () => {
    const { home: h, config } = home(LEGACY);
    const result = doctor(h, '--fix');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('✓ legacy keys: migrated 2 changes (edited in place, comments kept)');
    expect(readFileSync(`${config}.bak`, 'utf8')).toBe(LEGACY);
    const text = readFileSync(config, 'utf8');
    expect(text).toContain("// my assistant's config");
    expect(text).toContain('// how clients reach the gateway');
    const parsed = JSON5.parse<Record<string, Record<string, unknown>>>(text);
    expect(parsed.telegram).toBeUndefined();
    expect(parsed.gateway).toEqual({ port: 18999, auth: { token: '0123456789abcdef0123456789abcdef' } });
    expect(parsed.channels).toEqual({ telegram: { botToken: '123456:legacy-token' } });
    expect(mode(config)).toBe(0o600);
    const validate = runCli(['config', 'validate', '--json'], { home: h });
    expect(validate.code, validate.stdout).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, warnings: [] });

    const again = json(h, '--fix');
    expect(again.ok).toBe(true);
    expect(again.changes).toEqual([]);
    expect(byId(again, 'config.legacy')).toMatchObject({ status: 'ok', detail: 'none' });
    expect(readFileSync(config, 'utf8')).toBe(text);
    expect(readFileSync(`${config}.bak`, 'utf8')).toBe(LEGACY);
  });

  it('--yes is --fix', () => {
    const { home: h, config } = home(LEGACY);
    expect(doctor(h, '--yes', '--non-interactive').code).toBe(0);
    expect(existsSync(`${config}.bak`)).toBe(true);
  });

  it('leaves ${VAR} references as written and reports legacy keys of an $include\'d file for moving by hand', () => {
    const { home: h, state, config } = home('{\n  $include: "./extra.json5",\n  gateway: { token: "${MY_TOKEN}" },\n}\n');
    writeFileSync(join(state, 'extra.json5'), '{ whatsapp: { allowFrom: ["+15550001"] } }\n', { mode: 0o600 });
    const result = runCli(['doctor', '--fix', '--json'], { home: h, env: { MY_TOKEN: 'abcdefabcdefabcdefabcdefabcdef' } });
    const report = JSON.parse(result.stdout) as Report;
    expect(readFileSync(config, 'utf8')).toBe('{\n  $include: "./extra.json5",\n  gateway: { auth: { token: "${MY_TOKEN}" } },\n}\n');
    expect(byId(report, 'config.legacy')).toMatchObject({ status: 'warning', changed: true });
    expect(byId(report, 'config.legacy')?.lines).toContain('~ moved whatsapp to channels.whatsapp');
    expect(readFileSync(join(state, 'extra.json5'), 'utf8')).toContain('whatsapp');
  });

  it('an invalid config is ✗ with the errors listed, exit 1, and is not rewritten', () => {
    const bad = '{ gateway: { port: "nope" }, gatway: {} }\n';
    const { home: h, config } = home(bad);
    const result = doctor(h, '--fix');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ config file: .*1 error/);
    expect(result.stdout).toContain('gateway.port');
    expect(result.stdout).toMatch(/⚠ unknown keys: 1 key/);
    expect(result.stdout).toContain('did you mean gateway?');
    expect(readFileSync(config, 'utf8')).toBe(bad);
    expect(existsSync(`${config}.bak`)).toBe(false);
  });
});

describe('openclaw doctor: sessions', () => {
  function torn(): { home: string; file: string; dir: string } {
    const { home: h, state } = home('{ gateway: { auth: { token: "0123456789abcdef0123456789abcdef" } } }\n');
    const dir = join(state, 'agents', 'main', 'sessions');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 's1.jsonl');
    writeFileSync(file, `${HEADER}\n${ENTRY}\n{"type":"message","id":"e5f6`, { mode: 0o600 });
    return { home: h, file, dir };
  }

  it('reports a torn transcript read-only, repairs it with --fix (the cut bytes kept), then finds nothing', () => {
    const { home: h, file, dir } = torn();
    const before = readFileSync(file, 'utf8');
    const scan = doctor(h);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toMatch(/⚠ agent main: 1 damaged transcript of 1/);
    expect(scan.stdout).toContain(`${file}: torn last line (28 bytes)`);
    expect(readFileSync(file, 'utf8')).toBe(before);

    const fixed = json(h, '--fix');
    expect(fixed.ok).toBe(true);
    expect(byId(fixed, 'sessions.main')).toMatchObject({ status: 'ok', changed: true });
    expect(fixed.changes.some((line) => line.includes('cut a torn last line (28 bytes)'))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${HEADER}\n${ENTRY}\n`);
    const aside = readdirSync(dir).filter((name) => name.startsWith('s1.jsonl.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] as string), 'utf8')).toBe('{"type":"message","id":"e5f6');

    const again = json(h, '--fix');
    expect(again.changes).toEqual([]);
    expect(byId(again, 'sessions.main')).toMatchObject({ status: 'ok', detail: '1 transcript, all intact' });
  });

  it('moves a malformed middle line aside with --fix', () => {
    const { home: h, file } = torn();
    writeFileSync(file, `${HEADER}\nnot json at all\n${ENTRY}\n`);
    expect(doctor(h).stdout).toContain('malformed line 2');
    const fixed = json(h, '--fix');
    expect(fixed.changes.some((line) => line.includes('moved 1 malformed line'))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${HEADER}\n${ENTRY}\n`);
  });

  it('refuses to repair while a live gateway holds the lock', () => {
    const { home: h, file } = torn();
    const before = readFileSync(file, 'utf8');
    // This test process is alive, so the lock counts as held.
    writeFileSync(join(h, '.openclaw', 'gateway.lock'), JSON.stringify({ pid: process.pid, port: 18789 }));
    const report = json(h, '--fix');
    expect(byId(report, 'gateway.lock')?.detail).toContain(`held by a running gateway (pid ${process.pid}`);
    expect(byId(report, 'sessions.main')).toMatchObject({ status: 'warning' });
    expect(byId(report, 'sessions.main')?.fix).toContain('openclaw gateway stop');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('openclaw doctor: permissions and security', () => {
  it('a 0644 config and a 0755 state dir: ✗ (world-readable) and exit 1; --fix chmods them; again: nothing', () => {
    const { home: h, state, config } = home('{ gateway: { auth: { token: "0123456789abcdef0123456789abcdef" } } }\n');
    chmodSync(config, 0o644);
    chmodSync(state, 0o755);
    const result = doctor(h);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${state} is 0755, should be 0700`);
    expect(result.stdout).toContain(`${config} is 0644, should be 0600`);
    expect(result.stdout).toMatch(/✗ config file mode: .* is world-readable \(0644\)/);
    expect(mode(config)).toBe(0o644);

    const fixed = doctor(h, '--fix');
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stdout).toContain(`chmod 0700 ${state} (was 0755)`);
    expect(fixed.stdout).toContain(`chmod 0600 ${config} (was 0644)`);
    expect(mode(config)).toBe(0o600);
    expect(mode(state)).toBe(0o700);
    expect(json(h, '--fix').changes).toEqual([]);
  });

  it('warns about a short token on a lan bind and an open DM policy, naming the channel', () => {
    const { home: h } = home(`{
      gateway: { bind: "lan", auth: { token: "short-token" } },
      channels: { telegram: { botToken: "1:x", dmPolicy: "open", allowFrom: ["*"] }, discord: { token: "d", dm: { policy: "open", allowFrom: ["*"] } } },
    }\n`);
    const report = json(h);
    expect(report.ok).toBe(true);
    expect(byId(report, 'security.token-length')).toMatchObject({ status: 'warning' });
    expect(byId(report, 'security.token-length')?.detail).toContain('11 characters; use at least 24 (bind "lan"');
    expect(byId(report, 'security.dm-policy.telegram')?.detail).toContain('channels.telegram.dmPolicy is "open"');
    expect(byId(report, 'security.dm-policy.discord')?.detail).toContain('channels.discord.dm.policy is "open"');
  });

  it('an off-loopback bind without a secret is ✗ (exit 1); loopback without one is ⚠', () => {
    const lan = home('{ gateway: { bind: "lan" } }\n');
    const result = doctor(lan.home);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ gateway auth: gateway.bind is "lan" but no token or password is set/);
    const loopback = home();
    const report = json(loopback.home);
    expect(report.ok).toBe(true);
    expect(byId(report, 'security.auth')).toMatchObject({ status: 'warning' });
  });
});

describe('openclaw doctor: credentials', () => {
  it('an expired token is ⚠ and a damaged file ✗, both with the login command; a good key is ✓', async () => {
    const { home: h, state } = home();
    const store = new CredentialStore({ stateDir: state });
    await store.write({ type: 'api_key', provider: 'anthropic', profile: 'default', key: 'sk-ant-test' });
    await store.write({ type: 'token', provider: 'openai', profile: 'default', token: 'tok', expiresAt: '2020-01-01T00:00:00.000Z' });
    writeFileSync(join(state, 'credentials', 'google.default.json'), '{ not json', { mode: 0o600 });
    const result = doctor(h);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✓ anthropic:default: api_key');
    expect(result.stdout).toContain('⚠ openai:default: expired at 2020-01-01T00:00:00.000Z');
    expect(result.stdout).toContain('fix: openclaw models auth login --provider openai');
    expect(result.stdout).toMatch(/✗ google:default: .*google\.default\.json/);
    expect(result.stdout).not.toContain('sk-ant-test');
  });
});

describe('openclaw doctor: workspace', () => {
  it('lists missing workspace files; --fix creates them and never replaces an existing one', () => {
    const { home: h, state } = home();
    const ws = join(state, 'workspace');
    mkdirSync(ws, { mode: 0o700 });
    writeFileSync(join(ws, 'SOUL.md'), 'mine\n');
    const report = json(h);
    expect(byId(report, 'workspace')).toMatchObject({ status: 'warning' });
    expect(byId(report, 'workspace')?.detail).toContain('missing AGENTS.md, MEMORY.md, skills/');
    expect(existsSync(join(ws, 'AGENTS.md'))).toBe(false);
    const fixed = json(h, '--fix');
    expect(byId(fixed, 'workspace')).toMatchObject({ status: 'ok', changed: true });
    expect(readFileSync(join(ws, 'AGENTS.md'), 'utf8')).toContain('# AGENTS.md');
    expect(readFileSync(join(ws, 'SOUL.md'), 'utf8')).toBe('mine\n');
    expect(statSync(join(ws, 'skills')).isDirectory()).toBe(true);
    expect(json(h, '--fix').changes).toEqual([]);
  });
});

describe('openclaw doctor: service and output', () => {
  it('flags a stale unit version, a missing ExecStart binary, a version-manager node and linger off', () => {
    const { home: h } = home();
    const dir = join(h, '.config', 'systemd', 'user');
    mkdirSync(dir, { recursive: true });
    const node = join(h, '.nvm', 'versions', 'node', 'v20.0.0', 'bin', 'node');
    writeFileSync(
      join(dir, 'openclaw-gateway.service'),
      `[Unit]\nDescription=OpenClaw Gateway (v0.0.0-old)\n\n[Service]\nExecStart=${node} /gone/openclaw.js gateway --port 18789\nEnvironment=OPENCLAW_SERVICE_VERSION=0.0.0-old\n`,
    );
    const result = runWithFakeSystemd(['doctor'], h, { FAKE_LINGER: 'no' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/⚠ unit version: .* was written by 0\.0\.0-old; this is /);
    expect(result.stdout).toContain('⚠ linger: off for tester: systemd stops the gateway when you log out');
    expect(result.stdout).toContain('fix: sudo loginctl enable-linger tester');
    expect(result.stdout).toContain(`✗ ExecStart: `);
    expect(result.stdout).toContain('/gone/openclaw.js');
    expect(result.stdout).toContain('openclaw gateway install --force');
    expect(result.stdout).toMatch(/⚠ node path: .* is managed by nvm/);
    const lingering = JSON.parse(runWithFakeSystemd(['doctor', '--json'], h, { FAKE_LINGER: 'yes' }).stdout) as Report;
    expect(byId(lingering, 'service.linger')).toMatchObject({ status: 'ok', detail: 'enabled for tester' });
  });

  it('--fix rewrites a stale unit for this version (same port, old kept as .bak) and reloads systemd; twice changes nothing', () => {
    const { home: h } = home();
    const dir = join(h, '.config', 'systemd', 'user');
    mkdirSync(dir, { recursive: true });
    const unit = join(dir, 'openclaw-gateway.service');
    const old = `[Unit]\nDescription=OpenClaw Gateway (v0.0.0-old)\n\n[Service]\nExecStart=/usr/bin/node /gone/openclaw.js gateway --port 19555\nEnvironment=OPENCLAW_SERVICE_VERSION=0.0.0-old\n`;
    writeFileSync(unit, old);
    const log = join(h, 'systemd-calls.log');
    const fixed = runWithFakeSystemd(['doctor', '--fix', '--json'], h, { FAKE_LINGER: 'yes', FAKE_SYSTEMD_LOG: log });
    const report = JSON.parse(fixed.stdout) as Report;
    expect(byId(report, 'service.refresh')).toMatchObject({ status: 'ok', changed: true });
    expect(report.changes.some((line) => line.startsWith(`rewrote ${unit} for `))).toBe(true);
    const text = readFileSync(unit, 'utf8');
    expect(text).not.toContain('0.0.0-old');
    expect(text).toMatch(/ExecStart=\S+ \S+openclaw\.js gateway --port 19555/);
    expect(readFileSync(`${unit}.bak`, 'utf8')).toBe(old);
    expect(readFileSync(log, 'utf8')).toContain('--user daemon-reload');
    const again = JSON.parse(runWithFakeSystemd(['doctor', '--fix', '--json'], h, { FAKE_LINGER: 'yes', FAKE_SYSTEMD_LOG: log }).stdout) as Report;
    expect(again.changes).toEqual([]);
    expect(byId(again, 'service.version')).toMatchObject({ status: 'ok' });
  });

  it('--json prints only the report, and a fresh HOME has no problems', () => {
    const h = tempHome();
    const result = doctor(h, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.changes).toEqual([]);
    for (const c of report.checks) expect(['ok', 'warning', 'problem']).toContain(c.status);
    expect(byId(report, 'gateway.lock')?.detail).toContain('none');
    expect(existsSync(join(h, '.openclaw'))).toBe(false); // a report creates nothing
  });
});

describe('openclaw doctor: gateway probe', () => {
  it('asks the gateway that holds the lock for health, and reports one that does not answer', async () => {
    const h = tempHome();
    mkdirSync(join(h, '.openclaw'), { recursive: true, mode: 0o700 });
    writeFileSync(join(h, '.openclaw', 'openclaw.json'), JSON.stringify({ gateway: { auth: { token: 'doctor-probe-token-0123456789abcdef' } } }), { mode: 0o600 });
    const port = await freePort();
    const gateway = await startGateway(['--port', String(port)], { home: h });
    try {
      const report = JSON.parse(doctor(h, '--json').stdout) as Report;
      expect(byId(report, 'gateway.probe')).toMatchObject({ status: 'ok', detail: expect.stringContaining(`answering at ws://127.0.0.1:${port}`) });
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
    // A live process holds the lock (this test's own), but nothing answers on its port.
    const silent = await freePort();
    const startTime = processStartTime(process.pid);
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const lock = { pid: process.pid, startTime, bootId, port: silent, configPath: join(h, '.openclaw', 'openclaw.json'), version: 'test', createdAt: new Date().toISOString() };
    writeFileSync(join(h, '.openclaw', 'gateway.lock'), JSON.stringify(lock), { mode: 0o600 });
    const stuck = doctor(h, '--json');
    expect(stuck.code).toBe(1);
    const probe = byId(JSON.parse(stuck.stdout) as Report, 'gateway.probe');
    expect(probe).toMatchObject({ status: 'problem', detail: expect.stringContaining(`does not answer at ws://127.0.0.1:${silent}`) });
  });
});

describe('migratedText (the config rewrite)', () => {
  it('edits in place when the edits reproduce the migrated config exactly', () => {
    const text = '// keep me\n{\n  gateway: { token: "t" }, // inline\n  logging: { level: "info" },\n}\n';
    const out = migratedText(text, { gateway: { token: 't' }, logging: { level: 'info' } }, { gateway: { auth: { token: 't' } }, logging: { level: 'info' } });
    expect(out.mode).toBe('in-place');
    expect(out.text).toContain('// keep me');
    expect(sameJson(JSON5.parse(out.text), { gateway: { auth: { token: 't' } }, logging: { level: 'info' } })).toBe(true);
  });

  it('falls back to pretty JSON when the edited text would not equal the migrated config', () => {
    // The text holds a key the parsed object lacks: the in-place result cannot match.
    const out = migratedText('{ a: 1, b: 2 }', { a: 1 }, { a: 1 });
    expect(out).toEqual({ text: '{\n  "a": 1\n}\n', mode: 'rewritten' });
  });

  it('refuses (throws) rather than write a file that lost a value', () => {
    expect(() => migratedText('{ a: 1, b: 2 }', { a: 1 }, { a: Number.POSITIVE_INFINITY })).toThrow(/nothing was written/);
  });

  it('sameJson ignores key order only', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
