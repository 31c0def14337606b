import { DEFAULT_AGENT_ID, DEFAULT_MAIN_KEY, normalizeAgentId } from '@openclaw/state';
import type { Gateway } from '../server/gateway.ts';
import type { ConfigSource } from './config.ts';
import { isPlainObject, own, ownAt, redactValue } from './config-text.ts';
import { registerAll } from './register-all.ts';

/** One model of `models.list`. */
export interface ModelEntry {
  /** `provider/model`. */
  id: string;
  name: string;
  provider: string;
  contextWindow?: number;
  /** From `agents.defaults.models[id].alias`. */
  alias?: string;
}

/** One agent of `agents.list`. */
export interface AgentEntry {
  id: string;
  name?: string;
  identity?: Record<string, unknown>;
}

/** The `agents.list` payload. */
export interface AgentsList {
  defaultId: string;
  mainKey: string;
  /** Session scope; this gateway keeps sessions per sender (the original's default). */
  scope: 'per-sender';
  agents: AgentEntry[];
}

// A reference without a provider names an Anthropic model, as in the original.
const DEFAULT_PROVIDER = 'anthropic';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const entries = (value: unknown): [string, unknown][] => (isPlainObject(value) ? Object.entries(value) : []);

/**
 * The config the lists are made from: the validated one (with defaults), or, while the file
 * is invalid, the file as written, so the lists stay as useful as they can.
 */
async function readConfig(source: ConfigSource): Promise<unknown> {
  // Imported on the first call: the config schema (zod) stays out of an idle gateway.
  const { loadConfig } = await import('@openclaw/config');
  const loaded = loadConfig({ configPath: source.configPath, env: source.env, cwd: source.cwd, home: source.home });
  return loaded.config ?? loaded.input;
}

/**
 * `models.list`: every model the config names — the default model and its fallbacks, each
 * agent's model, `agents.defaults.models` and `models.providers.*.models` — once each, in
 * that order. Aliases resolve to their model.
 */
export function listModels(config: unknown): { models: ModelEntry[] } {
  const defaults = ownAt(config, ['agents', 'defaults']);
  const configured = entries(own(defaults, 'models'));
  const aliases = new Map<string, string>();
  for (const [id, settings] of configured) {
    const alias = str(own(settings, 'alias'));
    if (alias !== undefined) aliases.set(alias.toLowerCase(), id);
  }
  const found = new Map<string, Omit<ModelEntry, 'name'> & { name?: string }>();
  const add = (ref: unknown, extra: { name?: string; contextWindow?: number; alias?: string } = {}): void => {
    const raw = str(ref);
    if (raw === undefined) return;
    const resolved = raw.includes('/') ? raw : (aliases.get(raw.toLowerCase()) ?? `${DEFAULT_PROVIDER}/${raw}`);
    const slash = resolved.indexOf('/');
    const provider = resolved.slice(0, slash).toLowerCase();
    const id = `${provider}/${resolved.slice(slash + 1)}`;
    const entry = found.get(id) ?? { id, provider };
    // Later sources fill in what earlier ones did not say (a catalog name, a context window).
    for (const [field, value] of Object.entries(extra)) if (value !== undefined && (entry as Record<string, unknown>)[field] === undefined) (entry as Record<string, unknown>)[field] = value;
    found.set(id, entry);
  };
  const addSelection = (selection: unknown): void => {
    if (typeof selection === 'string') return add(selection);
    add(own(selection, 'primary'));
    for (const fallback of list(own(selection, 'fallbacks'))) add(fallback);
  };
  addSelection(own(defaults, 'model'));
  for (const agent of list(ownAt(config, ['agents', 'list']))) addSelection(own(agent, 'model'));
  for (const [id, settings] of configured) add(id, { alias: str(own(settings, 'alias')) });
  for (const [provider, settings] of entries(ownAt(config, ['models', 'providers']))) {
    for (const model of list(own(settings, 'models'))) {
      const modelId = str(own(model, 'id'));
      if (modelId === undefined) continue;
      const window = own(model, 'contextWindow');
      add(`${provider}/${modelId}`, { name: str(own(model, 'name')), contextWindow: typeof window === 'number' ? window : undefined });
    }
  }
  return { models: [...found.values()].map(({ id, name, provider, ...rest }) => ({ id, name: name ?? id.slice(provider.length + 1), provider, ...rest })) };
}

/** `agents.list`: the configured agents; the default is the one marked `default`, else the first, else `main`. */
export function listAgents(config: unknown): AgentsList {
  const agents: (AgentEntry & { isDefault: boolean })[] = [];
  for (const item of list(ownAt(config, ['agents', 'list']))) {
    const rawId = str(own(item, 'id'));
    if (rawId === undefined) continue;
    const identity = own(item, 'identity');
    const name = str(own(item, 'name')) ?? str(own(identity, 'name'));
    agents.push({
      id: normalizeAgentId(rawId),
      ...(name === undefined ? {} : { name }),
      ...(isPlainObject(identity) ? { identity: redactValue(identity) as Record<string, unknown> } : {}),
      isDefault: own(item, 'default') === true,
    });
  }
  if (agents.length === 0) agents.push({ id: DEFAULT_AGENT_ID, isDefault: true });
  const defaultId = (agents.find((agent) => agent.isDefault) ?? agents[0])?.id ?? DEFAULT_AGENT_ID;
  return {
    defaultId,
    mainKey: str(ownAt(config, ['session', 'mainKey'])) ?? DEFAULT_MAIN_KEY,
    scope: 'per-sender',
    agents: agents.map(({ isDefault: _isDefault, ...agent }) => agent),
  };
}

/** Registers `models.list` and `agents.list` (both read the config file on each call); returns their removal. */
export function registerModelMethods(gateway: Pick<Gateway, 'registerMethod'>, source: ConfigSource): () => void {
  return registerAll(gateway, [
    (g) => g.registerMethod('models.list', async () => listModels(await readConfig(source))),
    (g) => g.registerMethod('agents.list', async () => listAgents(await readConfig(source))),
  ]);
}
