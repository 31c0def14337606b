import { StateError } from './errors.ts';

/** Version of the credential record this code writes; older records are migrated on read. */
export const CREDENTIAL_VERSION = 1;

/** Kinds of credential: a provider API key, a static bearer token, or an OAuth login. */
export type CredentialType = 'api_key' | 'token' | 'oauth';

/** The credential kinds, in the order `openclaw models auth` offers them. */
export const CREDENTIAL_TYPES: readonly CredentialType[] = Object.freeze(['api_key', 'token', 'oauth']);

/** Fields every credential record has, whatever its type. None of them is secret. */
export interface CredentialBase {
  version: typeof CREDENTIAL_VERSION;
  provider: string;
  profile: string;
  /** ISO time the credential was stored. */
  createdAt: string;
  /** ISO time after which the credential is no longer usable; for OAuth it mirrors `expires`. */
  expiresAt?: string | undefined;
  /** Account email, for display. Kept inside the ciphertext when encrypting. */
  email?: string | undefined;
}

/** A provider API key. */
export interface ApiKeyCredential extends CredentialBase {
  type: 'api_key';
  key: string;
}

/** A static bearer token (e.g. `claude setup-token`), possibly with an expiry. */
export interface TokenCredential extends CredentialBase {
  type: 'token';
  token: string;
}

/** An OAuth login: access and refresh tokens, `expires` in epoch milliseconds as the original stores it. */
export interface OAuthCredential extends CredentialBase {
  type: 'oauth';
  access: string;
  refresh: string;
  expires: number;
  enterpriseUrl?: string | undefined;
  projectId?: string | undefined;
  accountId?: string | undefined;
}

/** One stored credential, as `credentials/<provider>.<profile>.json` holds it (decrypted). */
export type CredentialRecord = ApiKeyCredential | TokenCredential | OAuthCredential;

type WithoutStamp<T> = T extends unknown ? Omit<T, 'version' | 'createdAt'> & { createdAt?: string | undefined } : never;

/** What {@link CredentialStore.write} takes: a record whose version and creation time it fills in. */
export type CredentialInput = WithoutStamp<CredentialRecord>;

/** Provider, profile and channel ids: safe as one path segment, never `..` or a slash. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Lower-cases and checks an id that becomes part of a file name. Refuses anything that could
 * leave its directory (`..`, slashes) or collide with the `<provider>.<profile>` separator.
 */
export function normalizeId(kind: 'provider' | 'profile' | 'channel', value: string): string {
  const id = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (ID_PATTERN.test(id)) return id;
  // Say what is wrong without quoting the value: a mistyped argument can be a secret.
  const bad = [...id].find((c) => !/[a-z0-9_-]/.test(c));
  const why =
    id === '' ? 'it is empty'
    : id.length > 64 ? `it is ${id.length} characters long`
    : bad !== undefined ? `it contains ${JSON.stringify(bad)}`
    : 'it starts with "-" or "_"';
  throw new StateError('INVALID_ID', `invalid ${kind} id: ${why}; use 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit (no dots or slashes)`, {
    hint: kind === 'channel' ? 'channel ids are names like "telegram", "discord", "whatsapp"' : `${kind} ids are names like "anthropic" or "default"`,
  });
}

/** The `provider:profile` label the original uses for profile ids (and `auth.order` entries). */
export function profileLabel(provider: string, profile: string): string {
  return `${provider}:${profile}`;
}

/** When the credential stops working, in epoch ms, or undefined if it does not expire. */
export function credentialExpiry(record: Pick<CredentialRecord, 'expiresAt'> & { type?: CredentialType; expires?: unknown }): number | undefined {
  if (record.expiresAt !== undefined) {
    const at = Date.parse(record.expiresAt);
    if (Number.isFinite(at)) return at;
  }
  return record.type === 'oauth' && typeof record.expires === 'number' ? record.expires : undefined;
}

/** True when the credential has expired at `now` (epoch ms). */
export function isCredentialExpired(record: Parameters<typeof credentialExpiry>[0], now: number): boolean {
  const expiry = credentialExpiry(record);
  return expiry !== undefined && expiry <= now;
}

/** The secret a provider request uses: the key, the token, or the OAuth access token. */
export function credentialSecret(record: CredentialRecord): string {
  switch (record.type) {
    case 'api_key':
      return record.key;
    case 'token':
      return record.token;
    case 'oauth':
      return record.access;
  }
}

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isIsoTime = (value: unknown): value is string => typeof value === 'string' && Number.isFinite(Date.parse(value));

