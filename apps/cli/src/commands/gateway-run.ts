import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ConfigError, isSecretKey, isSecretPath } from '@openclaw/config';
import type { OpenClawConfig } from '@openclaw/config';
import {
  GatewayBindError,
  assertStartable,
  createFileSink,
  createGateway,
  createLogger,
  createRedactor,
  dashboardUrl,
  redactUrl,
  defaultBindDeps,
  formatHostPort,
  ChannelRegistry,
  accountSummaries,
  registerChannelOpsMethods,
  registerCoreMethods,
  registerStatusMethod,
  resolveBindHosts,
  resolveGatewayAuth,
} from '@openclaw/gateway-core';
import type { BindMode, ChannelsStatus, GatewayAuthMode, InboundMessage, LogRecord, LogSink, LogThreshold, RootLogger } from '@openclaw/gateway-core';
import { DEFAULT_AGENT_ID, PairingStore, SessionStore, StateError, acquireGatewayLock } from '@openclaw/state';
import type { GatewayLockHandle } from '@openclaw/state';
import { ExitCode } from '../exit-codes.ts';
import { UsageError } from '../global-flags.ts';
import { print, printError, printWarning } from '../output.ts';
import { attachAgent } from './gateway-agent.ts';
import { addConfiguredChannels, channelHttpHandler, channelRouter } from './gateway-channels.ts';
import { asConfigError, loadConfigInChild, requireValidConfig } from './gateway-config.ts';
import { releaseStartupMemorySoon } from './gateway-memory.ts';

/** Flags of `openclaw gateway` / `openclaw gateway run`. */
export interface GatewayRunFlags {
  port?: string;
  bind?: string;
  token?: string;
  password?: string;
  auth?: string;
  allowUnconfigured?: boolean;
  verbose?: boolean;
}

const BIND_MODES: readonly BindMode[] = ['loopback', 'lan', 'tailnet', 'auto', 'custom'];
const AUTH_MODES: readonly GatewayAuthMode[] = ['token', 'password'];
/** After SIGTERM/SIGINT the process is gone within this time, whatever hangs. */
const STOP_DEADLINE_MS = 4_500;

