import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, assertBuilt, tempHome } from '../test/run-cli.ts';
import { freePort, startGateway } from '../test/gateway-process.ts';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { FAKE_SYSTEMD_DIR, recordedCalls, runWithFakeSystemd as run } from '../test/fake-systemd/index.ts';

const UNIT = 'openclaw-gateway.service';
const RELOAD = 'systemctl --user daemon-reload';
const ENABLE = `systemctl --user enable ${UNIT}`;
const IS_ENABLED = `systemctl --user is-enabled ${UNIT}`;
const SHOW_LINGER = 'loginctl show-user tester -p Linger';
const LINGER = 'loginctl enable-linger tester';
const START = `systemctl --user start ${UNIT}`;
const SHOW = `systemctl --user show ${UNIT} --no-pager --property=LoadState,ActiveState,SubState,UnitFileState,MainPID,ExecMainStatus,NRestarts`;

const running: GatewayProcess[] = [];

beforeAll(assertBuilt);

afterEach(async () => {
  for (const gateway of running.splice(0)) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
});

function unitFile(home: string, name = UNIT): string {
  return join(home, '.config', 'systemd', 'user', name);
}

/** A temp HOME with an installed unit (the fakes say active, linger already on). */
function installed(): string {
  const home = tempHome();
  const result = run(['gateway', 'install'], home, { FAKE_LINGER: 'yes' });
  expect(result.code, result.stderr).toBe(0);
  return home;
}

