import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempHome } from '../test/run-cli.ts';
import { WsClient, freePort, startGateway } from '../test/gateway-process.ts';
import type { GatewayProcess } from '../test/gateway-process.ts';

// A token with characters that must be URL-encoded, to check the dashboard URL too.
const TOKEN = 'gw-test-token/0123456789+abcdef=';
const running: GatewayProcess[] = [];
const clients: WsClient[] = [];
const servers: Server[] = [];

beforeAll(assertBuilt);

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) server.close();
  for (const gateway of running.splice(0)) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
});

interface Setup {
  home: string;
  stateDir: string;
  port: number;
  logFile: string;
  url: string;
}

/** A temp HOME with a config holding the token and a log file of its own, and a free port. */
async function setup(config: Record<string, unknown> = { gateway: { auth: { token: TOKEN } } }): Promise<Setup> {
  const home = tempHome();
  const stateDir = join(home, '.openclaw');
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(home, 'logs', 'gateway.log');
  writeFileSync(join(stateDir, 'openclaw.json'), JSON.stringify({ ...config, logging: { level: 'debug', file: logFile } }, null, 2));
  const port = await freePort();
  return { home, stateDir, port, logFile, url: `ws://127.0.0.1:${port}` };
}

async function gateway(s: Setup, args: string[] = [], env?: Record<string, string>): Promise<GatewayProcess> {
  const g = await startGateway(['--port', String(s.port), ...args], { home: s.home, ...(env ? { env } : {}) });
  running.push(g);
  return g;
}

async function client(url: string): Promise<WsClient> {
  const c = await WsClient.open(url);
  clients.push(c);
  return c;
}

describe('openclaw gateway (foreground)', () => {
  it('serves protocol 3 and 4 clients with the token, refuses a missing or wrong token, and prints the dashboard URL', async () => {
    const s = await setup();
    const g = await gateway(s);
    expect(g.stdout()).toContain(`listening on ws://127.0.0.1:${s.port}`);
    // Not a terminal (as under systemd, where stdout is the journal): the token is not printed.
    expect(g.stdout()).toContain(`Dashboard URL: http://127.0.0.1:${s.port}/?token=***  (the token is not written to logs; \`openclaw dashboard\` prints the full URL)`);
    expect(g.stdout()).not.toContain(encodeURIComponent(TOKEN));

    for (const [min, max, expected] of [[3, 3, 3], [4, 4, 4], [3, 4, 4]] as const) {
      const c = await client(s.url);
      const hello = (await c.connect({ min, max }, TOKEN)) as { ok: boolean; payload: { protocol: number; features: { methods: string[] } } };
      expect(hello.ok).toBe(true);
      expect(hello.payload.protocol).toBe(expected);
      expect(hello.payload.features.methods).toContain('status');
    }
    for (const token of [undefined, 'not-the-token']) {
      const c = await client(s.url);
      const refused = (await c.connect({ min: 3, max: 4 }, token)) as { ok: boolean; error: { message: string } };
      expect(refused.ok).toBe(false);
      expect(refused.error.message).toMatch(/unauthorized/);
      expect((await c.closed).code).toBe(1008);
    }
  });

  it('answers `openclaw status`, `health` and `gateway call`, then stops on SIGTERM: shutdown, close 1012, exit 0, lock gone', async () => {
    const s = await setup();
    const g = await gateway(s, ['--verbose']);
    const lockFile = join(s.stateDir, 'gateway.lock');
    expect(existsSync(lockFile)).toBe(true);

    const status = runCli(['status', '--json', '--url', s.url], { home: s.home });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { ok: boolean; status: Record<string, unknown> };
    expect(parsed.ok).toBe(true);
    expect(parsed.status).toMatchObject({ pid: g.pid, port: s.port, stateDir: s.stateDir, configPath: join(s.stateDir, 'openclaw.json'), lock: { pid: g.pid, port: s.port }, bind: { mode: 'loopback' } });

    const human = runCli(['status'], { home: s.home, env: { OPENCLAW_GATEWAY_PORT: String(s.port) } });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Gateway: reachable at ws://127.0.0.1:${s.port}`);
    expect(human.stdout).toMatch(/lock\s+pid \d+, port \d+/);

    // --deep also asks the model providers; this gateway has no key for its default model.
    const health = runCli(['health', '--deep', '--url', s.url], { home: s.home });
    expect(health.code).toBe(1);
    expect(health.stdout).toMatch(/^✗ provider anthropic: No API key found for provider "anthropic" \(anthropic\/claude-opus-4-5\)$/m);
    expect(health.stdout).toContain('fix: openclaw models auth login --provider anthropic');
    expect(health.stdout).toMatch(/^✓ gateway: reachable/m);
    expect(health.stdout).toMatch(/^✓ health: ok/m);
    expect(health.stdout).toMatch(new RegExp(`^✓ lock: held by pid ${g.pid}`, 'm'));

    const call = runCli(['gateway', 'call', 'health', '--url', s.url], { home: s.home });
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ ok: true });
    const unknown = runCli(['gateway', 'call', 'no.such.method', '--url', s.url], { home: s.home });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown method: no.such.method');
    const badParams = runCli(['gateway', 'call', 'health', '--params', '{nope', '--url', s.url], { home: s.home });
    expect(badParams.code).toBe(2);

    const c = await client(s.url);
    expect(((await c.connect({ min: 3, max: 4 }, TOKEN)) as { ok: boolean }).ok).toBe(true);
    const sent = Date.now();
    g.child.kill('SIGTERM');
    const shutdown = await c.next((f) => f.type === 'event' && f.event === 'shutdown');
    expect(shutdown.payload).toEqual({ reason: 'gateway stopping', restartExpectedMs: null });
    expect((await c.closed).code).toBe(1012);
    expect(await g.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(existsSync(lockFile)).toBe(false);

    // Nothing the run wrote may contain the token: not the log file, not the --verbose console.
    const log = readFileSync(s.logFile);
    expect(log.length).toBeGreaterThan(0);
    expect(log.toString('utf8')).toContain('gateway listening');
    for (const text of [log.toString('latin1'), g.stderr()]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(encodeURIComponent(TOKEN));
    }
  });

  it('starts with no config file at all: loopback, no auth, with a warning', async () => {
    const home = tempHome();
    const port = await freePort();
    const g = await startGateway(['--port', String(port)], { home });
    running.push(g);
    expect(g.stdout()).toContain(`Dashboard URL: http://127.0.0.1:${port}/\n`);
    expect(g.stderr()).toMatch(/warning: gateway auth is not configured/);
    const c = await client(`ws://127.0.0.1:${port}`);
    expect(((await c.connect({ min: 3, max: 4 })) as { ok: boolean }).ok).toBe(true);
  });
});

