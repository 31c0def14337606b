import { isAbsolute, join } from 'node:path';
import { isSecretKey } from '@openclaw/config';
import { SupervisorError } from './errors.ts';
import { CONTROL_CHARACTER } from './quote.ts';

/** What both service writers (systemd, launchd) need to know about the gateway to run. */
export interface ServiceInput {
  /** The installed openclaw version; it lands in the description and `OPENCLAW_SERVICE_VERSION`. */
  version: string;
  /** Absolute path of the node binary, usually `process.execPath` of the installing CLI. */
  nodePath: string;
  /** Absolute path of the CLI's `dist/openclaw.js`. */
  entryPath: string;
  /** The gateway port, passed as `gateway --port N`. */
  port: number;
  /** A non-default state dir; written as `OPENCLAW_STATE_DIR`. */
  stateDir?: string | undefined;
  /** A non-default config path; written as `OPENCLAW_CONFIG_PATH`. */
  configPath?: string | undefined;
  /** The profile (`--profile NAME`); `default` or absent means none. */
  profile?: string | undefined;
  /** The host's total RAM in MiB (`os.totalmem() / 2 ** 20`), to size the V8 heap. */
  memoryMb?: number | undefined;
  /**
   * Extra environment, e.g. the config's `env` block. Secrets are refused
   * (`SUPERVISOR_SECRET_IN_UNIT`): unit files are printed by `systemctl cat`, pasted into bug
   * reports and read back by `doctor`; the gateway loads secrets from `<stateDir>/.env` itself.
   * Keys the writer sets itself (PATH, NODE_OPTIONS, OPENCLAW_SERVICE_*, …) are refused too.
   */
  env?: Readonly<Record<string, string>> | undefined;
}

/** The minimal PATH of the service, so it never depends on a login shell's nvm/fnm setup. */
export const SERVICE_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The same on macOS, where Homebrew on Apple silicon installs node under /opt/homebrew. */
export const LAUNCHD_PATH = `/opt/homebrew/bin:${SERVICE_PATH}`;

/** The V8 heap never goes below this, whatever the host: the gateway does not start in less. */
export const MIN_HEAP_MB = 256;
/** Nor above this: the gateway's working set is far smaller, and a leak should crash early. */
export const MAX_HEAP_MB = 2048;
/** Assumed when the host's memory is unknown: fits a 1 GiB VPS with room for the OS. */
export const DEFAULT_HEAP_MB = 512;

/**
 * `--max-old-space-size` for a host with `memoryMb` of RAM: a quarter of it (the rest is for
 * the OS, node's own off-heap memory and the tools the agent runs), clamped to
 * [{@link MIN_HEAP_MB}, {@link MAX_HEAP_MB}] and rounded down to 64 MiB. 1 GiB → 256,
 * 2 GiB → 512, 4 GiB → 1024, 8 GiB and up → 2048; unknown → {@link DEFAULT_HEAP_MB}.
 */
