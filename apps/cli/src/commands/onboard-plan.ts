import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import {
  ConfigError,
  DEFAULT_GATEWAY_PORT,
  ensurePrivateDir,
  formatConfigPath,
  loadConfig,
  readOptionalText,
  rotateBackups,
  setValueInText,
  valueAtPath,
  writeConfigText,
  writeFileAtomic,
} from '@openclaw/config';
import type { ConfigPath, OpenClawPaths } from '@openclaw/config';
import { resolveWorkspaceDir } from '@openclaw/agent';
import type { WorkspaceConfig } from '@openclaw/agent';
import { CredentialStore } from '@openclaw/state';
import { MIN_TOKEN_LENGTH } from './doctor-audit.ts';
import { WORKSPACE_FILES } from './doctor-workspace.ts';

/** The model `agents.defaults.model.primary` gets for each provider a key was given for. */
export const DEFAULT_MODELS = { anthropic: 'anthropic/claude-opus-4-5', openai: 'openai/gpt-5' } as const;
export type ModelProvider = keyof typeof DEFAULT_MODELS;
export const ONBOARD_BINDS = ['loopback', 'lan', 'tailnet', 'auto'] as const;
export type OnboardBind = (typeof ONBOARD_BINDS)[number];

/** What the owner chose (flags or wizard answers). Secrets live only in memory until `applyPlan`. */
export interface OnboardAnswers {
  apiKeys: Partial<Record<ModelProvider, string>>;
  primaryModel?: string | undefined;
  telegramBotToken?: string | undefined;
  discordBotToken?: string | undefined;
  bind?: OnboardBind | undefined;
  auth?: 'token' | 'password' | undefined;
  token?: string | undefined;
  password?: string | undefined;
  port?: number | undefined;
}

/** What is on disk before onboarding. */
export interface OnboardExisting {
  paths: OpenClawPaths;
  envPath: string;
  configText: string | undefined;
  /** The config as written (after includes and `${VAR}`), empty when there is none. */
  input: Record<string, unknown>;
  envText: string | undefined;
  envValues: Record<string, string>;
  /** Providers with a stored `default` credential. */
  credentials: Set<ModelProvider>;
}

/** One line of the summary: what was added, and what was already there and kept. */
export interface PlanItem {
  step: 'model-auth' | 'model' | 'channels' | 'gateway' | 'workspace' | 'env';
  what: string;
  status: 'added' | 'kept';
}

/** Everything onboarding will write; nothing is on disk until {@link applyPlan}. */
export interface OnboardPlan {
  existing: OnboardExisting;
  items: PlanItem[];
  /** The new config text, or undefined when the file already says everything. */
  configText: string | undefined;
  envText: string | undefined;
  credentials: { provider: ModelProvider; key: string }[];
  workspaceDir: string;
  missingWorkspace: string[];
  /** Things the owner asked for that were not done (a value already there), for a warning. */
  notes: string[];
  summary: { primaryModel: string | undefined; channels: string[]; bind: string; port: number; authMode: string };
}

/** Reads the state dir: the config must be valid (or absent) before onboarding changes it. */
export function readExisting(paths: OpenClawPaths): OnboardExisting {
  const envPath = join(paths.stateDir, '.env');
  const configText = readOptionalText(paths.configPath);
  const envText = readOptionalText(envPath);
  let input: Record<string, unknown> = {};
  if (configText !== undefined) {
    const loaded = loadConfig();
    if (loaded.config === undefined) {
      throw new ConfigError('CONFIG_INVALID', `${paths.configPath} is invalid, so onboarding will not add to it:\n${loaded.errors.map((e) => `  - ${e.message}`).join('\n')}`, {
        hint: 'openclaw doctor --fix repairs what it can (after a backup); or fix the file by hand (openclaw config validate lists the errors)',
      });
    }
    input = loaded.input;
  }
  const store = new CredentialStore({ stateDir: paths.stateDir });
  const credentials = new Set<ModelProvider>();
  for (const provider of Object.keys(DEFAULT_MODELS) as ModelProvider[]) if (existsSync(store.fileFor(provider, 'default'))) credentials.add(provider);
  return { paths, envPath, configText, input, envText, envValues: envText === undefined ? {} : parseDotenv(envText), credentials };
}

