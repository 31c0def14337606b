import { createHash } from 'node:crypto';
import { ConfigError, formatConfigPath, parseJson5, withConfigLock, writeConfigText } from '@openclaw/config';
import type { ConfigIssue, Env, LoadedConfig } from '@openclaw/config';
import { ERROR_CODES, GatewayProtocolError } from '../protocol/index.ts';
import type { Gateway } from '../server/gateway.ts';
import * as v from '../validation/shape.ts';
import type { Infer } from '../validation/shape.ts';
import { registerAll } from './register-all.ts';
import { applyMergePatch, deepEqual, isPlainObject, own, redactRawText, redactValue, restoreRedacted, scrubSecrets, secretValues } from './config-text.ts';

/** Where the config file is and how to load it like the rest of the gateway does. */
export interface ConfigSource {
  /** The config file (`openclaw.json`). */
  configPath: string;
  /** For `${VAR}` substitution and the `.env` layers (default `process.env`). */
  env?: Env;
  /** Directory whose `.env` is a layer (loadConfig's default: `process.cwd()`; `null` skips it). */
  cwd?: string | null;
  home?: string;
}

/** What the `config.*` methods need. */
export interface ConfigMethodsDeps extends ConfigSource {
  /** Reported by `config.schema`. */
  version: string;
  /**
   * Told after `config.set` / `config.patch` replaced the file (e.g. to schedule a restart when
   * `restartRequired`). The write has happened: what this throws is ignored, so report its
   * failures yourself.
   */
  onConfigWritten?: (write: ConfigWritten) => void;
}

/** The file as `config.get` shows it: secrets are `"[redacted]"` everywhere. */
export interface ConfigSnapshot {
  path: string;
  exists: boolean;
  /** The file text with secret values redacted; null without a file or when it cannot be redacted safely (not JSON5). */
  raw: string | null;
  /** sha256 (hex) of the real file text (of "" without a file): pass as `baseHash`. */
  hash: string;
  /** The validated config with defaults, redacted; null while invalid. */
  config: unknown;
  valid: boolean;
  warnings: ConfigIssue[];
  errors: ConfigIssue[];
}

/** A completed `config.set` / `config.patch`. */
export interface ConfigWritten {
  ok: true;
  path: string;
  /** Hash of the file now. */
  hash: string;
  /** False when the file already said exactly this (nothing was written). */
  changed: boolean;
  /** True when `gateway.*` changed: bind, port and auth are read at start only. */
  restartRequired: boolean;
  warnings: ConfigIssue[];
}

const setParams = v.object({ raw: v.string(), baseHash: v.optional(v.string()) });
const patchParams = v.object({ raw: v.union(v.string(), v.record(v.unknown())), baseHash: v.optional(v.string()) });
/** Params of `config.set`. */
export type ConfigSetParams = Infer<typeof setParams>;
/** Params of `config.patch`: a merge-patch object, or its JSON5 text. */
export type ConfigPatchParams = Infer<typeof patchParams>;

/** The part of the config layer that brings zod and the config schema. */
type ConfigLoader = Pick<typeof import('@openclaw/config'), 'loadConfig' | 'readOptionalText' | 'configJsonSchema'>;
/** Imported on the first config.* call, not with the gateway: an idle gateway does without zod. */
const configLoader = (): Promise<ConfigLoader> => import('@openclaw/config');

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const invalid = (message: string, details?: unknown): GatewayProtocolError => new GatewayProtocolError(ERROR_CODES.INVALID_REQUEST, message, details === undefined ? {} : { details });

function load({ loadConfig }: ConfigLoader, source: ConfigSource, text?: string): LoadedConfig {
  // The file is what is shown and checked: an OPENCLAW_GATEWAY_* override would mask it.
  return loadConfig({ configPath: source.configPath, env: source.env, cwd: source.cwd, home: source.home, envOverrides: false, ...(text === undefined ? {} : { text }) });
}

function tryParse(text: string | undefined): unknown {
  try {
    return text === undefined || text.trim() === '' ? {} : parseJson5(text, 'config');
  } catch {
    return undefined;
  }
}

/** Issues without secrets: known secret values are scrubbed, and a parse error loses the quoted source line. */
function cleanIssues(issues: readonly ConfigIssue[], secrets: readonly (string | number)[]): ConfigIssue[] {
  return issues.map((issue) => {
    const message = issue.code === 'CONFIG_PARSE' ? (issue.message.split('\n')[0] ?? '') : issue.message;
    return { ...issue, message: scrubSecrets(message, secrets), ...(issue.hint === undefined ? {} : { hint: scrubSecrets(issue.hint, secrets) }) };
  });
}

/** Reads and validates the config file for `config.get`. */
export async function readConfigSnapshot(source: ConfigSource): Promise<ConfigSnapshot> {
  const loader = await configLoader();
  const text = loader.readOptionalText(source.configPath);
  const loaded = load(loader, source, text);
  const secrets = [...secretValues(tryParse(text)), ...secretValues(loaded.input), ...secretValues(loaded.config)];
  const raw = text === undefined ? null : redactRawText(text);
  const warnings = cleanIssues(loaded.warnings, secrets);
  if (text !== undefined && raw === null && tryParse(text) !== undefined) {
    warnings.push({ code: 'raw-withheld', path: [], message: 'the file text is withheld: its secrets could not be redacted safely' });
  }
  return {
    path: source.configPath,
    exists: text !== undefined,
    raw,
    hash: sha256(text ?? ''),
    config: loaded.config === undefined ? null : redactValue(loaded.config),
    valid: loaded.errors.length === 0,
    warnings,
    errors: cleanIssues(loaded.errors, secrets),
  };
}

