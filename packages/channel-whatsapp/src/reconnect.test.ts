import { DisconnectReason } from '@whiskeysockets/baileys';
import { DisconnectReason as LocalDisconnectReason } from './reconnect.ts';
import { describe, expect, it } from 'vitest';
import { WHATSAPP_RECONNECT_DEFAULTS, decideReconnect, describeDisconnect, disconnectStatus } from './reconnect.ts';
import { boom } from '../test/fake-whatsapp.ts';

const noJitter = () => 0;
const fullJitter = () => 0.999_999;

describe('decideReconnect', () => {
  it.each([
    ['loggedOut', 401, 1, { action: 'relogin' }],
    ['loggedOut, late', 401, 12, { action: 'relogin' }],
    ['badSession', 500, 1, { action: 'relogin' }],
    ['connectionReplaced', 440, 1, { action: 'give-up' }],
    ['restartRequired', 515, 1, { action: 'reconnect', delayMs: 2_000 }],
    ['connectionClosed', 428, 1, { action: 'reconnect', delayMs: 2_000 }],
    ['connectionClosed, 2nd', 428, 2, { action: 'reconnect', delayMs: 3_600 }],
    ['connectionLost, 3rd', 408, 3, { action: 'reconnect', delayMs: 6_480 }],
    ['unavailableService, 5th', 503, 5, { action: 'reconnect', delayMs: 20_995 }],
    ['forbidden, 6th: capped', 403, 6, { action: 'reconnect', delayMs: 30_000 }],
    ['no status code', undefined, 1, { action: 'reconnect', delayMs: 2_000 }],
    ['multideviceMismatch, 12th (last)', 411, 12, { action: 'reconnect', delayMs: 30_000 }],
    ['connectionClosed, 13th', 428, 13, { action: 'give-up' }],
  ] as const)('%s (%s, attempt %i) → %j', (_name, code, attempt, expected) => {
    expect(decideReconnect(code, attempt, WHATSAPP_RECONNECT_DEFAULTS, noJitter)).toEqual(expected);
  });

  it('jitter adds at most 25 % and never passes maxMs', () => {
    expect(decideReconnect(428, 1, WHATSAPP_RECONNECT_DEFAULTS, fullJitter)).toEqual({ action: 'reconnect', delayMs: 2_500 });
    expect(decideReconnect(428, 5, WHATSAPP_RECONNECT_DEFAULTS, fullJitter)).toEqual({ action: 'reconnect', delayMs: 26_244 });
    expect(decideReconnect(428, 6, WHATSAPP_RECONNECT_DEFAULTS, fullJitter)).toEqual({ action: 'reconnect', delayMs: 30_000 });
  });

  it('the defaults are the reference values, and maxAttempts 0 never reconnects', () => {
    expect(WHATSAPP_RECONNECT_DEFAULTS).toEqual({ initialMs: 2_000, maxMs: 30_000, factor: 1.8, jitter: 0.25, maxAttempts: 12 });
    expect(decideReconnect(428, 1, { ...WHATSAPP_RECONNECT_DEFAULTS, maxAttempts: 0 })).toEqual({ action: 'give-up' });
  });

  it('uses Baileys’ codes', () => {
    expect([DisconnectReason.loggedOut, DisconnectReason.badSession, DisconnectReason.connectionReplaced, DisconnectReason.restartRequired]).toEqual([401, 500, 440, 515]);
  });
});

describe('disconnectStatus / describeDisconnect', () => {
  it('reads a Boom’s status code and names it', () => {
    expect(disconnectStatus(boom(428))).toBe(428);
    expect(disconnectStatus(new Error('plain'))).toBeUndefined();
    expect(disconnectStatus(undefined)).toBeUndefined();
    expect(describeDisconnect(boom(401))).toBe('loggedOut (401)');
    expect(describeDisconnect(boom(408))).toBe('connectionLost (408)');
    expect(describeDisconnect(boom(599))).toBe('status (599)');
    expect(describeDisconnect(new Error('socket hang up'))).toBe('socket hang up');
    expect(describeDisconnect(undefined)).toBe('no reason given');
  });
});

describe('the copied close codes', () => {
  it("equal Baileys' DisconnectReason", () => {
    for (const [name, code] of Object.entries(LocalDisconnectReason)) expect(DisconnectReason[name as keyof typeof DisconnectReason]).toBe(code);
    const named = Object.keys(DisconnectReason).filter((key) => Number.isNaN(Number(key)));
    expect(named.sort()).toEqual(Object.keys(LocalDisconnectReason).sort());
  });
});
