import { formatConfigPath } from '@openclaw/config';
import type { ChannelAccountConfig, ChannelPlugin } from './contract.ts';
import { errorMessage } from './errors.ts';
import { issuePath, runValidatorSync } from '../validation/standard-schema.ts';

/** A problem in a channel's config section, with where it is (`channels.telegram.botToken`). */
export interface ChannelConfigIssue {
  path: string;
  message: string;
}

/** What {@link resolveChannelAccounts} found: the accounts, or why there are none. */
export type ResolvedChannelAccounts = { ok: true; accounts: ChannelAccountConfig[] } | { ok: false; issues: ChannelConfigIssue[] };

const CHANNEL_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why `plugin` cannot be registered (not a plugin, bad id), or undefined. */
export function pluginProblem(plugin: { id?: unknown; create?: unknown } | undefined): string | undefined {
  if (!plugin || typeof plugin.create !== 'function') return 'a channel plugin needs an id and a create() function';
  if (typeof plugin.id !== 'string' || !CHANNEL_ID.test(plugin.id)) {
    return `invalid channel id ${JSON.stringify(plugin.id)}: use 1-64 lowercase letters, digits, "-" or "_"`;
  }
  return undefined;
}

/** Why these accounts cannot be used (bad or duplicate ids: they name directories and config keys), or undefined. */
export function accountsProblem(accounts: readonly ChannelAccountConfig<unknown>[]): string | undefined {
  if (!Array.isArray(accounts)) return 'accounts must be an array';
  const seen = new Set<string>();
  for (const account of accounts) {
    const id: unknown = account?.accountId;
    if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) return `invalid account id ${JSON.stringify(id)}: use 1-64 letters, digits, "-" or "_"`;
    if (seen.has(id)) return `account "${id}" is listed twice`;
    seen.add(id);
  }
  return undefined;
}

/**
 * Validates `channels.<id>` with the plugin's `configSchema` and splits it into accounts with
 * its `resolveAccounts` (default: one account `default` holding the whole section). Never
 * throws: a schema failure, a throwing `resolveAccounts` or bad account ids become issues.
 */
export function resolveChannelAccounts(plugin: ChannelPlugin, section: unknown): ResolvedChannelAccounts {
  let parsed: unknown = section;
  if (plugin.configSchema) {
    const result = runValidatorSync(plugin.configSchema, section);
    if (!result.ok) {
      const issues = result.issues.map((issue) => ({
        path: formatConfigPath(['channels', plugin.id, ...issuePath(issue).map((p) => (typeof p === 'symbol' ? String(p) : p))]),
        message: issue.message,
      }));
      return { ok: false, issues };
    }
    parsed = result.value;
  }
  let accounts: ChannelAccountConfig[];
  try {
    accounts = plugin.resolveAccounts ? plugin.resolveAccounts(parsed) : [{ accountId: 'default', config: parsed }];
  } catch (error) {
    return { ok: false, issues: [{ path: formatConfigPath(['channels', plugin.id]), message: errorMessage(error) }] };
  }
  const problem = accountsProblem(accounts);
  if (problem) return { ok: false, issues: [{ path: formatConfigPath(['channels', plugin.id, 'accounts']), message: problem }] };
  return { ok: true, accounts };
}
