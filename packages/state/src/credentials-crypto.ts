import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { ensurePrivateDir } from '@openclaw/config';
import type { Env } from '@openclaw/config';
import type { CredentialRecord, CredentialType } from './credentials-format.ts';
import { CREDENTIAL_VERSION } from './credentials-format.ts';
import { StateError } from './errors.ts';

/** Environment variable holding the credentials key itself (32 bytes, base64 or hex). */
export const CREDENTIALS_KEY_ENV = 'OPENCLAW_CREDENTIALS_KEY';
/** Environment variable naming a file that holds the key (e.g. a systemd `LoadCredential=` path). */
export const CREDENTIALS_KEY_FILE_ENV = 'OPENCLAW_CREDENTIALS_KEY_FILE';
/** Name of the default key file inside `<stateDir>/credentials/`. */
export const CREDENTIALS_KEY_FILE = '.key';
/** The only cipher: AES-256-GCM with a 96-bit random IV per write and a 128-bit tag. */
export const CREDENTIALS_ALG = 'aes-256-gcm';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where the key came from, for `doctor` and for error messages (never the key itself). */
export type CredentialsKeySource = { kind: 'env'; name: string } | { kind: 'file'; path: string };

/** A usable credentials key. */
export interface CredentialsKey {
  key: Buffer;
  /** Fingerprint of the key, stored with each ciphertext so a wrong key is told from a damaged file. */
  id: string;
  source: CredentialsKeySource;
  /**
   * True when the key file lies inside the state dir: a backup of the state dir then carries
   * the key next to the ciphertext, which defeats encryption at rest. `doctor` warns on it.
   */
  insideStateDir: boolean;
}

/** A fingerprint of a key: a domain-separated SHA-256 prefix. It reveals nothing usable about the key. */
export function credentialsKeyId(key: Buffer): string {
  return createHash('sha256').update('openclaw-credentials-key-id\0').update(key).digest('hex').slice(0, 16);
}

/**
 * Decodes a key written as 64 hex digits or as base64 (standard or URL-safe, padding optional)
 * of exactly 32 bytes. `where` names the source in the error, which never quotes the text.
 */
export function parseCredentialsKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new StateError('CREDENTIAL_KEY', `${where} is not a credentials key: it must be 32 bytes written as 64 hex digits or as base64 (it holds ${trimmed.length} characters)`, {
    hint: 'generate one with `openssl rand -base64 32`',
  });
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function readKeyFile(path: string, stateDir: string): CredentialsKey {
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new StateError('CREDENTIAL_KEY', `credentials key file ${path} is not a regular file`, { file: path });
    // Like ssh with a private key: a key others can read protects nothing, so refuse it.
    if ((stat.mode & 0o077) !== 0) {
      throw new StateError('CREDENTIAL_KEY', `credentials key file ${path} is readable by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')})`, {
        file: path,
        hint: `chmod 600 ${path}`,
      });
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof StateError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateError('CREDENTIAL_KEY', `cannot read credentials key file ${path}${code === undefined ? '' : ` (${code})`}`, {
      file: path,
      hint: code === 'ENOENT' ? `create it (\`umask 077; openssl rand -base64 32 > ${path}\`), or point ${CREDENTIALS_KEY_FILE_ENV} at the right file` : `check that this user can read ${path}`,
    });
  }
  const key = parseCredentialsKey(text, `credentials key file ${path}`);
  return { key, id: credentialsKeyId(key), source: { kind: 'file', path }, insideStateDir: isInside(stateDir, path) };
}

/** Options of {@link resolveCredentialsKey}. */
export interface ResolveCredentialsKeyOptions {
  env: Env;
  stateDir: string;
  /** An explicit key file; it must exist. */
  keyFile?: string | undefined;
}

/**
 * Finds the credentials key, first match wins: `OPENCLAW_CREDENTIALS_KEY`, the `keyFile`
 * option, `OPENCLAW_CREDENTIALS_KEY_FILE`, then `<stateDir>/credentials/.key` if it exists.
 * Returns undefined when none is configured: credentials are then stored unencrypted (0600).
 */
