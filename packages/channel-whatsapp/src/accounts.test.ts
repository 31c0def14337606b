import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveWhatsAppAccounts, sessionDirOf } from './accounts.ts';
import type { WhatsAppSection } from './accounts.ts';

/** `channels.whatsapp` with the defaults the config schema applies. */
function parsed(section: Omit<Partial<WhatsAppSection>, 'reconnect'> & { reconnect?: Partial<WhatsAppSection['reconnect']> }): WhatsAppSection {
  const defaults = { enabled: true, dmPolicy: 'pairing', groupPolicy: 'allowlist', textChunkLimit: 4000 } as const;
  return { ...defaults, ...section, reconnect: { initialMs: 2_000, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: 12, ...section.reconnect } };
}

describe('resolveWhatsAppAccounts', () => {
  it('a bare section is one configured default account with the reference defaults and the router policy', () => {
    const [account, ...rest] = resolveWhatsAppAccounts(parsed({}));
    expect(rest).toEqual([]);
    expect(account).toEqual({
      accountId: 'default',
      enabled: true,
      configured: true,
      config: {
        accountId: 'default',
        dmPolicy: 'pairing',
        allowFrom: [],
        groupPolicy: 'allowlist',
        groupAllowFrom: [],
        groups: {},
        textChunkLimit: 4000,
        selfChatMode: false,
        sendReadReceipts: true,
        authDir: undefined,
        reconnect: { initialMs: 2_000, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: 12 },
      },
      access: { dmPolicy: 'pairing', allowFrom: [], groupPolicy: 'allowlist', groupAllowFrom: [], groups: {} },
    });
    expect(resolveWhatsAppAccounts(undefined).map((a) => [a.accountId, a.config.textChunkLimit])).toEqual([['default', 4000]]);
  });

  it('fills access from dmPolicy, allowFrom, groupPolicy, groupAllowFrom and groups, numbers as digits', () => {
    const [account] = resolveWhatsAppAccounts(
      parsed({
        dmPolicy: 'allowlist',
        allowFrom: ['+15551234567', '4915112345678'],
        groupPolicy: 'open',
        groupAllowFrom: ['+447700900123'],
        groups: { '120363025246125486@g.us': { requireMention: false, allowFrom: ['+15557654321'] }, '*': { requireMention: true } },
      }),
    );
    expect(account!.access).toEqual({
      dmPolicy: 'allowlist',
      allowFrom: ['15551234567', '4915112345678'],
      groupPolicy: 'open',
      groupAllowFrom: ['447700900123'],
      groups: { '120363025246125486@g.us': { requireMention: false, allowFrom: ['15557654321'] }, '*': { requireMention: true } },
    });
  });

  it('named accounts inherit everything but authDir; reconnect field by field; default only when listed or alone', () => {
    const accounts = resolveWhatsAppAccounts(
      parsed({
        allowFrom: ['*'],
        dmPolicy: 'open',
        textChunkLimit: 3000,
        authDir: '/srv/wa/main',
        reconnect: { maxAttempts: 5 },
        accounts: { work: { reconnect: { initialMs: 500 }, sendReadReceipts: false }, home: { enabled: false, authDir: '/srv/wa/home' } },
      }),
    );
    expect(accounts.map((a) => a.accountId)).toEqual(['work', 'home']);
    const [work, home] = accounts;
    expect(work!.config).toMatchObject({ dmPolicy: 'open', allowFrom: ['*'], textChunkLimit: 3000, sendReadReceipts: false, authDir: undefined });
    expect(work!.config.reconnect).toEqual({ initialMs: 500, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: 5 });
    expect([home!.enabled, home!.config.authDir]).toEqual([false, '/srv/wa/home']);

    const withDefault = resolveWhatsAppAccounts(parsed({ authDir: '~/wa', accounts: { default: { selfChatMode: true }, work: {} } }));
    expect(withDefault.map((a) => [a.accountId, a.config.authDir, a.config.selfChatMode])).toEqual([
      ['default', join(homedir(), 'wa'), true],
      ['work', undefined, false],
    ]);
  });

  it('the session lives in authDir, else in the account state dir', () => {
    expect(sessionDirOf({ authDir: '/srv/wa' }, '/state/channels/whatsapp/default')).toBe('/srv/wa');
    expect(sessionDirOf({ authDir: undefined }, '/state/channels/whatsapp/default')).toBe('/state/channels/whatsapp/default');
    expect(sessionDirOf({ authDir: undefined }, undefined)).toBeUndefined();
  });
});