/** What a migration knows besides the record: the names the file is stored under. */
export interface CredentialMigrationContext {
  provider: string;
  profile: string;
  /** ISO time to use when a legacy record has no creation time (the file's mtime). */
  fallbackCreatedAt: string;
}

/** One step of the credential record's history: upgrades version `from` to `to`. */
export interface CredentialMigration {
  readonly from: number;
  readonly to: number;
  readonly description: string;
  readonly migrate: (record: Raw, context: CredentialMigrationContext) => Raw;
}

/**
 * Every upgrade a stored record may need, in order. A record without `version` is version 0:
 * the original's per-profile entry of `auth-profiles.json` (`{type|mode, provider, key|apiKey
 * | token, expires? | access, refresh, expires, email?}`) copied into a file of its own.
 */
export const CREDENTIAL_MIGRATIONS: readonly CredentialMigration[] = Object.freeze([
  {
    from: 0,
    to: 1,
    description: 'version-less legacy record: add version, provider, profile and createdAt; "mode" becomes "type", "apiKey" becomes "key", and an expiry in ms becomes expiresAt',
    migrate(record: Raw, context: CredentialMigrationContext): Raw {
      const { mode, apiKey, ...rest } = record;
      const next: Raw = { ...rest, version: 1 };
      if (next.type === undefined && mode !== undefined) next.type = mode;
      if (next.key === undefined && apiKey !== undefined) next.key = apiKey;
      next.provider ??= context.provider;
      next.profile ??= context.profile;
      next.createdAt ??= context.fallbackCreatedAt;
      if (next.expiresAt === undefined && typeof next.expires === 'number' && Number.isFinite(next.expires) && next.expires > 0) {
        next.expiresAt = new Date(next.expires).toISOString();
        if (next.type === 'token') delete next.expires;
      }
      return next;
    },
  },
]);

/** The result of reading a record of any version: the current shape, and where it started. */
export interface MigratedRecord {
  record: Raw;
  /** Version the stored record had; below {@link CREDENTIAL_VERSION} when it was migrated. */
  from: number;
}

/**
 * Brings a stored record up to {@link CREDENTIAL_VERSION}. Returns a problem description (field
 * names only, never values) when the record cannot be read by this version.
 */
export function migrateCredential(raw: unknown, context: CredentialMigrationContext): MigratedRecord | string {
  if (!isObject(raw)) return 'it is not a JSON object';
  const from = raw.version === undefined ? 0 : raw.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) return '"version" is not a whole number';
  if (from > CREDENTIAL_VERSION) return `it has version ${from}, written by a newer openclaw (this one reads up to ${CREDENTIAL_VERSION})`;
  let record: Raw = raw;
  for (const step of CREDENTIAL_MIGRATIONS) {
    if ((record.version ?? 0) === step.from) record = step.migrate(record, context);
  }
  return { record, from };
}

/**
 * Checks a current-version record and returns it typed, or the first problem found. Problems
 * name fields and never quote values: a value may be the secret itself.
 */
export function checkCredential(record: Raw, expected: { provider: string; profile: string }): CredentialRecord | string {
  if (record.version !== CREDENTIAL_VERSION) return `"version" must be ${CREDENTIAL_VERSION}`;
  if (!CREDENTIAL_TYPES.includes(record.type as CredentialType)) return '"type" must be one of api_key, token, oauth';
  if (record.provider !== expected.provider || record.profile !== expected.profile) {
    return `"provider"/"profile" do not match the file name (expected ${profileLabel(expected.provider, expected.profile)})`;
  }
  if (!isIsoTime(record.createdAt)) return '"createdAt" must be an ISO time';
  if (record.expiresAt !== undefined && !isIsoTime(record.expiresAt)) return '"expiresAt" must be an ISO time';
  if (record.email !== undefined && typeof record.email !== 'string') return '"email" must be a string';
  switch (record.type) {
    case 'api_key':
      if (!isNonEmpty(record.key)) return '"key" must be a non-empty string';
      break;
    case 'token':
      if (!isNonEmpty(record.token)) return '"token" must be a non-empty string';
      break;
    default:
      if (!isNonEmpty(record.access)) return '"access" must be a non-empty string';
      if (typeof record.refresh !== 'string') return '"refresh" must be a string';
      if (typeof record.expires !== 'number' || !Number.isFinite(record.expires)) return '"expires" must be a time in epoch milliseconds';
      for (const field of ['enterpriseUrl', 'projectId', 'accountId']) {
        if (record[field] !== undefined && typeof record[field] !== 'string') return `"${field}" must be a string`;
      }
  }
  return record as unknown as CredentialRecord;
}
