import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startGateway } from '../test/gateway-process.ts';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { assertBuilt, runCli, tempHome } from '../test/run-cli.ts';

const TOKEN = 'logs-test-token-0123456789abcdef0123456789';
const running: GatewayProcess[] = [];

beforeAll(assertBuilt);
afterEach(async () => {
  for (const g of running.splice(0)) {
    g.child.kill('SIGTERM');
    await g.exited;
  }
});

async function gatewayWithLogFile() {
  const home = tempHome();
  const logFile = join(home, 'gateway.log');
  mkdirSync(join(home, '.openclaw'), { recursive: true });
  writeFileSync(join(home, '.openclaw', 'openclaw.json'), JSON.stringify({ gateway: { auth: { token: TOKEN } }, logging: { file: logFile } }));
  const port = await freePort();
  running.push(await startGateway(['--port', String(port)], { home }));
  const remote = ['--url', `ws://127.0.0.1:${port}`, '--token', TOKEN];
  return { home, port, remote, logFile };
}

describe('openclaw logs and the gateway methods behind it', () => {
  it('prints the log readably or as JSON lines, with no token in it', async () => {
    const { home, remote } = await gatewayWithLogFile();
    const readable = runCli(['logs', '--tail', '20', ...remote], { home });
    expect(readable.code).toBe(0);
    expect(readable.stdout).toMatch(/INFO\s+gateway listening/);
    const json = runCli(['logs', '--json', ...remote], { home });
    const records = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(records.map((r) => r.msg)).toContain('gateway listening');
    expect(readable.stdout + json.stdout).not.toContain(TOKEN);
  });

  it('refuses a bad --tail with exit 2', async () => {
    const { home, remote } = await gatewayWithLogFile();
    const result = runCli(['logs', '--tail', 'lots', ...remote], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--tail must be a whole number from 1 to 5000, not "lots"');
  });

  it('answers config.get (redacted), sessions.list, models.list, agents.list and channels.status through gateway call', async () => {
    const { home, remote } = await gatewayWithLogFile();
    const config = runCli(['gateway', 'call', 'config.get', ...remote], { home });
    expect(config.code).toBe(0);
    expect(config.stdout).not.toContain(TOKEN);
    expect(JSON.parse(config.stdout)).toMatchObject({ exists: true, valid: true });
    const sessions = JSON.parse(runCli(['gateway', 'call', 'sessions.list', ...remote], { home }).stdout) as { sessions: unknown[] };
    expect(sessions.sessions).toEqual([]);
    const models = JSON.parse(runCli(['gateway', 'call', 'models.list', ...remote], { home }).stdout) as { models: { id: string }[] };
    expect(models.models.map((m) => m.id)).toContain('anthropic/claude-opus-4-5');
    const agents = JSON.parse(runCli(['gateway', 'call', 'agents.list', ...remote], { home }).stdout) as { defaultId: string };
    expect(agents.defaultId).toBe('main');
    const channels = JSON.parse(runCli(['gateway', 'call', 'channels.status', ...remote], { home }).stdout) as { channelOrder: string[]; channels: object };
    expect(channels).toMatchObject({ channelOrder: [], channels: {} });
  });

  it('gateway call keeps its own --token (the gateway command has a --token too)', async () => {
    const { remote } = await gatewayWithLogFile();
    const elsewhere = tempHome(); // no config here: the token can only come from the flag
    const result = runCli(['gateway', 'call', 'health', ...remote], { home: elsewhere });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { ok: boolean }).ok).toBe(true);
  });

  it('status reports the session summary', async () => {
    const { home, remote } = await gatewayWithLogFile();
    const status = JSON.parse(runCli(['status', '--json', ...remote], { home }).stdout) as { status?: { sessions: { count: number } }; sessions?: { count: number } };
    const sessions = status.sessions ?? status.status?.sessions;
    expect(sessions?.count).toBe(0);
  });
});
