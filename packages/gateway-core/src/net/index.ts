// Bind resolution, auth, brute-force limiting and HTTP request guards of the gateway.
// Pure or injectable functions only: the server composes them.

export { GatewayBindError, GatewayConfigError, formatHostPort } from './errors.ts';
export type { GatewayConfigErrorCode, GatewayConfigErrorOptions, ListenTarget } from './errors.ts';

export { clientKey, createAddressMatcher, isLoopbackAddress, isTailnetIPv4, normalizeIp, parseHostHeader, parseIp } from './ip.ts';
export type { AddressMatcher, ParsedIp } from './ip.ts';

export { IPV4_ANY, IPV4_LOOPBACK, IPV6_LOOPBACK, canBindHost, defaultBindDeps, isLoopbackHost, resolveBindHosts } from './bind.ts';
export type { BindDeps, BindMode, BindSettings } from './bind.ts';

export { activeSecret, assertStartable, isAuthUnconfigured, resolveGatewayAuth } from './auth-config.ts';
export type {
  AuthFlags,
  Env,
  GatewayAuthMode,
  GatewayAuthSource,
  ResolvedGatewayAuth,
  StartupAssessment,
  StartupCheck,
  TailscaleMode,
} from './auth-config.ts';

export { SHARED_SECRET_SCOPE, authFailureMessage, authorizeConnect, verifySecret } from './auth.ts';
export type { AuthFailureReason, AuthMethod, AuthResult, AuthorizeConnectInput, ConnectClient } from './auth.ts';

export { AuthRateLimiter } from './rate-limit.ts';
export type { RateLimitDeps, RateLimitOptions, RateLimitResult } from './rate-limit.ts';

export { headerValue, isLocalDirect, isLocalHostHeader, isTrustedProxy, resolveClientAddress } from './client-address.ts';
export type { RequestHeaders, RequestInfo } from './client-address.ts';

export {
  TAILSCALE_BINARY,
  createCachedWhois,
  createExecFile,
  tailscaleIPv4,
  tailscaleWhois,
  verifyTailscaleRequest,
} from './tailscale.ts';
export type {
  CachedWhoisOptions,
  ExecFileOptions,
  ExecFn,
  ExecResult,
  TailscaleFailure,
  TailscaleIPv4Options,
  TailscaleIdentity,
  TailscaleVerification,
  TailscaleWhois,
} from './tailscale.ts';

export { createProcPeerCheck, processUids, socketOwnerUid } from './tailscale-peer.ts';
export type { ProcPeerCheckOptions, SocketEnds, TailscalePeerCheck } from './tailscale-peer.ts';

export { DASHBOARD_CSP, allowedHostsFromOrigins, checkHost, checkOrigin, securityHeaders } from './http-guards.ts';
export type { GuardResult, HostCheckOptions } from './http-guards.ts';

export { controlUiLinks, dashboardUrl, redactUrl } from './dashboard-url.ts';
export type { ControlUiLinks, DashboardUrlOptions } from './dashboard-url.ts';
