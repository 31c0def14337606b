import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_FAILURES } from '../test/fake-bot-api.ts';
import { OTHER_TOKEN, TOKEN, observable, secretOf, startHarness, waitFor } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';

let harness: Harness | undefined;

afterEach(async () => {
  if (harness) expect(observable(harness)).not.toContain(secretOf(TOKEN));
  await harness?.[Symbol.asyncDispose]();
  harness = undefined;
});

async function run(...args: Parameters<typeof startHarness>): Promise<Harness> {
  harness = await startHarness(...args);
  return harness;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('starting', () => {
  it('checks the token, removes a webhook, then long-polls; status shows the bot, mode and token source', async () => {
    const h = await run({ botToken: TOKEN });
    await h.fake.waitForCall('getUpdates');
    expect(h.fake.calls.slice(0, 3).map((c) => c.method)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);
    expect(h.fake.callsTo('deleteWebhook')[0]!.params).toEqual({ drop_pending_updates: false });
    expect(h.fake.callsTo('getUpdates')[0]!.params).toMatchObject({ offset: 0, timeout: 1 });
    expect(h.account()).toMatchObject({ state: 'running', connected: true, mode: 'polling', botUsername: 'claw_bot', botId: 7000001, tokenSource: 'config', lastError: null });
    expect(h.instance().textLimit).toBe(4096);
  });

  it('a refused token (401 on getMe) is auth-failed with a hint, and not retried', async () => {
    const h = await run({ botToken: '7000009:AAFnotAKnownTokenAtAll_zzz' });
    const snapshot = h.account();
    expect(snapshot).toMatchObject({ state: 'auth-failed', connected: false, tokenSource: 'config', mode: 'polling', lastError: expect.stringContaining('Telegram refused the bot token (getMe: 401 Unauthorized)') });
    expect(snapshot.hint).toMatch(/channels\.telegram\.botToken.*@BotFather/);
    await sleep(1_500);
    expect(h.fake.callsTo('getMe')).toHaveLength(1);
    expect(observable(h)).not.toContain('AAFnotAKnownTokenAtAll_zzz');
  });

  it('an unreachable Bot API is retried by the registry with backoff, never as auth-failed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const h = await run({ botToken: TOKEN }, { apiRoot: `http://127.0.0.1:${port}` });
    expect(h.account()).toMatchObject({ state: 'retrying', reconnectAttempts: 1, lastError: expect.stringMatching(/^telegram getMe failed: .*ECONNREFUSED/) });
    expect(observable(h)).toContain('bot<redacted>');
  });

  it('a second account on the same token is refused, naming the first; the first keeps running', async () => {
    const h = await run({ botToken: TOKEN, accounts: { work: { botToken: TOKEN }, other: { botToken: OTHER_TOKEN } } });
    expect(h.account('default')).toMatchObject({ state: 'running', connected: true });
    expect(h.account('other')).toMatchObject({ state: 'running', connected: true });
    expect(h.account('work')).toMatchObject({
      state: 'auth-failed',
      lastError: 'telegram account "work" uses the same bot token as telegram account "default", which is already running in this process',
      hint: expect.stringContaining('its own bot'),
    });
    expect(h.fake.callsTo('getMe', TOKEN)).toHaveLength(1);
  });
});

