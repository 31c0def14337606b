import { describe, expect, it } from 'vitest';
import { resolveDiscordAccounts } from './accounts.ts';

describe('resolveDiscordAccounts', () => {
  it('makes the section one default account, with the schema defaults when they were not applied', () => {
    const [account, ...rest] = resolveDiscordAccounts({ token: 'Bot  abc.def.ghi ' });
    expect(rest).toEqual([]);
    expect(account).toEqual({
      accountId: 'default',
      enabled: true,
      configured: true,
      config: {
        token: 'abc.def.ghi',
        tokenSource: 'config',
        dm: { enabled: true, policy: 'pairing', allowFrom: [] },
        groupPolicy: 'allowlist',
        guilds: {},
        textChunkLimit: 2000,
        maxLinesPerMessage: 17,
        apiBaseUrl: undefined,
      },
      access: { dmPolicy: 'pairing', allowFrom: [], groupPolicy: 'allowlist', groups: {} },
    });
  });

  it('turns dm and guild settings into the router\'s access policy', () => {
    const [account] = resolveDiscordAccounts({
      token: 't',
      dm: { policy: 'allowlist', allowFrom: ['1'] },
      guilds: { g1: { requireMention: false, users: ['7'], channels: { c1: { allow: false }, c2: { requireMention: true } } } },
    });
    expect(account?.access).toEqual({
      dmPolicy: 'allowlist',
      allowFrom: ['1'],
      groupPolicy: 'allowlist',
      groups: {
        g1: { requireMention: false, allowFrom: ['7'] },
        c1: { enabled: false, requireMention: false, allowFrom: ['7'] },
        c2: { enabled: undefined, requireMention: true, allowFrom: ['7'] },
      },
    });
    expect(resolveDiscordAccounts({ token: 't', dm: { enabled: false, policy: 'open', allowFrom: ['*'] } })[0]?.access?.dmPolicy).toBe('disabled');
  });

  it('takes DISCORD_BOT_TOKEN for the default account only, and reports where the token came from', () => {
    const env = { DISCORD_BOT_TOKEN: 'env-token' };
    expect(resolveDiscordAccounts(undefined, { env })[0]).toMatchObject({ configured: true, config: { token: 'env-token', tokenSource: 'env' } });
    expect(resolveDiscordAccounts({ token: 'cfg' }, { env })[0]!.config).toMatchObject({ token: 'cfg', tokenSource: 'config' });
    const accounts = resolveDiscordAccounts({ accounts: { alt: {} } }, { env });
    expect(accounts.map((a) => [a.accountId, a.configured, a.config.tokenSource])).toEqual([['alt', false, 'none']]);
  });

  it('without any token the account is listed as not configured', () => {
    expect(resolveDiscordAccounts({}, { env: { DISCORD_BOT_TOKEN: '  ' } })).toEqual([
      expect.objectContaining({ accountId: 'default', configured: false, config: expect.objectContaining({ token: undefined, tokenSource: 'none' }) }),
    ]);
  });

  it('accounts inherit what they do not set; dm field by field, guilds as a whole', () => {
    const guilds = { '111': { requireMention: false } };
    const accounts = resolveDiscordAccounts(
      {
        token: 'main-token',
        dm: { policy: 'allowlist', allowFrom: ['42'] },
        groupPolicy: 'open',
        guilds,
        textChunkLimit: 1500,
        maxLinesPerMessage: 30,
        accounts: {
          work: { token: 'work-token', dm: { policy: 'disabled' }, textChunkLimit: 900 },
          lab: { token: 'lab-token', enabled: false, guilds: { '222': {} }, maxLinesPerMessage: 5 },
        },
      },
    );
    expect(accounts.map((a) => a.accountId)).toEqual(['default', 'work', 'lab']);
    const [main, work, lab] = accounts.map((a) => a.config);
    expect(main).toMatchObject({ token: 'main-token', textChunkLimit: 1500, guilds });
    expect(work).toMatchObject({
      token: 'work-token',
      tokenSource: 'config',
      dm: { enabled: true, policy: 'disabled', allowFrom: ['42'] },
      groupPolicy: 'open',
      guilds,
      textChunkLimit: 900,
      maxLinesPerMessage: 30,
    });
    expect(lab).toMatchObject({ guilds: { '222': {} }, maxLinesPerMessage: 5, textChunkLimit: 1500 });
    expect(accounts[2]!.enabled).toBe(false);
  });

  it('adds no default account next to named ones unless the channel level has a token; enabled:false there disables all', () => {
    expect(resolveDiscordAccounts({ accounts: { a: { token: 't' } } }).map((a) => a.accountId)).toEqual(['a']);
    expect(resolveDiscordAccounts({ token: 'x', accounts: { default: { token: 'y' } } }).map((a) => [a.accountId, a.config.token])).toEqual([['default', 'y']]);
    expect(resolveDiscordAccounts({ enabled: false, accounts: { a: { token: 't', enabled: true } } })[0]!.enabled).toBe(false);
  });
});
