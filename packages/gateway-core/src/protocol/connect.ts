import * as v from '../validation/shape.ts';
import type { Infer } from '../validation/shape.ts';
import { formatIssues } from './format.ts';

/**
 * Client ids the original knows (`GATEWAY_CLIENT_IDS`, `src/utils/message-channel.ts`).
 * The original rejects any other id; we accept any non-empty string (see
 * {@link ConnectParamsSchema}) and use this list only for id-specific behaviour.
 */
export const KNOWN_CLIENT_IDS = Object.freeze([
  'webchat-ui',
  'openclaw-control-ui',
  'webchat',
  'cli',
  'gateway-client',
  'openclaw-macos',
  'openclaw-ios',
  'openclaw-android',
  'node-host',
  'test',
  'fingerprint',
  'openclaw-probe',
] as const);

/** Client modes the original knows (`GATEWAY_CLIENT_MODES`). Other modes are accepted too. */
export const KNOWN_CLIENT_MODES = Object.freeze(['webchat', 'cli', 'ui', 'backend', 'node', 'probe', 'test'] as const);

/** One of {@link KNOWN_CLIENT_IDS}. */
export type KnownClientId = (typeof KNOWN_CLIENT_IDS)[number];
/** One of {@link KNOWN_CLIENT_MODES}. */
export type KnownClientMode = (typeof KNOWN_CLIENT_MODES)[number];

/** Client capability meaning "send me `agent` tool events". */
export const CAP_TOOL_EVENTS = 'tool-events';

const nonEmptyString = v.string({ min: 1 });
const optionalString = v.optional(v.string());

/**
 * Who is connecting. `id` and `mode` take any non-empty string: the original's enums would
 * lock out every client released after us, and nothing security-relevant may hinge on a
 * self-reported id anyway. `version` and `platform` are required by the original but
 * optional here, because openclaw-node 0.14.0 sends no `platform`.
 */
export const ClientInfoSchema = v.object({
  id: nonEmptyString,
  displayName: optionalString,
  version: optionalString,
  platform: optionalString,
  deviceFamily: optionalString,
  modelIdentifier: optionalString,
  mode: nonEmptyString,
  instanceId: optionalString,
});
/** Who is connecting. */
export type ClientInfo = Infer<typeof ClientInfoSchema>;

/** The Ed25519 device identity block; verified by `verifyDeviceIdentity`. */
export const DeviceIdentityBlockSchema = v.object({
  /** sha256 hex of the raw 32-byte public key. */
  id: nonEmptyString,
  /** base64url of the raw 32-byte public key (PEM is tolerated, as the original does). */
  publicKey: nonEmptyString,
  /** base64url Ed25519 signature over the device-auth payload. */
  signature: nonEmptyString,
  /** Milliseconds since the epoch at signing time. */
  signedAt: v.int({ min: 0 }),
  /** The `connect.challenge` nonce; absent in legacy v1 signatures. */
  nonce: optionalString,
});
/** The Ed25519 device identity block. */
export type DeviceIdentityBlock = Infer<typeof DeviceIdentityBlockSchema>;

/** Shared-secret or device-token credentials. */
export const ConnectAuthSchema = v.object({ token: optionalString, password: optionalString });
/** Shared-secret or device-token credentials. */
export type ConnectAuth = Infer<typeof ConnectAuthSchema>;

/**
 * Params of the `connect` request. Accepts every field the published clients send
 * (clients-in-the-wild: CLI 2026.9.6, CLI 2026.2.3, openclaw-node 0.14.0) and type-checks
 * them; unknown extra fields, at any level, are dropped rather than refused, so newer
 * clients are not cut off. `role` is any string here and checked by `resolveRole`, so that a
 * bad role gets the original's "invalid role" answer rather than a schema error.
 */
export const ConnectParamsSchema = v.object({
  minProtocol: v.int({ min: 1 }),
  maxProtocol: v.int({ min: 1 }),
  client: ClientInfoSchema,
  caps: v.optional(v.array(v.string())),
  commands: v.optional(v.array(v.string())),
  permissions: v.optional(v.record(v.boolean())),
  pathEnv: optionalString,
  role: optionalString,
  scopes: v.optional(v.array(v.string())),
  device: v.optional(DeviceIdentityBlockSchema),
  auth: v.optional(ConnectAuthSchema),
  locale: optionalString,
  userAgent: optionalString,
});
/** Params of the `connect` request. */
export type ConnectParams = Infer<typeof ConnectParamsSchema>;

/** Result of {@link parseConnectParams}. `message` is ready to send as the error text. */
export type ConnectParamsParseResult = { ok: true; params: ConnectParams } | { ok: false; message: string };

/**
 * Validates `connect` params. On failure the message reads
 * "invalid connect params: at /client/id: expected a non-empty string; …", the original's
 * prefix followed by every problem (up to five), each with its location.
 */
export function parseConnectParams(params: unknown): ConnectParamsParseResult {
  const parsed = v.parse(ConnectParamsSchema, params);
  if (parsed.ok) return { ok: true, params: parsed.value };
  return { ok: false, message: `invalid connect params: ${formatIssues(parsed.issues)}` };
}

/** True when `id` is one of the original's client ids. */
export function isKnownClientId(id: string): id is KnownClientId {
  return (KNOWN_CLIENT_IDS as readonly string[]).includes(id);
}

/** True when `mode` is one of the original's client modes. */
export function isKnownClientMode(mode: string): mode is KnownClientMode {
  return (KNOWN_CLIENT_MODES as readonly string[]).includes(mode);
}

function normalized(value: string | undefined): string {
  return value?.trim().toLowerCase() ?? '';
}

/** The browser Control UI (the original's check: client id `openclaw-control-ui`). */
export function isControlUiClient(client: Pick<ClientInfo, 'id'>): boolean {
  return normalized(client.id) === 'openclaw-control-ui';
}

/** A webchat client: mode `webchat` or client id `webchat-ui` (the original's `isWebchatClient`). */
export function isWebchatClient(client: Pick<ClientInfo, 'id' | 'mode'>): boolean {
  return normalized(client.mode) === 'webchat' || normalized(client.id) === 'webchat-ui';
}

/**
 * Whether the original would apply its browser origin check to this client (Control UI or
 * webchat). Because ids are self-reported and we accept any id, a browser page can dodge an
 * id-based check by claiming `cli`; the connection layer should therefore also check the
 * origin of every upgrade that carries an `Origin` header, which browsers cannot omit.
 */
export function isBrowserClient(client: Pick<ClientInfo, 'id' | 'mode'>): boolean {
  return isControlUiClient(client) || isWebchatClient(client);
}
