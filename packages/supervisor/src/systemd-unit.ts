import { escapeSpecifiers, quoteEnvAssignment, quoteExecWord, splitWords, unescapeExecWord, unescapeSpecifiers } from './quote.ts';
import { programArguments, serviceDescription, serviceEnvironment, unitFileName } from './service.ts';
import type { ServiceInput } from './service.ts';

/** Input of {@link renderSystemdUnit}: the gateway's service input, nothing systemd-specific. */
export type SystemdUnitInput = ServiceInput;

/**
 * Start-rate limit: five starts in five minutes, then the unit stays failed. With
 * `RestartSec=5` a crash loop (a taken port, a bad config) stops after about half a minute
 * instead of restarting all night; a crash a day restarts forever.
 */
export const START_LIMIT = Object.freeze({ intervalSec: 300, burst: 5 });

/** The gateway closes within 5 s of SIGTERM; 15 s leaves it room before systemd kills. */
export const TIMEOUT_STOP_SEC = 15;

/** Exit status the CLI uses for a configuration error (sysexits EX_CONFIG): never restarted. */
export const EXIT_CONFIG = 78;

/**
 * Hardening that works in a user unit. The seccomp-based directives are honoured in the
 * user manager because `NoNewPrivileges=yes` lets an unprivileged process install filters.
 * Left out on purpose: `ProtectSystem`, `ProtectHome`, `PrivateTmp`, `PrivateDevices` and
 * the other namespace directives (a user manager needs unprivileged user namespaces for
 * them, which hardened VPS kernels disable, and the unit then fails with 218/226 at start;
 * `ProtectHome` would also hide the state dir), `MemoryDenyWriteExecute` (breaks V8's JIT),
 * `MemoryMax` (needs cgroup delegation of the memory controller).
 */
export const USER_UNIT_HARDENING: readonly (readonly [string, string])[] = Object.freeze([
  ['NoNewPrivileges', 'yes'],
  ['UMask', '0077'],
  ['LockPersonality', 'yes'],
  ['RestrictRealtime', 'yes'],
  ['RestrictSUIDSGID', 'yes'],
  ['SystemCallArchitectures', 'native'],
] as const);

/**
 * The text of the gateway's systemd user unit. Pure: the caller writes it to
 * {@link unitPath} and runs `daemon-reload`. Every value is quoted and escaped for systemd
 * (spaces, quotes, backslashes, `%`, `$`), so paths with spaces survive.
 */
export function renderSystemdUnit(input: SystemdUnitInput): string {
  const environment = serviceEnvironment(input, { OPENCLAW_SYSTEMD_UNIT: unitFileName(input.profile) });
  const lines = [
    '[Unit]',
    `Description=${escapeSpecifiers(serviceDescription(input))}`,
    'After=network-online.target',
    'Wants=network-online.target',
    `StartLimitIntervalSec=${START_LIMIT.intervalSec}`,
    `StartLimitBurst=${START_LIMIT.burst}`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${programArguments(input).map(quoteExecWord).join(' ')}`,
    'Restart=always',
    'RestartSec=5',
    `RestartPreventExitStatus=${EXIT_CONFIG}`,
    `TimeoutStopSec=${TIMEOUT_STOP_SEC}`,
    'KillMode=mixed',
    'StandardOutput=journal',
    'StandardError=journal',
    ...environment.map(([key, value]) => `Environment=${quoteEnvAssignment(key, value)}`),
    ...USER_UNIT_HARDENING.map(([key, value]) => `${key}=${value}`),
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ];
  return lines.join('\n');
}

/** What {@link parseSystemdUnit} reads back from an installed unit. */
export interface ParsedSystemdUnit {
  /** Every `Key=value` per section, raw (still quoted), in file order; repeated keys keep all values. */
  sections: Record<string, Record<string, string[]>>;
  /** The last `ExecStart=` of `[Service]`, split into argv and unescaped; undefined when missing. */
  execStart: string[] | undefined;
  /** All `Environment=` assignments of `[Service]`, unquoted; later ones win, as in systemd. */
  environment: Record<string, string>;
  /** `Description=` of `[Unit]`, unescaped. */
  description: string | undefined;
}

/**
 * Reads a unit back, enough for `doctor`'s audit: which node and entry it runs and which
 * `OPENCLAW_SERVICE_VERSION` it carries. Comments, blank lines and `\` continuations are
 * handled; anything fancier (drop-ins, `EnvironmentFile=`) is not resolved.
 */
export function parseSystemdUnit(text: string): ParsedSystemdUnit {
  const sections: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> | undefined;
  const lines = text.replaceAll(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = sections[header[1] ?? ''] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || section === undefined) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    // An empty assignment resets the list, as systemd does for ExecStart= and Environment=.
    if (value === '') section[key] = [];
    else (section[key] ??= []).push(value);
  }
  const service = sections.Service ?? {};
  const exec = service.ExecStart?.at(-1);
  const environment: Record<string, string> = {};
  for (const value of service.Environment ?? []) {
    for (const word of splitWords(value)) {
      const eq = word.indexOf('=');
      if (eq > 0) environment[word.slice(0, eq)] = unescapeSpecifiers(word.slice(eq + 1));
    }
  }
  const description = sections.Unit?.Description?.at(-1);
  return {
    sections,
    execStart: exec === undefined ? undefined : splitWords(exec.replace(/^[@\-:+!]+/, '')).map(unescapeExecWord),
    environment,
    description: description === undefined ? undefined : unescapeSpecifiers(description),
  };
}
