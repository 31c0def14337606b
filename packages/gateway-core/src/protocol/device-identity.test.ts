import { createHash, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceIdentityBlock } from './connect.ts';
import {
  buildDeviceAuthPayload,
  decodeDevicePublicKey,
  deriveDeviceId,
  publicKeyToBase64Url,
  signDeviceAuthPayload,
  verifyDeviceIdentity,
} from './device-identity.ts';
import type { VerifyDeviceIdentityInput } from './device-identity.ts';

/** A device as the 2026.2.3 CLI keeps one: PEM keys, id = sha256(raw public key). */
function makeDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).subarray(12);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    publicKey: raw.toString('base64url'),
    deviceId: createHash('sha256').update(raw).digest('hex'),
  };
}
type Device = ReturnType<typeof makeDevice>;

interface Signing {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: string[];
  signedAt: number;
  token?: string;
  nonce?: string;
}

/** Signs like the original client, written out independently of the code under test. */
function clientSign(device: Device, s: Signing, privateKey: KeyObject = device.privateKey): DeviceIdentityBlock {
  const fields = [s.nonce ? 'v2' : 'v1', device.deviceId, s.clientId, s.clientMode, s.role, s.scopes.join(','), String(s.signedAt), s.token ?? ''];
  if (s.nonce) fields.push(s.nonce);
  const signature = sign(null, Buffer.from(fields.join('|'), 'utf8'), privateKey).toString('base64url');
  const block: DeviceIdentityBlock = { id: device.deviceId, publicKey: device.publicKey, signature, signedAt: s.signedAt };
  if (s.nonce) block.nonce = s.nonce;
  return block;
}

const NOW = 1_770_249_600_000;
const NONCE = '2f1c6f0e-8d7a-4b7e-9a53-0c2d4e6f8a10';
const cliSigning: Signing = {
  clientId: 'cli',
  clientMode: 'cli',
  role: 'operator',
  scopes: ['operator.admin', 'operator.approvals', 'operator.pairing'],
  signedAt: NOW,
  token: 'shared-token',
  nonce: NONCE,
};

function input(device: DeviceIdentityBlock, overrides: Partial<VerifyDeviceIdentityInput> = {}): VerifyDeviceIdentityInput {
  return {
    device,
    clientId: cliSigning.clientId,
    clientMode: cliSigning.clientMode,
    role: cliSigning.role,
    scopes: cliSigning.scopes,
    token: cliSigning.token,
    challengeNonce: NONCE,
    nowMs: NOW,
    ...overrides,
  };
}

describe('buildDeviceAuthPayload', () => {
  it('joins the v2 fields with |, and v1 without the nonce', () => {
    const fields = { deviceId: 'dev', clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: ['operator.read', 'operator.write'], signedAtMs: 1700000000000 };
    expect(buildDeviceAuthPayload({ ...fields, token: 'tok', nonce: 'n1' })).toBe('v2|dev|cli|cli|operator|operator.read,operator.write|1700000000000|tok|n1');
    expect(buildDeviceAuthPayload({ ...fields, token: null })).toBe('v1|dev|cli|cli|operator|operator.read,operator.write|1700000000000|');
    expect(buildDeviceAuthPayload({ ...fields, version: 'v2', scopes: [] })).toBe('v2|dev|cli|cli|operator||1700000000000||');
  });
});

describe('public keys and device ids', () => {
  it('matches RFC 8032 test 1: the public key derived from its secret', () => {
    const secret = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), secret]), format: 'der', type: 'pkcs8' });
    const publicKey = publicKeyToBase64Url(privateKey);
    expect(Buffer.from(publicKey, 'base64url').toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(deriveDeviceId(publicKey)).toBe(createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex'));
  });

  it('accepts base64url and PEM forms, and refuses anything that is not a 32-byte key', () => {
    const device = makeDevice();
    expect(deriveDeviceId(device.publicKey)).toBe(device.deviceId);
    expect(deriveDeviceId(device.publicKeyPem)).toBe(device.deviceId);
    expect(deriveDeviceId(`${device.publicKey}==`.slice(0, -2))).toBe(device.deviceId);
    expect(decodeDevicePublicKey('abc')).toBeUndefined();
    expect(decodeDevicePublicKey('not base64 at all!')).toBeUndefined();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(decodeDevicePublicKey(rsa)).toBeUndefined();
    expect(decodeDevicePublicKey('-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----')).toBeUndefined();
  });
});

