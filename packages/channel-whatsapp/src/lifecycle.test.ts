import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BufferJSON } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import { BOT_PHONE } from '../test/fake-whatsapp.ts';
import { ManualScheduler, linkSession, observable, recordingScheduler, harnessPerTest } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';
import { DEFAULT_BROWSER, createBaileysSocket } from './socket.ts';

const run = harnessPerTest();

/** Starts the default account, whose socket WhatsApp closes with `statusCode` before it opens. */
async function startClosingWith(statusCode: number, message: string): Promise<Harness> {
  const h = await run({ start: false });
  h.whatsapp.behaviour = 'manual';
  const started = h.registry.startAll();
  await vi.waitFor(() => expect(h.whatsapp.sockets).toHaveLength(1));
  h.whatsapp.latest().close(statusCode, message);
  await started;
  return h;
}

describe('start', () => {
  it('connects with the saved session: no QR printing, not marked online, status shows the linked number', async () => {
    const h = await run();
    expect(h.snapshot()).toMatchObject({ state: 'running', connected: true, lastError: null, linkedAs: `+${BOT_PHONE}`, maxReconnectAttempts: 12 });
    expect(h.whatsapp.sockets).toHaveLength(1);
    const { options } = h.whatsapp.latest();
    expect(options).toMatchObject({ printQRInTerminal: false, markOnlineOnConnect: false, browser: DEFAULT_BROWSER });
    expect(options.auth.creds.me?.id).toBe(`${BOT_PHONE}:7@s.whatsapp.net`);
    expect(h.instance().textLimit).toBe(4000);
  });

  it('without a linked session: auth-failed, "not linked", with the login command; no socket is made', async () => {
    const h = await run({ linked: [], section: { accounts: { default: {}, work: {} } } });
    for (const [accountId, hint] of [
      ['default', 'openclaw channels login --channel whatsapp'],
      ['work', 'openclaw channels login --channel whatsapp --account work'],
    ]) {
      expect(h.snapshot(accountId)).toMatchObject({ state: 'auth-failed', connected: false, lastError: 'Failed to connect to WhatsApp: not linked', hint });
    }
    expect(h.whatsapp.sockets).toHaveLength(0);
  });

  it('a close before the connection opened is a failed start the registry retries', async () => {
    const h = await startClosingWith(408, 'Connection was lost');
    expect(h.snapshot()).toMatchObject({ state: 'retrying', reconnectAttempts: 1, lastError: 'Failed to connect to WhatsApp: the connection closed before it opened (connectionLost (408))' });
    h.whatsapp.behaviour = 'auto';
    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'running', connected: true }));
    expect(h.whatsapp.sockets).toHaveLength(2);
  });

  it('401 while connecting is auth-failed, and the dead session is cleared so a plain login relinks', async () => {
    const h = await startClosingWith(401, 'Connection Failure');
    expect(h.snapshot()).toMatchObject({ state: 'auth-failed', lastError: 'Failed to connect to WhatsApp', hint: 'openclaw channels login' });
    expect(existsSync(join(h.sessionDir(), 'creds.json'))).toBe(false);
  });

  it('the real Baileys socket, with WhatsApp unreachable: a failed start the registry retries, not auth-failed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const h = await run({ plugin: { createSocket: createBaileysSocket, waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat` }, registry: { backoff: { initialMs: 60_000 } } });
    expect(h.snapshot()).toMatchObject({ state: 'retrying', connected: false, lastError: expect.stringMatching(/^Failed to connect to WhatsApp: the connection closed before it opened/) });
    expect(h.sink.lines().some((line) => line.includes('baileys: connection errored'))).toBe(true);
  });

  it('two accounts on one session directory: the second is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openclaw-whatsapp-shared-'));
    try {
      await linkSession(dir);
      const h = await run({ linked: [], section: { accounts: { default: { authDir: dir }, copy: { authDir: dir } } } });
      const states = ['default', 'copy'].map((id) => h.snapshot(id));
      expect(states.map((s) => s.state).sort()).toEqual(['auth-failed', 'running']);
      expect(states.find((s) => s.state === 'auth-failed')!.lastError).toMatch(/uses the same session directory as whatsapp account "(default|copy)"$/);
      expect(h.whatsapp.sockets).toHaveLength(1);
      await h[Symbol.asyncDispose]();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('while running', () => {
  it('515 and 428 closes reconnect inside the instance with the reference backoff, and report it', async () => {
    const scheduler = new ManualScheduler();
    const h = await run({ plugin: { scheduler } });
    h.whatsapp.latest().close(515, 'Stream Errored (restart required)');
    await vi.waitFor(() => expect(scheduler.pending()).toEqual([2_000]));
    expect(h.snapshot()).toMatchObject({
      state: 'running',
      connected: false,
      reconnectAttempts: 0,
      reconnectAttempt: 1,
      lastError: 'WhatsApp connection closed: restartRequired (515); reconnecting in 2.0 s (attempt 1 of 12)',
    });
    expect(h.snapshot().nextReconnectAt).toEqual(expect.any(Number));

    h.whatsapp.behaviour = 'manual';
    scheduler.fire(2_000);
    expect(h.whatsapp.sockets).toHaveLength(2);
    h.whatsapp.latest().close(428, 'Connection Closed');
    await vi.waitFor(() => expect(scheduler.pending()).toEqual([3_600]));
    expect(h.snapshot()).toMatchObject({ connected: false, reconnectAttempt: 2, lastError: expect.stringContaining('connectionClosed (428); reconnecting in 3.6 s (attempt 2 of 12)') });

    scheduler.fire(3_600);
    h.whatsapp.latest().open();
    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'running', connected: true, lastError: null, reconnectAttempt: 0 }));
    expect(h.snapshot().nextReconnectAt).toBeUndefined();
    expect(h.whatsapp.sockets.map((s) => s.ended)).toEqual([true, true, false]);
    // The registry never saw a failure: the instance kept the account.
    expect(h.snapshot().reconnectAttempts).toBe(0);
    expect(h.sink.records.filter((r) => r.msg === 'whatsapp connection closed; reconnecting').map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 2_000],
      [2, 3_600],
    ]);
  });

  it('401 while running: auth-failed with exactly "Failed to connect to WhatsApp" and "openclaw channels login"', async () => {
    const h = await run();
    h.whatsapp.latest().close(401, 'Stream Errored (conflict)');
    await vi.waitFor(() => expect(h.snapshot().state).toBe('auth-failed'));
    expect(h.snapshot()).toMatchObject({ connected: false, lastError: 'Failed to connect to WhatsApp', hint: 'openclaw channels login' });
    expect(h.whatsapp.sockets).toHaveLength(1);
    expect(existsSync(join(h.sessionDir(), 'creds.json'))).toBe(false);
  });

  it('500 (bad session) is auth-failed too, but the session files stay for a forced login to replace', async () => {
    const h = await run({ section: { accounts: { default: {}, work: {} } }, linked: ['default', 'work'], phones: { work: '15550002000' } });
    const work = h.whatsapp.sockets.find((s) => s.options.auth.creds.me?.id.startsWith('15550002000:'))!;
    work.close(500, 'Bad MAC');
    await vi.waitFor(() => expect(h.snapshot('work').state).toBe('auth-failed'));
    expect(h.snapshot('work')).toMatchObject({ lastError: 'Failed to connect to WhatsApp', hint: 'openclaw channels login --account work' });
    expect(h.snapshot('default')).toMatchObject({ state: 'running', connected: true });
    expect(existsSync(join(h.sessionDir('work'), 'creds.json'))).toBe(true);
  });

  it('gives up after maxAttempts reconnects for good: status says so, and nothing restarts it on its own', async () => {
    const delays: number[] = [];
    const h = await run({
      section: { reconnect: { initialMs: 10, maxMs: 40, factor: 2, jitter: 0, maxAttempts: 3 } },
      plugin: { scheduler: recordingScheduler(delays) },
      registry: { backoff: { initialMs: 60_000, jitter: 0 } },
    });
    h.whatsapp.behaviour = 'manual';
    for (let socket = 1; socket <= 4; socket++) {
      await vi.waitFor(() => expect(h.whatsapp.sockets).toHaveLength(socket));
      h.whatsapp.latest().close(428);
    }
    await vi.waitFor(() => expect(h.snapshot().state).toBe('auth-failed'));
    expect(delays).toEqual([10, 20, 40]);
    expect(h.snapshot()).toMatchObject({
      connected: false,
      hint: 'check the network, then: openclaw gateway restart',
      lastError: 'WhatsApp connection lost: gave up after 3 reconnect attempts (last close: connectionClosed (428))',
    });
  });

  it('a connection that opens and drops at once keeps counting toward the maximum (no endless loop)', async () => {
    const h = await run({
      section: { reconnect: { initialMs: 5, maxMs: 10, factor: 2, jitter: 0, maxAttempts: 3 } },
      registry: { backoff: { initialMs: 60_000, jitter: 0 } },
    });
    for (let socket = 1; socket <= 4; socket++) {
      await vi.waitFor(() => expect(h.whatsapp.sockets).toHaveLength(socket));
      await vi.waitFor(() => expect(h.snapshot().connected).toBe(true));
      h.whatsapp.latest().close(428);
    }
    await vi.waitFor(() => expect(h.snapshot().state).toBe('auth-failed'));
    expect(h.snapshot().lastError).toContain('gave up after 3 reconnect attempts');
  });

  it('440 (another client took the session over) gives up at once instead of fighting over it', async () => {
    const scheduler = new ManualScheduler();
    const h = await run({ plugin: { scheduler }, registry: { backoff: { initialMs: 60_000, jitter: 0 } } });
    h.whatsapp.latest().close(440, 'Stream Errored (conflict)');
    await vi.waitFor(() => expect(h.snapshot().state).toBe('auth-failed'));
    expect(h.snapshot().lastError).toBe('WhatsApp connection lost: another WhatsApp Web client took over this session (last close: connectionReplaced (440))');
    expect(h.snapshot().hint).toContain('stop the other client using this WhatsApp session');
    expect(scheduler.pending()).toEqual([]);
  });

  it('saves every credential update atomically to the session directory, and never logs it', async () => {
    const h = await run();
    const socket = h.whatsapp.latest();
    Object.assign(socket.options.auth.creds, { lastPropHash: 'prop-hash-1', routingInfo: Buffer.from('routing-secret-bytes') });
    socket.ev.emit('creds.update', { lastPropHash: 'prop-hash-1' });
    await vi.waitFor(() => {
      const creds = JSON.parse(readFileSync(join(h.sessionDir(), 'creds.json'), 'utf8'), BufferJSON.reviver) as { lastPropHash?: string; routingInfo?: Buffer };
      expect(creds.lastPropHash).toBe('prop-hash-1');
      expect(Buffer.from(creds.routingInfo!).toString()).toBe('routing-secret-bytes');
    });
    const noiseKey = Buffer.from(socket.options.auth.creds.noiseKey.private).toString('base64');
    expect(observable(h)).not.toContain(noiseKey);
    expect(observable(h)).not.toContain(Buffer.from('routing-secret-bytes').toString('base64'));
  });
});

describe('stop', () => {
  it('ends the socket and does not reconnect', async () => {
    const scheduler = new ManualScheduler();
    const h = await run({ plugin: { scheduler } });
    await h.registry.stopAll();
    expect(h.snapshot()).toMatchObject({ state: 'stopped', connected: false });
    expect(h.whatsapp.latest().ended).toBe(true);
    expect(scheduler.pending()).toEqual([]);
    await h.registry.start('whatsapp');
    expect(h.snapshot()).toMatchObject({ state: 'running', connected: true });
    expect(h.whatsapp.sockets).toHaveLength(2);
  });

  it('a stop during a reconnect wait cancels the reconnect', async () => {
    const scheduler = new ManualScheduler();
    const h = await run({ plugin: { scheduler } });
    h.whatsapp.latest().close(428);
    await vi.waitFor(() => expect(scheduler.pending()).toEqual([2_000]));
    await h.registry.stopAll();
    expect(scheduler.pending()).toEqual([]);
    expect(h.whatsapp.sockets).toHaveLength(1);
  });
});
