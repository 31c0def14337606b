import { existsSync, readFileSync } from 'node:fs';
import { SupervisorError, detectVersionManagerNode, parseSystemdUnit, unitPath } from '@openclaw/supervisor';
import { check, errorText } from './doctor-check.ts';
import type { DoctorCheck, DoctorContext } from './doctor-check.ts';
import { serviceContext } from './service-common.ts';
import { refreshInstalledUnit } from './service.ts';
import { DEFAULT_GATEWAY_PORT } from '@openclaw/config';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (value: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((node, key) => (isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined), value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Shorter tokens are guessable enough to matter on a reachable port. */
export const MIN_TOKEN_LENGTH = 24;
const NEW_TOKEN = 'openclaw config set gateway.auth.token "$(openssl rand -hex 32)"';

/** Channels (and their accounts) whose DM policy is "open", as `channels.telegram.dmPolicy` paths. */
function openDmPolicies(config: unknown): string[] {
  const out: string[] = [];
  const channels = at(config, 'channels');
  for (const [channel, policyPath] of [
    ['telegram', ['dmPolicy']],
    ['whatsapp', ['dmPolicy']],
    ['discord', ['dm', 'policy']],
  ] as const) {
    const section = at(channels, channel);
    if (!isRecord(section)) continue;
    if (at(section, ...policyPath) === 'open') out.push(`channels.${channel}.${policyPath.join('.')}`);
    const accounts = at(section, 'accounts');
    if (!isRecord(accounts)) continue;
    for (const id of Object.keys(accounts)) {
      if (at(accounts[id], ...policyPath) === 'open') out.push(`channels.${channel}.accounts.${id}.${policyPath.join('.')}`);
    }
  }
  return out;
}

/** Dangerous settings: off-loopback without a secret, no auth, a short token, open DMs. */
export function securityChecks(context: DoctorContext): DoctorCheck[] {
  const { loaded } = context;
  // The validated config when there is one (env overrides applied), else the best-effort input.
  const config: unknown = loaded.config ?? loaded.input;
  const env = loaded.env.values;
  const bind = text(at(config, 'gateway', 'bind')) ?? 'loopback';
  const token = text(at(config, 'gateway', 'auth', 'token')) ?? text(env['OPENCLAW_GATEWAY_TOKEN']);
  const password = text(at(config, 'gateway', 'auth', 'password')) ?? text(env['OPENCLAW_GATEWAY_PASSWORD']);
  const out: DoctorCheck[] = [];
  const S = 'Security';
  if (token === undefined && password === undefined) {
    out.push(
      bind === 'loopback'
        ? check(S, 'security.auth', 'warning', 'gateway auth', 'no token or password: any local process (or SSH tunnel) can control the gateway', { fix: NEW_TOKEN })
        : check(S, 'security.auth', 'problem', 'gateway auth', `gateway.bind is "${bind}" but no token or password is set: the gateway refuses to start, and must not listen off loopback unauthenticated`, {
            fix: `${NEW_TOKEN}, or openclaw config set gateway.bind loopback`,
          }),
    );
  } else {
    out.push(check(S, 'security.auth', 'ok', 'gateway auth', `${token !== undefined ? 'token' : 'password'} set; bind ${bind}`));
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    out.push(
      check(S, 'security.token-length', 'warning', 'token length', `the gateway token has ${token.length} characters; use at least ${MIN_TOKEN_LENGTH}${bind === 'loopback' ? '' : ` (bind "${bind}" makes it reachable from the network)`}`, {
        fix: NEW_TOKEN,
      }),
    );
  }
  for (const path of openDmPolicies(config)) {
    const channel = path.split('.')[1] as string;
    out.push(
      check(S, `security.dm-policy.${channel}`, 'warning', `${channel} DMs`, `${path} is "open": anyone who finds the bot can talk to your agent (and use its tools)`, {
        fix: `openclaw config set ${path} pairing (or "allowlist", with the people in allowFrom)`,
      }),
    );
  }
  return out;
}

/** Linger keeps user services running after logout; without it the gateway dies with the SSH session. */
async function lingerCheck(): Promise<DoctorCheck> {
  const S = 'Service';
  const service = serviceContext();
  const enable = `sudo loginctl enable-linger ${service.user}`;
  try {
    if (await service.runner.lingerEnabled(service.user)) return check(S, 'service.linger', 'ok', 'linger', `enabled for ${service.user}`);
    return check(S, 'service.linger', 'warning', 'linger', `off for ${service.user}: systemd stops the gateway when you log out`, { fix: enable });
  } catch (error) {
    if (!(error instanceof SupervisorError)) throw error;
    return check(S, 'service.linger', 'warning', 'linger', `could not check: ${error.message}`, { fix: error.hint ?? enable });
  }
}

/**
 * `--fix` for a stale unit: rewrite it as this openclaw would install it (same port; the old
 * unit kept as `.bak`) and reload systemd. Restarting is left to the operator, who runs
 * `openclaw gateway restart` when the update is complete.
 */
async function refreshUnit(context: DoctorContext, path: string, execStart: readonly string[] | undefined): Promise<DoctorCheck> {
  const S = 'Service';
  const portAt = execStart?.indexOf('--port') ?? -1;
  const port = portAt >= 0 ? Number(execStart?.[portAt + 1]) : Number.NaN;
  const service = serviceContext();
  try {
    if (!refreshInstalledUnit(service, Number.isInteger(port) && port > 0 ? port : DEFAULT_GATEWAY_PORT, context.version)) {
      return check(S, 'service.refresh', 'ok', 'unit rewrite', `${path} is already what this version installs`);
    }
  } catch (error) {
    return check(S, 'service.refresh', 'warning', 'unit rewrite', `could not rewrite ${path}: ${errorText(error)}`, { fix: 'openclaw gateway install --force' });
  }
  context.changes.push(`rewrote ${path} for ${context.version} (old unit kept as ${path}.bak)`);
  try {
    await service.runner.daemonReload();
  } catch (error) {
    const hint = error instanceof SupervisorError ? error.hint : undefined;
    return check(S, 'service.refresh', 'warning', 'unit rewrite', `rewrote ${path}, but systemctl --user daemon-reload failed: ${errorText(error)}`, { changed: true, fix: hint ?? 'systemctl --user daemon-reload' });
  }
  return check(S, 'service.refresh', 'ok', 'unit rewrite', `rewrote ${path} for ${context.version} (old unit kept as .bak) and reloaded systemd; restart with: openclaw gateway restart`, { changed: true });
}

/** The installed systemd unit: its version, its node and entry, a version-manager node, linger. */
export async function serviceChecks(context: DoctorContext): Promise<DoctorCheck[]> {
  const S = 'Service';
  const raw = process.env['OPENCLAW_PROFILE']?.trim();
  const profile = raw && raw !== 'default' ? raw : undefined;
  const path = unitPath(context.home, profile);
  let unitText: string;
  try {
    unitText = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [check(S, 'service.unit', 'ok', 'service', `not installed (${path}); to run the gateway as a service: openclaw gateway install`)];
    }
    return [check(S, 'service.unit', 'warning', 'service', `cannot read ${path}: ${errorText(error)}`)];
  }
  const unit = parseSystemdUnit(unitText);
  const out: DoctorCheck[] = [];
  const reinstall = 'openclaw gateway install --force (the old unit is kept as .bak)';
  const unitVersion = unit.environment['OPENCLAW_SERVICE_VERSION'];
  out.push(
    unitVersion === context.version
      ? check(S, 'service.version', 'ok', 'unit version', `${path} is for ${unitVersion}`)
      : check(S, 'service.version', 'warning', 'unit version', `${path} was written by ${unitVersion ?? 'an unknown version'}; this is ${context.version}`, { fix: reinstall }),
  );
  const [node, entry] = unit.execStart ?? [];
  const missing = [node, entry].filter((file): file is string => file !== undefined && file.startsWith('/') && !existsSync(file));
  if (unit.execStart === undefined) {
    out.push(check(S, 'service.exec', 'problem', 'ExecStart', `${path} has no ExecStart`, { fix: reinstall }));
  } else if (missing.length > 0) {
    out.push(check(S, 'service.exec', 'problem', 'ExecStart', `${path} runs ${missing.join(' and ')}, which no longer ${missing.length === 1 ? 'exists' : 'exist'}: the service cannot start`, { fix: reinstall }));
  } else {
    out.push(check(S, 'service.exec', 'ok', 'ExecStart', unit.execStart.slice(0, 2).join(' ')));
  }
  const stale = unitVersion !== context.version || unit.execStart === undefined || missing.length > 0;
  if (stale && context.fix) out.push(await refreshUnit(context, path, unit.execStart));
  const manager = node === undefined ? undefined : detectVersionManagerNode(node);
  if (manager) out.push(check(S, 'service.node', 'warning', 'node path', manager.reason, { fix: manager.suggestion }));
  if (process.platform === 'linux') out.push(await lingerCheck());
  return out;
}