/** A fresh 256-bit gateway token. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

function dotenvLine(name: string, value: string): string {
  return /^[A-Za-z0-9_:.\-+/=]*$/.test(value) ? `${name}=${value}` : `${name}=${JSON.stringify(value)}`;
}

const COMMENTS: Record<string, string> = {
  agents: 'The model every agent uses unless an agent says otherwise. API keys are in credentials/, not here.',
  channels: 'Chat channels. ${NAME} values come from .env next to this file (mode 0600), so no secret is written here.',
  gateway: 'How the gateway listens and who may connect. The token is in .env as OPENCLAW_GATEWAY_TOKEN.',
};

/** A fresh config, with a comment above each section. */
function renderFreshConfig(sets: readonly { path: ConfigPath; value: unknown }[]): string {
  const root: Record<string, unknown> = {};
  for (const { path, value } of sets) {
    let node = root;
    for (const key of path.slice(0, -1) as string[]) node = (node[key] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1] as string] = value;
  }
  const sections = Object.entries(root).map(([key, value]) => {
    const body = JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    return `${COMMENTS[key] ? `  // ${COMMENTS[key]}\n` : ''}  ${JSON.stringify(key)}: ${body},`;
  });
  return [
    '// OpenClaw config (JSON5: comments and trailing commas are allowed), written by `openclaw onboard`.',
    '// Change it with `openclaw config set <path> <value>`; check it with `openclaw config validate`.',
    '{',
    sections.join('\n\n'),
    '}',
    '',
  ].join('\n');
}

/**
 * Works out what to add: every value already in the config, the .env or the credentials
 * store is kept; only what is missing is filled. Throws a UsageError-worthy message (via
 * `refuse`) when a choice cannot work, before anything is written.
 */
