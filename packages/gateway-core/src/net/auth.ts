import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayAuthMode, ResolvedGatewayAuth } from './auth-config.ts';
import { isAuthUnconfigured } from './auth-config.ts';
import type { RequestInfo } from './client-address.ts';
import { headerValue, isLocalDirect, resolveClientAddress } from './client-address.ts';
import type { AuthRateLimiter } from './rate-limit.ts';
import type { TailscalePeerCheck } from './tailscale-peer.ts';
import type { TailscaleFailure, TailscaleWhois } from './tailscale.ts';
import { verifyTailscaleRequest } from './tailscale.ts';

/**
 * Compares a presented secret with the expected one in constant time. Both are hashed
 * with SHA-256 first, so `timingSafeEqual` always compares 32 bytes and neither the
 * length nor a common prefix of the secret leaks through timing. False when either is
 * missing or empty.
 */
export function verifySecret(presented: string | undefined | null, expected: string | undefined | null): boolean {
  if (typeof presented !== 'string' || typeof expected !== 'string' || presented === '' || expected === '') return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** How a connection was admitted. "none": nobody configured auth and the client is local-direct. */
export type AuthMethod = 'token' | 'password' | 'tailscale' | 'none';

/** Why a connection was refused. */
export type AuthFailureReason =
  | 'token_missing'
  | 'token_mismatch'
  | 'token_missing_config'
  | 'password_missing'
  | 'password_mismatch'
  | 'password_missing_config'
  | 'tailscale_unverified'
  | 'rate_limited';

/** Outcome of {@link authorizeConnect}. `message` is safe to send to the client and to log. */
export type AuthResult =
  | { ok: true; method: AuthMethod; /** Tailscale login, for method "tailscale". */ user?: string }
  | {
      ok: false;
      reason: AuthFailureReason;
      message: string;
      /** For `rate_limited`: send as ErrorShape `retryAfterMs` (with `retryable: true`). */
      retryAfterMs?: number;
      /** For `tailscale_unverified`: which check failed. */
      tailscale?: TailscaleFailure;
    };

/** The connecting client, from `connect.params.client`; only used to pick the hint. */
export interface ConnectClient {
  id?: string | undefined;
  mode?: string | undefined;
}

/** Input of {@link authorizeConnect}. */
export interface AuthorizeConnectInput {
  auth: ResolvedGatewayAuth;
  /** `connect.params.auth`. */
  presented: { token?: string | undefined; password?: string | undefined } | undefined;
  /** The request, with the socket's ports when known (the Tailscale peer check needs them). */
  request: RequestInfo & { remotePort?: number | undefined; localAddress?: string | undefined; localPort?: number | undefined };
  /** `gateway.trustedProxies`. */
  trustedProxies?: readonly string[] | undefined;
  /** Used only when `auth.allowTailscale` (see {@link createCachedWhois}). */
  tailscaleWhois: TailscaleWhois;
  /** Used only when `auth.allowTailscale`: is the loopback peer tailscaled? (see `createProcPeerCheck`). */
  tailscalePeer?: TailscalePeerCheck | undefined;
  client?: ConnectClient | undefined;
  /** When given, refuses locked-out clients and counts mismatches (scope "shared-secret"). */
  rateLimiter?: AuthRateLimiter | undefined;
}

/** The rate-limiter scope shared-secret checks are counted under. */
export const SHARED_SECRET_SCOPE = 'shared-secret';

const UI_CLIENT_IDS = new Set(['openclaw-control-ui', 'webchat-ui', 'webchat']);

/** The fix to suggest, by client kind, as the original does. */
function secretHint(mode: GatewayAuthMode, client: ConnectClient | undefined): string {
  const isCli = client?.id === 'cli' || client?.mode === 'cli';
  const isUi = UI_CLIENT_IDS.has(client?.id ?? '') || client?.mode === 'webchat' || client?.mode === 'ui';
  if (mode === 'token') {
    if (isCli) return 'set gateway.remote.token to match gateway.auth.token';
    return isUi ? 'open a tokenized dashboard URL or paste token in Control UI settings' : 'provide gateway auth token';
  }
  if (isCli) return 'set gateway.remote.password to match gateway.auth.password';
  return isUi ? 'enter the password in Control UI settings' : 'provide gateway auth password';
}

const TAILSCALE_MESSAGES: Record<TailscaleFailure, string> = {
  tailscale_user_missing: 'unauthorized: tailscale identity missing (use Tailscale Serve auth or gateway token/password)',
  tailscale_proxy_missing: 'unauthorized: tailscale proxy headers missing (use Tailscale Serve or gateway token/password)',
  tailscale_proxy_untrusted: 'unauthorized: the local proxy is not tailscaled (Tailscale identity headers from another local process are ignored; use gateway token/password)',
  tailscale_whois_failed: 'unauthorized: tailscale identity could not be verified (tailscale whois knows no user for this address; use gateway token/password)',
  tailscale_user_mismatch: 'unauthorized: tailscale identity mismatch (Tailscale-User-Login differs from tailscale whois; use gateway token/password)',
};

/**
 * The client-facing text for a refusal (the original's wording). Built only from fixed
 * strings: neither the presented nor the expected secret can ever appear in it.
 */
export function authFailureMessage(
  reason: AuthFailureReason,
  options: { mode: GatewayAuthMode; client?: ConnectClient | undefined; tailscale?: TailscaleFailure | undefined; retryAfterMs?: number | undefined },
): string {
  const hint = secretHint(options.mode, options.client);
  switch (reason) {
    case 'token_missing':
      return `unauthorized: gateway token missing (${hint})`;
    case 'token_mismatch':
      return `unauthorized: gateway token mismatch (${hint})`;
    case 'token_missing_config':
      return 'unauthorized: gateway token not configured on gateway (set gateway.auth.token)';
    case 'password_missing':
      return `unauthorized: gateway password missing (${hint})`;
    case 'password_mismatch':
      return `unauthorized: gateway password mismatch (${hint})`;
    case 'password_missing_config':
      return 'unauthorized: gateway password not configured on gateway (set gateway.auth.password)';
    case 'tailscale_unverified':
      return TAILSCALE_MESSAGES[options.tailscale ?? 'tailscale_user_missing'];
    case 'rate_limited':
      return `unauthorized: too many failed authentication attempts (retry in ${Math.ceil((options.retryAfterMs ?? 0) / 1000)}s)`;
  }
}

/**
 * The shared-secret check of `connect` (§1.3 step 7, §2.3), in this order:
 * 1. A locked-out client address is refused (`rate_limited`) before anything else runs.
 * 2. With `allowTailscale`, a client that is not local-direct is admitted on a verified
 *    Tailscale Serve identity (see {@link verifyTailscaleRequest}).
 * 3. If nobody configured auth, local-direct clients are admitted with method "none";
 *    anyone else still needs a secret (a local reverse proxy must not launder remote
 *    clients into local ones).
 * 4. The secret of the active mode, compared with {@link verifySecret}.
 * Mismatches (and forged Tailscale logins) count towards the lockout; a missing secret
 * does not, so a dashboard reconnecting without its token cannot lock its owner out.
 */
export async function authorizeConnect(input: AuthorizeConnectInput): Promise<AuthResult> {
  const { auth, request, trustedProxies, client, rateLimiter } = input;
  const address = resolveClientAddress(request.remoteAddress, request.headers, trustedProxies) ?? 'unknown';
  const fail = (reason: AuthFailureReason, extra: { tailscale?: TailscaleFailure; retryAfterMs?: number } = {}): AuthResult => {
    const counted = reason === 'token_mismatch' || reason === 'password_mismatch' || extra.tailscale === 'tailscale_user_mismatch';
    if (counted) rateLimiter?.recordFailure(address, SHARED_SECRET_SCOPE);
    const message = authFailureMessage(reason, { mode: auth.mode, client, ...extra });
    return { ok: false, reason, message, ...extra };
  };
  const succeed = (method: AuthMethod, user?: string): AuthResult => {
    rateLimiter?.recordSuccess(address, SHARED_SECRET_SCOPE);
    return user === undefined ? { ok: true, method } : { ok: true, method, user };
  };

  const limit = rateLimiter?.check(address, SHARED_SECRET_SCOPE);
  if (limit && !limit.allowed) return fail('rate_limited', { retryAfterMs: limit.retryAfterMs });

  const localDirect = isLocalDirect(request, trustedProxies);
  let tailscale: TailscaleFailure | undefined;
  if (auth.allowTailscale && !localDirect) {
    const verified = await verifyTailscaleRequest(request, input.tailscaleWhois, input.tailscalePeer);
    if (verified.ok) return succeed('tailscale', verified.user.login);
    tailscale = verified.reason;
  }
  if (isAuthUnconfigured(auth) && localDirect) return succeed('none');

  const token = auth.mode === 'token';
  const expected = token ? auth.token : auth.password;
  const presented = token ? input.presented?.token : input.presented?.password;
  const hasPresented = typeof presented === 'string' && presented !== '';
  // Report the Tailscale failure when that is what the client relied on: it sent a
  // Tailscale login, or there is no secret it could have sent instead.
  const triedTailscale = headerValue(request.headers, 'tailscale-user-login') !== undefined;
  if (tailscale && !hasPresented && (triedTailscale || !expected)) return fail('tailscale_unverified', { tailscale });
  if (!expected) return fail(token ? 'token_missing_config' : 'password_missing_config');
  if (!hasPresented) return fail(token ? 'token_missing' : 'password_missing');
  if (!verifySecret(presented, expected)) return fail(token ? 'token_mismatch' : 'password_mismatch');
  return succeed(token ? 'token' : 'password');
}
