import { ERROR_CODES, GatewayProtocolError } from '../protocol/index.ts';
import { issuePath, runValidator } from '../validation/standard-schema.ts';
import type { Validator } from '../validation/standard-schema.ts';

/** What a method handler knows about the request it answers. */
export interface MethodContext {
  /** The connection's id (`hello-ok.server.connId`). */
  readonly connId: string;
  readonly client: { readonly id: string; readonly mode: string; readonly version?: string | undefined };
  readonly role: string;
  readonly scopes: readonly string[];
  /** The client's address (after trusted-proxy resolution). */
  readonly clientAddress: string;
  /** Sends an interim response (e.g. `{status: "accepted"}`) before the handler's final result. */
  sendInterim(payload: unknown): void;
  /** Aborted when the connection closes or the gateway stops. */
  readonly signal: AbortSignal;
}

/** Answers one method; what it returns becomes the response payload, what it throws the error. */
export type MethodHandler<P = unknown, R = unknown> = (params: P, context: MethodContext) => R | Promise<R>;

/** A method with an optional params validator (run before the handler). */
export interface MethodDefinition<P = unknown, R = unknown> {
  handler: MethodHandler<P, R>;
  /**
   * Checks the params (`{}` when the request has none) and gives the handler what it returns:
   * a Standard Schema such as a zod 4 schema, or a function that returns the params or
   * throws. A failure answers INVALID_REQUEST "invalid params for <method> at <path>: <message>".
   */
  params?: Validator<P>;
}

/** The methods a gateway answers. Channel plugins and embedders add their own. */
export class MethodRegistry {
  readonly #methods = new Map<string, MethodDefinition>();

  /** Registers a method; returns a function that removes it again. A name is registered once. */
  register<P, R>(name: string, method: MethodHandler<P, R> | MethodDefinition<P, R>): () => void {
    if (this.#methods.has(name)) throw new Error(`gateway method "${name}" is already registered`);
    const definition = typeof method === 'function' ? { handler: method } : method;
    this.#methods.set(name, definition as MethodDefinition);
    return () => {
      if (this.#methods.get(name) === definition) this.#methods.delete(name);
    };
  }

  has(name: string): boolean {
    return this.#methods.has(name);
  }

  /** Method names, sorted, as `hello-ok.features.methods` lists them. */
  names(): string[] {
    return [...this.#methods.keys()].sort();
  }

  /** Validates params and runs the handler. Unknown methods and bad params are INVALID_REQUEST. */
  async invoke(name: string, params: unknown, context: MethodContext): Promise<unknown> {
    const method = this.#methods.get(name);
    if (!method) throw new GatewayProtocolError(ERROR_CODES.INVALID_REQUEST, `unknown method: ${name}`);
    let input = params;
    if (method.params) {
      const outcome = await runValidator(method.params, params ?? {});
      if (!outcome.ok) {
        const issue = outcome.issues[0];
        const path = issue ? issuePath(issue) : [];
        const where = path.length ? ` at ${path.map(String).join('.')}` : '';
        throw new GatewayProtocolError(ERROR_CODES.INVALID_REQUEST, `invalid params for ${name}${where}: ${issue?.message ?? 'invalid'}`);
      }
      input = outcome.value;
    }
    return method.handler(input, context);
  }
}
