import { REDACTED } from './redact.ts';
import type { Redactor } from './redact.ts';

/** Bounds that keep one record small whatever a caller passes in. */
export interface SerializeLimits {
  /** Longer strings are cut and marked; applied after redaction so a cut never exposes part of a secret. */
  maxStringLength: number;
  /** Longer arrays keep their first items and a `…N more` marker. */
  maxArrayLength: number;
  /** Keys per object beyond which the rest are dropped with a marker. */
  maxKeys: number;
  /** Nesting depth beyond which values become `[depth limit]`. */
  maxDepth: number;
}

/** Defaults: generous for real diagnostics, small enough that one record stays well under 64 KiB in practice. */
export const DEFAULT_SERIALIZE_LIMITS: Readonly<SerializeLimits> = Object.freeze({
  maxStringLength: 8192,
  maxArrayLength: 100,
  maxKeys: 100,
  maxDepth: 8,
});

/** What {@link toJsonSafe} applies on the way. */
export interface SerializeHooks {
  redactor?: Redactor | undefined;
  limits?: Partial<SerializeLimits> | undefined;
}

interface Walk {
  readonly redactor: Redactor | undefined;
  readonly limits: Readonly<SerializeLimits>;
  /** Ancestors of the value being walked: a repeat is a cycle (shared references are fine). */
  readonly ancestors: Set<object>;
}

/**
 * Converts any value into plain JSON data — never throws in `JSON.stringify` afterwards —
 * redacting strings, secret-named keys and secret values on the way. Errors become
 * `{name, message, code?, stack?, cause?}`; their other properties are left out on purpose,
 * because HTTP client errors carry request configs with auth headers.
 */
export function toJsonSafe(value: unknown, hooks: SerializeHooks = {}): unknown {
  const walk: Walk = {
    redactor: hooks.redactor,
    limits: { ...DEFAULT_SERIALIZE_LIMITS, ...hooks.limits },
    ancestors: new Set(),
  };
  return convert(value, walk, 0);
}

function convert(value: unknown, walk: Walk, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return cut(walk.redactor ? walk.redactor.redactString(value) : value, walk.limits.maxStringLength);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= walk.limits.maxDepth) return '[depth limit]';
  if (walk.ancestors.has(object)) return '[circular]';
  walk.ancestors.add(object);
  try {
    return convertObject(object, walk, depth);
  } catch {
    // Getters and proxies can throw; one bad value must not lose the whole record.
    return '[unserializable]';
  } finally {
    walk.ancestors.delete(object);
  }
}

function convertObject(object: object, walk: Walk, depth: number): unknown {
  if (object instanceof Error) return convertError(object, walk, depth);
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (ArrayBuffer.isView(object)) return `[${object.constructor.name} ${object.byteLength} bytes]`;
  if (object instanceof Map) return convertEntries([...object.entries()].map(([k, v]) => [String(k), v]), walk, depth);
  if (object instanceof Set) return convertArray([...object], walk, depth);
  if (Array.isArray(object)) return convertArray(object, walk, depth);
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return convert(toJSON.call(object), walk, depth + 1);
  return convertEntries(Object.entries(object), walk, depth);
}

function convertArray(items: readonly unknown[], walk: Walk, depth: number): unknown[] {
  const max = walk.limits.maxArrayLength;
  const out = items.slice(0, max).map((item) => convert(item, walk, depth + 1) ?? null);
  if (items.length > max) out.push(`…${items.length - max} more`);
  return out;
}

function convertEntries(entries: readonly (readonly [string, unknown])[], walk: Walk, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const max = walk.limits.maxKeys;
  for (const [rawKey, item] of entries.slice(0, max)) {
    const key = walk.redactor ? walk.redactor.redactString(rawKey) : rawKey;
    const converted = walk.redactor?.isSecretKey(rawKey) ? redactedValue(item) : convert(item, walk, depth + 1);
    // defineProperty, not assignment: a `__proto__` key from parsed input stays a plain key.
    if (converted !== undefined) Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  if (entries.length > max) out['…'] = `${entries.length - max} more keys`;
  return out;
}

/** Keeps absence and flags (`token: null`, `hasToken: true`) readable; masks anything that could be the secret. */
function redactedValue(item: unknown): unknown {
  if (item === undefined || item === null || typeof item === 'boolean') return item;
  if (item === '') return '';
  return REDACTED;
}

function convertError(error: Error, walk: Walk, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: convert(safeString(() => error.name), walk, depth + 1),
    message: convert(safeString(() => error.message), walk, depth + 1),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out['code'] = convert(code, walk, depth + 1);
  if (typeof error.stack === 'string') out['stack'] = convert(error.stack, walk, depth + 1);
  if (error.cause !== undefined) out['cause'] = convert(error.cause, walk, depth + 1);
  return out;
}

function safeString(read: () => unknown): string {
  try {
    return String(read());
  } catch {
    return '[unreadable]';
  }
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more chars]`;
}
