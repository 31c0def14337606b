// `openclaw models list | set`: the models the config names and whether their providers have
// a key, read from this host's config and credentials store (no gateway needed).
import { ConfigError, describeEnvSource, setConfigValue } from '@openclaw/config';
import type { LoadedConfig, OpenClawConfig } from '@openclaw/config';
import { AgentError, parseModelRef, resolveModelChain, resolveModelTarget } from '@openclaw/agent';
import type { ModelApi, ModelRef, ModelTarget } from '@openclaw/agent';
import { listModels } from '@openclaw/gateway-core';
import { CredentialStore, NoApiKeyError, StateError, readGatewayLock, resolveApiKey } from '@openclaw/state';
import { print, printJson, printWarning } from '../output.ts';
import { loadValidConfig } from './gateway.ts';

/** Where a provider's key comes from, as `models list --json` reports it. Never the key itself. */
export type KeyStatus =
  | { status: 'env'; env: string; from: string }
  | { status: 'profile'; profile: string; file: string }
  | { status: 'config'; path: string }
  /** A local endpoint that needs no key. */
  | { status: 'not-needed' }
  | { status: 'missing'; fix: string }
  /** A stored credential exists but cannot be read (damaged, wrong encryption key). */
  | { status: 'unreadable'; problem: string; fix: string };

/** One provider of `models list`. */
export interface ProviderStatus {
  id: string;
  /** Null when the provider is unknown (neither built in nor in `models.providers`). */
  api: ModelApi | null;
  /** Null: the SDK's default endpoint. */
  baseUrl: string | null;
  key: KeyStatus;
  /** Why models of this provider cannot run, with the fix. */
  problem?: { message: string; fix: string | undefined };
}

/** One model of `models list`. */
export interface ModelStatus {
  ref: string;
  provider: string;
  name: string;
  alias?: string;
  contextWindow?: number;
  /** `agents.defaults.model.primary`. */
  default: boolean;
  /** In `agents.defaults.model.fallbacks`. */
  fallback: boolean;
  /** Agents (`agents.list[].id`) whose own primary model this is. */
  agents: string[];
}

/** What `openclaw models list --json` prints. */
export interface ModelsListing {
  configPath: string;
  default: string;
  fallbacks: string[];
  models: ModelStatus[];
  providers: ProviderStatus[];
}

type ValidConfig = LoadedConfig & { config: OpenClawConfig };

/** `provider` alone, as `resolveModelTarget` takes it: the model part does not matter here. */
export function providerRef(provider: string): ModelRef {
  return { provider, model: '*', ref: `${provider}/*` };
}

/** Where `provider`'s key would come from when the gateway runs a model of it. */
export async function keyStatus(provider: string, loaded: ValidConfig, keyless: boolean): Promise<KeyStatus> {
  const store = new CredentialStore({ stateDir: loaded.paths.stateDir });
  try {
    const { source } = await resolveApiKey(provider, { store, env: loaded.env.values, config: loaded.config });
    if (source.kind === 'env') {
      const from = loaded.env.sources.get(source.name);
      return { status: 'env', env: source.name, from: from ? describeEnvSource(from) : 'the process environment' };
    }
    if (source.kind === 'profile') return { status: 'profile', profile: `${source.provider}:${source.profile}`, file: source.file };
    return { status: 'config', path: source.path };
  } catch (error) {
    if (error instanceof NoApiKeyError) return keyless ? { status: 'not-needed' } : { status: 'missing', fix: error.hint ?? `openclaw models auth login --provider ${provider}` };
    if (error instanceof StateError) return { status: 'unreadable', problem: error.message, fix: error.hint ?? `openclaw models auth login --provider ${provider}` };
    throw error;
  }
}

/** The provider's endpoint, or why it has none. */
export function endpointOf(config: OpenClawConfig, provider: string): ModelTarget['endpoint'] | AgentError {
  try {
    return resolveModelTarget(config, providerRef(provider)).endpoint;
  } catch (error) {
    if (error instanceof AgentError) return error;
    throw error;
  }
}

function refOrUndefined(raw: string, config: OpenClawConfig): string | undefined {
  try {
    return parseModelRef(raw, config).ref;
  } catch {
    return undefined;
  }
}

/** True when the agent names its own primary model (not only fallbacks, which keep the default's primary). */
function hasOwnPrimary(agent: NonNullable<OpenClawConfig['agents']['list']>[number]): boolean {
  return typeof agent.model === 'string' || agent.model?.primary !== undefined;
}

/** The listing `models list` prints: every configured model and each provider's key source. */
export async function modelsListing(loaded: ValidConfig): Promise<ModelsListing> {
  const { config } = loaded;
  const primary = refOrUndefined(config.agents.defaults.model.primary, config) ?? config.agents.defaults.model.primary;
  const fallbacks = config.agents.defaults.model.fallbacks.map((raw) => refOrUndefined(raw, config) ?? raw);
  const agentPrimaries = new Map<string, string[]>();
  for (const agent of config.agents.list ?? []) {
    if (!hasOwnPrimary(agent)) continue;
    try {
      const [own] = resolveModelChain(config, { agentId: agent.id });
      if (own) agentPrimaries.set(own.ref, [...(agentPrimaries.get(own.ref) ?? []), agent.id]);
    } catch {
      // A malformed reference still shows in the list (from listModels), just untagged.
    }
  }
  const models: ModelStatus[] = listModels(config).models.map((entry) => ({
    ref: entry.id,
    provider: entry.provider,
    name: entry.name,
    ...(entry.alias === undefined ? {} : { alias: entry.alias }),
    ...(entry.contextWindow === undefined ? {} : { contextWindow: entry.contextWindow }),
    default: entry.id === primary,
    fallback: fallbacks.includes(entry.id),
    agents: agentPrimaries.get(entry.id) ?? [],
  }));
  // The models' providers first, then configured ones and those with a stored key (a login shows up).
  const stored = await new CredentialStore({ stateDir: loaded.paths.stateDir }).list();
  const ids = new Set([...models.map((m) => m.provider), ...Object.keys(config.models.providers ?? {}).map((id) => id.toLowerCase()), ...stored.map((s) => s.provider)]);
  const providers: ProviderStatus[] = [];
  for (const id of ids) {
    const endpoint = endpointOf(config, id);
    if (endpoint instanceof AgentError) {
      providers.push({ id, api: null, baseUrl: null, key: await keyStatus(id, loaded, false), problem: { message: endpoint.message, fix: endpoint.hint } });
    } else {
      providers.push({ id, api: endpoint.api, baseUrl: endpoint.baseUrl ?? null, key: await keyStatus(id, loaded, endpoint.keyless) });
    }
  }
  return { configPath: loaded.paths.configPath, default: primary, fallbacks, models, providers };
}

