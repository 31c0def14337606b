import type { BindMode } from './bind.ts';
import { isLoopbackHost } from './bind.ts';
import { GatewayConfigError } from './errors.ts';

/** The two shared-secret kinds (§2.3). There is no "none" mode: see {@link assertStartable}. */
export type GatewayAuthMode = 'token' | 'password';

/** `gateway.tailscale.mode`. */
export type TailscaleMode = 'off' | 'serve' | 'funnel';

/** Environment variables as a plain record (`process.env` fits). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What {@link resolveGatewayAuth} reads from `gateway` (a parsed `OpenClawConfig['gateway']` fits). */
export interface GatewayAuthSource {
  auth?: {
    mode?: GatewayAuthMode | undefined;
    token?: string | undefined;
    password?: string | undefined;
    allowTailscale?: boolean | undefined;
  };
  tailscale?: { mode?: TailscaleMode | undefined };
}

/** `openclaw gateway run --token/--password/--auth`. */
export interface AuthFlags {
  token?: string | undefined;
  password?: string | undefined;
  auth?: GatewayAuthMode | undefined;
}

/** The auth the gateway enforces. Holds secrets: never log it. */
export interface ResolvedGatewayAuth {
  mode: GatewayAuthMode;
  token?: string;
  password?: string;
  /** Accept a verified Tailscale Serve identity instead of the secret. */
  allowTailscale: boolean;
  /** Where `mode` came from; "default" means nobody chose it. */
  modeSource: 'flag' | 'config' | 'default';
}

/** A usable secret: whitespace-only values count as unset (e.g. `OPENCLAW_GATEWAY_TOKEN=" "`). */
function secret(...candidates: (string | undefined)[]): string | undefined {
  return candidates.find((value) => value !== undefined && value.trim() !== '');
}

/**
 * Resolves the enforced auth (§2.3): CLI flags, then `gateway.auth`, then the environment
 * (`OPENCLAW_GATEWAY_TOKEN` / `_PASSWORD`, then the legacy `CLAWDBOT_` names). The mode
 * defaults to password when a password exists, else token. `allowTailscale` defaults to
 * true only for Tailscale Serve with token auth (the parsed config has an explicit false
 * default, so in practice it is opt-in).
 */
export function resolveGatewayAuth(gateway: GatewayAuthSource, options: { env: Env; flags?: AuthFlags }): ResolvedGatewayAuth {
  const { env, flags = {} } = options;
  const config = gateway.auth ?? {};
  const token = secret(flags.token, config.token, env['OPENCLAW_GATEWAY_TOKEN'], env['CLAWDBOT_GATEWAY_TOKEN']);
  const password = secret(flags.password, config.password, env['OPENCLAW_GATEWAY_PASSWORD'], env['CLAWDBOT_GATEWAY_PASSWORD']);
  const mode: GatewayAuthMode = flags.auth ?? config.mode ?? (password ? 'password' : 'token');
  const modeSource = flags.auth ? 'flag' : config.mode ? 'config' : 'default';
  const allowTailscale = config.allowTailscale ?? (gateway.tailscale?.mode === 'serve' && mode !== 'password');
  return { mode, ...(token ? { token } : {}), ...(password ? { password } : {}), allowTailscale, modeSource };
}

/** The secret of the active mode, if configured. */
export function activeSecret(auth: ResolvedGatewayAuth): string | undefined {
  return auth.mode === 'token' ? auth.token : auth.password;
}

/**
 * Whether nobody configured any auth: no secret anywhere and the mode left at its
 * default. Only then may local-direct clients connect without a secret (method "none").
 */
export function isAuthUnconfigured(auth: ResolvedGatewayAuth): boolean {
  return auth.modeSource === 'default' && !auth.token && !auth.password;
}

/** Input of {@link assertStartable}. */
export interface StartupCheck {
  /** From {@link resolveBindHosts}. */
  bindHosts: readonly string[];
  /** `gateway.bind`, used in messages. */
  bindMode: BindMode;
  auth: ResolvedGatewayAuth;
  tailscaleMode: TailscaleMode;
}

