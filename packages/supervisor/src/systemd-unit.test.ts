import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecFile } from './exec.ts';
import { parseSystemdUnit, renderSystemdUnit } from './systemd-unit.ts';
import type { SystemdUnitInput } from './systemd-unit.ts';
import { unitFileName } from './service.ts';

const exec = createExecFile();
let root: string;
let runtimeDir: string;
let entryPath: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'oc-unit-'));
  runtimeDir = join(root, 'runtime');
  mkdirSync(runtimeDir, { mode: 0o700 });
  chmodSync(runtimeDir, 0o700);
  entryPath = join(root, 'dist', 'openclaw.js');
  mkdirSync(join(root, 'dist'));
  writeFileSync(entryPath, '');
  const probe = await exec('systemd-analyze', ['--version'], { env: process.env }).catch((error: unknown) => error as Error);
  if (probe instanceof Error) {
    throw new Error(`systemd-analyze is required by these tests and was not found on PATH (${probe.message}); install systemd (e.g. apt-get install systemd)`);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes the unit under its real file name and runs the real `systemd-analyze verify --user`. */
async function verify(text: string, profile?: string): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(root, 'unit-'));
  const file = join(dir, unitFileName(profile));
  writeFileSync(file, text);
  const { code, stderr } = await exec('systemd-analyze', ['verify', '--user', file], { env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir } });
  return { code, stderr };
}

const base = (): SystemdUnitInput => ({ version: '2026.2.1', nodePath: process.execPath, entryPath, port: 18789, memoryMb: 1024 });

