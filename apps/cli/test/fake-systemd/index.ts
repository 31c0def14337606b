import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../run-cli.ts';
import type { CliResult } from '../run-cli.ts';

/** The directory of the fake `systemctl` and `loginctl`; it goes first on PATH. */
export const FAKE_SYSTEMD_DIR = import.meta.dirname;

/** Environment knobs of the fakes (see the comments at the top of each script). */
export interface FakeSystemdEnv {
  FAKE_SYSTEMD_STATE?: 'active' | 'inactive' | 'failed';
  FAKE_SYSTEMD_BUS?: 'down';
  FAKE_SYSTEMD_ENABLED?: 'no';
  FAKE_LINGER?: 'yes' | 'no';
  FAKE_LOGINCTL_DENY?: '1';
  FAKE_EXIT_STATUS?: string;
  [key: string]: string | undefined;
}

/** Runs the built CLI with the fakes first on PATH, logging their calls to `<home>/systemd.log`. */
export function runWithFakeSystemd(args: readonly string[], home: string, env: FakeSystemdEnv = {}): CliResult {
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return runCli(args, {
    home,
    env: {
      PATH: `${FAKE_SYSTEMD_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      FAKE_SYSTEMD_LOG: fakeSystemdLog(home),
      USER: 'tester',
      XDG_RUNTIME_DIR: join(home, 'run'),
      ...defined,
    },
  });
}

/** Where the fakes of one temp HOME record their calls. */
export function fakeSystemdLog(home: string): string {
  return join(home, 'systemd.log');
}

/** The recorded calls so far, one string per call (e.g. `systemctl --user daemon-reload`). */
export function recordedCalls(home: string): string[] {
  const log = fakeSystemdLog(home);
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((line) => line !== '') : [];
}
