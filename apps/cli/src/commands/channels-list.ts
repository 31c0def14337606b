// `openclaw channels list`: which chat channels this host's config sets up, their accounts
// and where each bot token comes from (never the token), as the channel plugins resolve them.
import { join } from 'node:path';
import { describeEnvSource } from '@openclaw/config';
import type { LoadedConfig, OpenClawConfig } from '@openclaw/config';
import { PairingStore, StateError } from '@openclaw/state';
import { print, printJson } from '../output.ts';
import { loadValidConfig } from './gateway.ts';

type ValidConfig = LoadedConfig & { config: OpenClawConfig };

/** Where an account's credential comes from. */
export type CredentialSource =
  | { kind: 'config'; path: string }
  | { kind: 'file'; file: string }
  | { kind: 'env'; env: string; from: string }
  /** A linked-device session (WhatsApp): where it is kept and the linked phone's id, if any. */
  | { kind: 'linked-device'; dir: string; linked: string | null }
  | { kind: 'plugin' }
  | { kind: 'none'; fix: string };

/** One account of `channels list`. */
export interface ListedAccount {
  accountId: string;
  enabled: boolean;
  configured: boolean;
  dmPolicy?: string;
  credential: CredentialSource;
  /** Why a configured credential is not usable (an unreadable tokenFile). */
  problem?: string;
}

/** One channel of `channels list`. */
export interface ListedChannel {
  id: string;
  enabled: boolean;
  accounts: ListedAccount[];
  /** From the local pairing store; null when it cannot be read. */
  pairing: { pending: number; approved: number } | null;
}

/** What `openclaw channels list --json` prints. */
export interface ChannelListing {
  configPath: string;
  channels: ListedChannel[];
}

type TokenSource = 'config' | 'file' | 'env' | 'none';

/** Where a token came from; `where.env` is the variable the default account falls back to. */
function credentialOf(source: TokenSource, where: { accountId: string; path: string; file?: string | undefined; env: string }, loaded: ValidConfig): CredentialSource {
  switch (source) {
    case 'config':
      return { kind: 'config', path: where.path };
    case 'file':
      return { kind: 'file', file: where.file ?? '' };
    case 'env': {
      const from = loaded.env.sources.get(where.env);
      return { kind: 'env', env: where.env, from: from ? describeEnvSource(from) : 'the process environment' };
    }
    case 'none':
      return { kind: 'none', fix: where.accountId === 'default' ? `set ${where.path} or ${where.env}` : `set ${where.path}` };
  }
}

/**
 * The built-in channels whose plugin splits the section into accounts. Each package is
 * imported only when its channel is configured: it brings its whole library along.
 */
const PLUGIN_ACCOUNTS: Readonly<Record<string, (section: unknown, loaded: ValidConfig) => Promise<ListedAccount[]>>> = {
  telegram: async (section, loaded) => {
    const { TOKEN_ENV, resolveAccounts } = await import('@openclaw/channel-telegram');
    return resolveAccounts(section as Parameters<typeof resolveAccounts>[0], { env: loaded.env.values }).map(({ accountId, enabled, configured, config }) => {
      const base = accountId === 'default' ? 'channels.telegram' : `channels.telegram.accounts.${accountId}`;
      return {
        accountId,
        enabled: enabled !== false,
        configured: configured !== false,
        dmPolicy: config.dmPolicy,
        credential: credentialOf(config.tokenSource, { accountId, path: `${base}.botToken`, file: config.tokenFile, env: TOKEN_ENV }, loaded),
        ...(config.tokenError === undefined ? {} : { problem: config.tokenError }),
      };
    });
  },
  discord: async (section, loaded) => {
    const { DISCORD_TOKEN_ENV, resolveDiscordAccounts } = await import('@openclaw/channel-discord');
    return resolveDiscordAccounts(section as Parameters<typeof resolveDiscordAccounts>[0], { env: loaded.env.values }).map(({ accountId, enabled, configured, config }) => ({
      accountId,
      enabled: enabled !== false,
      configured: configured !== false,
      dmPolicy: config.dm.policy,
      credential: credentialOf(config.tokenSource, { accountId, path: accountId === 'default' ? 'channels.discord.token' : `channels.discord.accounts.${accountId}.token`, env: DISCORD_TOKEN_ENV }, loaded),
    }));
  },
  whatsapp: async (section, loaded) => {
    const { linkedJid, readCreds, resolveWhatsAppAccounts, sessionDirOf } = await import('@openclaw/channel-whatsapp');
    const accounts = resolveWhatsAppAccounts(section as Parameters<typeof resolveWhatsAppAccounts>[0]);
    return Promise.all(
      accounts.map(async ({ accountId, enabled, config }) => {
        const dir = sessionDirOf(config, join(loaded.paths.stateDir, 'channels', 'whatsapp', accountId)) ?? '';
        const linked = linkedJid(await readCreds(dir).catch(() => undefined)) ?? null;
        return { accountId, enabled: enabled !== false, configured: linked !== null, dmPolicy: config.dmPolicy, credential: { kind: 'linked-device' as const, dir, linked } };
      }),
    );
  },
};

