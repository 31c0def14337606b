import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { DeviceIdentityBlock } from './connect.ts';
import { DEVICE_SIGNATURE_MAX_SKEW_MS } from './constants.ts';

/*
 * Ed25519 device identity (`src/gateway/device-auth.ts`, `src/infra/device-identity.ts` and
 * the device section of the connect handler, 2026.2.3). A device proves it holds the private
 * key whose public key hashes to its id by signing a `|`-joined string that binds the
 * connection's client, role, scopes, time, shared token and (v2) the server's challenge nonce.
 */

/** DER prefix turning a raw 32-byte Ed25519 key into SPKI (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Fields the device-auth payload binds. */
export interface DeviceAuthPayloadInput {
  /** `v2` includes the nonce; `v1` (legacy) does not. Default: v2 when a nonce is given. */
  version?: 'v1' | 'v2';
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  /** Joined with `,` in the given order, exactly as the client sent them. */
  scopes: readonly string[];
  signedAtMs: number;
  /** `auth.token` of the connect params; empty when none. */
  token?: string | null | undefined;
  nonce?: string | undefined;
}

/** `v2|deviceId|clientId|clientMode|role|scopesCSV|signedAtMs|token|nonce`; v1 lacks `|nonce`. */
export function buildDeviceAuthPayload(input: DeviceAuthPayloadInput): string {
  const version = input.version ?? (input.nonce ? 'v2' : 'v1');
  const fields = [version, input.deviceId, input.clientId, input.clientMode, input.role, input.scopes.join(','), String(input.signedAtMs), input.token ?? ''];
  if (version === 'v2') fields.push(input.nonce ?? '');
  return fields.join('|');
}

function decodeBase64(text: string): Buffer | undefined {
  // Node's decoder skips garbage silently; check the alphabet first. Both alphabets are
  // accepted because the original falls back to standard base64 for signatures.
  return BASE64_TEXT.test(text) ? Buffer.from(text, 'base64url') : undefined;
}

/**
 * The raw 32-byte Ed25519 public key from its base64url form or (as the original tolerates)
 * an SPKI PEM; undefined when it is neither.
 */
export function decodeDevicePublicKey(publicKey: string): Buffer | undefined {
  if (publicKey.includes('BEGIN')) {
    try {
      const key = createPublicKey(publicKey);
      if (key.asymmetricKeyType !== 'ed25519') return undefined;
      const { x } = key.export({ format: 'jwk' });
      return typeof x === 'string' ? Buffer.from(x, 'base64url') : undefined;
    } catch {
      return undefined;
    }
  }
  const raw = decodeBase64(publicKey.trim());
  return raw?.length === 32 ? raw : undefined;
}

/** Device id of a raw public key: its sha256, hex. */
export function deviceIdFromRawPublicKey(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** Device id for a public key in either accepted form; undefined when the key is invalid. */
export function deriveDeviceId(publicKey: string): string | undefined {
  const raw = decodeDevicePublicKey(publicKey);
  return raw === undefined ? undefined : deviceIdFromRawPublicKey(raw);
}

/** Why a device block was refused. */
export type DeviceIdentityFailureReason = 'malformed' | 'identity-mismatch' | 'expired' | 'nonce-required' | 'nonce-mismatch' | 'signature-invalid';

/** Result of {@link verifyDeviceIdentity}; `message` is the original's error text. */
export type DeviceIdentityVerification =
  | { ok: true; deviceId: string; publicKey: string; signatureVersion: 'v1' | 'v2' }
  | { ok: false; reason: DeviceIdentityFailureReason; message: string };

/** Everything a device signature is checked against. */
export interface VerifyDeviceIdentityInput {
  device: DeviceIdentityBlock;
  clientId: string;
  clientMode: string;
  /** The resolved role (`operator` when the client sent none). */
  role: string;
  /** The scopes exactly as the client sent them (`[]` when it sent none). */
  scopes: readonly string[];
  /**
   * Tried when the signature does not cover `scopes`: pass the defaulted scopes when the
   * client sent none, since some clients sign what they default to rather than what they send.
   */
  fallbackScopes?: readonly string[] | undefined;
  /** `auth.token` from the connect params. */
  token?: string | null | undefined;
  /** The nonce this connection was sent in `connect.challenge`. */
  challengeNonce?: string | undefined;
  /**
   * Accept a legacy v1 signature (no nonce). Off by default: v1 is replayable for the whole
   * skew window. The original allows it only for local-direct (loopback) clients, for the
   * 2026.2.3 CLI that sends v1 when no challenge arrived within 750 ms; set this only for
   * local-direct connections.
   */
  allowV1?: boolean;
  nowMs?: number;
  maxSkewMs?: number;
}

function failure(reason: DeviceIdentityFailureReason, message: string): DeviceIdentityVerification {
  return { ok: false, reason, message };
}

/**
 * Verifies a connect `device` block, checking in the original's order: public key
 * ("device public key invalid"), id = sha256(raw key) ("device identity mismatch"), clock
 * skew ≤ 10 min ("device signature expired"), nonce present unless v1 is allowed ("device
 * nonce required") and equal to the challenge ("device nonce mismatch"), then the Ed25519
 * signature ("device signature invalid"). Never throws.
 */
export function verifyDeviceIdentity(input: VerifyDeviceIdentityInput): DeviceIdentityVerification {
  const { device } = input;
  const raw = decodeDevicePublicKey(device.publicKey);
  if (raw === undefined) return failure('malformed', 'device public key invalid');
  const deviceId = deviceIdFromRawPublicKey(raw);
  if (deviceId !== device.id) return failure('identity-mismatch', 'device identity mismatch');

  const now = input.nowMs ?? Date.now();
  if (Math.abs(now - device.signedAt) > (input.maxSkewMs ?? DEVICE_SIGNATURE_MAX_SKEW_MS)) {
    return failure('expired', 'device signature expired');
  }

  const nonce = device.nonce?.trim() ?? '';
  if (nonce === '' && input.allowV1 !== true) return failure('nonce-required', 'device nonce required');
  if (nonce !== '' && nonce !== input.challengeNonce) return failure('nonce-mismatch', 'device nonce mismatch');

  const signature = decodeBase64(device.signature.trim());
  if (signature?.length !== 64) return failure('signature-invalid', 'device signature invalid');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return failure('malformed', 'device public key invalid');
  }
  const version = nonce === '' ? 'v1' : 'v2';
  const candidates = input.fallbackScopes === undefined ? [input.scopes] : [input.scopes, input.fallbackScopes];
  const signed = candidates.some((scopes) => {
    const payload = buildDeviceAuthPayload({
      version,
      deviceId,
      clientId: input.clientId,
      clientMode: input.clientMode,
      role: input.role,
      scopes,
      signedAtMs: device.signedAt,
      token: input.token,
      nonce,
    });
    try {
      return verify(null, Buffer.from(payload, 'utf8'), key, signature);
    } catch {
      return false;
    }
  });
  if (!signed) return failure('signature-invalid', 'device signature invalid');
  return { ok: true, deviceId, publicKey: raw.toString('base64url'), signatureVersion: version };
}

/** Client side: raw base64url of an Ed25519 public key, the form sent as `device.publicKey`. */
export function publicKeyToBase64Url(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const { x } = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519' || typeof x !== 'string') throw new TypeError('expected an Ed25519 public key');
  return x;
}

/** Client side: signs a device-auth payload, base64url, as the original clients do. */
export function signDeviceAuthPayload(privateKey: KeyObject | string, payload: string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign(null, Buffer.from(payload, 'utf8'), key).toString('base64url');
}
