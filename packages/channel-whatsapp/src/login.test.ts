import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BufferJSON } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import { BOT_PHONE, incoming } from '../test/fake-whatsapp.ts';
import { ManualScheduler, harnessPerTest } from '../test/harness.ts';
import type { Harness } from '../test/harness.ts';
import { SCAN_QR_MESSAGE } from './login.ts';
import { createBaileysSocket } from './socket.ts';

const run = harnessPerTest();

function credsOn(h: Harness, accountId = 'default'): { me?: { id: string } } | undefined {
  const file = join(h.sessionDir(accountId), 'creds.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8'), BufferJSON.reviver) as { me?: { id: string } }) : undefined;
}

describe('login', () => {
  it('start returns the raw QR string; after the scan WhatsApp restarts (515), the socket reopens, wait says connected, the account runs', async () => {
    const h = await run({ linked: [] });
    expect(h.snapshot()).toMatchObject({ state: 'auth-failed', lastError: 'Failed to connect to WhatsApp: not linked' });

    const started = await h.registry.loginStart({ channel: 'whatsapp' });
    expect(started).toEqual({ message: SCAN_QR_MESSAGE, qr: '2@fake-qr-1,noise-key,identity-key,adv-secret' });
    const login = h.whatsapp.latest();
    expect(login.options).toMatchObject({ printQRInTerminal: false, markOnlineOnConnect: false });
    expect(login.options.auth.creds.me).toBeUndefined();

    const waiting = h.registry.loginWait({ channel: 'whatsapp', timeoutMs: 5_000 });
    login.showQr('2@refreshed-qr');
    await login.scan();
    login.close(515, 'Stream Errored (restart required)');
    const result = await waiting;
    expect(result).toEqual({ connected: true, message: `Linked! WhatsApp (+${BOT_PHONE}) is ready.` });
    // The second login socket opened with the saved identity and was closed again before the account started.
    expect(h.whatsapp.sockets[1]!.options.auth.creds.me?.id).toBe(`${BOT_PHONE}:7@s.whatsapp.net`);
    expect(h.whatsapp.sockets.slice(0, 2).map((s) => s.ended)).toEqual([true, true]);
    expect(credsOn(h)?.me?.id).toBe(`${BOT_PHONE}:7@s.whatsapp.net`);
    expect(readdirSync(h.sessionDir()).sort()).toEqual(['creds.json', 'pre-key-1.json']);
    expect(statSync(join(h.sessionDir(), 'creds.json')).mode & 0o777).toBe(0o600);
    expect(statSync(h.sessionDir()).mode & 0o777).toBe(0o700);

    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'running', connected: true, lastError: null, linkedAs: `+${BOT_PHONE}` }));
    expect(h.whatsapp.sockets).toHaveLength(3);
    h.whatsapp.latest().receive(incoming({ chat: '15551234567@s.whatsapp.net', text: 'first message' }));
    await vi.waitFor(() => expect(h.routed.map((m) => m.text)).toEqual(['first message']));
  });

  it('an account that is already linked is not relinked without force', async () => {
    const h = await run();
    expect(await h.registry.loginStart({ channel: 'whatsapp' })).toEqual({ message: `WhatsApp is already linked (+${BOT_PHONE}). Run the login with --force to link it again.` });
    expect(h.whatsapp.sockets).toHaveLength(1);
    expect(h.snapshot()).toMatchObject({ state: 'running', connected: true });
    expect(await h.registry.loginWait({ channel: 'whatsapp', timeoutMs: 100 })).toEqual({
      connected: false,
      message: 'No WhatsApp login is in progress: start one with openclaw channels login.',
    });
  });

  it('force: the running account lets go of the session, which is cleared; after the scan the new phone runs', async () => {
    const h = await run();
    const running = h.whatsapp.latest();
    const started = await h.registry.loginStart({ channel: 'whatsapp', force: true });
    expect(started.qr).toMatch(/^2@fake-qr-/);
    expect(running.ended).toBe(true);
    expect(h.snapshot()).toMatchObject({ state: 'auth-failed', lastError: 'Failed to connect to WhatsApp: the session is being replaced by a new QR login' });
    expect(credsOn(h)).toBeUndefined();

    const login = h.whatsapp.latest();
    await login.scan('15550009999');
    login.open();
    expect(await h.registry.loginWait({ channel: 'whatsapp' })).toEqual({ connected: true, message: 'Linked! WhatsApp (+15550009999) is ready.' });
    await vi.waitFor(() => expect(h.snapshot()).toMatchObject({ state: 'running', connected: true, linkedAs: '+15550009999' }));
  });

  it('a QR that expires (408) ends the login: wait says so, the account stays unlinked', async () => {
    const h = await run({ linked: [] });
    await h.registry.loginStart({ channel: 'whatsapp' });
    h.whatsapp.latest().close(408, 'QR refs attempts ended');
    expect(await h.registry.loginWait({ channel: 'whatsapp' })).toEqual({
      connected: false,
      message: 'The QR code expired before it was scanned. Start the login again for a fresh code.',
    });
    expect(h.snapshot().state).toBe('auth-failed');
    expect(credsOn(h)?.me).toBeUndefined();
  });

  it('a wait that times out leaves the login open; a second start returns the current QR; the next wait finishes it', async () => {
    const h = await run({ linked: [] });
    const first = await h.registry.loginStart({ channel: 'whatsapp' });
    expect(await h.registry.loginWait({ channel: 'whatsapp', timeoutMs: 30 })).toEqual({
      connected: false,
      message: 'Still waiting for the QR code to be scanned; wait again, or start a new login for a fresh code.',
    });
    const login = h.whatsapp.latest();
    expect(login.ended).toBe(false);
    login.showQr('2@second-code');
    expect(await h.registry.loginStart({ channel: 'whatsapp' })).toEqual({ message: SCAN_QR_MESSAGE, qr: '2@second-code' });
    expect(first.qr).not.toBe('2@second-code');
    expect(h.whatsapp.sockets).toHaveLength(1);
    await login.scan();
    login.open();
    expect(await h.registry.loginWait({ channel: 'whatsapp' })).toMatchObject({ connected: true });
  });

  it('no QR within the start timeout is a failed login; a login nobody finishes is closed after its TTL', async () => {
    const scheduler = new ManualScheduler();
    const h = await run({ linked: [], plugin: { scheduler, loginQrTimeoutMs: 1_000, loginTtlMs: 60_000 } });
    h.whatsapp.behaviour = 'manual';
    const start = h.registry.loginStart({ channel: 'whatsapp' });
    await vi.waitFor(() => expect(scheduler.pending()).toEqual([60_000, 1_000]));
    scheduler.fire(1_000);
    await expect(start).rejects.toMatchObject({ code: 'LOGIN_FAILED', message: 'whatsapp login failed: WhatsApp sent no QR code within 1 s.' });
    expect(h.whatsapp.latest().ended).toBe(true);

    h.whatsapp.behaviour = 'auto';
    await h.registry.loginStart({ channel: 'whatsapp' });
    const login = h.whatsapp.latest();
    scheduler.fire(60_000);
    await vi.waitFor(() => expect(login.ended).toBe(true));
    expect(await h.registry.loginWait({ channel: 'whatsapp' })).toEqual({ connected: false, message: 'The login timed out before the QR code was scanned.' });
  });

  it('the real Baileys socket, with WhatsApp unreachable: the login fails at once and says why', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const h = await run({ linked: [], plugin: { createSocket: createBaileysSocket, waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat` } });
    await expect(h.registry.loginStart({ channel: 'whatsapp' })).rejects.toMatchObject({
      code: 'LOGIN_FAILED',
      message: 'whatsapp login failed: WhatsApp closed the connection before it sent a QR code (connectionLost (408)). Check the network and start the login again.',
    });
    // The next login starts afresh.
    await expect(h.registry.loginStart({ channel: 'whatsapp' })).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
  });

  it('stopping the gateway cancels a login someone is waiting on', async () => {
    const h = await run({ linked: [] });
    await h.registry.loginStart({ channel: 'whatsapp' });
    const waiting = h.registry.loginWait({ channel: 'whatsapp', timeoutMs: 60_000 });
    await h.registry.stopAll();
    expect(await waiting).toEqual({ connected: false, message: 'The login was cancelled.' });
    expect(h.whatsapp.latest().ended).toBe(true);
  });

  it('a second account logs in to its own directory', async () => {
    const h = await run({ linked: [], section: { accounts: { default: {}, work: {} } } });
    const started = await h.registry.loginStart({ channel: 'whatsapp', accountId: 'work' });
    expect(started.qr).toBeDefined();
    const login = h.whatsapp.latest();
    await login.scan('15550002000');
    login.open();
    expect(await h.registry.loginWait({ channel: 'whatsapp', accountId: 'work' })).toMatchObject({ connected: true });
    expect(credsOn(h, 'work')?.me?.id).toBe('15550002000:7@s.whatsapp.net');
    expect(credsOn(h, 'default')).toBeUndefined();
    await vi.waitFor(() => expect(h.snapshot('work')).toMatchObject({ state: 'running', connected: true }));
    expect(h.snapshot('default').state).toBe('auth-failed');
  });
});
