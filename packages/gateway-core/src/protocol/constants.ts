/**
 * Wire constants of the OpenClaw gateway protocol. Values match openclaw 2026.2.3
 * (`src/gateway/server-constants.ts`) so `hello-ok.policy` reads the same to existing clients.
 */

/** Largest WebSocket message the server accepts (ws `maxPayload`): 512 KiB. */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * Per-connection send-buffer limit (1.5 MiB). Above it, `dropIfSlow` events are skipped and
 * anything else closes the socket with {@link CLOSE_CODES.POLICY} "slow consumer".
 */
export const MAX_BUFFERED_BYTES = 1.5 * 1024 * 1024;

/** Interval of the `tick` keep-alive event. Clients close with 4000 after 2× this without one. */
export const TICK_INTERVAL_MS = 30_000;

/** Time a socket has to complete `connect` after opening; then it is closed without a reply. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** How often the server refreshes and broadcasts the `health` snapshot. */
export const HEALTH_REFRESH_INTERVAL_MS = 60_000;

/** Largest allowed distance between a device signature's `signedAt` and the server clock. */
export const DEVICE_SIGNATURE_MAX_SKEW_MS = 10 * 60_000;

/**
 * Protocol versions this gateway speaks. The original speaks exactly 3 (2026.2.x) or 4
 * (2026.9.x); published clients offer 3–3 or 4–4, so accepting both serves all of them.
 */
export const SUPPORTED_PROTOCOLS = Object.freeze({ min: 3, max: 4 } as const);

/** WebSocket close codes the gateway uses. */
export const CLOSE_CODES = Object.freeze({
  /** Handshake, auth, pairing and slow-consumer failures. */
  POLICY: 1008,
  /** The client's protocol range does not meet {@link SUPPORTED_PROTOCOLS}. */
  PROTOCOL_MISMATCH: 1002,
  /** Gateway stopping or restarting (sent after the `shutdown` event). */
  SERVICE_RESTART: 1012,
  /** Used by clients, not the server: no `tick` within 2× the tick interval. */
  TICK_TIMEOUT: 4000,
} as const);

/** Name of the event the server sends first on every socket, carrying the signing nonce. */
export const CONNECT_CHALLENGE_EVENT = 'connect.challenge';

/**
 * Events advertised in `hello-ok.features.events`, in the original's order
 * (`GATEWAY_EVENTS`, `src/gateway/server-methods-list.ts`, 2026.2.3).
 */
export const GATEWAY_EVENTS = Object.freeze([
  CONNECT_CHALLENGE_EVENT,
  'agent',
  'chat',
  'presence',
  'tick',
  'talk.mode',
  'shutdown',
  'health',
  'heartbeat',
  'cron',
  'node.pair.requested',
  'node.pair.resolved',
  'node.invoke.request',
  'device.pair.requested',
  'device.pair.resolved',
  'voicewake.changed',
  'exec.approval.requested',
  'exec.approval.resolved',
] as const);

/** One of the {@link GATEWAY_EVENTS}. */
export type GatewayEventName = (typeof GATEWAY_EVENTS)[number];
