// `openclaw pairing list | approve | reject` when no gateway runs: the built CLI works on this
// host's pairing store directly and says that the sender was not notified.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PairingStore } from '@openclaw/state';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../test/gateway-process.ts';
import { assertBuilt, runCli, tempHome } from '../test/run-cli.ts';

beforeAll(assertBuilt);

let home: string;
let store: PairingStore;

beforeEach(async () => {
  home = tempHome();
  const stateDir = join(home, '.openclaw');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // A port nothing listens on: "the gateway is not running".
  writeFileSync(join(stateDir, 'openclaw.json'), JSON.stringify({ gateway: { port: await freePort() } }));
  store = new PairingStore({ stateDir });
});

const codeOf = async (channel: string, sender: string, meta?: Record<string, string>): Promise<string> => {
  const result = await store.request(channel, sender, meta);
  if (result.approved) throw new Error('already approved');
  return result.code;
};

describe('openclaw pairing without a gateway', () => {
  it('list shows the pending codes of every channel or one, from the local store', async () => {
    const code = await codeOf('telegram', '1001', { username: 'ada', name: 'Ada Lovelace' });
    await codeOf('discord', '2000000000000000002');
    const all = runCli(['pairing', 'list'], { home });
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/note: no gateway is running at ws:\/\/127\.0\.0\.1:\d+; showing this host's pairing store/);
    expect(all.stdout).toMatch(new RegExp(`^telegram\\s+${code}\\s+1001 \\(@ada, Ada Lovelace\\)\\s+\\d+s ago\\s+in 59m`, 'm'));
    expect(all.stdout).toContain('2000000000000000002');
    const one = runCli(['pairing', 'list', 'telegram', '--json'], { home });
    expect(JSON.parse(one.stdout)).toMatchObject({ ok: true, source: 'local', requests: [{ channel: 'telegram', id: '1001', code }] });
    expect(runCli(['pairing', 'list', 'whatsapp'], { home }).stdout).toBe('No pending pairing requests on whatsapp.\n');
  });

  it('approve allows the sender and says they were not notified', async () => {
    const code = await codeOf('telegram', '1001', { username: 'ada' });
    const result = runCli(['pairing', 'approve', 'telegram', code.toLowerCase()], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Approved telegram sender 1001 (@ada).\n');
    expect(result.stderr).toMatch(/warning: the sender was not notified: no gateway is running at .*; approved in this host's pairing store\n {2}fix: tell them they can message the bot now/);
    expect(await store.allowFrom('telegram')).toEqual(['1001']);
    expect(await store.list('telegram')).toEqual([]);
  });

  it('approve --json reports the source and notified: false', async () => {
    const code = await codeOf('discord', '42');
    const result = runCli(['pairing', 'approve', 'discord', code, '--json'], { home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, source: 'local', channel: 'discord', code, senderId: '42', notified: false });
  });

  it('reject drops the request without access', async () => {
    const code = await codeOf('telegram', '1001');
    const result = runCli(['pairing', 'reject', 'telegram', code], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rejected telegram sender 1001');
    expect(await store.list('telegram')).toEqual([]);
    expect(await store.allowFrom('telegram')).toEqual([]);
  });

  it('an unknown code names the channel and `openclaw pairing list <channel>`, exit 1', async () => {
    await codeOf('telegram', '1001');
    const result = runCli(['pairing', 'approve', 'telegram', 'ZZZZ2222'], { home });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: no pending pairing request with code ZZZZ2222 on telegram\n  fix: see the pending codes: openclaw pairing list telegram\n');
    expect(await store.allowFrom('telegram')).toEqual([]);
    const json = runCli(['pairing', 'reject', 'telegram', 'ZZZZ2222', '--json'], { home });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: { kind: 'PAIRING_CODE_UNKNOWN', message: 'no pending pairing request with code ZZZZ2222 on telegram' },
      fixes: ['see the pending codes: openclaw pairing list telegram'],
    });
  });

  it('a missing argument is a usage error (exit 2)', () => {
    expect(runCli(['pairing', 'approve', 'telegram'], { home }).code).toBe(2);
  });
});
