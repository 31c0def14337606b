import { describe, expect, it } from 'vitest';
import type { ConnectParams } from './connect.ts';
import { negotiateConnect, negotiateProtocol, resolveRequestedScopes, resolveRole } from './negotiate.ts';

const supported = { min: 3, max: 4 };

describe('negotiateProtocol', () => {
  it.each([
    [3, 3, 3],
    [4, 4, 4],
    [3, 4, 4],
    [2, 5, 4],
    [1, 3, 3],
    [4, 9, 4],
  ])('client range %i-%i speaks protocol %i', (min, max, protocol) => {
    expect(negotiateProtocol(min, max)).toEqual({ ok: true, protocol });
  });

  it('refuses a client that is too old, pointing it at our oldest version', () => {
    expect(negotiateProtocol(1, 2)).toEqual({
      ok: false,
      message: 'protocol mismatch',
      details: { expectedProtocol: 3, supportedProtocols: supported },
    });
  });

  it('refuses a client that is too new, pointing it at our newest version', () => {
    expect(negotiateProtocol(5, 9)).toEqual({
      ok: false,
      message: 'protocol mismatch',
      details: { expectedProtocol: 4, supportedProtocols: supported },
    });
  });

  it('keeps expectedProtocol an integer, which clients retry with', () => {
    const result = negotiateProtocol(5, 9);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Number.isInteger(Number(result.details.expectedProtocol))).toBe(true);
  });

  it('refuses an inverted range', () => {
    expect(negotiateProtocol(4, 3)).toMatchObject({ ok: false, message: 'protocol mismatch' });
  });

  it('honours another supported range (as the original 2026.2.3 would: exactly 3)', () => {
    expect(negotiateProtocol(4, 4, { min: 3, max: 3 })).toEqual({
      ok: false,
      message: 'protocol mismatch',
      details: { expectedProtocol: 3, supportedProtocols: { min: 3, max: 3 } },
    });
  });
});

describe('roles and scopes', () => {
  it('defaults the role to operator and accepts node', () => {
    expect(resolveRole(undefined)).toEqual({ ok: true, role: 'operator' });
    expect(resolveRole('operator')).toEqual({ ok: true, role: 'operator' });
    expect(resolveRole('node')).toEqual({ ok: true, role: 'node' });
    expect(resolveRole('admin')).toEqual({ ok: false, message: 'invalid role' });
    expect(resolveRole('')).toEqual({ ok: false, message: 'invalid role' });
    expect(resolveRole('Operator')).toEqual({ ok: false, message: 'invalid role' });
  });

  it("applies the original's default scopes only when none are asked for", () => {
    expect(resolveRequestedScopes('operator', undefined)).toEqual(['operator.admin']);
    expect(resolveRequestedScopes('operator', [])).toEqual(['operator.admin']);
    expect(resolveRequestedScopes('node', undefined)).toEqual([]);
    expect(resolveRequestedScopes('operator', ['operator.read'])).toEqual(['operator.read']);
  });

  it('trims and de-duplicates, and blank scopes never turn into the admin default', () => {
    expect(resolveRequestedScopes('operator', [' operator.read ', 'operator.read', 'operator.write'])).toEqual(['operator.read', 'operator.write']);
    expect(resolveRequestedScopes('operator', ['', ' '])).toEqual([]);
  });
});

describe('negotiateConnect', () => {
  const base: ConnectParams = { minProtocol: 3, maxProtocol: 4, client: { id: 'cli', mode: 'cli' } };

  it('settles protocol, role and scopes, keeping the scopes as sent for the signature', () => {
    expect(negotiateConnect({ ...base, scopes: ['operator.read', 'operator.read'] })).toEqual({
      ok: true,
      value: { protocol: 4, role: 'operator', scopes: ['operator.read'], signedScopes: ['operator.read', 'operator.read'] },
    });
    expect(negotiateConnect(base)).toEqual({ ok: true, value: { protocol: 4, role: 'operator', scopes: ['operator.admin'], signedScopes: [] } });
  });

  it('closes 1002 on a protocol mismatch, before looking at the role', () => {
    expect(negotiateConnect({ ...base, minProtocol: 1, maxProtocol: 2, role: 'bogus' })).toEqual({
      ok: false,
      refusal: {
        code: 'INVALID_REQUEST',
        message: 'protocol mismatch',
        details: { expectedProtocol: 3, supportedProtocols: supported },
        closeCode: 1002,
      },
    });
  });

  it('closes 1008 on an invalid role', () => {
    expect(negotiateConnect({ ...base, role: 'root' })).toEqual({ ok: false, refusal: { code: 'INVALID_REQUEST', message: 'invalid role', closeCode: 1008 } });
  });
});
