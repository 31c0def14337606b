import type { ConnectParams } from './connect.ts';
import { CLOSE_CODES, SUPPORTED_PROTOCOLS } from './constants.ts';
import { ERROR_CODES } from './errors.ts';
import type { ErrorCode } from './errors.ts';
import { SCOPES } from './scopes.ts';

/** An inclusive range of protocol versions. */
export interface ProtocolRange {
  readonly min: number;
  readonly max: number;
}

/**
 * `details` of a "protocol mismatch" error.
 *
 * `expectedProtocol` stays a plain integer, as in the original (`{expectedProtocol: 3}`):
 * published clients read it with `Number(details.expectedProtocol)` and retry with that
 * version when it is an integer, so an object there would break their fallback. It is the
 * version nearest to what the client offered: our max when the client is newer, our min when
 * it is older. `supportedProtocols` adds the full range for clients that know to look.
 */
export interface ProtocolMismatchDetails {
  expectedProtocol: number;
  supportedProtocols: { min: number; max: number };
}

/** Result of {@link negotiateProtocol}. */
export type ProtocolNegotiation =
  | { ok: true; protocol: number }
  | { ok: false; message: 'protocol mismatch'; details: ProtocolMismatchDetails };

/**
 * Picks the highest version both sides speak: the top of the overlap between the client's
 * `[minProtocol, maxProtocol]` and `supported` (default {@link SUPPORTED_PROTOCOLS}, 3–4).
 * A mismatch is answered with `INVALID_REQUEST` "protocol mismatch" and closed 1002.
 */
export function negotiateProtocol(minProtocol: number, maxProtocol: number, supported: ProtocolRange = SUPPORTED_PROTOCOLS): ProtocolNegotiation {
  const low = Math.max(minProtocol, supported.min);
  const high = Math.min(maxProtocol, supported.max);
  if (Number.isInteger(low) && Number.isInteger(high) && low <= high) return { ok: true, protocol: high };
  return {
    ok: false,
    message: 'protocol mismatch',
    details: {
      expectedProtocol: maxProtocol < supported.min ? supported.min : supported.max,
      supportedProtocols: { min: supported.min, max: supported.max },
    },
  };
}

/** The two connection roles: operators (UIs, CLIs) and nodes (devices offering commands). */
export const ROLES = Object.freeze({ OPERATOR: 'operator', NODE: 'node' } as const);
/** One of {@link ROLES}. */
export type GatewayRole = (typeof ROLES)[keyof typeof ROLES];

/** Result of {@link resolveRole}. */
export type RoleResolution = { ok: true; role: GatewayRole } | { ok: false; message: 'invalid role' };

/** `operator` when absent, `operator` or `node` as given, anything else "invalid role" (close 1008). */
export function resolveRole(role: string | undefined): RoleResolution {
  if (role === undefined || role === ROLES.OPERATOR) return { ok: true, role: ROLES.OPERATOR };
  if (role === ROLES.NODE) return { ok: true, role: ROLES.NODE };
  return { ok: false, message: 'invalid role' };
}

/**
 * The scopes a connection asks for, trimmed and de-duplicated. When the client names none
 * (absent or `[]`), the original's default applies: operators get `["operator.admin"]`,
 * nodes nothing.
 *
 * These are a *request*. The auth step decides what is granted: a shared-secret owner may
 * get all of it, a device token only what that device was approved for (more triggers
 * pairing). The default keeps old clients working (they omit scopes and expect admin) but it
 * is never a grant by itself.
 */
export function resolveRequestedScopes(role: GatewayRole, scopes: readonly string[] | undefined): string[] {
  if (scopes === undefined || scopes.length === 0) return role === ROLES.OPERATOR ? [SCOPES.ADMIN] : [];
  const wanted = new Set<string>();
  for (const scope of scopes) {
    const trimmed = scope.trim();
    if (trimmed !== '') wanted.add(trimmed);
  }
  return [...wanted];
}

/** What the protocol part of a handshake settles. */
export interface ConnectNegotiation {
  protocol: number;
  role: GatewayRole;
  /** Effective requested scopes (after the default); subject to auth. */
  scopes: string[];
  /** The scopes exactly as sent, which is what a device signature covers. */
  signedScopes: string[];
}

/** A refused handshake: what to answer and how to close. */
export interface ConnectRefusal {
  code: ErrorCode;
  message: string;
  details?: ProtocolMismatchDetails;
  closeCode: number;
}

/**
 * The protocol checks of `connect`, in the original's order: version (mismatch → close 1002),
 * then role (→ close 1008), then scope defaults. Origin, auth, device identity and pairing
 * come after this and live elsewhere.
 */
export function negotiateConnect(params: ConnectParams): { ok: true; value: ConnectNegotiation } | { ok: false; refusal: ConnectRefusal } {
  const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol);
  if (!protocol.ok) {
    return {
      ok: false,
      refusal: { code: ERROR_CODES.INVALID_REQUEST, message: protocol.message, details: protocol.details, closeCode: CLOSE_CODES.PROTOCOL_MISMATCH },
    };
  }
  const role = resolveRole(params.role);
  if (!role.ok) return { ok: false, refusal: { code: ERROR_CODES.INVALID_REQUEST, message: role.message, closeCode: CLOSE_CODES.POLICY } };
  return {
    ok: true,
    value: {
      protocol: protocol.protocol,
      role: role.role,
      scopes: resolveRequestedScopes(role.role, params.scopes),
      signedScopes: [...(params.scopes ?? [])],
    },
  };
}