describe('verifyDeviceIdentity', () => {
  it('accepts a v2 signature made like the 2026.2.3 CLI', () => {
    const device = makeDevice();
    expect(verifyDeviceIdentity(input(clientSign(device, cliSigning)))).toEqual({
      ok: true,
      deviceId: device.deviceId,
      publicKey: device.publicKey,
      signatureVersion: 'v2',
    });
  });

  it('accepts a signature with no token, made with the helpers a client of ours would use', () => {
    const device = makeDevice();
    const payload = buildDeviceAuthPayload({ deviceId: device.deviceId, clientId: 'gateway-client', clientMode: 'backend', role: 'operator', scopes: ['operator.read'], signedAtMs: NOW, nonce: NONCE });
    const block = { id: device.deviceId, publicKey: publicKeyToBase64Url(device.publicKeyPem), signature: signDeviceAuthPayload(device.privateKey, payload), signedAt: NOW, nonce: NONCE };
    const result = verifyDeviceIdentity(input(block, { clientId: 'gateway-client', clientMode: 'backend', scopes: ['operator.read'], token: undefined }));
    expect(result).toMatchObject({ ok: true, deviceId: device.deviceId });
  });

  it('accepts a PEM public key, as the original does', () => {
    const device = makeDevice();
    const block = { ...clientSign(device, cliSigning), publicKey: device.publicKeyPem };
    expect(verifyDeviceIdentity(input(block))).toMatchObject({ ok: true, publicKey: device.publicKey });
  });

  it('accepts a v1 signature (no nonce) only when allowed', () => {
    const device = makeDevice();
    const block = clientSign(device, { ...cliSigning, nonce: undefined });
    expect(verifyDeviceIdentity(input(block))).toEqual({ ok: false, reason: 'nonce-required', message: 'device nonce required' });
    expect(verifyDeviceIdentity(input(block, { allowV1: true }))).toMatchObject({ ok: true, signatureVersion: 'v1' });
    // A whitespace-only nonce counts as none, as in the original.
    expect(verifyDeviceIdentity(input({ ...block, nonce: '  ' }, { allowV1: true }))).toMatchObject({ ok: true, signatureVersion: 'v1' });
  });

  it('does not accept a v2 signature presented without its nonce', () => {
    const device = makeDevice();
    const { nonce: _dropped, ...block } = clientSign(device, cliSigning);
    expect(verifyDeviceIdentity(input(block, { allowV1: true }))).toMatchObject({ ok: false, reason: 'signature-invalid' });
  });

  it('refuses a key that is not a key', () => {
    const device = makeDevice();
    const block = { ...clientSign(device, cliSigning), publicKey: 'AAAA' };
    expect(verifyDeviceIdentity(input(block))).toEqual({ ok: false, reason: 'malformed', message: 'device public key invalid' });
  });

  it('refuses an id that is not the hash of the key', () => {
    const device = makeDevice();
    const other = makeDevice();
    const block = { ...clientSign(device, cliSigning), id: other.deviceId };
    expect(verifyDeviceIdentity(input(block))).toEqual({ ok: false, reason: 'identity-mismatch', message: 'device identity mismatch' });
    // Someone else's key with the victim's id: also a mismatch, before any signature check.
    expect(verifyDeviceIdentity(input({ ...block, id: device.deviceId, publicKey: other.publicKey }))).toMatchObject({ reason: 'identity-mismatch' });
  });

  it('refuses signatures more than 10 minutes off, either way', () => {
    const device = makeDevice();
    const block = clientSign(device, cliSigning);
    const tenMinutes = 10 * 60_000;
    expect(verifyDeviceIdentity(input(block, { nowMs: NOW + tenMinutes }))).toMatchObject({ ok: true });
    expect(verifyDeviceIdentity(input(block, { nowMs: NOW - tenMinutes }))).toMatchObject({ ok: true });
    expect(verifyDeviceIdentity(input(block, { nowMs: NOW + tenMinutes + 1 }))).toEqual({ ok: false, reason: 'expired', message: 'device signature expired' });
    expect(verifyDeviceIdentity(input(block, { nowMs: NOW - tenMinutes - 1 }))).toMatchObject({ reason: 'expired' });
  });

  it('refuses a nonce other than the challenge', () => {
    const device = makeDevice();
    const block = clientSign(device, { ...cliSigning, nonce: 'replayed-nonce' });
    expect(verifyDeviceIdentity(input(block))).toEqual({ ok: false, reason: 'nonce-mismatch', message: 'device nonce mismatch' });
    expect(verifyDeviceIdentity(input(block, { challengeNonce: undefined }))).toMatchObject({ reason: 'nonce-mismatch' });
  });

  it.each([
    ['another key', { privateKey: generateKeyPairSync('ed25519').privateKey }],
    ['other scopes', { scopes: ['operator.admin'] }],
    ['another role', { role: 'node' }],
    ['another client id', { clientId: 'openclaw-control-ui' }],
    ['another mode', { clientMode: 'probe' }],
    ['another token', { token: 'other-token' }],
    ['another signedAt', { signedAt: NOW + 1 }],
  ])('refuses a signature made with %s', (_label, change) => {
    const device = makeDevice();
    const { privateKey, ...signing } = { privateKey: device.privateKey, ...change };
    const signed = clientSign(device, { ...cliSigning, ...signing }, privateKey);
    // Present it as if it were made for the standard fields (signedAt is the block's own).
    const block = { ...signed, signedAt: NOW };
    expect(verifyDeviceIdentity(input(block))).toEqual({ ok: false, reason: 'signature-invalid', message: 'device signature invalid' });
  });

  it('refuses signatures that are not 64 bytes of base64', () => {
    const device = makeDevice();
    const block = clientSign(device, cliSigning);
    expect(verifyDeviceIdentity(input({ ...block, signature: 'not*base64' }))).toMatchObject({ reason: 'signature-invalid' });
    expect(verifyDeviceIdentity(input({ ...block, signature: block.signature.slice(0, 40) }))).toMatchObject({ reason: 'signature-invalid' });
  });

  it('accepts a signature in standard base64, as the original falls back to it', () => {
    const device = makeDevice();
    const block = clientSign(device, cliSigning);
    const standard = Buffer.from(block.signature, 'base64url').toString('base64');
    expect(verifyDeviceIdentity(input({ ...block, signature: standard }))).toMatchObject({ ok: true });
  });

  it('tries the fallback scopes for clients that signed their default but sent none', () => {
    const device = makeDevice();
    const block = clientSign(device, { ...cliSigning, scopes: ['operator.admin'] });
    expect(verifyDeviceIdentity(input(block, { scopes: [] }))).toMatchObject({ reason: 'signature-invalid' });
    expect(verifyDeviceIdentity(input(block, { scopes: [], fallbackScopes: ['operator.admin'] }))).toMatchObject({ ok: true });
  });
});

