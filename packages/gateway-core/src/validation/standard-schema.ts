/**
 * Standard Schema v1 (https://standardschema.dev): the validator interface zod 4, valibot and
 * arktype schemas implement. The gateway takes validators through it, so a plugin or embedder
 * brings whichever library it likes and the gateway loads none. The types are the spec's,
 * copied as it recommends instead of depending on a package.
 */

/** A validator: anything with a `~standard` property, e.g. a zod 4 schema. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The `~standard` property of a {@link StandardSchemaV1}. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  /** The library, e.g. `zod`. */
  readonly vendor: string;
  readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Inference only; never set at run time. */
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

/** What `validate` returns: the output value, or the issues. */
export type StandardSchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardSchemaIssue[] };

/** One problem with the input. */
export interface StandardSchemaIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** The output type of a validator. */
export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];

/**
 * How params, a config section or any other input is checked: a Standard Schema (a zod 4
 * schema works as is), or a function that returns the checked value and throws when the
 * input is bad (its error message is what the caller sees).
 */
export type Validator<T> = StandardSchemaV1<unknown, T> | ((input: unknown) => T);

/** The outcome of {@link runValidator}. */
export type ValidationOutcome<T> = { ok: true; value: T } | { ok: false; issues: readonly StandardSchemaIssue[] };

/** An issue's path as plain keys (the spec also allows `{ key }` segments). */
export function issuePath(issue: StandardSchemaIssue): PropertyKey[] {
  return (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));
}

function fromThrown(error: unknown): ValidationOutcome<never> {
  return { ok: false, issues: [{ message: error instanceof Error ? error.message : String(error) }] };
}

function fromResult<T>(result: StandardSchemaResult<T>): ValidationOutcome<T> {
  return result.issues ? { ok: false, issues: result.issues } : { ok: true, value: result.value };
}

/** Runs either kind of validator; a throwing function becomes one issue with its message. */
export async function runValidator<T>(validator: Validator<T>, input: unknown): Promise<ValidationOutcome<T>> {
  if (typeof validator === 'function') {
    try {
      return { ok: true, value: validator(input) };
    } catch (error) {
      return fromThrown(error);
    }
  }
  return fromResult(await validator['~standard'].validate(input));
}

/** {@link runValidator} for callers that cannot wait: an asynchronous schema is refused with an issue. */
export function runValidatorSync<T>(validator: Validator<T>, input: unknown): ValidationOutcome<T> {
  if (typeof validator === 'function') {
    try {
      return { ok: true, value: validator(input) };
    } catch (error) {
      return fromThrown(error);
    }
  }
  const result = validator['~standard'].validate(input);
  if (result instanceof Promise) {
    result.catch(() => undefined);
    return { ok: false, issues: [{ message: 'the schema validates asynchronously; a synchronous one is needed here' }] };
  }
  return fromResult(result);
}
