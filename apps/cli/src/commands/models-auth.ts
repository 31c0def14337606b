// `openclaw models auth login`: read an API key (stdin, or a hidden prompt on a terminal),
// check it against the provider, and store it in the credentials store.
import { ConfigError } from '@openclaw/config';
import { AgentError, probeProvider } from '@openclaw/agent';
import type { ProviderEndpoint } from '@openclaw/agent';
import { CredentialStore, StateError, normalizeId } from '@openclaw/state';
import { ExitCode } from '../exit-codes.ts';
import { print, printError, printJson, printWarning } from '../output.ts';
import { loadValidConfig } from './gateway.ts';
import { endpointOf, keyStatus } from './models.ts';
import type { KeyStatus } from './models.ts';

/** Flags of `openclaw models auth login`. */
export interface ModelsAuthLoginFlags {
  provider: string;
  profile?: string;
  /** False with `--no-verify`. */
  verify?: boolean;
  json?: boolean;
}

/** What checking the key against the provider found. */
type Verification =
  | { outcome: 'verified'; url: string }
  | { outcome: 'refused'; url: string; status: number }
  | { outcome: 'unverified'; url: string; reason: string }
  | { outcome: 'skipped'; reason: string };

/** Ctrl-C at the prompt: nothing was stored. */
class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** A `GET /v1/models` with the key through the provider's SDK (the agent's probe). */
async function verifyKey(endpoint: ProviderEndpoint, key: string): Promise<Verification> {
  const probe = await probeProvider(endpoint, key);
  switch (probe.outcome) {
    case 'reachable':
      return { outcome: 'verified', url: probe.url };
    case 'refused':
      return { outcome: 'refused', url: probe.url, status: probe.status };
    case 'unreachable':
      return { outcome: 'unverified', url: probe.url, reason: probe.reason };
    case 'error':
      return { outcome: 'unverified', url: probe.url, reason: `the provider answered HTTP ${probe.status}` };
  }
}

/** The key from stdin (`echo "$KEY" | openclaw models auth login …`) or a hidden prompt on a terminal. */
async function readKey(label: string): Promise<string> {
  if (process.stdin.isTTY) {
    const p = await import('@clack/prompts');
    const value = await p.password({ message: `API key for ${label}`, mask: '*', validate: (v) => (v?.trim() ? undefined : 'the key is empty: paste it, or press Ctrl-C to stop (nothing is stored)') });
    if (p.isCancel(value)) throw new Cancelled('cancelled');
    return value.trim();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function usage(message: string, hint: string | undefined): void {
  printError(message, hint);
  process.exitCode = ExitCode.usage;
}

/** Reads `--profile`, accepting the `provider:name` label form too. */
function profileName(provider: string, raw: string | undefined): string {
  const text = raw?.trim() ?? 'default';
  return normalizeId('profile', text.toLowerCase().startsWith(`${provider}:`) ? text.slice(provider.length + 1) : text);
}

/** Why the gateway would pick another key than the one just stored (`resolveApiKey`'s order), or undefined. */
function shadowing(used: KeyStatus, provider: string, label: string): { message: string; fix: string } | undefined {
  if (used.status === 'profile' && used.profile === label) return undefined;
  if (used.status === 'env') return { message: `${used.env} (${used.from}) comes before stored keys`, fix: `unset ${used.env} for the stored key to apply` };
  if (used.status === 'profile') return { message: `stored profile ${used.profile} comes before ${label}`, fix: `put ${label} first in auth.order.${provider}, or log in to profile default` };
  return { message: `auth.order.${provider} does not list ${label}`, fix: `add it to auth.order.${provider}, e.g. openclaw config set auth.order.${provider} '["${label}"]'` };
}

/** `openclaw models auth login --provider <p> [--profile NAME] [--no-verify] [--json]` */
export async function modelsAuthLogin(flags: ModelsAuthLoginFlags): Promise<void> {
  let provider: string;
  let profile: string;
  try {
    provider = normalizeId('provider', flags.provider);
    profile = profileName(provider, flags.profile);
  } catch (error) {
    if (error instanceof StateError) return usage(error.message, error.hint);
    throw error;
  }
  const verify = flags.verify !== false;
  const loaded = loadValidConfig();
  const endpoint = endpointOf(loaded.config, provider);
  if (endpoint instanceof AgentError && verify) {
    throw new ConfigError('CONFIG_INVALID', `${endpoint.message}, so a key for it cannot be checked`, {
      hint: `${endpoint.hint ?? 'check the provider name'}; or store the key unchecked with --no-verify`,
    });
  }

  const label = `${provider}:${profile}`;
  let key: string;
  try {
    key = await readKey(label);
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
    printError('cancelled; nothing was stored');
    process.exitCode = 130;
    return;
  }
  if (key === '') return usage('no API key on stdin', `pipe it in: printf '%s' "$KEY" | openclaw models auth login --provider ${provider}; or run the command in a terminal to be asked for it`);
  // Never quote the input: a mistyped line is still most of a secret.
  if (/\s/.test(key)) return usage('the API key read contains spaces or several lines', 'give just the key, on one line');

  const verification: Verification = verify && !(endpoint instanceof AgentError) ? await verifyKey(endpoint, key) : { outcome: 'skipped', reason: '--no-verify' };
  if (verification.outcome === 'refused') {
    printError(
      `${provider} refused the key (HTTP ${verification.status} from GET ${verification.url}); nothing was stored`,
      'copy the whole key again from the provider\'s console (is it revoked, or for another provider?); --no-verify stores it without this check',
    );
    process.exitCode = ExitCode.failure;
    return;
  }

  const store = new CredentialStore({ stateDir: loaded.paths.stateDir });
  try {
    await store.write({ type: 'api_key', provider, profile, key });
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    printError(error.message, error.hint);
    process.exitCode = ExitCode.failure;
    return;
  }
  const file = store.fileFor(provider, profile);
  const shadowed = shadowing(await keyStatus(provider, loaded, false), provider, label);
  if (flags.json) {
    printJson({ provider, profile: label, file, verification: verification.outcome, ...('reason' in verification ? { reason: verification.reason } : {}), inUse: shadowed === undefined, ...(shadowed ? { notInUse: shadowed.message } : {}) });
    return;
  }
  if (verification.outcome === 'verified') print(`✓ verified: ${provider} accepted the key (GET ${verification.url})`);
  if (verification.outcome === 'unverified') printWarning(`could not verify the key: ${verification.reason} (GET ${verification.url}); it was stored anyway`, `check that ${provider} is reachable from this host (models.providers.${provider}.baseUrl for a local server)`);
  print(`stored ${label} in ${file} (mode 0600)${verification.outcome === 'skipped' ? `, not verified (${verification.reason})` : ''}`);
  if (shadowed) printWarning(`the gateway will not use this key: ${shadowed.message}`, shadowed.fix);
  else print('the gateway uses it from the next run; no restart needed');
}