function parseFlags(flags: GatewayRunFlags): { port?: number; bind?: BindMode; auth?: GatewayAuthMode } {
  const out: { port?: number; bind?: BindMode; auth?: GatewayAuthMode } = {};
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port must be a whole number from 1 to 65535, not ${JSON.stringify(flags.port)}`);
    out.port = port;
  }
  if (flags.bind !== undefined) {
    if (!BIND_MODES.includes(flags.bind as BindMode)) throw new UsageError(`--bind must be one of ${BIND_MODES.join(', ')}, not ${JSON.stringify(flags.bind)}`);
    out.bind = flags.bind as BindMode;
  }
  if (flags.auth !== undefined) {
    if (!AUTH_MODES.includes(flags.auth as GatewayAuthMode)) throw new UsageError(`--auth must be token or password, not ${JSON.stringify(flags.auth)}`);
    out.auth = flags.auth as GatewayAuthMode;
  }
  return out;
}

/** Every string under a secret-named key of the config (bot tokens, API keys, the gateway's own secrets). */
/** Every string the config holds at a secret location (see `isSecretPath`), for the log redactor. */
function configSecrets(value: unknown, path: (string | number)[] = [], out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (isSecretPath(path)) out.push(value);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => configSecrets(item, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) configSecrets(item, [...path, key], out);
  }
  return out;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `--verbose`: one short line per record on stderr (records arrive already redacted). */
function consoleSink(): LogSink {
  return {
    write(record: LogRecord) {
      const { time, level, msg, ...fields } = record;
      const at = new Date(time);
      const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
      const extra = Object.entries(fields)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      process.stderr.write(`${clock} ${level.padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}\n`);
    },
  };
}

/** Who listens on a TCP port, read from /proc (Linux; only this user's processes are visible). */
export function findPortOwner(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1] (ADDR:PORT in hex), st is cols[3] (0A = LISTEN), inode is cols[9].
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          // Gone meanwhile: the pid is still the best answer.
        }
        return { pid: Number(pid), command };
      }
    }
  }
  return undefined;
}

function reportBindError(error: GatewayBindError): void {
  if (error.code !== 'EADDRINUSE') {
    printError(`Gateway failed to start: ${error.message}`, error.hint);
    return;
  }
  const owner = findPortOwner(error.port);
  const ours = owner !== undefined && /openclaw/.test(owner.command) && /\bgateway\b/.test(owner.command);
  const who = owner === undefined ? 'another program' : ours ? `another openclaw gateway (pid ${owner.pid}, with a different state dir)` : `pid ${owner.pid} (${owner.command.slice(0, 80)})`;
  printError(
    `Gateway failed to start: port ${error.port} is already in use by ${who} (${formatHostPort(error.host, error.port)})`,
    owner === undefined ? error.hint : `stop pid ${owner.pid} (kill ${owner.pid}), or choose another port: openclaw gateway --port PORT (or gateway.port / OPENCLAW_GATEWAY_PORT)`,
  );
}

/**
 * `openclaw gateway`: runs the gateway in the foreground until SIGTERM/SIGINT. Config
 * problems exit 78 (the service must not restart), a running gateway or a taken port
 * exits 1, a clean stop exits 0.
 */
export async function gatewayRun(flags: GatewayRunFlags, version: string): Promise<void> {
  const parsed = parseFlags(flags);
  // Validated in a child process: zod and the config schema stay out of the gateway.
  const loaded = requireValidConfig(await loadConfigInChild());
  const config: OpenClawConfig = loaded.config;
  const { stateDir, configPath } = loaded.paths;
  // gateway.mode defaults to local, so only an explicit "remote" blocks a start.
  if (config.gateway.mode !== 'local' && !flags.allowUnconfigured) {
    throw new ConfigError('CONFIG_INVALID', `Gateway start blocked: gateway.mode is ${config.gateway.mode} in ${configPath} (this host uses a gateway elsewhere)`, {
      hint: 'to run a gateway here: openclaw config set gateway.mode local (or pass --allow-unconfigured)',
    });
  }

  const port = parsed.port ?? config.gateway.port;
  const bindMode = parsed.bind ?? config.gateway.bind;
  const auth = resolveGatewayAuth(config.gateway, { env: loaded.env.values, flags: { token: flags.token, password: flags.password, auth: parsed.auth } });
  let hosts: string[];
  let warnings: string[];
  try {
    hosts = await resolveBindHosts({ bind: bindMode, customBindHost: config.gateway.customBindHost }, defaultBindDeps());
    warnings = assertStartable({ bindHosts: hosts, bindMode, auth, tailscaleMode: config.gateway.tailscale.mode }).warnings;
  } catch (error) {
    throw asConfigError(error);
  }
  for (const warning of warnings) printWarning(warning);

  const secrets = [auth.token, auth.password, ...configSecrets(config), ...Object.entries(loaded.env.values).filter(([name]) => isSecretKey(name)).map(([, value]) => value)];
  const redactor = createRedactor({ secrets: () => secrets, patterns: config.logging.redactPatterns, enabled: config.logging.redactSensitive });
  const fileSink = createFileSink(
    config.logging.file !== undefined ? { file: config.logging.file, maxFileBytes: config.logging.maxFileBytes } : { maxFileBytes: config.logging.maxFileBytes, retentionDays: config.logging.retentionDays },
  );
  const logger: RootLogger = createLogger({
    level: config.logging.level as LogThreshold,
    sinks: flags.verbose ? [fileSink, consoleSink()] : [fileSink],
    redactor,
  });

  let lock: GatewayLockHandle;
  try {
    lock = await acquireGatewayLock({ stateDir, port, configPath, version }, { handleSignals: false, releaseOnExit: true });
  } catch (error) {
    logger.close();
    if (!(error instanceof StateError)) throw error;
    printError(`Gateway failed to start: ${error.message}`, error.hint);
    process.exitCode = ExitCode.failure;
    return;
  }
  if (lock.tookOverFrom) {
    const from = lock.tookOverFrom;
    const what = from.reason === 'unreadable' ? 'a damaged lock file' : `the lock of pid ${from.pid} (${from.reason === 'dead' ? 'no longer running' : 'pid reused'})`;
    printWarning(`took over ${what} in ${stateDir}`);
    logger.warn('took over a stale gateway lock', { file: lock.file, previous: from });
  }

  // The router needs the agent, which needs the gateway, which reports the channels:
  // inbound messages go through `route`, set once the agent exists (before any channel starts).
  let route: (message: InboundMessage) => Promise<void> = async () => undefined;
  const channels = new ChannelRegistry({ logger, redactor, stateDir, onInbound: (message) => route(message) });
  for (const issue of await addConfiguredChannels(channels, config, loaded.env.values, { configPath, stateDir, logger })) printWarning(`${issue.path}: ${issue.message}`, issue.hint);
  const gateway = createGateway({
    version,
    auth,
    port,
    hosts,
    logger,
    // Channel webhooks (Telegram's webhook mode) on the gateway's port.
    httpHandler: channelHttpHandler(channels),
    trustedProxies: config.gateway.trustedProxies,
    controlUi: config.gateway.controlUi,
    tailscaleServe: config.gateway.tailscale.mode !== 'off',
    rateLimit: config.gateway.auth.rateLimit,
    snapshot: () => ({ stateDir, configPath }),
    // A probe also asks each model provider of the default chain (key accepted? reachable?).
    health: async (probe) => {
      if (!probe) return channelHealth(channels.snapshot());
      const [status, providers] = await Promise.all([channels.probe(), agent.probeProviders({ timeoutMs: 5_000 })]);
      return { ...channelHealth(status), providers };
    },
  });
  // A plugin whose extra methods are invalid or clash loses them, not the gateway its start.
  channels.registerMethods(gateway, (plugin, error) => {
    printWarning(`channel plugin ${plugin.id}: its gateway methods were left out: ${error instanceof Error ? error.message : String(error)}`, 'fix or remove the plugin (plugins.load.paths / plugins.entries)');
    logger.warn('channel plugin methods left out', { channel: plugin.id, error: error instanceof Error ? error.message : String(error) });
  });
  registerChannelOpsMethods(gateway, { registry: channels, pairing: new PairingStore({ stateDir }), logger });
  const stores = new Map<string, SessionStore>();
  const sessions = (agentId = DEFAULT_AGENT_ID): SessionStore => {
    let store = stores.get(agentId);
    if (!store) {
      store = new SessionStore({ stateDir, agentId, onWarning: (warning) => logger.warn('session store', { warning }) });
      stores.set(agentId, store);
    }
    return store;
  };
  const agent = attachAgent(gateway, { config, stateDir, env: loaded.env.values, sessions, logger });
  route = channelRouter(channels, { config, stateDir, agent, logger, broadcast: (event, payload, options) => gateway.broadcast(event, payload, options) });
  registerStatusMethod(gateway, {
    version,
    bindMode,
    stateDir,
    configPath,
    lock: () => ({ pid: lock.info.pid, port: lock.info.port }),
    channels: () => accountSummaries(channels.snapshot()),
    sessions: async () => {
      const list = await sessions().list();
      const recent = [...list].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, 5);
      return { count: list.length, recent: recent.map((s) => ({ key: s.key, sessionId: s.sessionId, updatedAt: s.updatedAt, ...(s.channel ? { channel: s.channel } : {}) })) };
    },
  });
  registerCoreMethods(gateway, {
    configPath,
    version,
    sessions,
    ...(config.logging.file !== undefined ? { logFile: config.logging.file } : {}),
    onConfigWritten: (written) => logger.info('config written through the gateway', { file: written.path, restartRequired: written.restartRequired }),
  });

  // Signals are ours (the lock's own handlers are off): stop cleanly, and on a second
  // signal, or when stopping hangs, release the lock and exit at once.
  let started = false;
  let signalled: NodeJS.Signals | undefined;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const beginStop = () => {
    gateway.stop({ reason: 'gateway stopping' }).then(resolveStopped, resolveStopped);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      lock.release();
      process.exit(ExitCode.failure);
    }
    signalled = signal;
    process.stderr.write(`${signal} received: stopping the gateway\n`);
    logger.info('gateway stopping', { signal });
    setTimeout(() => {
      printError(`the gateway did not stop within ${STOP_DEADLINE_MS} ms; exiting anyway`);
      lock.release();
      process.exit(ExitCode.ok);
    }, STOP_DEADLINE_MS).unref();
    if (started) beginStop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const removeSignalHandlers = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };

  try {
    await gateway.start();
  } catch (error) {
    removeSignalHandlers();
    lock.release();
    logger.error('gateway failed to start', { error: error instanceof Error ? error.message : String(error) });
    logger.close();
    if (!(error instanceof GatewayBindError)) throw error;
    reportBindError(error);
    process.exitCode = ExitCode.failure;
    return;
  }
  started = true;
  void channels.startAll();
  if (signalled) beginStop();
  releaseStartupMemorySoon();

  const addresses = gateway.addresses.map((a) => `ws://${formatHostPort(a.host, a.port)}`).join(' and ');
  print(`openclaw gateway ${version} listening on ${addresses} (pid ${process.pid})`);
  if (config.gateway.controlUi.enabled) {
    const url = dashboardUrl({ bind: bindMode, customBindHost: config.gateway.customBindHost, tailnetIp: hosts[0], port, basePath: config.gateway.controlUi.basePath, token: auth.mode === 'token' ? auth.token : undefined });
    // The token goes only to a person's terminal: under systemd stdout is the journal,
    // which other users (adm, systemd-journal) can read.
    if (process.stdout.isTTY || url === redactUrl(url)) print(`Dashboard URL: ${url}`);
    else print(`Dashboard URL: ${redactUrl(url)}  (the token is not written to logs; \`openclaw dashboard\` prints the full URL)`);
  }
  print(`Log file: ${fileSink.stats().file}`);
  print('Press Ctrl-C to stop.');

  await stopped;
  // Together: a channel whose stop hangs must not keep runs from being aborted (and their
  // partial replies written) before the deadline ends the process.
  await Promise.all([channels.stopAll(), agent.close()]);
  removeSignalHandlers();
  for (const store of stores.values()) store.close();
  lock.release();
  logger.info('gateway exited', { code: 0 });
  logger.close();
  process.exitCode = ExitCode.ok;
}

/** The channel part of `health`, in the original's shape: per channel, configured/connected and the probe. */
function channelHealth(status: ChannelsStatus): Record<string, unknown> {
  const channels = Object.fromEntries(
    status.channelOrder.map((id) => {
      const summary = status.channels[id];
      const accounts = status.channelAccounts[id] ?? [];
      const failed = accounts.find((a) => a.probe && a.probe.ok === false);
      const probed = accounts.find((a) => a.probe);
      return [
        id,
        {
          configured: summary?.configured ?? false,
          connected: summary?.connected ?? false,
          lastError: summary?.lastError ?? null,
          ...(probed ? { probe: failed ? { ok: false, error: failed.probe?.error ?? 'probe failed' } : { ok: true } } : {}),
          accounts: Object.fromEntries(accounts.map((a) => [a.accountId, a])),
        },
      ];
    }),
  );
  return { channels, channelOrder: status.channelOrder, channelLabels: status.channelLabels };
}