describe('openclaw gateway install', () => {
  it('writes the unit (0644, absolute node and entry) and runs daemon-reload, enable, linger, start in that order', () => {
    const home = tempHome();
    const result = run(['gateway', 'install', '--port', '18999'], home);
    expect(result.code, result.stderr).toBe(0);
    expect(recordedCalls(home)).toEqual([IS_ENABLED, RELOAD, ENABLE, SHOW_LINGER, LINGER, START]);
    const text = readFileSync(unitFile(home), 'utf8');
    expect(statSync(unitFile(home)).mode & 0o777).toBe(0o644);
    expect(text).toContain(`ExecStart=${process.execPath} ${CLI} gateway --port 18999`);
    expect(text).toMatch(/^Environment=OPENCLAW_SERVICE_VERSION=\S+$/m);
    expect(text).not.toContain('OPENCLAW_STATE_DIR');
    expect(result.stdout).toContain(`installed ${unitFile(home)}`);
    expect(result.stdout).toContain('linger for tester: enabled');
    expect(result.stdout).toContain('gateway service started on port 18999');
    expect(result.stdout).toContain('check: openclaw gateway status');
    expect(result.stdout).toContain(`journalctl --user -u ${UNIT} -f`);
    // The unit the CLI really wrote passes the real systemd-analyze, with no warnings.
    const runtime = join(home, 'xdg-runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const verify = spawnSync('systemd-analyze', ['verify', '--user', unitFile(home)], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_RUNTIME_DIR: runtime },
      encoding: 'utf8',
    });
    expect(verify.error, 'systemd-analyze must be installed (Debian: systemd)').toBeUndefined();
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('is idempotent: an identical, enabled and active unit is left alone', () => {
    const home = installed();
    const before = recordedCalls(home).length;
    const again = run(['gateway', 'install'], home);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already installed');
    expect(recordedCalls(home).slice(before)).toEqual([IS_ENABLED, `systemctl --user is-active ${UNIT}`]);
  });

  it('re-enables and restarts an identical unit that is not running, without rewriting it', () => {
    const home = installed();
    const before = recordedCalls(home).length;
    const again = run(['gateway', 'install'], home, { FAKE_SYSTEMD_STATE: 'inactive', FAKE_LINGER: 'yes' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('unit unchanged at');
    expect(recordedCalls(home).slice(before)).toEqual([IS_ENABLED, `systemctl --user is-active ${UNIT}`, RELOAD, ENABLE, SHOW_LINGER, `systemctl --user restart ${UNIT}`]);
    expect(existsSync(`${unitFile(home)}.bak`)).toBe(false);
  });

  it('refuses a changed unit without --force (saying what differs) and replaces it with --force, keeping a .bak', () => {
    const home = installed();
    const old = readFileSync(unitFile(home), 'utf8').replaceAll(/OPENCLAW_SERVICE_VERSION=\S+/g, 'OPENCLAW_SERVICE_VERSION=0.0.0-old').replace(/ExecStart=\S+/, 'ExecStart=/home/u/.nvm/versions/node/v20.0.0/bin/node');
    writeFileSync(unitFile(home), old);
    const before = recordedCalls(home).length;
    const refused = run(['gateway', 'install'], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*openclaw-gateway\.service exists and differs/m);
    expect(refused.stderr).toContain('version 0.0.0-old →');
    expect(refused.stderr).toContain('ExecStart /home/u/.nvm/versions/node/v20.0.0/bin/node');
    expect(refused.stderr).toContain('fix: openclaw gateway install --force');
    expect(readFileSync(unitFile(home), 'utf8')).toBe(old);
    expect(recordedCalls(home).slice(before)).toEqual([IS_ENABLED]);

    const forced = run(['gateway', 'install', '--force'], home, { FAKE_LINGER: 'yes' });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('replaced');
    expect(readFileSync(`${unitFile(home)}.bak`, 'utf8')).toBe(old);
    expect(readFileSync(unitFile(home), 'utf8')).toContain(`ExecStart=${process.execPath} `);
    expect(recordedCalls(home).slice(before + 1)).toEqual([IS_ENABLED, RELOAD, ENABLE, SHOW_LINGER, `systemctl --user restart ${UNIT}`]);
  });

  it('--dry-run prints the unit and the commands, writes nothing and runs nothing', () => {
    const home = tempHome();
    const result = run(['gateway', 'install', '--dry-run'], home);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[Service]');
    expect(result.stdout).toContain(`gateway --port 18789`);
    expect(result.stdout).toContain(`  ${RELOAD}`);
    expect(result.stdout).toContain(`  ${START}`);
    expect(existsSync(unitFile(home))).toBe(false);
    expect(recordedCalls(home)).toEqual([]);
  });

  it('still succeeds when linger is refused, with the sudo command to run', () => {
    const home = tempHome();
    const result = run(['gateway', 'install'], home, { FAKE_LOGINCTL_DENY: '1' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: could not enable linger for tester/m);
    expect(result.stderr).toContain('fix: sudo loginctl enable-linger tester');
    expect(recordedCalls(home)).toEqual([IS_ENABLED, RELOAD, ENABLE, SHOW_LINGER, LINGER, START]);
  });

  it('names the unit after the profile and puts the profile paths into Environment', () => {
    const home = tempHome();
    const result = run(['--profile', 'work', 'gateway', 'install', '--json'], home, { FAKE_LINGER: 'yes' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ action: 'install', ok: true, result: 'installed', unit: 'openclaw-gateway-work.service', linger: 'already enabled' });
    const text = readFileSync(unitFile(home, 'openclaw-gateway-work.service'), 'utf8');
    expect(text).toContain('Environment=OPENCLAW_PROFILE=work');
    expect(text).toContain(`Environment=OPENCLAW_STATE_DIR=${join(home, '.openclaw-work')}`);
  });

  it('warns (and still installs) when node comes from a version manager', () => {
    const home = tempHome();
    const bin = join(home, '.nvm', 'versions', 'node', 'v24.0.0', 'bin');
    mkdirSync(bin, { recursive: true });
    const node = join(bin, 'node');
    // A hard link keeps the path (process.execPath is the resolved /proc/self/exe); copy across devices.
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    const env = { PATH: `${FAKE_SYSTEMD_DIR}:/usr/bin:/bin`, HOME: home, USER: 'tester' };
    const result = spawnSync(node, [CLI, 'gateway', 'install', '--dry-run'], { cwd: home, env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^warning: .*\.nvm\/versions\/node\/v24\.0\.0\/bin\/node is managed by nvm/m);
    expect(result.stderr).toContain('/usr/bin/node');
    expect(result.stdout).toContain(`ExecStart=${node} `);
  });

  it('refuses to install with an invalid config (exit 78) and runs nothing', () => {
    const home = tempHome();
    mkdirSync(join(home, '.openclaw'));
    writeFileSync(join(home, '.openclaw', 'openclaw.json'), '{ gateway: { port: "not a port" } }');
    const result = run(['gateway', 'install'], home);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('openclaw config validate');
    expect(recordedCalls(home)).toEqual([]);
    expect(existsSync(unitFile(home))).toBe(false);
  });

  it('with no user bus: the fix, exit 1, nothing written', () => {
    const home = tempHome();
    const result = run(['gateway', 'install'], home, { FAKE_SYSTEMD_BUS: 'down' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot reach the systemd user bus \(Failed to connect to bus: No such file or directory\)/m);
    expect(result.stderr).toContain('sudo loginctl enable-linger tester');
    expect(result.stderr).toContain('openclaw gateway');
    expect(existsSync(unitFile(home))).toBe(false);
  });
});

describe('openclaw gateway start | stop | restart | uninstall', () => {
  it('runs systemctl for an installed unit', () => {
    const home = installed();
    for (const [verb, done] of [['start', 'started'], ['stop', 'stopped'], ['restart', 'restarted']] as const) {
      const before = recordedCalls(home).length;
      const result = run(['gateway', verb], home);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`${done} ${UNIT}`);
      expect(recordedCalls(home).slice(before)).toEqual([`systemctl --user ${verb} ${UNIT}`]);
    }
  });

  it('says "Service not installed" with the install command (exit 1) and runs nothing', () => {
    const home = tempHome();
    for (const verb of ['start', 'stop', 'restart']) {
      const result = run(['gateway', verb], home);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: Service not installed (no ${unitFile(home)})`);
      expect(result.stderr).toContain('  fix: openclaw gateway install');
    }
    expect(recordedCalls(home)).toEqual([]);
  });

  it('reports a down bus with the export / linger / foreground fix', () => {
    const home = installed();
    const result = run(['gateway', 'restart'], home, { FAKE_SYSTEMD_BUS: 'down' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot reach the systemd user bus/m);
    expect(result.stderr).toMatch(/^ {2}fix: .*sudo loginctl enable-linger tester.*`openclaw gateway`/m);
  });

  it('uninstall stops, disables, removes and reloads; a second uninstall has nothing to do (exit 0)', () => {
    const home = installed();
    const before = recordedCalls(home).length;
    const result = run(['gateway', 'uninstall'], home);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`uninstalled ${UNIT}`);
    expect(existsSync(unitFile(home))).toBe(false);
    expect(recordedCalls(home).slice(before)).toEqual([`systemctl --user stop ${UNIT}`, `systemctl --user disable ${UNIT}`, RELOAD]);
    const again = run(['gateway', 'uninstall'], home);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('not installed');
    expect(recordedCalls(home).length).toBe(before + 3);
  });
});

describe('openclaw gateway status', () => {
  it('is 0 when systemd says active and the gateway answers', async () => {
    const home = tempHome();
    const port = await freePort();
    mkdirSync(join(home, '.openclaw'), { recursive: true });
    writeFileSync(join(home, '.openclaw', 'openclaw.json'), JSON.stringify({ gateway: { auth: { token: 'status-test-token-0123456789abcdef' } } }));
    expect(run(['gateway', 'install', '--port', String(port)], home, { FAKE_LINGER: 'yes' }).code).toBe(0);
    const gateway = await startGateway(['--port', String(port)], { home });
    running.push(gateway);
    const result = run(['gateway', 'status'], home);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('systemd    active (running), pid 4242');
    expect(result.stdout).toContain(`Gateway: answering at ws://127.0.0.1:${port}`);
    expect(result.stdout).toMatch(new RegExp(`lock +held by pid ${gateway.pid}`));
    const json = JSON.parse(run(['gateway', 'status', '--json'], home).stdout) as { ok: boolean; systemd: { activeState: string }; gateway: { ok: boolean } };
    expect(json).toMatchObject({ ok: true, systemd: { activeState: 'active' }, gateway: { ok: true } });
    expect(recordedCalls(home).filter((call) => call === SHOW)).toHaveLength(2);
  });

  it('is 1 when active but nothing answers', () => {
    const home = installed();
    const result = run(['gateway', 'status', '--timeout', '500'], home);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('not answering at ws://127.0.0.1:18789');
  });

  it('reports a failed unit with the journalctl line, and exit status 78 as an invalid config', () => {
    const home = installed();
    const failed = run(['gateway', 'status'], home, { FAKE_SYSTEMD_STATE: 'failed', FAKE_EXIT_STATUS: '1' });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('systemd    failed (failed)');
    expect(failed.stderr).toContain('error: the service is failed (failed), last exit status 1');
    expect(failed.stderr).toContain(`journalctl --user -u ${UNIT}`);

    const config = run(['gateway', 'status'], home, { FAKE_SYSTEMD_STATE: 'failed', FAKE_EXIT_STATUS: '78' });
    expect(config.code).toBe(1);
    expect(config.stderr).toContain('exited with status 78: its config is invalid');
    expect(config.stderr).toContain('openclaw config validate');
  });

  it('says "Service not installed" when there is no unit, and reports a down bus', () => {
    const home = tempHome();
    const missing = run(['gateway', 'status'], home);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: Service not installed');
    expect(missing.stderr).toContain('fix: openclaw gateway install');

    const installedHome = installed();
    const down = run(['gateway', 'status', '--json'], installedHome, { FAKE_SYSTEMD_BUS: 'down' });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_NO_USER_BUS' } });
  });
});
