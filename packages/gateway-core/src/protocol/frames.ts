import { z } from 'zod';
import { describeValue, formatIssues } from './format.ts';

/*
 * Frame envelopes of the gateway protocol (`src/gateway/protocol/schema/frames.ts` in the
 * original). The original declares every object `additionalProperties:false`. We parse
 * envelopes leniently instead: unknown top-level keys are dropped, not refused. No published
 * client sends extra keys, so strictness buys no compatibility, while a future client adding
 * e.g. a trace id would otherwise be cut off with "invalid request frame". Known keys are
 * still fully type-checked.
 */

const NonEmptyString = z.string().min(1);

/** A client → server call. `id` is echoed in the response; `params` is method-specific. */
export const RequestFrameSchema = z.object({
  type: z.literal('req'),
  id: NonEmptyString,
  method: NonEmptyString,
  params: z.unknown().optional(),
});
/** A client → server call. */
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

/** The error object of a failed response. `code` is one of `ERROR_CODES` on our side. */
export const ErrorShapeSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  retryable: z.boolean().optional(),
  retryAfterMs: z.int().nonnegative().optional(),
});
/** The error object of a failed response. */
export type ErrorShape = z.infer<typeof ErrorShapeSchema>;

/** A server → client answer to a request with the same `id`. */
export const ResponseFrameSchema = z.object({
  type: z.literal('res'),
  id: NonEmptyString,
  ok: z.boolean(),
  payload: z.unknown().optional(),
  error: ErrorShapeSchema.optional(),
});
/** A server → client answer. */
export type ResponseFrame = z.infer<typeof ResponseFrameSchema>;

/** Versions of the presence and health snapshots, so clients can drop stale updates. */
export const StateVersionSchema = z.object({ presence: z.int().nonnegative(), health: z.int().nonnegative() });
/** Versions of the presence and health snapshots. */
export type StateVersion = z.infer<typeof StateVersionSchema>;

/**
 * A server → client push. Broadcast events carry a global, increasing `seq` (clients detect
 * gaps with it); events targeted at one connection carry none.
 */
export const EventFrameSchema = z.object({
  type: z.literal('event'),
  event: NonEmptyString,
  payload: z.unknown().optional(),
  seq: z.int().nonnegative().optional(),
  stateVersion: StateVersionSchema.optional(),
});
/** A server → client push. */
export type EventFrame = z.infer<typeof EventFrameSchema>;

/** Any frame, discriminated by `type` (for clients and tests reading server output). */
export const GatewayFrameSchema = z.discriminatedUnion('type', [RequestFrameSchema, ResponseFrameSchema, EventFrameSchema]);
/** Any frame. */
export type GatewayFrame = z.infer<typeof GatewayFrameSchema>;

/** Why a client message was not a usable request. */
export type ClientFrameFailureReason = 'not-json' | 'not-a-frame' | 'invalid-request';

/**
 * Result of {@link parseClientFrame}.
 * - `not-json`: the text is not JSON.
 * - `not-a-frame`: JSON, but not an object with `type:"req"` (clients only ever send requests).
 * - `invalid-request`: `type:"req"` with a bad `id`/`method`/`params`.
 *
 * `id` is set whenever the message was an object with a string `id`, so that after the
 * handshake the server can answer `INVALID_REQUEST` "invalid request frame: <message>" to it
 * (the original answers with id "invalid" when there is none). During the handshake the
 * original closes 1008 without answering anything that is not a valid request.
 */
export type ClientFrameParseResult =
  | { ok: true; frame: RequestFrame }
  | { ok: false; reason: ClientFrameFailureReason; id?: string; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one WebSocket text message from a client into a request frame. Never throws. */
export function parseClientFrame(text: string): ClientFrameParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not-json', message: 'frame is not valid JSON' };
  }
  if (!isRecord(value)) {
    return { ok: false, reason: 'not-a-frame', message: `expected a JSON object, got ${describeValue(value)}` };
  }
  const id = typeof value.id === 'string' ? value.id : undefined;
  const withId = id === undefined ? {} : { id };
  if (value.type !== 'req') {
    const message =
      value.type === undefined ? 'frame has no type (clients send type "req")' : `unexpected frame type: ${describeValue(value.type)} (clients send "req")`;
    return { ok: false, reason: 'not-a-frame', ...withId, message };
  }
  const parsed = RequestFrameSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, reason: 'invalid-request', ...withId, message: formatIssues(parsed.error.issues) };
  }
  return { ok: true, frame: parsed.data };
}

/** A successful response frame. `payload` is left out when undefined, as JSON would anyway. */
export function okResponse(id: string, payload?: unknown): ResponseFrame {
  return payload === undefined ? { type: 'res', id, ok: true } : { type: 'res', id, ok: true, payload };
}

/** A failed response frame. */
export function errorResponse(id: string, error: ErrorShape): ResponseFrame {
  return { type: 'res', id, ok: false, error };
}

/**
 * An event frame. Pass `seq` only for broadcasts; `stateVersion` accompanies `presence` and
 * `health` events.
 */
export function eventFrame(event: string, payload?: unknown, seq?: number, stateVersion?: StateVersion): EventFrame {
  const frame: EventFrame = { type: 'event', event };
  if (payload !== undefined) frame.payload = payload;
  if (seq !== undefined) frame.seq = seq;
  if (stateVersion !== undefined) frame.stateVersion = stateVersion;
  return frame;
}
