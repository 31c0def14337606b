import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelRegistry } from '@openclaw/gateway-core';
import { createTelegramPlugin, resolveAccounts } from './index.ts';
import type { TelegramSection } from './index.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openclaw-telegram-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const section = (fields: Partial<TelegramSection>) => fields as TelegramSection;

describe('resolveAccounts', () => {
  it('a bare section is one default account with the defaults, unconfigured without a token', () => {
    expect(resolveAccounts(section({}), { env: {} })).toEqual([
      {
        accountId: 'default',
        enabled: true,
        configured: false,
        config: {
          accountId: 'default',
          botToken: undefined,
          tokenSource: 'none',
          tokenFile: undefined,
          tokenError: undefined,
          dmPolicy: 'pairing',
          allowFrom: [],
          groupPolicy: 'allowlist',
          groupAllowFrom: [],
          groups: {},
          textChunkLimit: 4096,
          webhookUrl: undefined,
          webhookSecret: undefined,
          webhookPath: undefined,
          apiRoot: undefined,
        },
        access: { dmPolicy: 'pairing', allowFrom: [], groupPolicy: 'allowlist', groupAllowFrom: [], groups: {} },
      },
    ]);
    expect(resolveAccounts(undefined, { env: {} }).map((a) => a.accountId)).toEqual(['default']);
  });

  it('token order: botToken, then tokenFile, then TELEGRAM_BOT_TOKEN (default account only)', async () => {
    const file = join(dir, 'token');
    await writeFile(file, '  111:from-file\n');
    const env = { TELEGRAM_BOT_TOKEN: '222:from-env' };
    const token = (fields: Partial<TelegramSection>) => resolveAccounts(section(fields), { env })[0]!.config;
    expect(token({ botToken: '333:from-config', tokenFile: file })).toMatchObject({ botToken: '333:from-config', tokenSource: 'config' });
    expect(token({ tokenFile: file })).toMatchObject({ botToken: '111:from-file', tokenSource: 'file', tokenFile: file });
    expect(token({})).toMatchObject({ botToken: '222:from-env', tokenSource: 'env' });
    const named = resolveAccounts(section({ accounts: { work: {} } }), { env });
    expect(named.map((a) => [a.accountId, a.config.tokenSource, a.configured])).toEqual([
      ['default', 'env', true],
      ['work', 'none', false],
    ]);
  });

  it('an unreadable or empty tokenFile leaves the account unconfigured with an error naming the file, without falling back to env', async () => {
    const missing = join(dir, 'nope');
    const empty = join(dir, 'empty');
    await writeFile(empty, '\n');
    const env = { TELEGRAM_BOT_TOKEN: '222:from-env', HOME: dir };
    const [account] = resolveAccounts(section({ tokenFile: missing }), { env });
    expect(account).toMatchObject({ configured: false, config: { botToken: undefined, tokenSource: 'none', tokenError: `channels.telegram.tokenFile: cannot read ${missing} (ENOENT)` } });
    const work = resolveAccounts(section({ accounts: { work: { tokenFile: '~/empty' } } }), { env }).find((a) => a.accountId === 'work');
    expect(work).toMatchObject({ configured: false, config: { tokenError: `channels.telegram.accounts.work.tokenFile: ${empty} is empty` } });
    expect(resolveAccounts(section({ tokenFile: dir }), { env })[0]!.config.tokenError).toBe(`channels.telegram.tokenFile: cannot read ${dir} (EISDIR)`);
  });

  it('named accounts inherit access and chunking fields, never the token or webhook URL', () => {
    const accounts = resolveAccounts(
      section({
        botToken: '1:base',
        dmPolicy: 'allowlist',
        allowFrom: [42],
        groups: { '*': { requireMention: true } },
        textChunkLimit: 2000,
        webhookUrl: 'https://bot.example.com/',
        webhookSecret: 'shared',
        accounts: { work: { botToken: '2:work', dmPolicy: 'open', allowFrom: ['*'] }, hook: { botToken: '3:hook', webhookUrl: 'https://h.example.com/in' } },
      }),
      { env: {} },
    );
    const byId = Object.fromEntries(accounts.map((a) => [a.accountId, a.config]));
    expect(byId.default).toMatchObject({ botToken: '1:base', dmPolicy: 'allowlist', webhookUrl: 'https://bot.example.com/', webhookPath: '/telegram-webhook' });
    expect(byId.work).toMatchObject({ botToken: '2:work', dmPolicy: 'open', allowFrom: ['*'], groups: { '*': { requireMention: true } }, textChunkLimit: 2000, webhookUrl: undefined });
    expect(byId.hook).toMatchObject({ webhookUrl: 'https://h.example.com/in', webhookSecret: 'shared', webhookPath: '/in', dmPolicy: 'allowlist' });
  });

  it('omits the default account when named accounts exist and it has no token; accounts.default adds to it', () => {
    expect(resolveAccounts(section({ dmPolicy: 'pairing', accounts: { a: { botToken: '1:a' } } }), { env: {} }).map((a) => a.accountId)).toEqual(['a']);
    const [merged] = resolveAccounts(section({ allowFrom: [1], accounts: { default: { botToken: '9:d' } } }), { env: {} });
    expect(merged).toMatchObject({ accountId: 'default', configured: true, config: { botToken: '9:d', allowFrom: [1] } });
  });

  it('enabled: false on the channel disables every account', () => {
    const accounts = resolveAccounts(section({ enabled: false, botToken: '1:a', accounts: { b: { botToken: '2:b', enabled: true } } }), { env: {} });
    expect(accounts.map((a) => a.enabled)).toEqual([false, false]);
  });

  it('the plugin reads env at resolve time; the registry lists an unconfigured account without starting it', async () => {
    const env: Record<string, string | undefined> = {};
    const plugin = createTelegramPlugin({ env, apiRoot: 'http://127.0.0.1:1' });
    const registry = new ChannelRegistry({ onInbound: async () => undefined });
    registry.addFromConfig(plugin, section({}));
    await registry.startAll();
    expect(registry.account('telegram').snapshot).toMatchObject({ state: 'unconfigured', configured: false, running: false });
    env.TELEGRAM_BOT_TOKEN = '5:later';
    expect(plugin.resolveAccounts!(section({}))[0]).toMatchObject({ configured: true, config: { tokenSource: 'env' } });
  });
});