/** What {@link assertStartable} found acceptable but worth telling the operator. */
export interface StartupAssessment {
  /** True when clients will be admitted without a secret (loopback only). */
  unauthenticated: boolean;
  /** Operator-facing warnings for the CLI to print. */
  warnings: string[];
}

const GENERATE_TOKEN = 'openclaw config set gateway.auth.token "$(openssl rand -hex 32)"';

/**
 * Refuses configurations the gateway must not start with (§2.2, in the original's order),
 * throwing {@link GatewayConfigError}:
 * 1. `AUTH_TOKEN_MISSING`: token mode chosen explicitly (flag or config) without a token,
 *    unless Tailscale identity is allowed instead.
 * 2. `AUTH_PASSWORD_MISSING`: password mode without a password.
 * 3. `FUNNEL_REQUIRES_PASSWORD`: Funnel is the public internet.
 * 4. `TAILSCALE_REQUIRES_LOOPBACK`: Serve/Funnel proxy to loopback themselves.
 * 5. `BIND_REFUSED_NO_AUTH`: any non-loopback listen host without the active secret.
 *
 * Loopback with no secret at all (mode left at its default) is allowed, as the
 * requirements say ("auth recommended, not forced"); the result says so and carries a
 * warning for the CLI to print, because every local user and every SSH tunnel to this
 * host can then drive the gateway.
 */
export function assertStartable(check: StartupCheck): StartupAssessment {
  const { auth, bindMode, tailscaleMode } = check;
  if (auth.mode === 'token' && !auth.token && auth.modeSource !== 'default' && !auth.allowTailscale) {
    throw new GatewayConfigError('AUTH_TOKEN_MISSING', 'Gateway auth is set to token, but no token is configured.', {
      hint: `set gateway.auth.token (or OPENCLAW_GATEWAY_TOKEN), or pass --token; to generate one: ${GENERATE_TOKEN}`,
    });
  }
  if (auth.mode === 'password' && !auth.password) {
    throw new GatewayConfigError('AUTH_PASSWORD_MISSING', 'Gateway auth is set to password, but no password is configured.', {
      hint: 'set gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD), or pass --password',
    });
  }
  if (tailscaleMode === 'funnel' && auth.mode !== 'password') {
    throw new GatewayConfigError('FUNNEL_REQUIRES_PASSWORD', 'tailscale funnel requires gateway auth mode=password (funnel publishes the gateway to the internet)', {
      hint: 'set gateway.auth.mode password and gateway.auth.password (or OPENCLAW_GATEWAY_PASSWORD); or use gateway.tailscale.mode serve to stay on your tailnet',
    });
  }
  const exposed = check.bindHosts.length === 0 || check.bindHosts.some((host) => !isLoopbackHost(host));
  if (tailscaleMode !== 'off' && exposed) {
    throw new GatewayConfigError('TAILSCALE_REQUIRES_LOOPBACK', `tailscale ${tailscaleMode} requires gateway.bind loopback (current: ${bindMode})`, {
      hint: `openclaw config set gateway.bind loopback (tailscale ${tailscaleMode} proxies to 127.0.0.1 itself)`,
    });
  }
  const configured = activeSecret(auth) !== undefined;
  if (exposed && !configured) {
    throw new GatewayConfigError('BIND_REFUSED_NO_AUTH', `refusing to bind gateway to ${bindMode} without auth`, {
      hint: `set a token: ${GENERATE_TOKEN} (or OPENCLAW_GATEWAY_TOKEN), or keep the gateway private: openclaw config set gateway.bind loopback`,
    });
  }
  if (configured) return { unauthenticated: false, warnings: [] };
  const unauthenticated = isAuthUnconfigured(auth);
  return {
    unauthenticated,
    warnings: [
      unauthenticated
        ? `gateway auth is not configured: any local user or SSH tunnel to this host can control the gateway; set one with: ${GENERATE_TOKEN}`
        : 'gateway token is not configured: only verified Tailscale identities can connect',
    ],
  };
}
