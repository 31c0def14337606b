/**
 * The OpenClaw gateway WebSocket protocol as pure functions: frame parsing and building,
 * `connect` params, version/role/scope negotiation, Ed25519 device identity, and method and
 * event authorization. No sockets, no state, no clock except where passed in.
 *
 * Compatible with the original's protocol 3 (openclaw 2026.2.x) and 4 (2026.9.x) and with
 * the published clients listed in the reference's "clients in the wild".
 *
 * @packageDocumentation
 */

export {
  CLOSE_CODES,
  CONNECT_CHALLENGE_EVENT,
  DEVICE_SIGNATURE_MAX_SKEW_MS,
  GATEWAY_EVENTS,
  HANDSHAKE_TIMEOUT_MS,
  HEALTH_REFRESH_INTERVAL_MS,
  MAX_BUFFERED_BYTES,
  MAX_PAYLOAD_BYTES,
  SUPPORTED_PROTOCOLS,
  TICK_INTERVAL_MS,
} from './constants.ts';
export type { GatewayEventName } from './constants.ts';

export {
  ErrorShapeSchema,
  EventFrameSchema,
  GatewayFrameSchema,
  RequestFrameSchema,
  ResponseFrameSchema,
  StateVersionSchema,
  errorResponse,
  eventFrame,
  okResponse,
  parseClientFrame,
} from './frames.ts';
export type {
  ClientFrameFailureReason,
  ClientFrameParseResult,
  ErrorShape,
  EventFrame,
  GatewayFrame,
  RequestFrame,
  ResponseFrame,
  StateVersion,
} from './frames.ts';

export { ERROR_CODES, GatewayProtocolError, errorShape, isGatewayProtocolError, rateLimitedError, toErrorShape } from './errors.ts';
export type { ErrorCode, ProtocolErrorOptions } from './errors.ts';

export {
  CAP_TOOL_EVENTS,
  ClientInfoSchema,
  ConnectAuthSchema,
  ConnectParamsSchema,
  DeviceIdentityBlockSchema,
  KNOWN_CLIENT_IDS,
  KNOWN_CLIENT_MODES,
  isBrowserClient,
  isControlUiClient,
  isKnownClientId,
  isKnownClientMode,
  isWebchatClient,
  parseConnectParams,
} from './connect.ts';
export type { ClientInfo, ConnectAuth, ConnectParams, ConnectParamsParseResult, DeviceIdentityBlock, KnownClientId, KnownClientMode } from './connect.ts';

export { ROLES, negotiateConnect, negotiateProtocol, resolveRequestedScopes, resolveRole } from './negotiate.ts';
export type {
  ConnectNegotiation,
  ConnectRefusal,
  GatewayRole,
  ProtocolMismatchDetails,
  ProtocolNegotiation,
  ProtocolRange,
  RoleResolution,
} from './negotiate.ts';

export {
  buildDeviceAuthPayload,
  decodeDevicePublicKey,
  deriveDeviceId,
  deviceIdFromRawPublicKey,
  publicKeyToBase64Url,
  signDeviceAuthPayload,
  verifyDeviceIdentity,
} from './device-identity.ts';
export type { DeviceAuthPayloadInput, DeviceIdentityFailureReason, DeviceIdentityVerification, VerifyDeviceIdentityInput } from './device-identity.ts';

export {
  APPROVAL_METHODS,
  NODE_ROLE_METHODS,
  PAIRING_METHODS,
  READ_METHODS,
  SCOPES,
  WRITE_METHODS,
  authorizeMethod,
  eventAllowed,
  eventRequiredScope,
  requiredPermission,
} from './scopes.ts';
export type { MethodAuthorization, OperatorScope, Principal } from './scopes.ts';
