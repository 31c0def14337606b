// The status page's chat box in a real browser: headless Chromium (Debian's package) driven
// over the DevTools protocol, against the built gateway and a fake model provider. Skipped
// where no Chromium is installed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeProvider } from '@openclaw/agent/testing';
import { startFakeAnthropic } from '@openclaw/agent/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatewayProcess } from '../test/gateway-process.ts';
import { freePort, startGateway } from '../test/gateway-process.ts';
import { assertBuilt, tempHome } from '../test/run-cli.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const TOKEN = 'status-page-chat-token-0123456789ab';

/** The smallest DevTools client: evaluate an expression in the page. */
async function devtools(port: number): Promise<{ evaluate(expression: string): Promise<unknown>; close(): void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
  const page = targets.find((target) => target.type === 'page');
  if (!page) throw new Error('no page target');
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let ids = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: { result?: { value?: unknown } } };
    if (message.id !== undefined) pending.get(message.id)?.(message.result?.result?.value);
  });
  return {
    evaluate: (expression) =>
      new Promise((resolve) => {
        const id = ++ids;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method: 'Runtime.evaluate', params: { expression, returnByValue: true } }));
      }),
    close: () => socket.close(),
  };
}

describe.skipIf(CHROMIUM === undefined)('the status page chat box in Chromium', () => {
  let home: string;
  let profile: string;
  let provider: FakeProvider;
  let gateway: GatewayProcess;
  let browser: ReturnType<typeof spawn>;
  let port: number;

  beforeAll(async () => {
    assertBuilt();
    home = tempHome();
    profile = mkdtempSync(join(tmpdir(), 'oc-chromium-'));
    port = await freePort();
    provider = await startFakeAnthropic();
    mkdirSync(join(home, '.openclaw'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home, '.openclaw', 'openclaw.json'),
      JSON.stringify({
        gateway: { mode: 'local', port, auth: { mode: 'token', token: TOKEN } },
        models: { providers: { anthropic: { baseUrl: provider.url } } },
        agents: { defaults: { model: { primary: 'anthropic/claude-e2e', fallbacks: [] } } },
        logging: { file: join(home, 'gateway.log') },
      }),
    );
    gateway = await startGateway([], { home, env: { ANTHROPIC_API_KEY: 'sk-ant-e2e' } });
  });

  afterAll(async () => {
    // Chromium's helpers (zygote, renderer) share its process group and keep writing to the
    // profile: end them all, and wait, before the profile is removed.
    if (browser?.pid !== undefined && browser.exitCode === null) {
      const exited = new Promise((resolve) => browser.once('exit', resolve));
      process.kill(-browser.pid, 'SIGKILL');
      await exited;
    }
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    await provider?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('shows the history, sends a message and streams the reply in', async () => {
    const debugPort = await freePort();
    browser = spawn(
      CHROMIUM as string,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--user-data-dir=${profile}`, `--remote-debugging-port=${debugPort}`, `http://127.0.0.1:${port}/?token=${TOKEN}`],
      { stdio: 'ignore', detached: true },
    );
    const page = await vi.waitFor(() => devtools(debugPort), { timeout: 15_000, interval: 200 });
    try {
      await vi.waitFor(async () => expect(await page.evaluate("document.getElementById('chat').hidden")).toBe(false), { timeout: 10_000 });
      // The token left the address bar.
      expect(await page.evaluate('location.search')).toBe('');
      provider.script({ text: ['Hello ', 'from ', 'the agent'], delayMs: 50 });
      await page.evaluate("document.getElementById('message').value = 'hi there'; document.getElementById('chat-form').requestSubmit()");
      await vi.waitFor(async () => expect(await page.evaluate("[...document.querySelectorAll('#messages li')].map((li) => li.className + ':' + li.textContent)")).toEqual(['user:hi there', 'assistant:Hello from the agent']), {
        timeout: 10_000,
      });
      expect((provider.requests[0]?.body as { messages: unknown[] }).messages).toEqual([{ role: 'user', content: 'hi there' }]);
      // A reload shows the conversation from chat.history.
      await page.evaluate('location.reload()');
      await vi.waitFor(async () => expect(await page.evaluate("document.querySelectorAll('#messages li').length")).toBe(2), { timeout: 10_000 });
    } finally {
      page.close();
    }
  });
});