export function planOnboarding(existing: OnboardExisting, answers: OnboardAnswers, refuse: (message: string, fix: string) => never): OnboardPlan {
  const items: PlanItem[] = [];
  const sets: { path: ConfigPath; value: unknown }[] = [];
  const envAdds: Record<string, string> = {};
  const has = (path: ConfigPath): boolean => valueAtPath(existing.input, path) !== undefined;
  const want = (step: PlanItem['step'], path: ConfigPath, value: unknown, label = formatConfigPath(path)): void => {
    if (has(path)) items.push({ step, what: label, status: 'kept' });
    else {
      sets.push({ path, value });
      items.push({ step, what: label, status: 'added' });
    }
  };
  const envSecret = (step: PlanItem['step'], name: string, value: string | undefined): boolean => {
    if (existing.envValues[name] !== undefined) {
      items.push({ step, what: `.env ${name}`, status: 'kept' });
      return true;
    }
    if (value === undefined) return false;
    envAdds[name] = value;
    items.push({ step, what: `.env ${name}`, status: 'added' });
    return true;
  };

  // Model auth: API keys go to the credentials store only.
  const credentials: OnboardPlan['credentials'] = [];
  const notes: string[] = [];
  for (const provider of Object.keys(DEFAULT_MODELS) as ModelProvider[]) {
    const key = answers.apiKeys[provider];
    if (existing.credentials.has(provider)) {
      items.push({ step: 'model-auth', what: `credentials/${provider}.default.json`, status: 'kept' });
      if (key !== undefined) notes.push(`a ${provider} API key was given, but one is already stored; kept the stored one (delete credentials/${provider}.default.json and run onboard again to replace it)`);
    }
    else if (key !== undefined) {
      credentials.push({ provider, key });
      items.push({ step: 'model-auth', what: `credentials/${provider}.default.json`, status: 'added' });
    }
  }
  const providers = (Object.keys(DEFAULT_MODELS) as ModelProvider[]).filter((p) => existing.credentials.has(p) || answers.apiKeys[p] !== undefined);
  const primary = answers.primaryModel ?? (providers[0] === undefined ? undefined : DEFAULT_MODELS[providers[0]]);
  if (primary !== undefined) want('model', ['agents', 'defaults', 'model', 'primary'], primary);
  const primaryModel = (valueAtPath(existing.input, ['agents', 'defaults', 'model', 'primary']) as string | undefined) ?? primary;

  // Channels: the token in .env, a ${NAME} reference in the config.
  const channels: string[] = [];
  const channel = (name: 'telegram' | 'discord', tokenKey: string, variable: string, token: string | undefined): void => {
    const configured = has(['channels', name, tokenKey]) || has(['channels', name, 'tokenFile']);
    if (configured) {
      items.push({ step: 'channels', what: `channels.${name}.${tokenKey}`, status: 'kept' });
      channels.push(name);
      return;
    }
    if (token === undefined && existing.envValues[variable] === undefined) return;
    envSecret('channels', variable, token);
    want('channels', ['channels', name, 'enabled'], true);
    want('channels', ['channels', name, tokenKey], `\${${variable}}`);
    want('channels', name === 'telegram' ? ['channels', 'telegram', 'dmPolicy'] : ['channels', 'discord', 'dm', 'policy'], 'pairing');
    channels.push(name);
  };
  channel('telegram', 'botToken', 'TELEGRAM_BOT_TOKEN', answers.telegramBotToken);
  channel('discord', 'token', 'DISCORD_BOT_TOKEN', answers.discordBotToken);

  // Gateway: bind, port and auth; the shared secret lives in .env.
  const bind = (valueAtPath(existing.input, ['gateway', 'bind']) as string | undefined) ?? answers.bind ?? 'loopback';
  const port = (valueAtPath(existing.input, ['gateway', 'port']) as number | undefined) ?? answers.port ?? (Number(process.env.OPENCLAW_GATEWAY_PORT) || DEFAULT_GATEWAY_PORT);
  const configuredMode = valueAtPath(existing.input, ['gateway', 'auth', 'mode']) as string | undefined;
  const hasToken = has(['gateway', 'auth', 'token']);
  const hasPassword = has(['gateway', 'auth', 'password']);
  const authMode = configuredMode ?? (hasPassword && !hasToken ? 'password' : hasToken ? 'token' : (answers.auth ?? 'token'));
  want('gateway', ['gateway', 'mode'], 'local');
  want('gateway', ['gateway', 'port'], port);
  want('gateway', ['gateway', 'bind'], bind);
  want('gateway', ['gateway', 'auth', 'mode'], authMode);
  if (authMode === 'password') {
    if (!hasPassword) {
      if (!envSecret('gateway', 'OPENCLAW_GATEWAY_PASSWORD', answers.password)) {
        refuse(`gateway auth mode password needs a password, and none was given (bind ${bind})`, 'pass --gateway-password <password> (it goes to .env, not openclaw.json), or use --gateway-auth token');
      }
      want('gateway', ['gateway', 'auth', 'password'], '${OPENCLAW_GATEWAY_PASSWORD}');
    } else items.push({ step: 'gateway', what: 'gateway.auth.password', status: 'kept' });
  } else if (!hasToken) {
    envSecret('gateway', 'OPENCLAW_GATEWAY_TOKEN', answers.token ?? generateToken());
    if (answers.token !== undefined && answers.token.length < MIN_TOKEN_LENGTH && existing.envValues['OPENCLAW_GATEWAY_TOKEN'] === undefined) {
      notes.push(`the given gateway token has ${answers.token.length} characters; use at least ${MIN_TOKEN_LENGTH} (leave --gateway-token out for a generated 256-bit one)`);
    }
    want('gateway', ['gateway', 'auth', 'token'], '${OPENCLAW_GATEWAY_TOKEN}');
  } else items.push({ step: 'gateway', what: 'gateway.auth.token', status: 'kept' });

  // Workspace files: created only when missing.
  // The directory the agent will read (relative paths are relative to the state dir).
  const workspaceDir = resolveWorkspaceDir({ stateDir: existing.paths.stateDir, config: existing.input as WorkspaceConfig });
  const missingWorkspace = [...WORKSPACE_FILES.map((f) => f.name), 'skills/'].filter((name) => !existsSync(join(workspaceDir, name)));
  for (const name of [...WORKSPACE_FILES.map((f) => f.name), 'skills/']) items.push({ step: 'workspace', what: `workspace/${name}`, status: missingWorkspace.includes(name) ? 'added' : 'kept' });

  let configText: string | undefined;
  if (sets.length > 0) {
    configText = existing.configText === undefined ? renderFreshConfig(sets) : sets.reduce((text, s) => setValueInText(text, s.path, s.value), existing.configText);
  }
  let envText: string | undefined;
  const envLines = Object.entries(envAdds).map(([name, value]) => dotenvLine(name, value));
  if (envLines.length > 0) {
    const before = existing.envText ?? '# Secrets for openclaw (mode 0600). openclaw.json refers to them as ${NAME}.\n';
    envText = `${before}${before === '' || before.endsWith('\n') ? '' : '\n'}${envLines.join('\n')}\n`;
  }
  if (configText !== undefined) validatePlan(existing, configText, envAdds);
  return { existing, items, configText, envText, credentials, workspaceDir, missingWorkspace, notes, summary: { primaryModel, channels, bind, port, authMode } };
}

