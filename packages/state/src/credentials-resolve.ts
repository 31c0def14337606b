import type { Env, OpenClawConfigInput } from '@openclaw/config';
import type { CredentialStore, LoadedCredential } from './credentials.ts';
import type { CredentialType } from './credentials-format.ts';
import { credentialExpiry, credentialSecret, isCredentialExpired, normalizeId, profileLabel } from './credentials-format.ts';
import type { StateErrorCode } from './errors.ts';
import { StateError } from './errors.ts';

/**
 * Environment variables that carry each provider's key, tried in order (the original's
 * table; Anthropic's OAuth token wins over its API key as it does there).
 */
export const PROVIDER_ENV_VARS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  anthropic: ['ANTHROPIC_OAUTH_TOKEN', 'ANTHROPIC_API_KEY'],
  openai: ['OPENAI_API_KEY'],
  google: ['GEMINI_API_KEY'],
  gemini: ['GEMINI_API_KEY'],
  openrouter: ['OPENROUTER_API_KEY'],
  zai: ['ZAI_API_KEY', 'Z_AI_API_KEY'],
  groq: ['GROQ_API_KEY'],
  xai: ['XAI_API_KEY'],
  mistral: ['MISTRAL_API_KEY'],
  cerebras: ['CEREBRAS_API_KEY'],
  'vercel-ai-gateway': ['AI_GATEWAY_API_KEY'],
  minimax: ['MINIMAX_API_KEY'],
  moonshot: ['MOONSHOT_API_KEY'],
  synthetic: ['SYNTHETIC_API_KEY'],
  venice: ['VENICE_API_KEY'],
  'github-copilot': ['COPILOT_GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN'],
});

/** The environment variables that can hold `provider`'s key (none for unknown providers). */
export function providerEnvVars(provider: string): readonly string[] {
  return PROVIDER_ENV_VARS[provider.trim().toLowerCase()] ?? [];
}

/** The part of the config API-key resolution reads. A parsed `OpenClawConfig` fits. */
export type ApiKeyConfig = Pick<OpenClawConfigInput, 'auth' | 'models'>;

/** Options of {@link resolveApiKey}. */
export interface ResolveApiKeyOptions {
  store: CredentialStore;
  /** Use exactly this stored profile (`default` or `anthropic:default`); no fallback. */
  profile?: string | undefined;
  env: Env;
  config?: ApiKeyConfig | undefined;
  /** Epoch milliseconds now, for expiry; defaults to the store's clock. */
  now?: number | undefined;
}

/** Where a resolved key came from. */
export type ApiKeySource =
  | { kind: 'profile'; provider: string; profile: string; type: CredentialType; file: string; encrypted: boolean; explicit: boolean }
  | { kind: 'env'; name: string }
  | { kind: 'config'; path: string };

/** A stored credential resolution passed over, and why: for `doctor` and error hints. */
export interface SkippedCredential {
  provider: string;
  profile: string;
  reason: 'expired' | 'unreadable' | 'missing';
  /** ISO expiry, for `expired`. */
  expiresAt?: string | undefined;
  /** The error code, for `unreadable` (CREDENTIAL_INVALID, CREDENTIAL_KEY, STATE_IO). */
  code?: StateErrorCode | undefined;
  /** The error message (never contains a secret), for `unreadable`. */
  message?: string | undefined;
}

/** A resolved API key. */
export interface ResolvedApiKey {
  /** The secret: an API key, a token, or an OAuth access token. */
  key: string;
  source: ApiKeySource;
  /** When the credential expires (ISO), if it does. */
  expiresAt?: string | undefined;
  /** Stored profiles that were passed over before this one was found. */
  skipped: SkippedCredential[];
}

/** NO_API_KEY, with what was tried so a caller can explain (the message itself is fixed). */
export class NoApiKeyError extends StateError {
  override readonly name: string = 'NoApiKeyError';
  readonly provider: string;
  /** Environment variables that would have been read. */
  readonly envVars: readonly string[];
  readonly skipped: readonly SkippedCredential[];

  constructor(provider: string, envVars: readonly string[], skipped: readonly SkippedCredential[]) {
    const expired = skipped.filter((s) => s.reason === 'expired').map((s) => `${profileLabel(s.provider, s.profile)} expired at ${s.expiresAt ?? '?'}`);
    const env = envVars.length > 0 ? ` or set ${envVars.join(' / ')}` : ` or set models.providers.${provider}.apiKey`;
    super('NO_API_KEY', `No API key found for provider "${provider}"`, {
      hint: `openclaw models auth login --provider ${provider}${env}${expired.length > 0 ? ` (${expired.join('; ')})` : ''}`,
    });
    this.provider = provider;
    this.envVars = envVars;
    this.skipped = skipped;
  }
}

