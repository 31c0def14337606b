import { describe, expect, it } from 'vitest';
import { resolveChannelAccounts } from './config.ts';
import type { ChannelPlugin } from './contract.ts';

const plugin = (configSchema: ChannelPlugin<{ url: string }>['configSchema']): ChannelPlugin<{ url: string }> => ({
  id: 'webhook',
  configSchema,
  create: () => {
    throw new Error('not started in these tests');
  },
});

describe('resolveChannelAccounts', () => {
  it('takes a function as the config schema: its return value is the section, its error the issue', () => {
    const schema = (input: unknown): { url: string } => {
      const url = (input as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string') throw new Error('url is required');
      return { url };
    };
    expect(resolveChannelAccounts(plugin(schema) as ChannelPlugin, { url: 'https://x', extra: 1 })).toEqual({ ok: true, accounts: [{ accountId: 'default', config: { url: 'https://x' } }] });
    expect(resolveChannelAccounts(plugin(schema) as ChannelPlugin, {})).toEqual({ ok: false, issues: [{ path: 'channels.webhook', message: 'url is required' }] });
  });

  it('refuses an asynchronous schema with an issue instead of starting an unchecked account', () => {
    const schema = { '~standard': { version: 1 as const, vendor: 'test', validate: async (value: unknown) => ({ value: value as { url: string } }) } };
    expect(resolveChannelAccounts(plugin(schema) as ChannelPlugin, { url: 'https://x' })).toEqual({
      ok: false,
      issues: [{ path: 'channels.webhook', message: expect.stringContaining('asynchronously') }],
    });
  });
});