/** Loads the new text the way the gateway will (with the new .env values); refuses an invalid result. */
function validatePlan(existing: OnboardExisting, configText: string, envAdds: Record<string, string>): void {
  const loaded = loadConfig({ configPath: existing.paths.configPath, text: configText, env: { ...process.env, ...existing.envValues, ...envAdds } });
  if (loaded.errors.length > 0) {
    throw new ConfigError('CONFIG_INVALID', `refusing to write ${existing.paths.configPath}; the result would be invalid:\n${loaded.errors.map((e) => `  - ${e.message}`).join('\n')}`, {
      hint: 'fix the existing values named above (openclaw config validate), then run openclaw onboard again',
    });
  }
}

/** Writes everything, in one go at the end: state dir, credentials, .env, config (after a .bak), workspace. */
export async function applyPlan(plan: OnboardPlan): Promise<{ configWritten: boolean; envWritten: boolean; backup: string | undefined }> {
  const { paths, envPath } = plan.existing;
  ensurePrivateDir(paths.stateDir);
  const store = new CredentialStore({ stateDir: paths.stateDir });
  for (const { provider, key } of plan.credentials) await store.write({ type: 'api_key', provider, profile: 'default', key });
  if (plan.envText !== undefined) {
    rotateBackups(envPath, 1);
    writeFileAtomic(envPath, plan.envText, { mode: 0o600 });
  }
  let backup: string | undefined;
  if (plan.configText !== undefined) {
    writeConfigText(paths.configPath, plan.configText);
    if (plan.existing.configText !== undefined) backup = `${paths.configPath}.bak`;
  }
  if (plan.missingWorkspace.length > 0) {
    ensurePrivateDir(plan.workspaceDir);
    for (const file of WORKSPACE_FILES) {
      if (plan.missingWorkspace.includes(file.name)) writeFileSync(join(plan.workspaceDir, file.name), file.template, { flag: 'wx', mode: 0o600 });
    }
    if (plan.missingWorkspace.includes('skills/')) mkdirSync(join(plan.workspaceDir, 'skills'), { mode: 0o700 });
  }
  return { configWritten: plan.configText !== undefined, envWritten: plan.envText !== undefined, backup };
}
