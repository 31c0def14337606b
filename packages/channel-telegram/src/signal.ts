import type { Api } from 'grammy';

/** The `AbortSignal` type grammY's Node typings declare: the `abort-controller` polyfill's. */
type ApiSignal = NonNullable<Parameters<Api['getMe']>[0]>;

/**
 * Node's own `AbortSignal`, typed as grammY expects. grammY only calls `addEventListener`
 * and reads `aborted`, which the native signal has; the two types just do not line up.
 */
export function apiSignal(signal: AbortSignal): ApiSignal {
  return signal as unknown as ApiSignal;
}
