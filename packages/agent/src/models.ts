// Model references (`provider/model` or an alias) and the providers that serve them.
import type { OpenClawConfig } from '@openclaw/config';
import { normalizeAgentId } from '@openclaw/state';
import { AgentError } from './errors.ts';

/** The wire protocol a provider speaks. */
export type ModelApi = 'anthropic-messages' | 'openai-completions';

/** A resolved model reference. */
export interface ModelRef {
  /** Lower-cased provider id: the part before the first `/`. */
  provider: string;
  /** The model id as the provider expects it. */
  model: string;
  /** `provider/model`. */
  ref: string;
}

/** How to reach one provider. */
export interface ProviderEndpoint {
  id: string;
  api: ModelApi;
  /** Undefined: the SDK's default (api.anthropic.com, api.openai.com). */
  baseUrl: string | undefined;
  headers: Record<string, string>;
  /**
   * True for providers that need no key (a local Ollama / vLLM / llama.cpp server): a missing
   * key is not an error there.
   */
  keyless: boolean;
}

/** A model ready to call: where, how, and with which request parameters. */
export interface ModelTarget extends ModelRef {
  endpoint: ProviderEndpoint;
  /** `models.providers.<id>.models[].maxTokens`; undefined when the config names none. */
  maxTokens: number | undefined;
  /** `agents.defaults.models[ref].params` (temperature, …). */
  params: Record<string, unknown>;
}

/** A reference without a provider names an Anthropic model, as in the original. */
export const DEFAULT_PROVIDER = 'anthropic';
/** Output cap for Anthropic when the config names none (its API requires one). */
export const DEFAULT_MAX_TOKENS = 4096;

interface BuiltinProvider {
  api: ModelApi;
  baseUrl?: string;
  keyless?: boolean;
}

/** Providers known without configuration. Anything else needs `models.providers.<id>.baseUrl`. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, BuiltinProvider>> = Object.freeze({
  anthropic: { api: 'anthropic-messages' },
  openai: { api: 'openai-completions' },
  openrouter: { api: 'openai-completions', baseUrl: 'https://openrouter.ai/api/v1' },
  groq: { api: 'openai-completions', baseUrl: 'https://api.groq.com/openai/v1' },
  xai: { api: 'openai-completions', baseUrl: 'https://api.x.ai/v1' },
  mistral: { api: 'openai-completions', baseUrl: 'https://api.mistral.ai/v1' },
  ollama: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:11434/v1', keyless: true },
});

type ModelsConfig = Pick<OpenClawConfig, 'agents' | 'models'>;

function aliasTable(config: ModelsConfig): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [ref, settings] of Object.entries(config.agents.defaults.models ?? {})) {
    if (settings.alias) aliases.set(settings.alias.trim().toLowerCase(), ref);
  }
  return aliases;
}

/** Resolves `provider/model`, an alias, or a bare model id (an Anthropic model). */
export function parseModelRef(raw: string, config?: ModelsConfig): ModelRef {
  const text = raw.trim();
  if (text === '') throw new AgentError('MODEL_UNKNOWN', 'empty model reference', { hint: 'use "provider/model", e.g. anthropic/claude-sonnet-4-5' });
  const resolved = text.includes('/') ? text : (config ? aliasTable(config).get(text.toLowerCase()) : undefined) ?? `${DEFAULT_PROVIDER}/${text}`;
  const slash = resolved.indexOf('/');
  const provider = resolved.slice(0, slash).trim().toLowerCase();
  const model = resolved.slice(slash + 1).trim();
  if (provider === '' || model === '') {
    throw new AgentError('MODEL_UNKNOWN', `invalid model reference "${text}"`, { hint: 'use "provider/model", e.g. anthropic/claude-sonnet-4-5' });
  }
  return { provider, model, ref: `${provider}/${model}` };
}

/**
 * The models a run tries, in order: `override` (a session's model) or the agent's model
 * (`agents.list[].model`: a string keeps the default fallbacks, an object brings its own),
 * else `agents.defaults.model`; each once.
 */
export function resolveModelChain(config: ModelsConfig, options: { agentId?: string; override?: string } = {}): ModelRef[] {
  const defaults = config.agents.defaults.model;
  const agentId = normalizeAgentId(options.agentId);
  const agent = config.agents.list?.find((entry) => normalizeAgentId(entry.id) === agentId);
  let primary = defaults.primary;
  let fallbacks = defaults.fallbacks;
  if (typeof agent?.model === 'string') primary = agent.model;
  else if (agent?.model) {
    primary = agent.model.primary ?? primary;
    fallbacks = agent.model.fallbacks ?? fallbacks;
  }
  if (options.override) primary = options.override;
  const chain: ModelRef[] = [];
  for (const raw of [primary, ...fallbacks]) {
    const ref = parseModelRef(raw, config);
    if (!chain.some((seen) => seen.ref === ref.ref)) chain.push(ref);
  }
  return chain;
}

/** Where and how `ref`'s provider is reached, with the model's request settings. */
export function resolveModelTarget(config: ModelsConfig, ref: ModelRef): ModelTarget {
  const configured = config.models.providers?.[ref.provider] ?? Object.entries(config.models.providers ?? {}).find(([id]) => id.toLowerCase() === ref.provider)?.[1];
  const builtin = config.models.mode === 'replace' ? undefined : BUILTIN_PROVIDERS[ref.provider];
  if (!configured && !builtin) {
    throw new AgentError('MODEL_UNKNOWN', `unknown model provider "${ref.provider}" (in ${ref.ref})`, {
      hint: `add it: openclaw config set models.providers.${ref.provider} '{"baseUrl":"http://127.0.0.1:11434/v1","api":"openai-completions"}'`,
      model: ref.ref,
    });
  }
  if (configured?.api === 'openai-responses') {
    throw new AgentError('MODEL_UNKNOWN', `models.providers.${ref.provider}.api "openai-responses" is not supported yet`, {
      hint: `use the Chat Completions API: openclaw config set models.providers.${ref.provider}.api openai-completions`,
      model: ref.ref,
    });
  }
  const api: ModelApi = configured?.api ?? builtin?.api ?? 'openai-completions';
  const baseUrl = configured?.baseUrl ?? builtin?.baseUrl;
  // A custom endpoint (a local server) may need no key; a built-in cloud provider always does.
  const keyless = builtin ? builtin.keyless === true : true;
  const modelInfo = configured?.models?.find((m) => m.id === ref.model);
  return {
    ...ref,
    endpoint: { id: ref.provider, api, baseUrl, headers: { ...(configured?.headers ?? {}) }, keyless },
    maxTokens: modelInfo?.maxTokens,
    params: { ...(config.agents.defaults.models?.[ref.ref]?.params ?? {}) },
  };
}
