import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isBrowserClient, isControlUiClient, isKnownClientId, isWebchatClient, parseConnectParams } from './connect.ts';
import { verifyDeviceIdentity } from './device-identity.ts';
import { parseClientFrame } from './frames.ts';
import { negotiateConnect } from './negotiate.ts';
import { authorizeMethod } from './scopes.ts';

/*
 * The three published clients of clients-in-the-wild.md, rebuilt frame by frame, pushed
 * through the whole protocol path: frame → params → negotiation → device → first calls.
 */

const NONCE = randomUUID();
const TOKEN = 'shared-secret-token';

/** Device block signed the way the original clients sign (v2 with the challenge nonce, v1 without). */
function signedDevice(fields: { clientId: string; clientMode: string; role: string; scopes: string[]; token: string; nonce?: string }) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).subarray(12);
  const id = createHash('sha256').update(raw).digest('hex');
  const signedAt = Date.now();
  const parts = [fields.nonce ? 'v2' : 'v1', id, fields.clientId, fields.clientMode, fields.role, fields.scopes.join(','), String(signedAt), fields.token];
  if (fields.nonce) parts.push(fields.nonce);
  const signature = sign(null, Buffer.from(parts.join('|'), 'utf8'), privateKey).toString('base64url');
  return { id, publicKey: raw.toString('base64url'), signature, signedAt, ...(fields.nonce ? { nonce: fields.nonce } : {}) };
}

const cli2026_9_6 = {
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: 'cli', version: '2026.9.6', platform: 'linux', deviceFamily: 'Linux', mode: 'cli', instanceId: randomUUID() },
  scopes: ['operator.read'],
  auth: { token: TOKEN },
};

const cli2026_2_3 = {
  minProtocol: 3,
  maxProtocol: 3,
  client: { id: 'cli', version: 'dev', platform: 'linux', mode: 'cli', instanceId: randomUUID() },
  caps: [],
  role: 'operator',
  scopes: ['operator.admin', 'operator.approvals', 'operator.pairing'],
  auth: { token: TOKEN },
  device: signedDevice({ clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: ['operator.admin', 'operator.approvals', 'operator.pairing'], token: TOKEN, nonce: NONCE }),
};

const openclawNode0_14_0 = {
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: 'gateway-client', version: '0.3.0', mode: 'backend' },
  caps: [],
  commands: [],
  permissions: {},
  locale: 'en-US',
  userAgent: 'openclaw-node/0.14.0',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  auth: { token: TOKEN },
  device: signedDevice({ clientId: 'gateway-client', clientMode: 'backend', role: 'operator', scopes: ['operator.read', 'operator.write'], token: TOKEN, nonce: NONCE }),
};

function connectFrame(params: unknown): string {
  return JSON.stringify({ type: 'req', id: randomUUID(), method: 'connect', params });
}

describe('the published clients connect', () => {
  it.each([
    ['openclaw CLI 2026.9.6', cli2026_9_6, 4, ['operator.read']],
    ['openclaw CLI 2026.2.3', cli2026_2_3, 3, ['operator.admin', 'operator.approvals', 'operator.pairing']],
    ['openclaw-node 0.14.0', openclawNode0_14_0, 4, ['operator.read', 'operator.write']],
  ])('%s', (_name, params, protocol, scopes) => {
    const frame = parseClientFrame(connectFrame(params));
    if (!frame.ok) throw new Error(frame.message);
    expect(frame.frame.method).toBe('connect');

    const parsed = parseConnectParams(frame.frame.params);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.params).toEqual(params);

    const negotiated = negotiateConnect(parsed.params);
    if (!negotiated.ok) throw new Error(negotiated.refusal.message);
    expect(negotiated.value).toMatchObject({ protocol, role: 'operator', scopes });

    const device = parsed.params.device;
    if (device) {
      const verified = verifyDeviceIdentity({
        device,
        clientId: parsed.params.client.id,
        clientMode: parsed.params.client.mode,
        role: negotiated.value.role,
        scopes: negotiated.value.signedScopes,
        token: parsed.params.auth?.token,
        challengeNonce: NONCE,
      });
      expect(verified).toMatchObject({ ok: true, deviceId: device.id, signatureVersion: 'v2' });
    }

    for (const method of ['health', 'status']) expect(authorizeMethod(negotiated.value, method)).toEqual({ ok: true });
  });

  it('the 2026.2.3 CLI falling back to v1 (no challenge within 750 ms) connects when v1 is allowed', () => {
    const scopes = ['operator.admin', 'operator.approvals', 'operator.pairing'];
    const device = signedDevice({ clientId: 'cli', clientMode: 'cli', role: 'operator', scopes, token: TOKEN });
    const parsed = parseConnectParams({ ...cli2026_2_3, device });
    if (!parsed.ok) throw new Error(parsed.message);
    const check = (allowV1: boolean) =>
      verifyDeviceIdentity({ device: parsed.params.device!, clientId: 'cli', clientMode: 'cli', role: 'operator', scopes, token: TOKEN, challengeNonce: NONCE, allowV1 });
    expect(check(true)).toMatchObject({ ok: true, signatureVersion: 'v1' });
    expect(check(false)).toMatchObject({ ok: false, message: 'device nonce required' });
  });
});