export function heapSizeMb(memoryMb?: number): number {
  if (memoryMb === undefined || !Number.isFinite(memoryMb) || memoryMb <= 0) return DEFAULT_HEAP_MB;
  const quarter = Math.floor(memoryMb / 4 / 64) * 64;
  return Math.min(MAX_HEAP_MB, Math.max(MIN_HEAP_MB, quarter));
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = new Set([
  'PATH',
  'NODE_OPTIONS',
  'OPENCLAW_SERVICE_MARKER',
  'OPENCLAW_SERVICE_KIND',
  'OPENCLAW_SERVICE_VERSION',
  'OPENCLAW_STATE_DIR',
  'OPENCLAW_CONFIG_PATH',
  'OPENCLAW_PROFILE',
  'OPENCLAW_SYSTEMD_UNIT',
  'OPENCLAW_LAUNCHD_LABEL',
]);

/** The profile name when it names one, `undefined` for none/`default`; throws on an invalid name. */
export function profileName(profile: string | undefined): string | undefined {
  if (profile === undefined || profile === '' || profile === 'default') return undefined;
  if (!PROFILE_NAME.test(profile)) {
    throw invalid(`invalid profile name "${profile}"`, 'a profile name is 1-64 letters, digits, "-" or "_", starting with a letter or digit');
  }
  return profile;
}

/** `openclaw-gateway.service`, or `openclaw-gateway-<profile>.service`. */
export function unitFileName(profile?: string): string {
  const name = profileName(profile);
  return name === undefined ? 'openclaw-gateway.service' : `openclaw-gateway-${name}.service`;
}

/** Where the user unit lives: `<home>/.config/systemd/user/<unitFileName>`. */
export function unitPath(home: string, profile?: string): string {
  return join(home, '.config', 'systemd', 'user', unitFileName(profile));
}

/** "OpenClaw gateway (v1.2.3)" or "OpenClaw gateway (profile: work, v1.2.3)". */
export function serviceDescription(input: Pick<ServiceInput, 'version' | 'profile'>): string {
  const profile = profileName(input.profile);
  return `OpenClaw gateway (${profile === undefined ? '' : `profile: ${profile}, `}v${input.version})`;
}

/** The gateway's argv: node, entry, `gateway --port N`. */
export function programArguments(input: ServiceInput): string[] {
  return [input.nodePath, input.entryPath, 'gateway', '--port', String(input.port)];
}

/**
 * The service environment in a stable order: extra vars first, then PATH, the profile's
 * paths, NODE_OPTIONS and the service markers. `extra` are the writer-specific variables
 * (the unit name, the launchd label). Validates the whole input on the way.
 */
export function serviceEnvironment(
  input: ServiceInput,
  extra: Readonly<Record<string, string>> = {},
  path: string = SERVICE_PATH,
): [string, string][] {
  validateInput(input);
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(input.env ?? {})) {
    if (!ENV_NAME.test(key)) throw invalid(`"${key}" is not a valid environment variable name`);
    if (RESERVED_ENV.has(key)) throw invalid(`${key} is set by the service writer and cannot be overridden`, 'pass stateDir, configPath, profile or memoryMb instead');
    if (isSecretKey(key)) {
      throw new SupervisorError('SUPERVISOR_SECRET_IN_UNIT', `refusing to write the secret ${key} into a service file`, {
        hint: 'keep secrets in <stateDir>/.env (mode 0600); the gateway loads it at start',
      });
    }
    out.push([key, checkValue(key, value)]);
  }
  out.push(['PATH', path]);
  const profile = profileName(input.profile);
  if (profile !== undefined) out.push(['OPENCLAW_PROFILE', profile]);
  if (input.stateDir !== undefined) out.push(['OPENCLAW_STATE_DIR', input.stateDir]);
  if (input.configPath !== undefined) out.push(['OPENCLAW_CONFIG_PATH', input.configPath]);
  out.push(['NODE_OPTIONS', `--max-old-space-size=${heapSizeMb(input.memoryMb)}`]);
  for (const [key, value] of Object.entries(extra)) out.push([key, value]);
  out.push(['OPENCLAW_SERVICE_MARKER', 'openclaw'], ['OPENCLAW_SERVICE_KIND', 'gateway'], ['OPENCLAW_SERVICE_VERSION', input.version]);
  return out;
}

/** Throws `SUPERVISOR_INVALID_INPUT` unless `path` is absolute and free of control characters. */
export function checkAbsolutePath(name: string, path: string): void {
  checkValue(name, path);
  if (!isAbsolute(path)) throw invalid(`${name} must be an absolute path, got "${path}"`, 'systemd and launchd do not resolve relative paths or ~');
}

function validateInput(input: ServiceInput): void {
  for (const [name, path] of [['nodePath', input.nodePath], ['entryPath', input.entryPath], ['stateDir', input.stateDir], ['configPath', input.configPath]] as const) {
    if (path !== undefined) checkAbsolutePath(name, path);
  }
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) throw invalid(`port must be 1-65535, got ${input.port}`);
  checkValue('version', input.version);
  if (input.version.trim() === '') throw invalid('version must not be empty');
}

function checkValue(name: string, value: string): string {
  if (CONTROL_CHARACTER.test(value)) throw invalid(`${name} contains a newline or control character`);
  return value;
}

function invalid(message: string, hint?: string): SupervisorError {
  return new SupervisorError('SUPERVISOR_INVALID_INPUT', message, { hint });
}
