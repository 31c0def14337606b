import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempHome } from '../test/run-cli.ts';
import { WsClient, freePort, startGateway } from '../test/gateway-process.ts';
import type { GatewayProcess } from '../test/gateway-process.ts';

// `openclaw gateway` validates its config in a child process (dist/config-child.js) and keeps
// only the result; these check that nothing is lost on the way.

const running: GatewayProcess[] = [];
const clients: WsClient[] = [];

beforeAll(assertBuilt);

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const gateway of running.splice(0)) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
});

/** A temp HOME with `<stateDirName>/openclaw.json` (and `.env`); `config` gets the HOME, for absolute paths. */
function home(stateDirName: string, config: (dir: string) => string, dotenv?: string): string {
  const dir = tempHome();
  const stateDir = join(dir, stateDirName);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'openclaw.json'), config(dir));
  if (dotenv !== undefined) writeFileSync(join(stateDir, '.env'), dotenv);
  return dir;
}

async function connected(port: number, token: string): Promise<WsClient> {
  const client = await WsClient.open(`ws://127.0.0.1:${port}`);
  clients.push(client);
  const hello = (await client.connect({ min: 3, max: 4 }, token, ['operator.admin'])) as { ok: boolean };
  expect(hello.ok).toBe(true);
  return client;
}

describe('openclaw gateway: the config, validated in a child process', () => {
  it('gets the validated config, its warnings and the layered environment back', async () => {
    const port = await freePort();
    // The token comes from ${GW_TOKEN}, set only in <stateDir>/.env, under the legacy key
    // gateway.token (moved to gateway.auth.token in memory); an unknown key warns too.
    const config = (dir: string) =>
      JSON.stringify({ gateway: { token: '${GW_TOKEN}', prot: 1 }, agents: { defaults: { model: { primary: 'anthropic/claude-sonnet-4-5' } } }, logging: { file: join(dir, 'gateway.log') } });
    const dir = home('.openclaw', config, 'GW_TOKEN=child-env-token-0123456789abcdef\n');
    const gateway = await startGateway(['--port', String(port)], { home: dir });
    running.push(gateway);
    expect(gateway.stderr().match(/warning: unknown key gateway\.prot/g)).toHaveLength(1);
    expect(gateway.stderr().match(/warning: legacy config: .*gateway\.auth\.token/g)).toHaveLength(1);
    const client = await connected(port, 'child-env-token-0123456789abcdef');

    // config.* and models.list load the config layer on their first call, in the gateway.
    const snapshot = (await client.request('config.get')) as { ok: boolean; payload: { valid: boolean; raw: string } };
    expect(snapshot).toMatchObject({ ok: true, payload: { valid: true } });
    expect(snapshot.payload.raw).not.toContain('child-env-token');
    expect(await client.request('models.list')).toMatchObject({ ok: true, payload: { models: [{ id: 'anthropic/claude-sonnet-4-5' }] } });
    expect(await client.request('config.set', { raw: 7 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'invalid params for config.set at raw: expected a string, got number 7' } });
  });

  it('follows --profile into the child (its state dir and config)', async () => {
    const port = await freePort();
    const dir = home('.openclaw-work', (d) => JSON.stringify({ gateway: { auth: { token: 'profile-token-0123456789abcdef' } }, logging: { file: join(d, 'gateway.log') } }));
    const gateway = await startGateway(['--port', String(port)], { home: dir, env: { OPENCLAW_PROFILE: 'work' } });
    running.push(gateway);
    await connected(port, 'profile-token-0123456789abcdef');
  });

  it('stops on an invalid config with exit 78, each error printed once', () => {
    const dir = home('.openclaw', () => '{ gateway: { port: "many", bind: "moon" } }');
    const result = runCli(['gateway'], { home: dir });
    expect(result.code).toBe(78);
    expect(result.stderr.match(/^error: gateway\.port: /gm)).toHaveLength(1);
    expect(result.stderr.match(/^error: gateway\.bind: /gm)).toHaveLength(1);
    expect(result.stderr).toContain(`error: Invalid config at ${join(dir, '.openclaw', 'openclaw.json')}`);
    expect(result.stderr).toContain('fix: fix the errors above (openclaw config validate)');
  });

  it('stops on a config that cannot be parsed with exit 78 and where the problem is', () => {
    const dir = home('.openclaw', () => '{ gateway: { port: 1 ');
    const result = runCli(['gateway'], { home: dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(join(dir, '.openclaw', 'openclaw.json'));
  });
});
