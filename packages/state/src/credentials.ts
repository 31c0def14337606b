import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@openclaw/config';
import type { EncryptedCredentialFile } from './credentials-crypto.ts';
import { CREDENTIALS_KEY_ENV, credentialsKeyId, decryptCredential, defaultCredentialsKeyFile, encryptCredential } from './credentials-crypto.ts';
import type { CredentialInput, CredentialRecord, CredentialType } from './credentials-format.ts';
import { CREDENTIAL_TYPES, CREDENTIAL_VERSION, checkCredential, isCredentialExpired, migrateCredential, normalizeId, profileLabel } from './credentials-format.ts';
import type { StateErrorCode } from './errors.ts';
import { StateError } from './errors.ts';

/** Options of {@link CredentialStore}. */
export interface CredentialStoreOptions {
  /** The state dir; files live in `<stateDir>/credentials/`. */
  stateDir: string;
  /** 32-byte AES-256-GCM key (see `resolveCredentialsKey`); without it files are written in clear. */
  encryptionKey?: Buffer | undefined;
  /** Epoch milliseconds now; injected by tests. */
  clock?: (() => number) | undefined;
}

const DEFAULTS = Object.freeze({ clock: (): number => Date.now() });

/** A credential read from disk, with how it was stored. */
export interface LoadedCredential {
  record: CredentialRecord;
  file: string;
  /** The file is encrypted at rest. */
  encrypted: boolean;
  /**
   * A key is configured but this file is still in clear (written before encryption was
   * turned on). It was read normally; `encryptAll()` or the next `write()` encrypts it.
   */
  needsEncryption: boolean;
  /** The version the file had when it was older than the current one (migrated in memory). */
  migratedFrom?: number | undefined;
}

/** What `list()` shows of a credential: metadata only, never a secret (nor the email). */
export interface CredentialSummary {
  provider: string;
  profile: string;
  file: string;
  /** Absent when the file could not be read; see `problem`. */
  type?: CredentialType | undefined;
  createdAt?: string | undefined;
  expiresAt?: string | undefined;
  expired: boolean;
  encrypted: boolean;
  /** Permission bits of the file, so `doctor` can flag anything looser than 0600. */
  mode: number;
  /** Why the file cannot be used, when it cannot (the same error `read()` would throw). */
  problem?: { code: StateErrorCode; message: string; hint?: string | undefined } | undefined;
}

const FILE_PATTERN = /^([a-z0-9][a-z0-9_-]{0,63})\.([a-z0-9][a-z0-9_-]{0,63})\.json$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function loginHint(provider: string, file: string, what: string): string {
  return `${what} ${file}, then log in again: openclaw models auth login --provider ${provider}`;
}

/**
 * Model-provider credentials, one file per `<provider>.<profile>.json` under
 * `<stateDir>/credentials/` (0600 in a 0700 dir, replaced atomically), optionally encrypted
 * with AES-256-GCM. Errors name the file and the fix and never contain a secret.
 */
export class CredentialStore {
  /** `<stateDir>/credentials`. */
  readonly dir: string;
  readonly #key: Buffer | undefined;
  readonly #clock: () => number;

  constructor(options: CredentialStoreOptions) {
    this.dir = join(options.stateDir, 'credentials');
    if (options.encryptionKey !== undefined && options.encryptionKey.length !== 32) {
      throw new StateError('CREDENTIAL_KEY', `the credentials key must be 32 bytes (it has ${options.encryptionKey.length})`, {
        hint: `set ${CREDENTIALS_KEY_ENV} to the output of \`openssl rand -base64 32\``,
      });
    }
    this.#key = options.encryptionKey;
    this.#clock = options.clock ?? DEFAULTS.clock;
  }

  /** The store's clock (epoch ms): expiry is judged against it. */
  now(): number {
    return this.#clock();
  }

  /** True when writes are encrypted. */
  get encrypting(): boolean {
    return this.#key !== undefined;
  }

  /** The file of one credential; throws INVALID_ID for names that are not safe path segments. */
  fileFor(provider: string, profile: string): string {
    return join(this.dir, `${normalizeId('provider', provider)}.${normalizeId('profile', profile)}.json`);
  }

  /** Reads one credential; CREDENTIAL_NOT_FOUND when there is none. */
  async read(provider: string, profile: string): Promise<LoadedCredential> {
    const found = await this.find(provider, profile);
    if (found) return found;
    const p = normalizeId('provider', provider);
    const file = this.fileFor(p, profile);
    throw new StateError('CREDENTIAL_NOT_FOUND', `no stored credential ${profileLabel(p, normalizeId('profile', profile))} (${file} does not exist)`, {
      file,
      hint: `openclaw models auth login --provider ${p}`,
    });
  }

