import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_TOKEN, TOKEN, startHarness, waitFor } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';
import type { TelegramPlugin } from './index.ts';

const SECRET = 'webhook-secret_123';
let harness: Harness | undefined;
let server: Server | undefined;

afterEach(async () => {
  await harness?.[Symbol.asyncDispose]();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  harness = undefined;
  server = undefined;
});

/** The gateway's HTTP server as the CLI will wire it: webhook paths first, 404 for the rest. */
async function mount(plugin: TelegramPlugin): Promise<string> {
  server = createServer((req, res) => {
    void plugin.handleWebhookRequest(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function post(url: string, body: unknown, secret?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) };
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

const update = (id: number, text: string) => ({
  update_id: id,
  message: { message_id: id, date: 1_760_000_000, chat: { id: 1001, type: 'private', first_name: 'Ada' }, from: { id: 1001, is_bot: false, first_name: 'Ada' }, text },
});

describe('webhook mode', () => {
  it('sets the webhook with its secret instead of polling, and serves updates that carry the secret', async () => {
    harness = await startHarness({ botToken: TOKEN, webhookUrl: 'https://bot.example.com/tg/hook', webhookSecret: SECRET });
    const h = harness;
    expect(h.fake.callsTo('setWebhook')[0]!.params).toEqual({ url: 'https://bot.example.com/tg/hook', secret_token: SECRET, allowed_updates: ['message'], drop_pending_updates: false });
    expect(h.fake.callsTo('getUpdates')).toEqual([]);
    expect(h.fake.callsTo('deleteWebhook')).toEqual([]);
    expect(h.account()).toMatchObject({ state: 'running', connected: true, mode: 'webhook', webhookPath: '/tg/hook' });
    expect(h.plugin.webhookPaths()).toEqual(['/tg/hook']);

    const base = await mount(h.plugin);
    expect((await post(`${base}/tg/hook`, update(1, 'hello by webhook'), SECRET)).status).toBe(200);
    await waitFor(() => h.routed.length === 1, 3_000, 'the webhook message');
    expect(h.routed[0]).toMatchObject({ chatType: 'direct', chatId: '1001', senderId: '1001', text: 'hello by webhook', messageId: '1' });

    expect((await post(`${base}/tg/hook`, update(2, 'forged'), 'wrong-secret')).status).toBe(401);
    expect((await post(`${base}/tg/hook`, update(3, 'no secret'))).status).toBe(401);
    expect((await fetch(`${base}/tg/hook`)).status).toBe(405);
    expect((await post(`${base}/elsewhere`, update(4, 'not ours'), SECRET)).status).toBe(404);
    const garbage = await fetch(`${base}/tg/hook`, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: '{not json' });
    expect(garbage.status).toBe(400);
    expect(h.routed.map((m) => m.text)).toEqual(['hello by webhook']);

    await h.registry.stopAll();
    expect(h.plugin.webhookPaths()).toEqual([]);
  });

  it('a second account on the same local webhook path is refused before Telegram is pointed at it', async () => {
    harness = await startHarness({
      botToken: TOKEN,
      webhookUrl: 'https://a.example.com/hook',
      webhookSecret: SECRET,
      accounts: { two: { botToken: OTHER_TOKEN, webhookUrl: 'https://b.example.com/x', webhookPath: '/hook' } },
    });
    expect(harness.account('default')).toMatchObject({ state: 'running', mode: 'webhook' });
    expect(harness.account('two')).toMatchObject({ state: 'retrying', lastError: 'webhook path /hook is already served for telegram account "default"' });
    expect(harness.fake.callsTo('setWebhook', OTHER_TOKEN)).toEqual([]);
  });
});
