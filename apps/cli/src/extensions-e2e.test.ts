// End to end: the built CLI's gateway loads the example webhook channel from a path in
// `plugins.load.paths`, next to plugins that break on import, on start and on every
// message, and the webhook channel still answers through the agent (a fake Anthropic server).
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import type { FakeProvider } from '@openclaw/agent/testing';
import { startFakeAnthropic } from '@openclaw/agent/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { freePort, startGateway } from '../test/gateway-process.ts';
import { assertBuilt, runCliAsync, tempHome } from '../test/run-cli.ts';

const TOKEN = 'extensions-e2e-token-0123456789abcdef';
const SECRET = 'extensions-e2e-webhook-secret';
const REPO = join(import.meta.dirname, '..', '..', '..');
const EXTENSION = join(REPO, 'extensions', 'webhook-channel');

/** Plugins that break, one way each: plain ESM files, the way an operator's own plugin could be. */
const BROKEN_PLUGINS: Record<string, string> = {
  'broken-import.mjs': "throw new Error('broken-import blew up while loading');\n",
  'broken-start.mjs': `export default {
  id: 'broken-start',
  create: () => ({
    start: async () => { throw new Error('broken-start never starts'); },
    stop: async () => {},
    send: async () => ({ messageIds: [] }),
  }),
};
`,
  // Sends itself a message every 200 ms from an allowed sender; every reply fails.
  'broken-send.mjs': `export default {
  id: 'broken-send',
  resolveAccounts: () => [{ accountId: 'default', config: {}, access: { dmPolicy: 'open', allowFrom: ['*'], groupPolicy: 'disabled' } }],
  create: (context) => {
    let timer;
    let n = 0;
    const ping = () => void context.onInbound({ chatType: 'direct', chatId: 'bob', senderId: 'bob', text: 'ping ' + ++n, messageId: 'm' + n });
    return {
      start: async () => { timer = setInterval(ping, 200); },
      stop: async () => clearInterval(timer),
      send: async () => { throw new Error('broken-send refuses every reply'); },
    };
  },
};
`,
  // Imports gateway-core at run time, so it gets its own copy (from node_modules next to
  // it), not the CLI's bundled one: its ChannelAuthError must still be recognised.
  'refused.mjs': `import { ChannelAuthError, defineChannelPlugin } from '@openclaw/gateway-core';
export default defineChannelPlugin({
  id: 'refused',
  create: () => ({
    start: async () => { throw new ChannelAuthError('the remote refused our token', { hint: 'set channels.refused.token' }); },
    stop: async () => {},
    send: async () => ({ messageIds: [] }),
  }),
});
`,
};

interface Delivered {
  headers: IncomingHttpHeaders;
  body: { chat?: string; text?: string };
}

let home: string;
let port: number;
let webhookPort: number;
let provider: FakeProvider;
let receiver: Server;
let delivered: Delivered[];
let gateway: GatewayProcess | undefined;

beforeAll(() => {
  assertBuilt();
  if (!existsSync(join(EXTENSION, 'dist', 'index.js'))) throw new Error(`${EXTENSION}/dist is missing: run \`pnpm build\` before the CLI tests`);
});

beforeEach(async () => {
  home = tempHome();
  [port, webhookPort] = [await freePort(), await freePort()];
  provider = await startFakeAnthropic();
  delivered = [];
  // Where the webhook channel POSTs its replies.
  receiver = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      delivered.push({ headers: request.headers, body: JSON.parse(text) as Delivered['body'] });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  gateway = undefined;
  receiver.closeAllConnections();
  await Promise.all([provider.close(), new Promise((resolve) => receiver.close(resolve))]);
  rmSync(home, { recursive: true, force: true });
});