  /** Reads one credential, or undefined when there is none. Broken files still throw. */
  async find(provider: string, profile: string): Promise<LoadedCredential | undefined> {
    const p = normalizeId('provider', provider);
    const name = normalizeId('profile', profile);
    return this.#load(p, name);
  }

  /**
   * Stores a credential, replacing any with the same provider and profile. Fills in `version`
   * and `createdAt`; for OAuth, `expiresAt` always mirrors `expires`. Returns what was stored.
   */
  async write(input: CredentialInput): Promise<CredentialRecord> {
    const provider = normalizeId('provider', input.provider);
    const profile = normalizeId('profile', input.profile);
    const draft: Record<string, unknown> = { ...input, version: CREDENTIAL_VERSION, provider, profile, createdAt: input.createdAt ?? new Date(this.#clock()).toISOString() };
    if (draft.type === 'oauth' && typeof draft.expires === 'number' && Number.isFinite(draft.expires)) draft.expiresAt = new Date(draft.expires).toISOString();
    for (const [field, value] of Object.entries(draft)) if (value === undefined) delete draft[field];
    const record = checkCredential(draft, { provider, profile });
    const file = this.fileFor(provider, profile);
    if (typeof record === 'string') {
      throw new StateError('CREDENTIAL_INVALID', `refusing to store credential ${profileLabel(provider, profile)}: ${record}`, { file });
    }
    const content = this.#key === undefined ? record : encryptCredential(record, this.#key);
    try {
      writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, dirMode: 0o700 });
    } catch (error) {
      throw new StateError('STATE_IO', `cannot write credential ${profileLabel(provider, profile)} to ${file}`, {
        file,
        hint: `check that ${this.dir} is writable by this user and the disk is not full`,
        cause: error,
      });
    }
    return record;
  }

  /** Every stored credential's metadata, sorted by provider then profile. Needs no key. */
  async list(): Promise<CredentialSummary[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.#ioError(this.dir, error);
    }
    const summaries: CredentialSummary[] = [];
    for (const name of names.sort()) {
      const match = FILE_PATTERN.exec(name);
      if (!match) continue; // the key file, pairing files of the original layout, temporaries
      summaries.push(this.#summarize(match[1] as string, match[2] as string));
    }
    return summaries;
  }

  /** Deletes one credential; false when there was none. */
  async remove(provider: string, profile: string): Promise<boolean> {
    const file = this.fileFor(provider, profile);
    try {
      unlinkSync(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.#ioError(file, error);
    }
  }

  /**
   * Rewrites every readable file that is still in clear with the configured key (after
   * encryption is turned on). Returns the `provider:profile` labels it encrypted.
   */
  async encryptAll(): Promise<string[]> {
    if (this.#key === undefined) {
      throw new StateError('CREDENTIAL_KEY', 'no credentials key is configured, so there is nothing to encrypt with', {
        hint: `set ${CREDENTIALS_KEY_ENV} or create ${defaultCredentialsKeyFile(join(this.dir, '..'))} (see the threat model in the state README)`,
      });
    }
    const done: string[] = [];
    for (const summary of await this.list()) {
      if (summary.encrypted || summary.problem) continue;
      const loaded = await this.#load(summary.provider, summary.profile);
      if (!loaded) continue;
      await this.write(loaded.record);
      done.push(profileLabel(summary.provider, summary.profile));
    }
    return done;
  }

  #ioError(path: string, error: unknown): StateError {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new StateError('STATE_IO', `cannot access ${path} (${code})`, { file: path, hint: `check that ${path} belongs to this user (ls -l ${path})`, cause: error });
  }