interface CurrentFile {
  text: string | undefined;
  parsed: unknown;
}

/** The file now, after the optimistic-concurrency check. */
function current(loader: ConfigLoader, source: ConfigSource, baseHash: string | undefined): CurrentFile {
  const text = loader.readOptionalText(source.configPath);
  if (baseHash !== undefined && baseHash !== sha256(text ?? '')) {
    throw invalid('config changed since it was read (baseHash mismatch); reload and retry');
  }
  return { text, parsed: tryParse(text) };
}

function refuseMissing(method: string, missing: readonly (string | number)[][]): void {
  if (missing.length === 0) return;
  const paths = missing.map((path) => formatConfigPath(path)).join(', ');
  throw invalid(`${method}: "[redacted]" at ${paths} has no current value to keep; send the real value`);
}

/** Validates `next` and writes it (nothing is written when it is invalid or unchanged). */
function commit(loader: ConfigLoader, deps: ConfigMethodsDeps, method: string, before: CurrentFile, next: string): ConfigWritten {
  const loaded = load(loader, deps, next);
  const secrets = [...secretValues(before.parsed), ...secretValues(loaded.input)];
  if (loaded.errors.length > 0) {
    const errors = cleanIssues(loaded.errors, secrets);
    throw invalid(`${method}: the new config is invalid; nothing was written:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`, { errors });
  }
  const changed = next !== before.text;
  if (changed) writeConfigText(deps.configPath, next);
  const result: ConfigWritten = {
    ok: true,
    path: deps.configPath,
    hash: sha256(next),
    changed,
    restartRequired: changed && !deepEqual(own(before.parsed, 'gateway'), own(tryParse(next), 'gateway')),
    warnings: cleanIssues(loaded.warnings, secrets),
  };
  if (changed) {
    try {
      deps.onConfigWritten?.(result);
    } catch {
      // Documented: the file is written; the embedder's hook reports its own failures.
    }
  }
  return result;
}

/**
 * `config.set`: replaces the whole file. `"[redacted]"` at a secret location (as
 * `config.get` shows secrets) keeps the current value, so a get→edit→set round trip keeps
 * the real secrets and the submitted text's comments and format.
 */
export async function setConfigText(deps: ConfigMethodsDeps, params: ConfigSetParams): Promise<ConfigWritten> {
  const loader = await configLoader();
  // Synchronous from the hash check to the write, so no other request of this process
  // interleaves; the file lock keeps other processes (CLI config set, doctor) out too.
  return withConfigLock(deps.configPath, () => setLocked(loader, deps, params));
}

function setLocked(loader: ConfigLoader, deps: ConfigMethodsDeps, params: ConfigSetParams): ConfigWritten {
  const before = current(loader, deps, params.baseHash);
  try {
    parseJson5(params.raw, deps.configPath);
  } catch (error) {
    if (error instanceof ConfigError) throw invalid(`config.set: ${error.message.split('\n')[0] ?? error.message}`);
    throw error;
  }
  const restored = restoreRedacted(params.raw, before.parsed);
  refuseMissing('config.set', restored.missing);
  return commit(loader, deps, 'config.set', before, restored.text);
}

/**
 * `config.patch`: applies a JSON merge-patch (RFC 7396) as in-place edits of the current file,
 * so its comments and formatting survive. `"[redacted]"` at a secret location keeps the
 * current value.
 */
export async function patchConfigText(deps: ConfigMethodsDeps, params: ConfigPatchParams): Promise<ConfigWritten> {
  const loader = await configLoader();
  return withConfigLock(deps.configPath, () => patchLocked(loader, deps, params));
}

function patchLocked(loader: ConfigLoader, deps: ConfigMethodsDeps, params: ConfigPatchParams): ConfigWritten {
  const before = current(loader, deps, params.baseHash);
  let patch: unknown = params.raw;
  if (typeof patch === 'string') {
    try {
      patch = parseJson5(patch, 'patch');
    } catch (error) {
      if (error instanceof ConfigError) throw invalid(`config.patch: ${error.message.split('\n')[0] ?? error.message}`);
      throw error;
    }
  }
  if (!isPlainObject(patch)) throw invalid('config.patch: raw must be a JSON object (a merge patch), e.g. {"gateway":{"port":19000}}');
  if (before.parsed === undefined) throw invalid('config.patch: the current config file is not valid JSON5; fix it with config.set');
  let next: string;
  try {
    const applied = applyMergePatch(before.text ?? '', before.parsed, patch);
    refuseMissing('config.patch', applied.missing);
    next = applied.text;
  } catch (error) {
    if (error instanceof ConfigError && (error.code === 'CONFIG_EDIT' || error.code === 'CONFIG_PATH')) throw invalid(`config.patch: ${error.message}`);
    throw error;
  }
  return commit(loader, deps, 'config.patch', before, next);
}

/** Registers `config.get`, `config.set`, `config.patch` and `config.schema`; returns their removal. */
export function registerConfigMethods(gateway: Pick<Gateway, 'registerMethod'>, deps: ConfigMethodsDeps): () => void {
  return registerAll(gateway, [
    (g) => g.registerMethod('config.get', () => readConfigSnapshot(deps)),
    (g) => g.registerMethod('config.set', { params: setParams, handler: (params) => setConfigText(deps, params) }),
    (g) => g.registerMethod('config.patch', { params: patchParams, handler: (params) => patchConfigText(deps, params) }),
    (g) => g.registerMethod('config.schema', async () => ({ schema: (await configLoader()).configJsonSchema(), uiHints: {}, version: deps.version })),
  ]);
}
