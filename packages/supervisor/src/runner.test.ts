import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOREGROUND_HINT } from './classify.ts';
import { SupervisorError } from './errors.ts';
import { createSystemdRunner } from './runner.ts';
import type { SystemdRunnerOptions } from './runner.ts';

const FAKE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fake-bin');
const UNIT = 'openclaw-gateway.service';

let dir: string;
let log: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-runner-'));
  log = join(dir, 'calls.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A runner on the real execFile, with only the fakes on PATH, in the given simulated state. */
function runner(state: Record<string, string> = {}, options: Omit<SystemdRunnerOptions, 'env'> = {}) {
  const env = { PATH: FAKE_BIN, USER: 'claw', XDG_RUNTIME_DIR: '/run/user/1000', FAKE_SYSTEMD_LOG: log, ...state };
  return createSystemdRunner({ env, ...options });
}
const calls = (): string[][] => readFileSync(log, 'utf8').trim().split('\n').map((line) => line.split('\t'));
async function failure(promise: Promise<unknown>): Promise<SupervisorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SupervisorError);
  return error as SupervisorError;
}

describe('createSystemdRunner against fake systemctl/loginctl', () => {
  it('runs the install sequence as systemctl --user and loginctl calls', async () => {
    const r = runner();
    await r.daemonReload();
    await r.enable(UNIT);
    await r.resetFailed(UNIT);
    await r.start(UNIT);
    await r.restart(UNIT);
    await r.stop(UNIT);
    await r.disable(UNIT, { now: true });
    await r.enableLinger('claw');
    expect(calls()).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', UNIT],
      ['systemctl', '--user', 'reset-failed', UNIT],
      ['systemctl', '--user', 'start', UNIT],
      ['systemctl', '--user', 'restart', UNIT],
      ['systemctl', '--user', 'stop', UNIT],
      ['systemctl', '--user', 'disable', '--now', UNIT],
      ['loginctl', 'enable-linger', 'claw'],
    ]);
  });

  it('reads an enabled, active unit', async () => {
    const r = runner();
    expect(await r.isEnabled(UNIT)).toBe(true);
    expect(await r.isActive(UNIT)).toBe(true);
    expect(await r.show(UNIT)).toEqual({
      loadState: 'loaded',
      activeState: 'active',
      subState: 'running',
      unitFileState: 'enabled',
      mainPid: 4242,
      execMainStatus: 0,
      restarts: 0,
    });
    expect(calls()).toEqual([
      ['systemctl', '--user', 'is-enabled', UNIT],
      ['systemctl', '--user', 'is-active', UNIT],
      ['systemctl', '--user', 'show', UNIT, '--no-pager', '--property=LoadState,ActiveState,SubState,UnitFileState,MainPID,ExecMainStatus,NRestarts'],
    ]);
  });

  it('reads a failed, disabled unit as answers, not errors', async () => {
    const r = runner({ FAKE_SYSTEMD_ACTIVE: 'failed', FAKE_SYSTEMD_ENABLED: 'disabled' });
    expect(await r.isEnabled(UNIT)).toBe(false);
    expect(await r.isActive(UNIT)).toBe(false);
    expect(await r.show(UNIT)).toMatchObject({ activeState: 'failed', execMainStatus: 78, restarts: 3, mainPid: 0 });
  });

  it('treats a missing unit as not installed', async () => {
    const r = runner({ FAKE_SYSTEMD_MODE: 'not-found' });
    expect(await r.isEnabled(UNIT)).toBe(false);
    expect(await r.isActive(UNIT)).toBe(false);
    expect((await r.show(UNIT)).loadState).toBe('not-found');
    const error = await failure(r.start(UNIT));
    expect(error.code).toBe('SUPERVISOR_NOT_INSTALLED');
    expect(error.message).toMatch(/^Service not installed/);
    expect(error.hint).toBe('run `openclaw gateway install`');
    expect(error.command).toEqual(['systemctl', '--user', 'start', UNIT]);
  });

  it('explains "Failed to connect to bus" with the exact fix', async () => {
    const r = runner({ FAKE_SYSTEMD_MODE: 'no-bus' }, { uid: 1000 });
    for (const attempt of [() => r.daemonReload(), () => r.isActive(UNIT), () => r.isEnabled(UNIT), () => r.lingerEnabled('claw')]) {
      const error = await failure(attempt());
      expect(error.code).toBe('SUPERVISOR_NO_USER_BUS');
      expect(error.hint).toContain('export XDG_RUNTIME_DIR=/run/user/1000');
      expect(error.hint).toContain('sudo loginctl enable-linger claw');
      expect(error.hint).toContain('`openclaw gateway`');
    }
  });

  it('asks for linger when even the guessed XDG_RUNTIME_DIR has no bus', async () => {
    const r = createSystemdRunner({ env: { PATH: FAKE_BIN, USER: 'claw', FAKE_SYSTEMD_MODE: 'no-bus' }, uid: 1000 });
    const error = await failure(r.daemonReload());
    expect(error.code).toBe('SUPERVISOR_NO_USER_BUS');
    expect(error.hint).toBe('there is no user manager at /run/user/1000: run `sudo loginctl enable-linger claw` and log in again; ' + FOREGROUND_HINT);
  });

  it('sets XDG_RUNTIME_DIR from the uid when the session lacks it', async () => {
    const seen = [] as (string | undefined)[];
    const r = createSystemdRunner({
      env: { PATH: '/bin' },
      uid: 1234,
      exec: async (_file, _args, { env }) => {
        seen.push(env.XDG_RUNTIME_DIR);
        return { code: 0, stdout: '', stderr: '' };
      },
    });
    await r.daemonReload();
    expect(seen).toEqual(['/run/user/1234']);
  });

  it('reports a host without systemd, and a missing systemctl binary', async () => {
    const booted = await failure(runner({ FAKE_SYSTEMD_MODE: 'no-systemd' }).start(UNIT));
    expect(booted.code).toBe('SUPERVISOR_UNAVAILABLE');
    expect(booted.hint).toContain('`openclaw gateway`');
    const missing = await failure(runner({ PATH: dir }).daemonReload());
    expect(missing.code).toBe('SUPERVISOR_UNAVAILABLE');
    expect(missing.message).toContain('systemctl not found');
    expect(missing.hint).toContain('openclaw gateway');
  });

  it('says not to use sudo when systemctl --user is refused', async () => {
    const error = await failure(runner({ FAKE_SYSTEMD_MODE: 'denied' }).enable(UNIT));
    expect(error.code).toBe('SUPERVISOR_PERMISSION_DENIED');
    expect(error.hint).toContain('not with sudo');
  });

  it('passes other failures through with their stderr', async () => {
    const error = await failure(runner({ FAKE_SYSTEMD_MODE: 'fail' }).restart(UNIT));
    expect(error.code).toBe('SUPERVISOR_COMMAND_FAILED');
    expect(error.message).toContain(`Job for ${UNIT} failed`);
  });

  it('reads linger, including for a user who never logged in', async () => {
    expect(await runner({ FAKE_LOGINCTL_LINGER: 'yes' }).lingerEnabled('claw')).toBe(true);
    expect(await runner({ FAKE_LOGINCTL_LINGER: 'no' }).lingerEnabled('claw')).toBe(false);
    expect(await runner({ FAKE_LOGINCTL_LINGER: 'unknown-user' }).lingerEnabled('claw')).toBe(false);
    expect(calls()[0]).toEqual(['loginctl', 'show-user', 'claw', '-p', 'Linger']);
  });

  it('says to use sudo when enabling linger is refused', async () => {
    const error = await failure(runner({ FAKE_LOGINCTL_DENY: '1' }).enableLinger('claw'));
    expect(error.code).toBe('SUPERVISOR_PERMISSION_DENIED');
    expect(error.hint).toContain('sudo loginctl enable-linger claw');
    expect(error.command).toEqual(['loginctl', 'enable-linger', 'claw']);
  });
});