  #invalid(provider: string, file: string, problem: string): StateError {
    // No cause: a JSON.parse or decipher error message can quote the file's contents.
    return new StateError('CREDENTIAL_INVALID', `credentials file ${file} is invalid: ${problem}`, { file, hint: loginHint(provider, file, 'remove or restore') });
  }

  /** Reads the file's JSON: undefined when absent. */
  #readJson(provider: string, file: string): { json: unknown; mtime: number } | undefined {
    let text: string;
    let mtime: number;
    try {
      text = readFileSync(file, 'utf8');
      mtime = statSync(file).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#ioError(file, error);
    }
    try {
      return { json: JSON.parse(text) as unknown, mtime };
    } catch {
      throw this.#invalid(provider, file, 'it is not valid JSON');
    }
  }

  /** Checks the clear part of an encrypted file. */
  #envelope(provider: string, profile: string, file: string, json: Record<string, unknown>): EncryptedCredentialFile {
    if (typeof json.version === 'number' && json.version > CREDENTIAL_VERSION) {
      throw this.#invalid(provider, file, `it has version ${json.version}, written by a newer openclaw (this one reads up to ${CREDENTIAL_VERSION})`);
    }
    const problem =
      json.version !== CREDENTIAL_VERSION ? `"version" must be ${CREDENTIAL_VERSION}`
      : json.provider !== provider || json.profile !== profile ? `"provider"/"profile" do not match the file name (expected ${profileLabel(provider, profile)})`
      : !CREDENTIAL_TYPES.includes(json.type as CredentialType) ? '"type" must be one of api_key, token, oauth'
      : typeof json.createdAt !== 'string' ? '"createdAt" must be an ISO time'
      : json.expiresAt !== undefined && typeof json.expiresAt !== 'string' ? '"expiresAt" must be an ISO time'
      : !isObject(json.encrypted) ? '"encrypted" must be an object'
      : undefined;
    if (problem !== undefined) throw this.#invalid(provider, file, problem);
    return json as unknown as EncryptedCredentialFile;
  }

  #load(provider: string, profile: string): LoadedCredential | undefined {
    const file = join(this.dir, `${provider}.${profile}.json`);
    const read = this.#readJson(provider, file);
    if (!read) return undefined;
    let payload = read.json;
    const encrypted = isObject(read.json) && 'encrypted' in read.json;
    if (encrypted) {
      const envelope = this.#envelope(provider, profile, file, read.json as Record<string, unknown>);
      payload = this.#decrypt(envelope, file);
      if (!isObject(payload) || payload.provider !== envelope.provider || payload.profile !== envelope.profile || payload.type !== envelope.type) {
        throw this.#invalid(provider, file, 'its encrypted record does not match its clear metadata');
      }
    }
    const migrated = migrateCredential(payload, { provider, profile, fallbackCreatedAt: new Date(read.mtime).toISOString() });
    if (typeof migrated === 'string') throw this.#invalid(provider, file, migrated);
    const record = checkCredential(migrated.record, { provider, profile });
    if (typeof record === 'string') throw this.#invalid(provider, file, record);
    return {
      record,
      file,
      encrypted,
      needsEncryption: !encrypted && this.#key !== undefined,
      ...(migrated.from < CREDENTIAL_VERSION ? { migratedFrom: migrated.from } : {}),
    };
  }

  #decrypt(envelope: EncryptedCredentialFile, file: string): unknown {
    const label = profileLabel(envelope.provider, envelope.profile);
    if (this.#key === undefined) {
      throw new StateError('CREDENTIAL_KEY', `credentials file ${file} is encrypted, but no credentials key is configured`, {
        file,
        hint: `set ${CREDENTIALS_KEY_ENV} (or the key file) to the key ${label} was written with, or log in again: openclaw models auth login --provider ${envelope.provider}`,
      });
    }
    const result = decryptCredential(envelope, this.#key);
    if (result.ok) return result.value;
    if (result.reason === 'wrong-key') {
      const ids = typeof envelope.encrypted.kid === 'string' ? ` (file key id ${envelope.encrypted.kid}, configured key id ${credentialsKeyId(this.#key)})` : '';
      throw new StateError('CREDENTIAL_KEY', `the configured credentials key does not match the key ${file} was encrypted with${ids}`, {
        file,
        hint: `configure the key ${label} was written with, or log in again: openclaw models auth login --provider ${envelope.provider}`,
      });
    }
    throw this.#invalid(envelope.provider, file, result.reason === 'tampered' ? 'its ciphertext failed authentication: the file was modified or damaged' : 'its "encrypted" block is malformed');
  }

  #summarize(provider: string, profile: string): CredentialSummary {
    const file = join(this.dir, `${provider}.${profile}.json`);
    let mode = 0;
    try {
      mode = statSync(file).mode & 0o777;
    } catch {
      // Vanished since readdir: reported below as a problem.
    }
    const base = { provider, profile, file, mode };
    try {
      const read = this.#readJson(provider, file);
      if (!read) throw new StateError('CREDENTIAL_NOT_FOUND', `${file} vanished while listing`, { file });
      let meta: { type: CredentialType; createdAt: string; expiresAt?: string | undefined; expires?: number };
      const encrypted = isObject(read.json) && 'encrypted' in read.json;
      if (encrypted) {
        meta = this.#envelope(provider, profile, file, read.json as Record<string, unknown>);
      } else {
        const migrated = migrateCredential(read.json, { provider, profile, fallbackCreatedAt: new Date(read.mtime).toISOString() });
        if (typeof migrated === 'string') throw this.#invalid(provider, file, migrated);
        const record = checkCredential(migrated.record, { provider, profile });
        if (typeof record === 'string') throw this.#invalid(provider, file, record);
        meta = record;
      }
      return {
        ...base,
        type: meta.type,
        createdAt: meta.createdAt,
        ...(meta.expiresAt === undefined ? {} : { expiresAt: meta.expiresAt }),
        expired: isCredentialExpired(meta, this.#clock()),
        encrypted,
      };
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      return { ...base, expired: false, encrypted: false, problem: { code: error.code, message: error.message, hint: error.hint } };
    }
  }
}
