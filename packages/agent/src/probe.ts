// Is a provider reachable, and does it take the key? One `GET /v1/models` through the
// provider's own SDK, configured as a run configures it. Used by `health --deep` and by
// `openclaw models auth login` to verify a pasted key.
import type { ProviderEndpoint } from './models.ts';

/** What one probe found. */
export type ProbeOutcome =
  | { outcome: 'reachable'; url: string; elapsedMs: number }
  | { outcome: 'refused'; url: string; status: number; elapsedMs: number }
  | { outcome: 'unreachable'; url: string; reason: string; elapsedMs: number }
  | { outcome: 'error'; url: string; status: number; elapsedMs: number };

/** Default time a probe may take: one small GET, and a hung provider must not hang a health check. */
export const PROBE_TIMEOUT_MS = 10_000;

/** Where the SDKs go when the config names no base URL. */
const DEFAULT_BASE_URLS = Object.freeze({ 'anthropic-messages': 'https://api.anthropic.com', 'openai-completions': 'https://api.openai.com/v1' });

/** The models-list URL of an endpoint, for messages. */
export function modelsUrl(endpoint: ProviderEndpoint): string {
  const base = (endpoint.baseUrl ?? DEFAULT_BASE_URLS[endpoint.api]).replace(/\/+$/, '');
  return endpoint.api === 'anthropic-messages' ? `${base}/v1/models` : `${base}/models`;
}

interface ProviderSdk {
  listModels(): Promise<unknown>;
  APIError: abstract new (...args: never[]) => Error & { status: number | undefined };
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

async function providerSdk(endpoint: ProviderEndpoint, key: string, timeoutMs: number): Promise<ProviderSdk> {
  const common = { baseURL: endpoint.baseUrl ?? null, maxRetries: 0, timeout: timeoutMs, defaultHeaders: endpoint.headers };
  if (endpoint.api === 'anthropic-messages') {
    const sdk = await import('@anthropic-ai/sdk');
    // Claude subscription tokens are bearer tokens, not API keys (as runs treat them).
    const auth = key.startsWith('sk-ant-oat') ? { apiKey: null, authToken: key } : { apiKey: key };
    const client = new sdk.default({ ...auth, ...common });
    return { listModels: () => client.models.list(), APIError: sdk.APIError, APIConnectionError: sdk.APIConnectionError, APIConnectionTimeoutError: sdk.APIConnectionTimeoutError };
  }
  const sdk = await import('openai');
  const client = new sdk.default({ apiKey: key, ...common });
  return { listModels: () => client.models.list(), APIError: sdk.APIError, APIConnectionError: sdk.APIConnectionError, APIConnectionTimeoutError: sdk.APIConnectionTimeoutError };
}

/** The network-level reason (ECONNREFUSED, ENOTFOUND, …) behind a connection error: its innermost cause. */
function connectionReason(error: Error): string {
  let reason = error.message;
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    reason = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : cause.message;
  }
  return reason;
}

/**
 * Lists the provider's models with `key` (a keyless local server gets a placeholder). Never
 * throws for provider answers or network failures; the provider's error body is not kept
 * (some quote part of the key they refused).
 */
export async function probeProvider(endpoint: ProviderEndpoint, key: string | undefined, options: { timeoutMs?: number } = {}): Promise<ProbeOutcome> {
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const url = modelsUrl(endpoint);
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const secret = key ?? 'not-needed';
  const sdk = await providerSdk(endpoint, secret, timeoutMs);
  try {
    await sdk.listModels();
    return { outcome: 'reachable', url, elapsedMs: elapsed() };
  } catch (error) {
    if (error instanceof sdk.APIConnectionTimeoutError) return { outcome: 'unreachable', url, reason: `no answer within ${Math.round(timeoutMs / 1000)} s`, elapsedMs: elapsed() };
    if (error instanceof sdk.APIConnectionError) return { outcome: 'unreachable', url, reason: connectionReason(error).split(secret).join('[redacted]'), elapsedMs: elapsed() };
    if (!(error instanceof sdk.APIError) || error.status === undefined) throw error;
    if (error.status === 401 || error.status === 403) return { outcome: 'refused', url, status: error.status, elapsedMs: elapsed() };
    return { outcome: 'error', url, status: error.status, elapsedMs: elapsed() };
  }
}

/** One provider of the default model chain, as `health {probe: true}` reports it. */
export interface ProviderHealth {
  provider: string;
  /** The chain's models on this provider (`provider/model`). */
  models: string[];
  ok: boolean;
  /** What was asked (the models list). */
  url?: string;
  elapsedMs?: number;
  /** Why it is not ok. */
  error?: string;
  hint?: string;
}

/** Turns a probe outcome into a health line. */
export function providerHealth(provider: string, models: string[], probe: ProbeOutcome): ProviderHealth {
  const base = { provider, models, url: probe.url, elapsedMs: probe.elapsedMs };
  switch (probe.outcome) {
    case 'reachable':
      return { ...base, ok: true };
    case 'refused':
      return { ...base, ok: false, error: `the provider refused the key (HTTP ${probe.status})`, hint: `openclaw models auth login --provider ${provider}` };
    case 'unreachable':
      return { ...base, ok: false, error: `unreachable: ${probe.reason}`, hint: `check that ${probe.url} is reachable from this host (models.providers.${provider}.baseUrl for a local server)` };
    case 'error':
      return { ...base, ok: false, error: `the provider answered HTTP ${probe.status}` };
  }
}