function writeConfig(): void {
  const configDir = join(home, '.openclaw');
  mkdirSync(join(configDir, 'plugins'), { recursive: true, mode: 0o700 });
  for (const [name, source] of Object.entries(BROKEN_PLUGINS)) writeFileSync(join(configDir, 'plugins', name), source);
  mkdirSync(join(configDir, 'plugins', 'node_modules', '@openclaw'), { recursive: true });
  symlinkSync(join(REPO, 'packages', 'gateway-core'), join(configDir, 'plugins', 'node_modules', '@openclaw', 'gateway-core'));
  const replyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/replies`;
  writeFileSync(
    join(configDir, 'openclaw.json'),
    JSON.stringify({
      gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } },
      models: { providers: { anthropic: { baseUrl: provider.url } } },
      agents: { defaults: { model: { primary: 'anthropic/claude-e2e', fallbacks: [] } } },
      logging: { file: join(home, 'gateway.log') },
      plugins: {
        load: {
          // The example by a path relative to the config file, the broken ones next to it.
          paths: [relative(configDir, EXTENSION), './plugins/broken-import.mjs', './plugins/broken-start.mjs', './plugins/broken-send.mjs', './plugins/refused.mjs', './plugins/missing.mjs'],
        },
      },
      channels: { webhook: { port: webhookPort, secret: '${WEBHOOK_SECRET}', replyUrl, dmPolicy: 'open', allowFrom: ['*'] } },
    }),
    { mode: 0o600 },
  );
}

interface AccountStatus {
  state: string;
  connected: boolean;
  lastError: string | null;
  inboundErrors: number;
  url?: string;
  hint?: string;
}

async function channelsStatus(): Promise<{ channelOrder: string[]; channelAccounts: Record<string, AccountStatus[]> }> {
  const result = await runCliAsync(['gateway', 'call', 'channels.status', '--url', `ws://127.0.0.1:${port}`, '--token', TOKEN], { home });
  return JSON.parse(result.stdout) as { channelOrder: string[]; channelAccounts: Record<string, AccountStatus[]> };
}

function postMessage(body: unknown, secret = SECRET): Promise<Response> {
  return fetch(`http://127.0.0.1:${webhookPort}/message`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-secret': secret }, body: JSON.stringify(body) });
}

describe('channel plugins through the built gateway', () => {
  it('loads the webhook example from a path; broken plugins are reported and the webhook still answers', async () => {
    writeConfig();
    gateway = await startGateway([], { home, env: { ANTHROPIC_API_KEY: 'sk-ant-e2e', WEBHOOK_SECRET: SECRET } });
    const stderr = gateway.stderr();
    const pluginsDir = join(home, '.openclaw', 'plugins');
    expect(stderr).toContain(`warning: plugins.load.paths[1]: ${join(pluginsDir, 'broken-import.mjs')} could not be imported: broken-import blew up while loading`);
    expect(stderr).toContain(`warning: plugins.load.paths[5]: ${join(pluginsDir, 'missing.mjs')} does not exist`);
    expect(stderr).toContain("  fix: fix the path (a relative path starts at the config file's directory), or remove it");

    let status = await channelsStatus();
    await vi.waitFor(
      async () => {
        status = await channelsStatus();
        expect(status.channelAccounts.webhook?.[0]).toMatchObject({ state: 'running', connected: true });
        expect(status.channelAccounts['broken-send']?.[0]?.inboundErrors).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(status.channelOrder).toEqual(['webhook', 'broken-start', 'broken-send', 'refused']);
    expect(status.channelAccounts.webhook?.[0]?.url).toBe(`http://127.0.0.1:${webhookPort}/message`);
    expect(status.channelAccounts['broken-start']?.[0]).toMatchObject({ connected: false, lastError: 'broken-start never starts' });
    expect(['retrying', 'starting']).toContain(status.channelAccounts['broken-start']?.[0]?.state);
    expect(status.channelAccounts['broken-send']?.[0]).toMatchObject({ state: 'running', connected: true, lastError: expect.stringContaining('broken-send refuses every reply') });
    expect(status.channelAccounts.refused?.[0]).toMatchObject({ state: 'auth-failed', lastError: 'the remote refused our token', hint: 'set channels.refused.token' });

    expect((await postMessage({ from: 'alice', text: 'hello' }, 'not-the-secret')).status).toBe(401);
    const accepted = await postMessage({ from: 'alice', name: 'Alice', text: 'hello from the webhook' });
    expect(accepted.status).toBe(202);
    await vi.waitFor(() => expect(delivered).toHaveLength(1), { timeout: 10_000 });
    expect(delivered[0]?.body).toMatchObject({ chat: 'alice', text: 'echo: hello from the webhook' });
    expect(delivered[0]?.headers['x-webhook-secret']).toBe(SECRET);
    expect(provider.requests.some((request) => JSON.stringify(request.body).includes('hello from the webhook'))).toBe(true);

    gateway.child.kill('SIGTERM');
    expect((await gateway.exited).code).toBe(0);
  });
});