function describeKey(key: KeyStatus): string {
  switch (key.status) {
    case 'env':
      return `key from ${key.env} (${key.from})`;
    case 'profile':
      return `key from stored profile ${key.profile} (${key.file})`;
    case 'config':
      return `key from the config (${key.path})`;
    case 'not-needed':
      return 'no key needed';
    case 'missing':
      return 'no API key';
    case 'unreadable':
      return key.problem;
  }
}

function modelRoles(model: ModelStatus): string {
  const roles = [model.default ? 'default' : '', model.fallback ? 'fallback' : '', ...model.agents.map((id) => `agent ${id}`)];
  return roles.filter(Boolean).join(', ');
}

/** `openclaw models list [--json]` */
export async function modelsList(flags: { json?: boolean }): Promise<void> {
  const listing = await modelsListing(loadValidConfig());
  if (flags.json) return printJson(listing);
  print(`Models (${listing.configPath})`);
  const labels = listing.models.map((m) => (m.alias ? `${m.ref} (${m.alias})` : m.ref));
  const width = Math.max(...labels.map((label) => label.length));
  listing.models.forEach((model, i) => print(`  ${labels[i]!.padEnd(width)}  ${modelRoles(model)}`.trimEnd()));
  print();
  print('Providers');
  const idWidth = Math.max(...listing.providers.map((p) => p.id.length));
  for (const provider of listing.providers) {
    const usable = provider.problem === undefined && provider.key.status !== 'missing' && provider.key.status !== 'unreadable';
    const where = provider.baseUrl === null ? '' : `; endpoint ${provider.baseUrl}`;
    print(`  ${usable ? '✓' : '✗'} ${provider.id.padEnd(idWidth)}  ${describeKey(provider.key)}${where}`);
    if (provider.problem) {
      print(`      ${provider.problem.message}`);
      if (provider.problem.fix) print(`      fix: ${provider.problem.fix}`);
    }
    if (provider.key.status === 'missing' || provider.key.status === 'unreadable') print(`      fix: ${provider.key.fix}`);
  }
}

/** The model refusal as the CLI's config error (exit 78): the config could not use this model. */
function refusal(error: unknown): unknown {
  return error instanceof AgentError ? new ConfigError('CONFIG_INVALID', error.message, error.hint === undefined ? {} : { hint: error.hint }) : error;
}

/** What the gateway lock says about restarting; the gateway reads its config only at start. */
function restartNote(stateDir: string): string {
  let pid: number | undefined;
  try {
    const lock = readGatewayLock(stateDir);
    if (lock.state === 'held') pid = lock.info.pid;
  } catch {
    // An unreadable lock only loses the pid from the note.
  }
  const running = pid === undefined ? 'a running gateway keeps the old model' : `the gateway (pid ${pid}) is running with the old model`;
  return `${running}: it reads the config at start, so restart it to apply (openclaw gateway restart)`;
}

/** `openclaw models set <ref> [--json]` */
export async function modelsSet(raw: string, flags: { json?: boolean }): Promise<void> {
  const loaded = loadValidConfig();
  const { config } = loaded;
  let target: ModelTarget;
  try {
    target = resolveModelTarget(config, parseModelRef(raw, config));
  } catch (error) {
    throw refusal(error);
  }
  const path = ['agents', 'defaults', 'model', 'primary'];
  const previous = config.agents.defaults.model.primary;
  const result = setConfigValue(path, target.ref);
  for (const issue of result.warnings) printWarning(issue.message, issue.hint);
  const key = await keyStatus(target.provider, loaded, target.endpoint.keyless);
  const own = (config.agents.list ?? []).filter(hasOwnPrimary).map((agent) => agent.id);
  if (flags.json) {
    printJson({ path: path.join('.'), previous, value: target.ref, changed: result.changed, file: result.file, key, agentsWithOwnModel: own, ...(result.changed ? { restart: 'openclaw gateway restart' } : {}) });
  } else {
    if (result.changed) print(`default model: ${previous} → ${target.ref} (agents.defaults.model.primary in ${result.file})`);
    else print(`default model unchanged: ${target.ref} (${result.file})`);
    if (own.length > 0) print(`agents with their own model keep it: ${own.join(', ')}`);
    if (result.changed) print(restartNote(loaded.paths.stateDir));
  }
  if (key.status === 'missing') printWarning(`${target.provider} has no API key yet`, key.fix);
  if (key.status === 'unreadable') printWarning(`${target.provider}'s stored key cannot be used: ${key.problem}`, key.fix);
}