/** A plugin channel: one account per `accounts` key, `default` without any. */
function sectionAccounts(section: Record<string, unknown>, credential: CredentialSource): ListedAccount[] {
  const accounts = typeof section.accounts === 'object' && section.accounts !== null ? (section.accounts as Record<string, Record<string, unknown>>) : {};
  const ids = Object.keys(accounts).length > 0 ? Object.keys(accounts) : ['default'];
  return ids.map((accountId) => {
    const own = accounts[accountId] ?? {};
    const dmPolicy = own.dmPolicy ?? section.dmPolicy;
    return { accountId, enabled: section.enabled !== false && own.enabled !== false, configured: true, ...(typeof dmPolicy === 'string' ? { dmPolicy } : {}), credential };
  });
}

async function pairingCounts(store: PairingStore, channel: string): Promise<ListedChannel['pairing']> {
  try {
    return { pending: (await store.list(channel)).length, approved: (await store.allowFrom(channel)).length };
  } catch (error) {
    if (error instanceof StateError) return null;
    throw error;
  }
}

/** The listing `channels list` prints. */
export async function channelListing(loaded: ValidConfig): Promise<ChannelListing> {
  const sections = (loaded.config.channels ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const store = new PairingStore({ stateDir: loaded.paths.stateDir });
  const channels: ListedChannel[] = [];
  for (const [id, section] of Object.entries(sections)) {
    if (section === undefined) continue;
    const fromPlugin = PLUGIN_ACCOUNTS[id];
    const accounts = fromPlugin ? await fromPlugin(section, loaded) : sectionAccounts(section, { kind: 'plugin' });
    channels.push({ id, enabled: section.enabled !== false, accounts, pairing: await pairingCounts(store, id) });
  }
  return { configPath: loaded.paths.configPath, channels };
}

function describeCredential(credential: CredentialSource): string {
  switch (credential.kind) {
    case 'config':
      return `token from the config (${credential.path})`;
    case 'file':
      return `token from ${credential.file}`;
    case 'env':
      return `token from ${credential.env} (${credential.from})`;
    case 'linked-device':
      return credential.linked === null
        ? `not linked; fix: openclaw channels login --channel whatsapp (session in ${credential.dir})`
        : `linked as ${credential.linked} (session in ${credential.dir})`;
    case 'plugin':
      return 'configured by its plugin';
    case 'none':
      return `no token; fix: ${credential.fix}`;
  }
}

function describeAccount(account: ListedAccount): string {
  const state = !account.enabled ? 'disabled' : account.configured ? 'configured' : 'not configured';
  const policy = account.dmPolicy ? `, DMs: ${account.dmPolicy}` : '';
  return `${state}${policy}; ${account.problem ?? describeCredential(account.credential)}`;
}

/** `openclaw channels list [--json]`: reads the local config; no gateway needed. */
export async function channelsList(flags: { json?: boolean }): Promise<void> {
  const listing = await channelListing(loadValidConfig());
  if (flags.json) return printJson(listing);
  if (listing.channels.length === 0) {
    print(`No channels configured in ${listing.configPath}.`);
    print('  add one: openclaw onboard, or openclaw config set channels.telegram.botToken \'${TELEGRAM_BOT_TOKEN}\' (token in ~/.openclaw/.env)');
    return;
  }
  print(`Channels (${listing.configPath})`);
  const width = Math.max(...listing.channels.flatMap((c) => c.accounts.map((a) => a.accountId.length)));
  for (const channel of listing.channels) {
    const pairing = channel.pairing === null ? 'pairing store unreadable (openclaw doctor)' : `pairing: ${channel.pairing.pending} pending, ${channel.pairing.approved} approved`;
    print(`  ${channel.id}${channel.enabled ? '' : ' (disabled)'}  ${pairing}`);
    for (const account of channel.accounts) print(`    ${account.accountId.padEnd(width)}  ${describeAccount(account)}`);
  }
}