export function resolveCredentialsKey(options: ResolveCredentialsKeyOptions): CredentialsKey | undefined {
  const { env, stateDir } = options;
  const fromEnv = env[CREDENTIALS_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const key = parseCredentialsKey(fromEnv, CREDENTIALS_KEY_ENV);
    return { key, id: credentialsKeyId(key), source: { kind: 'env', name: CREDENTIALS_KEY_ENV }, insideStateDir: false };
  }
  const explicit = options.keyFile ?? (env[CREDENTIALS_KEY_FILE_ENV]?.trim() || undefined);
  if (explicit !== undefined) return readKeyFile(resolve(explicit), stateDir);
  const fallback = defaultCredentialsKeyFile(stateDir);
  try {
    statSync(fallback);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  return readKeyFile(fallback, stateDir);
}

/** The default key file, `<stateDir>/credentials/.key`. */
export function defaultCredentialsKeyFile(stateDir: string): string {
  return join(stateDir, 'credentials', CREDENTIALS_KEY_FILE);
}

/**
 * Creates a new random key in `path` (base64, mode 0600, parent dirs 0700). Refuses to
 * replace an existing file: losing the old key would lock out everything encrypted with it.
 */
export function createCredentialsKeyFile(path: string, stateDir: string): CredentialsKey {
  const key = randomBytes(KEY_BYTES);
  let fd: number | undefined;
  try {
    ensurePrivateDir(dirname(path));
    fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateError('CREDENTIAL_KEY', code === 'EEXIST' ? `credentials key file ${path} already exists; not replacing it` : `cannot create credentials key file ${path} (${code ?? 'error'})`, {
      file: path,
      hint: code === 'EEXIST' ? 'replacing the key would make every credential encrypted with it unreadable; remove the file yourself if that is intended' : `check that ${dirname(path)} is writable by this user`,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return { key, id: credentialsKeyId(key), source: { kind: 'file', path }, insideStateDir: isInside(stateDir, path) };
}

/** The ciphertext part of an encrypted credentials file (all binary fields base64). */
export interface EncryptedPayload {
  alg: typeof CREDENTIALS_ALG;
  /** {@link credentialsKeyId} of the key it was encrypted with. */
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * An encrypted credentials file. Provider, profile, type and the two times stay in clear so
 * `list()` and `doctor` work without the key; they are bound to the ciphertext as GCM
 * additional data, so editing any of them makes decryption fail. Secrets and the email are
 * only inside `data`.
 */
export interface EncryptedCredentialFile {
  version: typeof CREDENTIAL_VERSION;
  provider: string;
  profile: string;
  type: CredentialType;
  createdAt: string;
  expiresAt?: string | undefined;
  encrypted: EncryptedPayload;
}

/** The fields of an encrypted file that are readable without the key. */
export type CredentialClearMetadata = Omit<EncryptedCredentialFile, 'encrypted'>;

function additionalData(meta: CredentialClearMetadata): Buffer {
  // An array keeps the order fixed; JSON quoting keeps fields from running into each other.
  return Buffer.from(JSON.stringify(['openclaw-credential', meta.version, meta.provider, meta.profile, meta.type, meta.createdAt, meta.expiresAt ?? null]), 'utf8');
}

/** Encrypts a whole record with a fresh IV; the clear metadata is authenticated with it. */
export function encryptCredential(record: CredentialRecord, key: Buffer): EncryptedCredentialFile {
  const meta: CredentialClearMetadata = {
    version: record.version,
    provider: record.provider,
    profile: record.profile,
    type: record.type,
    createdAt: record.createdAt,
    ...(record.expiresAt === undefined ? {} : { expiresAt: record.expiresAt }),
  };
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CREDENTIALS_ALG, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(meta));
  const data = Buffer.concat([cipher.update(JSON.stringify(record), 'utf8'), cipher.final()]);
  return { ...meta, encrypted: { alg: CREDENTIALS_ALG, kid: credentialsKeyId(key), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') } };
}

/** Why a ciphertext did not open: another key, or a file that was changed or damaged. */
export type DecryptFailure = 'wrong-key' | 'tampered' | 'malformed';

/**
 * Decrypts a file's ciphertext to the record JSON it holds (still to be migrated and checked).
 * The key id tells "another key" from "modified file"; without one, a failure is reported as
 * a wrong key, the likelier cause.
 */
export function decryptCredential(file: EncryptedCredentialFile, key: Buffer): { ok: true; value: unknown } | { ok: false; reason: DecryptFailure } {
  const { alg, kid, iv, tag, data } = file.encrypted;
  if (alg !== CREDENTIALS_ALG || typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string') return { ok: false, reason: 'malformed' };
  const ivBytes = Buffer.from(iv, 'base64');
  const tagBytes = Buffer.from(tag, 'base64');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return { ok: false, reason: 'malformed' };
  const keyMatches = typeof kid === 'string' ? kid === credentialsKeyId(key) : undefined;
  if (keyMatches === false) return { ok: false, reason: 'wrong-key' };
  try {
    const decipher = createDecipheriv(CREDENTIALS_ALG, key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(file));
    decipher.setAuthTag(tagBytes);
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    return { ok: true, value: JSON.parse(plain) as unknown };
  } catch {
    // Deliberately no cause or message: they could describe the plaintext.
    return { ok: false, reason: keyMatches === true ? 'tampered' : 'wrong-key' };
  }
}