/** Splits `default` or `anthropic:default` into a profile name, or undefined if it names another provider. */
function profileName(provider: string, entry: string): string | undefined {
  const colon = entry.indexOf(':');
  if (colon === -1) return entry;
  return entry.slice(0, colon).trim().toLowerCase() === provider ? entry.slice(colon + 1) : undefined;
}

function fromLoaded(loaded: LoadedCredential, explicit: boolean, skipped: SkippedCredential[]): ResolvedApiKey {
  const { record } = loaded;
  const expiry = credentialExpiry(record);
  return {
    key: credentialSecret(record),
    source: { kind: 'profile', provider: record.provider, profile: record.profile, type: record.type, file: loaded.file, encrypted: loaded.encrypted, explicit },
    ...(expiry === undefined ? {} : { expiresAt: new Date(expiry).toISOString() }),
    skipped,
  };
}

/** Stored profiles of `provider` in the order they are tried. */
async function candidateProfiles(provider: string, store: CredentialStore, config: ApiKeyConfig | undefined): Promise<string[]> {
  const order = config?.auth?.order?.[provider];
  if (order !== undefined) {
    // An explicit order is the operator's choice: profiles left out of it are not used.
    const names = order.map((entry) => profileName(provider, entry)).filter((name): name is string => name !== undefined);
    return [...new Set(names)];
  }
  const stored = (await store.list()).filter((s) => s.provider === provider).map((s) => s.profile);
  return stored.includes('default') ? ['default', ...stored.filter((p) => p !== 'default')] : stored;
}

/**
 * Finds the key for a model provider, first match wins:
 * 1. the explicit `profile` (its absence, expiry or damage is an error: no fallback);
 * 2. the provider's environment variables ({@link PROVIDER_ENV_VARS});
 * 3. stored profiles, in `auth.order[provider]` order, else `default` first, then the rest;
 *    expired or unreadable ones are skipped and reported in `skipped`;
 * 4. `models.providers.<provider>.apiKey` from the config.
 * A miss throws {@link NoApiKeyError} — or, when a stored profile was unreadable and nothing
 * else matched, that profile's error, which names the actual fix.
 */
export async function resolveApiKey(provider: string, options: ResolveApiKeyOptions): Promise<ResolvedApiKey> {
  const id = normalizeId('provider', provider);
  const { store, env, config } = options;
  const now = options.now ?? store.now();

  if (options.profile !== undefined) {
    const name = profileName(id, options.profile);
    if (name === undefined) {
      throw new StateError('INVALID_ID', `the profile given for provider "${id}" names another provider (profile ids are "${id}:<name>" or "<name>")`, { hint: `name a profile of ${id}, e.g. "${id}:default"` });
    }
    const loaded = await store.read(id, name);
    if (isCredentialExpired(loaded.record, now)) {
      const expiry = credentialExpiry(loaded.record) as number;
      throw new StateError('CREDENTIAL_EXPIRED', `credential ${profileLabel(id, loaded.record.profile)} expired at ${new Date(expiry).toISOString()}`, {
        file: loaded.file,
        hint: `openclaw models auth login --provider ${id}`,
      });
    }
    return fromLoaded(loaded, true, []);
  }

  const envVars = providerEnvVars(id);
  for (const name of envVars) {
    const value = env[name]?.trim();
    if (value) return { key: value, source: { kind: 'env', name }, skipped: [] };
  }

  const skipped: SkippedCredential[] = [];
  let firstError: StateError | undefined;
  for (const entry of await candidateProfiles(id, store, config)) {
    let loaded: LoadedCredential | undefined;
    try {
      loaded = await store.find(id, entry);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      firstError ??= error;
      skipped.push({ provider: id, profile: entry, reason: 'unreadable', code: error.code, message: error.message });
      continue;
    }
    if (!loaded) {
      skipped.push({ provider: id, profile: entry, reason: 'missing' });
      continue;
    }
    if (isCredentialExpired(loaded.record, now)) {
      skipped.push({ provider: id, profile: loaded.record.profile, reason: 'expired', expiresAt: new Date(credentialExpiry(loaded.record) as number).toISOString() });
      continue;
    }
    return fromLoaded(loaded, false, skipped);
  }

  const configured = config?.models?.providers?.[id]?.apiKey?.trim();
  if (configured) return { key: configured, source: { kind: 'config', path: `models.providers.${id}.apiKey` }, skipped };

  if (firstError) throw firstError;
  throw new NoApiKeyError(id, envVars, skipped);
}