describe('openclaw gateway refusals', () => {
  it('a second gateway on the same state dir is refused, naming the pid and port, exit 1', async () => {
    const s = await setup();
    const first = await gateway(s);
    const second = runCli(['gateway', '--port', String(await freePort())], { home: s.home });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`gateway already running (pid ${first.pid}, port ${s.port})`);
    expect(second.stderr).toContain('fix:');
  });

  it('a port held by another program is named, exit 1, and the lock is released', async () => {
    const s = await setup();
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(s.port, '127.0.0.1', resolve));
    const result = runCli(['gateway', '--port', String(s.port)], { home: s.home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${s.port} is already in use`);
    expect(result.stderr).toContain(`pid ${process.pid}`);
    expect(existsSync(join(s.stateDir, 'gateway.lock'))).toBe(false);
  });

  it('a port held by the gateway of another state dir names that gateway and its pid', async () => {
    const first = await setup();
    const holder = await gateway(first);
    const other = await setup();
    const result = runCli(['gateway', '--port', String(first.port)], { home: other.home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${first.port} is already in use by another openclaw gateway (pid ${holder.pid}, with a different state dir)`);
    expect(result.stderr).toContain(`fix: stop pid ${holder.pid}`);
  });

  it('takes over the lock of a SIGKILLed gateway', async () => {
    const s = await setup();
    const killed = await gateway(s);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(existsSync(join(s.stateDir, 'gateway.lock'))).toBe(true);
    const stale = runCli(['status', '--url', s.url], { home: s.home });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`stale: pid ${killed.pid} is no longer running`);

    const next = await gateway(s);
    expect(next.stderr()).toContain(`took over the lock of pid ${killed.pid}`);
    const health = runCli(['health', '--url', s.url], { home: s.home });
    expect(health.code).toBe(0);
  });

  it.each([
    [['--bind', 'lan'], 78, 'refusing to bind gateway to lan without auth'],
    [['--bind', 'x'], 2, '--bind must be one of loopback, lan, tailnet, auto, custom'],
    [['--port', 'http'], 2, '--port must be a whole number'],
    [['--auth', 'password'], 78, 'Gateway auth is set to password, but no password is configured.'],
  ])('openclaw gateway %j exits %i', async (args, code, message) => {
    const home = tempHome();
    const result = runCli(['gateway', '--port', String(await freePort()), ...args], { home });
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('fix:');
    expect(existsSync(join(home, '.openclaw', 'gateway.lock'))).toBe(false);
  });

  it('gateway.mode remote blocks a start (78) unless --allow-unconfigured', async () => {
    const s = await setup({ gateway: { mode: 'remote', auth: { token: TOKEN } } });
    const blocked = runCli(['gateway', '--port', String(s.port)], { home: s.home });
    expect(blocked.code).toBe(78);
    expect(blocked.stderr).toContain('Gateway start blocked: gateway.mode is remote');
    await gateway(s, ['--allow-unconfigured']);
  });

  it('an invalid config exits 78 without starting', () => {
    const home = tempHome();
    mkdirSync(join(home, '.openclaw'));
    writeFileSync(join(home, '.openclaw', 'openclaw.json'), '{ gateway: { port: "many" } }');
    const result = runCli(['gateway'], { home });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('gateway.port');
  });
});

