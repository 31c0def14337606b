import * as v from '../validation/shape.ts';
import type { Infer, ShapeIssue } from '../validation/shape.ts';
import type { StandardSchemaV1 } from '../validation/standard-schema.ts';
import { formatIssues } from './format.ts';

/*
 * Frame envelopes of the gateway protocol (`src/gateway/protocol/schema/frames.ts` in the
 * original). The original declares every object `additionalProperties:false`. We parse
 * envelopes leniently instead: unknown top-level keys are dropped, not refused. No published
 * client sends extra keys, so strictness buys no compatibility, while a future client adding
 * e.g. a trace id would otherwise be cut off with "invalid request frame". Known keys are
 * still fully type-checked.
 */

const nonEmptyString = v.string({ min: 1 });

/** A client → server call. `id` is echoed in the response; `params` is method-specific. */
export const RequestFrameSchema = v.object({
  type: v.literal('req'),
  id: nonEmptyString,
  method: nonEmptyString,
  params: v.optional(v.unknown()),
});
/** A client → server call. */
export type RequestFrame = Infer<typeof RequestFrameSchema>;

/** The error object of a failed response. `code` is one of `ERROR_CODES` on our side. */
export const ErrorShapeSchema = v.object({
  code: v.string(),
  message: v.string(),
  details: v.optional(v.unknown()),
  retryable: v.optional(v.boolean()),
  retryAfterMs: v.optional(v.int({ min: 0 })),
});
/** The error object of a failed response. */
export type ErrorShape = Infer<typeof ErrorShapeSchema>;

/** A server → client answer to a request with the same `id`. */
export const ResponseFrameSchema = v.object({
  type: v.literal('res'),
  id: nonEmptyString,
  ok: v.boolean(),
  payload: v.optional(v.unknown()),
  error: v.optional(ErrorShapeSchema),
});
/** A server → client answer. */
export type ResponseFrame = Infer<typeof ResponseFrameSchema>;

/** Versions of the presence and health snapshots, so clients can drop stale updates. */
export const StateVersionSchema = v.object({ presence: v.int({ min: 0 }), health: v.int({ min: 0 }) });
/** Versions of the presence and health snapshots. */
export type StateVersion = Infer<typeof StateVersionSchema>;

/**
 * A server → client push. Broadcast events carry a global, increasing `seq` (clients detect
 * gaps with it); events targeted at one connection carry none.
 */
export const EventFrameSchema = v.object({
  type: v.literal('event'),
  event: nonEmptyString,
  payload: v.optional(v.unknown()),
  seq: v.optional(v.int({ min: 0 })),
  stateVersion: v.optional(StateVersionSchema),
});
/** A server → client push. */
export type EventFrame = Infer<typeof EventFrameSchema>;

/** Any frame. */
export type GatewayFrame = RequestFrame | ResponseFrame | EventFrame;

const FRAMES_BY_TYPE: Readonly<Record<string, StandardSchemaV1<unknown, GatewayFrame>>> = { req: RequestFrameSchema, res: ResponseFrameSchema, event: EventFrameSchema };

/** Any frame, by its `type` (for clients and tests reading server output). A Standard Schema. */
export const GatewayFrameSchema: StandardSchemaV1<unknown, GatewayFrame> = {
  '~standard': {
    version: 1,
    vendor: 'openclaw',
    validate: (value) => {
      const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
      const schema = typeof type === 'string' && Object.hasOwn(FRAMES_BY_TYPE, type) ? FRAMES_BY_TYPE[type] : undefined;
      if (schema) return schema['~standard'].validate(value);
      const issue: ShapeIssue = { code: 'invalid_value', path: ['type'], message: `expected "req", "res" or "event", got ${v.describeValue(type)}` };
      return { issues: [issue] };
    },
  },
};

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
    return { ok: false, reason: 'not-a-frame', message: `expected a JSON object, got ${v.describeValue(value)}` };
  }
  const id = typeof value.id === 'string' ? value.id : undefined;
  const withId = id === undefined ? {} : { id };
  if (value.type !== 'req') {
    const message =
      value.type === undefined ? 'frame has no type (clients send type "req")' : `unexpected frame type: ${v.describeValue(value.type)} (clients send "req")`;
    return { ok: false, reason: 'not-a-frame', ...withId, message };
  }
  const parsed = v.parse(RequestFrameSchema, value);
  if (!parsed.ok) return { ok: false, reason: 'invalid-request', ...withId, message: formatIssues(parsed.issues) };
  return { ok: true, frame: parsed.value };
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