describe('parseConnectParams', () => {
  const minimal = { minProtocol: 3, maxProtocol: 4, client: { id: 'cli', mode: 'cli' } };

  it('accepts client ids and modes the original does not know', () => {
    const result = parseConnectParams({ ...minimal, client: { id: 'openclaw-watch', mode: 'wearable', version: '1.0.0' } });
    expect(result).toMatchObject({ ok: true, params: { client: { id: 'openclaw-watch', mode: 'wearable' } } });
  });

  it('drops unknown fields at every level instead of refusing them', () => {
    const result = parseConnectParams({ ...minimal, client: { ...minimal.client, hardware: 'x' }, futureField: { a: 1 }, auth: { token: 't', otp: '123' } });
    expect(result).toEqual({ ok: true, params: { ...minimal, auth: { token: 't' } } });
  });

  it('type-checks the known fields, with the original prefix and a location for each problem', () => {
    const result = parseConnectParams({
      minProtocol: '3',
      maxProtocol: 0,
      client: { id: '', mode: 'cli', platform: 7 },
      caps: 'tool-events',
      permissions: { camera: 'yes' },
      device: { id: 'd', publicKey: 'k', signature: 's', signedAt: 1.5 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toBe(
      'invalid connect params: at /minProtocol: expected a number, got string "3"; at /maxProtocol: expected a number >= 1, got number 0; ' +
        'at /client/id: expected a non-empty string; at /client/platform: expected a string, got number 7; ' +
        'at /caps: expected an array, got string "tool-events"; and 2 more',
    );
  });

  it('names missing required fields and refuses non-objects', () => {
    expect(parseConnectParams({ minProtocol: 3, maxProtocol: 3 })).toEqual({ ok: false, message: 'invalid connect params: at /client: required (an object)' });
    expect(parseConnectParams(undefined)).toEqual({ ok: false, message: 'invalid connect params: at root: required (an object)' });
    expect(parseConnectParams([])).toEqual({ ok: false, message: 'invalid connect params: at root: expected an object, got an array' });
  });

  it('refuses non-integer protocol versions and signedAt', () => {
    const result = parseConnectParams({ ...minimal, maxProtocol: 3.5, device: { id: 'd', publicKey: 'k', signature: 's', signedAt: 1.5 } });
    expect(result).toEqual({
      ok: false,
      message: 'invalid connect params: at /maxProtocol: expected an integer, got number 3.5; at /device/signedAt: expected an integer, got number 1.5',
    });
  });

  it('never prints a secret it refuses', () => {
    expect(parseConnectParams({ ...minimal, auth: { password: 123456 } })).toEqual({
      ok: false,
      message: 'invalid connect params: at /auth/password: expected a string, got number',
    });
    expect(parseConnectParams({ ...minimal, auth: { token: ['hunter2'] } })).toMatchObject({ message: 'invalid connect params: at /auth/token: expected a string, got an array' });
    expect(parseConnectParams({ ...minimal, device: { id: 'd', publicKey: 'k', signature: 5, signedAt: 1 } })).toMatchObject({
      message: 'invalid connect params: at /device/signature: expected a string, got number',
    });
  });
});

describe('client kinds', () => {
  it('knows the original ids', () => {
    expect(isKnownClientId('cli')).toBe(true);
    expect(isKnownClientId('gateway-client')).toBe(true);
    expect(isKnownClientId('openclaw-watch')).toBe(false);
  });

  it("recognises the browser clients the original's origin check covers", () => {
    expect(isControlUiClient({ id: 'openclaw-control-ui' })).toBe(true);
    expect(isWebchatClient({ id: 'webchat-ui', mode: 'ui' })).toBe(true);
    expect(isWebchatClient({ id: 'something', mode: 'webchat' })).toBe(true);
    expect(isBrowserClient({ id: 'openclaw-control-ui', mode: 'ui' })).toBe(true);
    expect(isBrowserClient({ id: 'cli', mode: 'cli' })).toBe(false);
  });
});
