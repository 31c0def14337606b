import { z } from 'zod';
import { nonEmptyString, positiveInt } from './common.ts';

/** The port the gateway listens on for WebSocket and HTTP unless `gateway.port` says otherwise. */
export const DEFAULT_GATEWAY_PORT = 18789;

/** Where the gateway binds. Only `loopback` may run without a shared secret (see §2.2). */
export const gatewayBindSchema = z
  .enum(['loopback', 'lan', 'tailnet', 'auto', 'custom'])
  .describe(
    'Interface to listen on: "loopback" (127.0.0.1, the safe default), "lan" (0.0.0.0), ' +
      '"tailnet" (the host\'s Tailscale IP), "auto" (loopback if bindable, else 0.0.0.0), ' +
      '"custom" (gateway.customBindHost). Every bind except loopback requires gateway.auth.token or password.',
  );

/**
 * Brute-force protection for the shared-secret check of `connect`. Loopback clients count too:
 * an SSH-tunnelled or locally proxied attacker arrives from loopback.
 */
const rateLimitSchema = z.strictObject({
  /** Failed attempts allowed per client IP inside `windowMs` before it is locked out. */
  maxAttempts: positiveInt().default(10).describe('Failed auth attempts allowed per client IP within windowMs.'),
  /** Length of the sliding window that counts failures. */
  windowMs: positiveInt().default(60_000).describe('Sliding window for counting failed attempts, in milliseconds.'),
  /** How long a client that hit `maxAttempts` is refused. */
  lockoutMs: positiveInt().default(300_000).describe('How long a client is locked out after too many failures, in milliseconds.'),
});

const gatewayAuthSchema = z.strictObject({
  /**
   * No default on purpose: at runtime an unset mode means "password if a password is
   * configured, else token" (§2.3), which a schema default would hide.
   */
  mode: z
    .enum(['token', 'password'])
    .optional()
    .describe('Shared-secret kind clients must present. Unset: "password" when a password is configured, else "token".'),
  /** Shared token; `OPENCLAW_GATEWAY_TOKEN` is used when unset. */
  token: nonEmptyString().optional().describe('Shared token clients send in connect.auth.token (env OPENCLAW_GATEWAY_TOKEN when unset).'),
  /** Shared password; `OPENCLAW_GATEWAY_PASSWORD` is used when unset. */
  password: nonEmptyString().optional().describe('Shared password (env OPENCLAW_GATEWAY_PASSWORD when unset).'),
  /** Accept a verified Tailscale Serve identity instead of the token or password. */
  allowTailscale: z
    .boolean()
    .default(false)
    .describe('Accept requests that carry a verified Tailscale Serve identity without a token or password.'),
  rateLimit: rateLimitSchema.prefault({}).describe('Lockout after repeated failed auth attempts.'),
});

const gatewayTailscaleSchema = z.strictObject({
  /** `serve` publishes the gateway on the tailnet over HTTPS; `funnel` publishes it to the internet. */
  mode: z
    .enum(['off', 'serve', 'funnel'])
    .default('off')
    .describe('"serve": HTTPS on your tailnet via `tailscale serve`; "funnel": public internet (requires password auth); "off".'),
  /** Undo the serve/funnel configuration when the gateway stops. */
  resetOnExit: z.boolean().default(false).describe('Reset tailscale serve/funnel when the gateway exits.'),
});

const controlUiSchema = z.strictObject({
  /** Serve the browser dashboard on the gateway port. */
  enabled: z.boolean().default(true).describe('Serve the Control UI (dashboard) over HTTP on the gateway port.'),
  /** URL prefix of the dashboard, for reverse proxies that mount it under a sub-path. */
  basePath: z
    .string()
    .regex(/^\//, 'basePath must start with "/"')
    .default('/')
    .describe('URL path the Control UI is served under, e.g. "/" or "/openclaw".'),
  /** Browser origins allowed to open a Control UI WebSocket besides the gateway's own. */
  allowedOrigins: z
    .array(nonEmptyString())
    .optional()
    .describe('Extra browser origins (e.g. "https://gw.example.ts.net") allowed to connect to the Control UI.'),
});

const gatewayRemoteSchema = z.strictObject({
  /** The gateway the CLI talks to in `remote` mode. */
  url: z
    .url({ protocol: /^wss?$/, error: 'remote.url must be a ws:// or wss:// URL' })
    .optional()
    .describe('WebSocket URL of the remote gateway, e.g. "wss://gw.example.ts.net".'),
  token: nonEmptyString().optional().describe('Token to present to the remote gateway.'),
  password: nonEmptyString().optional().describe('Password to present to the remote gateway.'),
});

/** `gateway`: how the gateway listens, who may connect, and where the CLI finds it. */
export const gatewaySchema = z.strictObject({
  /** TCP port for WebSocket and HTTP; `OPENCLAW_GATEWAY_PORT` overrides it. */
  port: z
    .int()
    .min(1)
    .max(65_535)
    .default(DEFAULT_GATEWAY_PORT)
    .describe('TCP port for the WebSocket control plane and the dashboard (env OPENCLAW_GATEWAY_PORT wins).'),
  /** `local` runs a gateway on this host; `remote` makes the CLI talk to `gateway.remote`. */
  mode: z
    .enum(['local', 'remote'])
    .default('local')
    .describe('"local": run the gateway on this machine; "remote": the CLI connects to gateway.remote.url.'),
  bind: gatewayBindSchema.default('loopback'),
  /**
   * Host for `bind: "custom"`. Validated here because at runtime an address that is not
   * IPv4 silently falls back to 0.0.0.0, i.e. every interface.
   */
  customBindHost: z
    .union([z.ipv4(), z.ipv6()], { error: 'customBindHost must be an IP address such as "192.168.1.10" or "fd00::10"' })
    .optional()
    .describe('IP address (IPv4 or IPv6) to listen on when bind is "custom".'),
  auth: gatewayAuthSchema.prefault({}).describe('How clients authenticate to the gateway.'),
  tailscale: gatewayTailscaleSchema.prefault({}).describe('Expose the gateway through Tailscale Serve or Funnel.'),
  controlUi: controlUiSchema.prefault({}).describe('The browser dashboard.'),
  /** Proxies whose X-Forwarded-For is believed; anyone else's forwarding headers are ignored. */
  trustedProxies: z
    .array(nonEmptyString())
    .optional()
    .describe('IP addresses of reverse proxies whose X-Forwarded-For / X-Real-IP headers are trusted.'),
  remote: gatewayRemoteSchema.optional().describe('Connection settings used when gateway.mode is "remote".'),
});