describe('polling failures', () => {
  it('409 Conflict backs off inside the instance (no storm), shows the error while conflicted, and recovers', async () => {
    const h = await run({ botToken: TOKEN }, { start: false });
    h.fake.fail('getUpdates', FAKE_FAILURES.conflict, { times: Number.POSITIVE_INFINITY });
    await h.registry.startAll();
    await h.fake.waitForCall('getUpdates', { count: 2 });
    expect(h.account()).toMatchObject({ state: 'running', polling: 'retrying', lastError: expect.stringMatching(/^polling conflict: .*409 Conflict: terminated by other getUpdates request.*retrying in/) });
    // Replies still go out while receiving is interrupted.
    await expect(h.registry.send({ channel: 'telegram', target: '1001', message: { text: 'still sending' } })).resolves.toMatchObject({ messageIds: [expect.any(String)] });
    await sleep(2_000);
    // 100, 200, 400, 800 ms: about 5 polls in 2 s; a restart loop would make hundreds.
    const polls = h.fake.callsTo('getUpdates').length;
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThan(10);
    expect(h.fake.callsTo('getMe')).toHaveLength(1);
    expect(h.account()).toMatchObject({ state: 'running', connected: true, polling: 'retrying', reconnectAttempts: 0 });

    h.fake.clearFailures();
    await waitFor(() => h.account().polling === 'ok', 3_000, 'recovery');
    expect(h.account()).toMatchObject({ state: 'running', connected: true, polling: 'ok', lastError: null });
    h.fake.pushMessage({ text: 'back again' });
    await waitFor(() => h.routed.length === 1, 3_000, 'a message after recovery');
  });

  it('502 pages and 429 answers are waited out; 429 waits at least retry_after', async () => {
    const h = await run({ botToken: TOKEN }, { start: false });
    h.fake.fail('getUpdates', FAKE_FAILURES.badGateway, { times: 2 });
    await h.registry.startAll();
    await h.fake.waitForCall('getUpdates', { count: 3 });
    expect(h.sink.records.some((r) => r.msg === 'telegram polling failed' && String(r.error).includes('bot<redacted>'))).toBe(true);
    await waitFor(() => h.account().polling === 'ok', 3_000, 'recovery from 502');

    h.fake.fail('getUpdates', FAKE_FAILURES.tooManyRequests(1));
    h.fake.pushMessage({ text: 'wake the poll' });
    const [limited, next] = await waitFor(() => {
      const calls = h.fake.callsTo('getUpdates');
      const at = calls.findIndex((c) => c.status === 429);
      return at >= 0 && calls[at + 1] ? ([calls[at]!, calls[at + 1]!] as const) : undefined;
    }, 5_000, 'a poll after the 429');
    expect(next.at - limited.at).toBeGreaterThanOrEqual(1_000);
  });

  it('a token revoked while polling (401 on getUpdates) ends in auth-failed', async () => {
    const h = await run({ botToken: TOKEN });
    await h.fake.waitForCall('getUpdates');
    h.fake.fail('getUpdates', FAKE_FAILURES.unauthorized, { times: Number.POSITIVE_INFINITY });
    h.fake.pushMessage({ text: 'end the current poll' });
    await waitFor(() => h.account().state === 'auth-failed', 5_000, 'auth-failed');
    expect(h.account().lastError).toBe('Telegram refused the bot token (getUpdates: 401 Unauthorized)');
  });
});

describe('stopping', () => {
  it('stop() aborts a long poll in flight instead of waiting for it, and confirms handled updates', async () => {
    const h = await run({ botToken: TOKEN }, { plugin: { pollTimeoutSeconds: 30 } });
    const update = h.fake.pushMessage({ text: 'handled before stop' });
    await waitFor(() => h.routed.length === 1, 3_000, 'the message');
    const held = await h.fake.waitForCall('getUpdates', { count: 2 });
    expect(held.params.timeout).toBe(30);
    const outcome = await Promise.race([h.registry.stopAll().then(() => 'stopped'), sleep(10_000).then(() => 'hung')]);
    expect(outcome).toBe('stopped');
    expect(held.aborted).toBe(true);
    expect(h.account()).toMatchObject({ state: 'stopped', connected: false });
    // The held poll told Telegram the new offset, but it may not have arrived: confirm it once more.
    expect(h.fake.callsTo('getUpdates').at(-1)!.params).toEqual({ offset: update.update_id + 1, limit: 1, timeout: 0 });
    expect(h.sink.records.filter((r) => r.level === 'warn' && String(r.msg).includes('stop'))).toEqual([]);
  });

  it('after stop the token is free again: a restart polls anew', async () => {
    const h = await run({ botToken: TOKEN });
    await h.registry.restart('telegram');
    expect(h.account()).toMatchObject({ state: 'running', connected: true });
    expect(h.fake.callsTo('getMe')).toHaveLength(2);
  });
});