describe('renderSystemdUnit', () => {
  it('writes the seed unit with the limits and hardening', () => {
    const text = renderSystemdUnit(base());
    expect(text).toContain('[Unit]\nDescription=OpenClaw gateway (v2026.2.1)\nAfter=network-online.target\nWants=network-online.target\n');
    expect(text).toContain('StartLimitIntervalSec=300\nStartLimitBurst=5\n');
    expect(text).toContain(`Type=simple\nExecStart=${process.execPath} ${entryPath} gateway --port 18789\n`);
    for (const line of [
      'Restart=always',
      'RestartSec=5',
      'RestartPreventExitStatus=78',
      'TimeoutStopSec=15',
      'KillMode=mixed',
      'StandardOutput=journal',
      'StandardError=journal',
      'Environment=PATH=/usr/local/bin:/usr/bin:/bin',
      'Environment=NODE_OPTIONS=--max-old-space-size=256',
      'Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service',
      'Environment=OPENCLAW_SERVICE_MARKER=openclaw',
      'Environment=OPENCLAW_SERVICE_KIND=gateway',
      'Environment=OPENCLAW_SERVICE_VERSION=2026.2.1',
      'NoNewPrivileges=yes',
      'UMask=0077',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text.endsWith('[Install]\nWantedBy=default.target\n')).toBe(true);
    // Defaults are not written: the gateway computes them the same way.
    expect(text).not.toContain('OPENCLAW_STATE_DIR');
    expect(text).not.toContain('OPENCLAW_PROFILE');
  });

  it('names the profile and writes its paths', () => {
    const text = renderSystemdUnit({ ...base(), profile: 'work', stateDir: '/home/u/.openclaw-work', configPath: '/home/u/.openclaw-work/openclaw.json' });
    expect(text).toContain('Description=OpenClaw gateway (profile: work, v2026.2.1)');
    expect(text).toContain('Environment=OPENCLAW_PROFILE=work\nEnvironment=OPENCLAW_STATE_DIR=/home/u/.openclaw-work\n');
    expect(text).toContain('Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway-work.service');
  });

  it('quotes spaces, quotes, backslashes, % and $', () => {
    const text = renderSystemdUnit({ ...base(), stateDir: '/srv/my state/50%', env: { GREETING: `it's "$HOME" \\ ok` } });
    expect(text).toContain('Environment="OPENCLAW_STATE_DIR=/srv/my state/50%%"');
    expect(text).toContain(String.raw`Environment="GREETING=it's \"$HOME\" \\ ok"`);
    const parsed = parseSystemdUnit(text);
    expect(parsed.environment.OPENCLAW_STATE_DIR).toBe('/srv/my state/50%');
    expect(parsed.environment.GREETING).toBe(`it's "$HOME" \\ ok`);
  });

  it('refuses secrets, reserved keys, relative paths, bad profiles and newlines', () => {
    expect(() => renderSystemdUnit({ ...base(), env: { ANTHROPIC_API_KEY: 'sk' } })).toThrow(expect.objectContaining({ code: 'SUPERVISOR_SECRET_IN_UNIT' }));
    expect(() => renderSystemdUnit({ ...base(), env: { OPENCLAW_GATEWAY_TOKEN: 't' } })).toThrow(expect.objectContaining({ code: 'SUPERVISOR_SECRET_IN_UNIT' }));
    expect(() => renderSystemdUnit({ ...base(), env: { NODE_OPTIONS: '--inspect' } })).toThrow(expect.objectContaining({ code: 'SUPERVISOR_INVALID_INPUT' }));
    expect(() => renderSystemdUnit({ ...base(), env: { 'BAD-NAME': 'x' } })).toThrow(/valid environment variable/);
    expect(() => renderSystemdUnit({ ...base(), nodePath: 'node' })).toThrow(/absolute/);
    expect(() => renderSystemdUnit({ ...base(), stateDir: '~/.openclaw' })).toThrow(/absolute/);
    expect(() => renderSystemdUnit({ ...base(), profile: '../evil' })).toThrow(/profile/);
    expect(() => renderSystemdUnit({ ...base(), env: { A: 'x\nExecStartPre=/bin/rm' } })).toThrow(/control character/);
    expect(() => renderSystemdUnit({ ...base(), port: 70000 })).toThrow(/port/);
  });
});

describe('systemd-analyze verify --user', () => {
  const cases: [string, () => { input: SystemdUnitInput; profile?: string }][] = [
    ['default', () => ({ input: base() })],
    ['profile with state dir and config path', () => ({ input: { ...base(), profile: 'work', stateDir: join(root, 'state-work'), configPath: join(root, 'state-work', 'openclaw.json') }, profile: 'work' })],
    [
      'paths with spaces, % and $',
      () => {
        const dir = join(root, 'node dir 100%');
        mkdirSync(dir, { recursive: true });
        const node = join(dir, 'node $bin');
        symlinkSync(process.execPath, node);
        const entry = join(root, 'my $app', 'dist', 'openclaw.js');
        mkdirSync(join(root, 'my $app', 'dist'), { recursive: true });
        writeFileSync(entry, '');
        return { input: { ...base(), nodePath: node, entryPath: entry, stateDir: '/home/a b/.openclaw "x"', configPath: '/home/a b/c\\d.json' } };
      },
    ],
    ['custom env and a big host', () => ({ input: { ...base(), memoryMb: 65_536, env: { TZ: 'Europe/Paris', LOG_FORMAT: 'a b;c', EMPTY: '', QUOTE: "'" } } })],
  ];
  for (const [name, make] of cases) {
    it(`accepts the unit without warnings: ${name}`, async () => {
      const { input, profile } = make();
      const text = renderSystemdUnit(input);
      const result = await verify(text, profile);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const parsed = parseSystemdUnit(text);
      expect(parsed.execStart).toEqual([input.nodePath, input.entryPath, 'gateway', '--port', String(input.port)]);
      expect(parsed.environment.OPENCLAW_SERVICE_VERSION).toBe(input.version);
      for (const [key, value] of Object.entries(input.env ?? {})) expect(parsed.environment[key]).toBe(value);
      if (input.stateDir !== undefined) expect(parsed.environment.OPENCLAW_STATE_DIR).toBe(input.stateDir);
      if (input.configPath !== undefined) expect(parsed.environment.OPENCLAW_CONFIG_PATH).toBe(input.configPath);
    });
  }

  it('the check can fail: an unknown key is reported on stderr', async () => {
    const text = renderSystemdUnit(base()).replace('[Install]', 'Bogus=1\n\n[Install]');
    const result = await verify(text);
    expect(result.stderr).toContain("Unknown key 'Bogus'");
  });
});

describe('parseSystemdUnit', () => {
  it('reads hand-edited units: comments, continuations, resets, prefixes', () => {
    const parsed = parseSystemdUnit(
      [
        '# edited by hand',
        '[Unit]',
        'Description=OpenClaw gateway (v1.0.0)',
        '[Service]',
        'ExecStart=/usr/bin/old',
        'ExecStart=',
        'ExecStart=-/home/u/.nvm/versions/node/v22.1.0/bin/node \\',
        '  /opt/openclaw/dist/openclaw.js gateway --port 18790',
        'Environment=A=1 "B=two words"',
        "Environment='C=x y' A=3",
        'Environment=OPENCLAW_SERVICE_VERSION=1.0.0',
      ].join('\n'),
    );
    expect(parsed.description).toBe('OpenClaw gateway (v1.0.0)');
    expect(parsed.execStart).toEqual(['/home/u/.nvm/versions/node/v22.1.0/bin/node', '/opt/openclaw/dist/openclaw.js', 'gateway', '--port', '18790']);
    expect(parsed.environment).toEqual({ A: '3', B: 'two words', C: 'x y', OPENCLAW_SERVICE_VERSION: '1.0.0' });
  });

  it('returns undefined ExecStart for a unit without one', () => {
    expect(parseSystemdUnit('[Unit]\nDescription=x\n').execStart).toBeUndefined();
  });
});
