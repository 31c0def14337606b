import { ChannelRegistry } from '@openclaw/gateway-core';
import { describe, expect, it } from 'vitest';
import webhookPlugin, { WEBHOOK_DEFAULTS, resolveWebhookAccounts, webhookConfigSchema } from './index.ts';
import type { WebhookSection } from './index.ts';

const SECRET = 'a-secret-of-24-characters';
const minimal = { port: 8789, secret: SECRET, replyUrl: 'https://example.test/replies' };

function parse(section: unknown): WebhookSection {
  const result = webhookConfigSchema['~standard'].validate(section);
  if (result.issues) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('channels.webhook', () => {
  it('applies defaults to a minimal section', () => {
    expect(parse(minimal)).toEqual({
      ...minimal,
      enabled: true,
      name: undefined,
      host: WEBHOOK_DEFAULTS.host,
      textLimit: 4000,
      dmPolicy: 'pairing',
      allowFrom: [],
      groupPolicy: 'allowlist',
      groupAllowFrom: [],
      groups: {},
      requireMention: true,
    });
  });

  it('reports every problem at its config path through the registry, never echoing the secret', () => {
    const registry = new ChannelRegistry({ onInbound: async () => undefined });
    const result = registry.addFromConfig(webhookPlugin, { port: 70_000, secret: 'short-secret', replyUrl: 'ftp://x', dmPolicy: 'everyone', prot: 1 });
    expect(result.ok).toBe(false);
    expect(result.issues.map((issue) => issue.path)).toEqual(['channels.webhook.prot', 'channels.webhook.secret', 'channels.webhook.port', 'channels.webhook.replyUrl', 'channels.webhook.dmPolicy']);
    expect(JSON.stringify(result.issues)).not.toContain('short-secret');
    expect(registry.snapshot().channelAccounts.webhook?.[0]).toMatchObject({ state: 'unconfigured', lastError: expect.stringContaining('invalid config at channels.webhook.prot') });
  });

  it('names the required fields of an empty section', () => {
    const result = webhookConfigSchema['~standard'].validate({});
    expect(result.issues?.map((issue) => issue.path.join('.'))).toEqual(['port', 'replyUrl', 'secret']);
    expect(webhookConfigSchema['~standard'].validate(undefined).issues?.[0]?.message).toMatch(/expected an object/);
  });

  it('states its access policy for the router, and honours enabled: false', () => {
    const section = parse({ ...minimal, enabled: false, name: 'Support desk', dmPolicy: 'allowlist', allowFrom: ['alice', 42], groupPolicy: 'open', groups: { team: { requireMention: false } } });
    expect(resolveWebhookAccounts(section)).toEqual([
      {
        accountId: 'default',
        config: section,
        enabled: false,
        name: 'Support desk',
        access: { dmPolicy: 'allowlist', allowFrom: ['alice', '42'], groupPolicy: 'open', groupAllowFrom: [], groups: { team: { requireMention: false } }, requireMention: true },
      },
    ]);
  });
});