describe('openclaw status / health without a gateway', () => {
  it('status exits 1 with the likely fixes and the local facts', async () => {
    const s = await setup();
    const result = runCli(['status', '--url', s.url], { home: s.home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach the gateway at ${s.url}: nothing is listening`);
    expect(result.stderr).toContain('fix: not running? start it: `openclaw gateway`');
    expect(result.stderr).toContain('wrong port?');
    // An explicit loopback --url may be an SSH tunnel.
    expect(result.stderr).toContain(`ssh -N -L ${s.port}:127.0.0.1:${s.port}`);
    expect(result.stdout).toContain('lock       none');
    const json = JSON.parse(runCli(['status', '--json', '--url', s.url], { home: s.home }).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: false, error: { kind: 'refused' }, local: { stateDir: s.stateDir, lock: { state: 'none' } } });
  });

  it('health prints ✗ and exits 1; a remote --url gets no local facts', async () => {
    const s = await setup();
    const result = runCli(['health', '--url', s.url], { home: s.home });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✗ gateway: cannot reach/m);
    // 192.0.2.0/24 is TEST-NET-1: never routed, so nothing answers.
    const remote = runCli(['status', '--url', 'ws://192.0.2.1:18789', '--timeout', '1000'], { home: s.home });
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('cannot reach the gateway at ws://192.0.2.1:18789');
    expect(remote.stderr).toMatch(/fix: (is the gateway at ws:\/\/192\.0\.2\.1:18789 running|is the host up)/);
    expect(remote.stdout).not.toContain('lock');
  });

  it('a --url that is not ws:// is a usage error', () => {
    const result = runCli(['status', '--url', 'http://127.0.0.1:18789'], { home: tempHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--url must start with ws:// or wss://');
  });
});

describe('openclaw dashboard', () => {
  it('prints the URL with the encoded token and the SSH tunnel hint, without a gateway', async () => {
    const s = await setup();
    const result = runCli(['dashboard', '--no-open'], { home: s.home, env: { OPENCLAW_GATEWAY_PORT: '19999' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Dashboard URL: http://127.0.0.1:19999/?token=${encodeURIComponent(TOKEN)}\n`);
    expect(result.stdout).toContain('ssh -N -L 19999:127.0.0.1:19999');
  });

  it('takes the token from OPENCLAW_GATEWAY_TOKEN when the config has none', () => {
    const result = runCli(['dashboard'], { home: tempHome(), env: { OPENCLAW_GATEWAY_TOKEN: 'env token' } });
    expect(result.stdout).toContain('Dashboard URL: http://127.0.0.1:18789/?token=env%20token\n');
  });
});