describe('fixed test vector (2026.2.3 CLI signing, key from seed 01..20)', () => {
  const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const publicKey = 'ebVWLo_mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ';
  const deviceId = '65b60673d6ed884bf01c2c222d82ada0740f29ac3355d6a925c81f17f47a27b8';
  const v2Payload = `v2|${deviceId}|cli|cli|operator|operator.admin,operator.approvals,operator.pairing|1770249600000|shared-token|${NONCE}`;
  const v2Signature = 'gMxbJybtjEV5Gy0QlfyKmWCw9KegTodcDJiprWTndE91tm9Y1x91LP0nDt3Lfd0oNBp-Mp4TdyWx8B2CuRgNCA';
  const v1Signature = 'LikDFYb34AuS-DIBfpWBRzGN2IOR1FzetBIc21q_01NyfK_r4LAcTrN3JYJQnH3LCdWZg8wS4TZoHuvPjW8eAA';

  it('derives the pinned key, id, payload and (deterministic) signatures', () => {
    expect(publicKeyToBase64Url(privateKey)).toBe(publicKey);
    expect(deriveDeviceId(publicKey)).toBe(deviceId);
    const fields = { deviceId, clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: cliSigning.scopes, signedAtMs: NOW, token: 'shared-token' };
    expect(buildDeviceAuthPayload({ ...fields, nonce: NONCE })).toBe(v2Payload);
    expect(signDeviceAuthPayload(privateKey, v2Payload)).toBe(v2Signature);
    expect(signDeviceAuthPayload(privateKey, buildDeviceAuthPayload(fields))).toBe(v1Signature);
  });

  it('verifies the pinned v2 signature and the v1 fallback', () => {
    const v2 = { id: deviceId, publicKey, signature: v2Signature, signedAt: NOW, nonce: NONCE };
    expect(verifyDeviceIdentity(input(v2))).toEqual({ ok: true, deviceId, publicKey, signatureVersion: 'v2' });
    const v1 = { id: deviceId, publicKey, signature: v1Signature, signedAt: NOW };
    expect(verifyDeviceIdentity(input(v1, { allowV1: true }))).toEqual({ ok: true, deviceId, publicKey, signatureVersion: 'v1' });
    expect(verifyDeviceIdentity(input(v1))).toMatchObject({ reason: 'nonce-required' });
  });
});
