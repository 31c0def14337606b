import type { StandardSchemaV1 } from './standard-schema.ts';

/*
 * The few validators the gateway needs for its own frames and method params, hand-written:
 * zod's code and schema objects cost the idle gateway megabytes for a dozen flat shapes.
 * Objects drop unknown keys (clients newer than us add fields) and check known ones fully,
 * and every problem becomes an issue whose `message` is already phrased for the client
 * ("expected a non-empty string", "expected a number >= 1, got number 0"). Each validator
 * is a Standard Schema, so it fits wherever a zod schema did.
 *
 * Import as a namespace: `import * as v from '../validation/shape.ts'`, then `v.object(…)`.
 */

/** One problem with an input: where, which kind, and the text for the client. */
export interface ShapeIssue {
  readonly code: 'invalid_type' | 'too_small' | 'too_big' | 'invalid_value';
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const INVALID: unique symbol = Symbol('invalid');
type Checked<T> = T | typeof INVALID;
type Check<T> = (value: unknown, path: readonly PropertyKey[], issues: ShapeIssue[]) => Checked<T>;

/**
 * A validator of values of type `T`. `Optional` says whether an object may lack the key
 * (see {@link optional}); `~standard` makes it a Standard Schema v1.
 */
export interface Shape<T, Optional extends boolean = boolean> extends StandardSchemaV1<unknown, T> {
  /** What a missing or mistyped value should have been, e.g. "a string". */
  readonly expected: string;
  readonly optional: Optional;
  /** Checks `value` at `path`, adding problems to `issues`. */
  readonly check: Check<T>;
}

/** The outcome of {@link parse}. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ShapeIssue[] };

/** Checks `value` against `schema`, with every problem on failure. */
export function parse<T>(schema: Shape<T>, value: unknown): ParseResult<T> {
  const issues: ShapeIssue[] = [];
  const out = schema.check(value, [], issues);
  return issues.length > 0 || out === INVALID ? { ok: false, issues } : { ok: true, value: out };
}

/** The type a shape produces. */
export type Infer<S> = S extends Shape<infer T, boolean> ? T : never;

/**
 * How a value reads in a message: its type, and the value itself when short.
 * Never echoes long strings, which could be secrets (tokens) or floods.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length <= 32 ? `string ${JSON.stringify(value)}` : 'a string';
  const shown = String(value);
  return shown.length <= 32 ? `${typeof value} ${shown}` : typeof value;
}

/** Values under these keys are credentials: messages name their type, never their value. */
const SENSITIVE_KEY = /token|password|secret|signature|auth/i;

function typeOnly(value: unknown): string {
  if (value === null || typeof value === 'object') return describeValue(value);
  return typeof value === 'string' ? 'a string' : typeof value;
}

function describeAt(path: readonly PropertyKey[], value: unknown): string {
  const sensitive = path.some((segment) => typeof segment === 'string' && SENSITIVE_KEY.test(segment));
  return sensitive ? typeOnly(value) : describeValue(value);
}

function fail(issues: ShapeIssue[], code: ShapeIssue['code'], path: readonly PropertyKey[], message: string): typeof INVALID {
  issues.push({ code, path, message });
  return INVALID;
}

function wrongType(issues: ShapeIssue[], path: readonly PropertyKey[], expected: string, value: unknown): typeof INVALID {
  return fail(issues, 'invalid_type', path, value === undefined ? `required (${expected})` : `expected ${expected}, got ${describeAt(path, value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shape<T, O extends boolean>(expected: string, optional: O, check: Check<T>): Shape<T, O> {
  return {
    expected,
    optional,
    check,
    '~standard': {
      version: 1,
      vendor: 'openclaw',
      validate: (value) => {
        const issues: ShapeIssue[] = [];
        const out = check(value, [], issues);
        return issues.length > 0 || out === INVALID ? { issues } : { value: out };
      },
    },
  };
}

/** A string; `trim` trims it before `min` (length) is checked; `tooShort` replaces the message. */
export function string(options: { trim?: boolean; min?: number; tooShort?: string } = {}): Shape<string, false> {
  const { trim = false, min, tooShort } = options;
  return shape('a string', false, (value, path, issues) => {
    if (typeof value !== 'string') return wrongType(issues, path, 'a string', value);
    const out = trim ? value.trim() : value;
    if (min !== undefined && out.length < min) {
      return fail(issues, 'too_small', path, tooShort ?? (min === 1 ? 'expected a non-empty string' : `expected at least ${min} characters`));
    }
    return out;
  });
}

/** A finite number; `int` requires a safe integer, `positive` a number above 0, `min`/`max` are inclusive. */
export function number(options: { int?: boolean; positive?: boolean; min?: number; max?: number } = {}): Shape<number, false> {
  const { int: integer = false, positive = false, min, max } = options;
  return shape('a number', false, (value, path, issues) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType(issues, path, 'a number', value);
    if (integer && !Number.isSafeInteger(value)) return fail(issues, 'invalid_type', path, `expected an integer, got ${describeAt(path, value)}`);
    if (positive && value <= 0) return fail(issues, 'too_small', path, `expected a number > 0, got ${describeAt(path, value)}`);
    if (min !== undefined && value < min) return fail(issues, 'too_small', path, `expected a number >= ${min}, got ${describeAt(path, value)}`);
    if (max !== undefined && value > max) return fail(issues, 'too_big', path, `expected a number <= ${max}, got ${describeAt(path, value)}`);
    return value;
  });
}

/** A safe integer within the inclusive bounds. */
export function int(bounds: { min?: number; max?: number } = {}): Shape<number, false> {
  return number({ ...bounds, int: true });
}

/** `true` or `false`. */
export function boolean(): Shape<boolean, false> {
  return shape('a boolean', false, (value, path, issues) => (typeof value === 'boolean' ? value : wrongType(issues, path, 'a boolean', value)));
}

/** Anything, unchecked (`undefined` too). */
export function unknown(): Shape<unknown, false> {
  return shape('a value', false, (value) => value);
}

/** Exactly `expected`. */
export function literal<const L extends string | number | boolean>(expected: L): Shape<L, false> {
  return shape(JSON.stringify(expected), false, (value, path, issues) =>
    value === expected ? expected : fail(issues, 'invalid_value', path, `expected ${JSON.stringify(expected)}, got ${describeAt(path, value)}`),
  );
}

/** An array of `item`, with at least `min` and at most `max` items. */
export function array<T>(item: Shape<T>, bounds: { min?: number; max?: number } = {}): Shape<T[], false> {
  const { min, max } = bounds;
  return shape('an array', false, (value, path, issues) => {
    if (!Array.isArray(value)) return wrongType(issues, path, 'an array', value);
    let failed = false;
    const out: T[] = [];
    value.forEach((element, index) => {
      const checked = item.check(element, [...path, index], issues);
      if (checked === INVALID) failed = true;
      else out.push(checked);
    });
    if (min !== undefined && value.length < min) return fail(issues, 'too_small', path, `expected at least ${min} item${min === 1 ? '' : 's'}`);
    if (max !== undefined && value.length > max) return fail(issues, 'too_big', path, `expected at most ${max} items, got ${value.length}`);
    return failed ? INVALID : out;
  });
}

/** An object whose every value is a `value` (any keys). */
export function record<T>(value: Shape<T>): Shape<Record<string, T>, false> {
  return shape('an object', false, (input, path, issues) => {
    if (!isRecord(input)) return wrongType(issues, path, 'an object', input);
    let failed = false;
    const out: Record<string, T> = {};
    for (const [key, item] of Object.entries(input)) {
      const checked = value.check(item, [...path, key], issues);
      if (checked === INVALID) failed = true;
      // defineProperty: a "__proto__" key (JSON.parse makes it an own key) stays a plain key.
      else Object.defineProperty(out, key, { value: checked, enumerable: true, writable: true, configurable: true });
    }
    return failed ? INVALID : out;
  });
}

type Fields = Record<string, Shape<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The object {@link object} produces: keys of optional fields are optional. */
export type ObjectOutput<F extends Fields> = Simplify<
  { [K in keyof F as F[K] extends Shape<unknown, true> ? never : K]: Infer<F[K]> } & { [K in keyof F as F[K] extends Shape<unknown, true> ? K : never]?: Infer<F[K]> }
>;

/**
 * An object with these fields, checked in order. Unknown keys are dropped; an optional field
 * that is absent stays absent.
 */
export function object<F extends Fields>(fields: F): Shape<ObjectOutput<F>, false> {
  const entries = Object.entries(fields);
  return shape('an object', false, (value, path, issues) => {
    if (!isRecord(value)) return wrongType(issues, path, 'an object', value);
    let failed = false;
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const checked = field.check(Object.hasOwn(value, key) ? value[key] : undefined, [...path, key], issues);
      if (checked === INVALID) failed = true;
      else if (checked !== undefined) out[key] = checked;
    }
    return failed ? INVALID : (out as ObjectOutput<F>);
  });
}

/** `inner`, or nothing: an object may lack the key. */
export function optional<T>(inner: Shape<T>): Shape<T | undefined, true> {
  return shape(inner.expected, true, (value, path, issues) => (value === undefined ? undefined : inner.check(value, path, issues)));
}

/** `inner`, or `fallback` when the value is absent. */
export function withDefault<T>(inner: Shape<T>, fallback: T): Shape<T, false> {
  return shape(inner.expected, false, (value, path, issues) => (value === undefined ? fallback : inner.check(value, path, issues)));
}

/** The first of `shapes` the value passes; otherwise one issue naming them all. */
export function union<S extends Shape<unknown>[]>(...shapes: S): Shape<Infer<S[number]>, false> {
  const expected = shapes.map((s) => s.expected).join(' or ');
  return shape(expected, false, (value, path, issues) => {
    for (const candidate of shapes) {
      const checked = candidate.check(value, path, []);
      if (checked !== INVALID) return checked as Infer<S[number]>;
    }
    return wrongType(issues, path, expected, value);
  });
}
