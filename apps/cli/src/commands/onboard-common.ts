import { dashboardUrl } from '@openclaw/gateway-core';
import { print, printWarning } from '../output.ts';
import { loadValidConfig } from './gateway.ts';
import { ONBOARD_BINDS } from './onboard-plan.ts';
import type { applyPlan } from './onboard-plan.ts';
import type { OnboardAnswers, OnboardBind, OnboardPlan } from './onboard-plan.ts';
import { reportSupervisorError, serviceContext } from './service-common.ts';

/** Flags of `openclaw onboard`. */
export interface OnboardFlags {
  nonInteractive?: boolean;
  acceptRisk?: boolean;
  anthropicApiKey?: string;
  openaiApiKey?: string;
  gatewayBind?: string;
  gatewayAuth?: string;
  gatewayToken?: string;
  gatewayPassword?: string;
  gatewayPort?: string;
  telegramBotToken?: string;
  discordBotToken?: string;
  installDaemon?: boolean;
  json?: boolean;
}

const MIN_NODE = [22, 12] as const;

/** Why `--accept-risk` exists, for the refusal and the wizard. */
export const RISK_TEXT =
  'The agent this sets up runs with your user\'s rights: it can read files and run commands on this machine, and anyone it accepts on a channel can ask it to.';

/** A choice that cannot work: printed with its fix, exit 2, nothing written. */
export class OnboardRefusal extends Error {
  override readonly name = 'OnboardRefusal';
  readonly fix: string;
  constructor(message: string, fix: string) {
    super(message);
    this.fix = fix;
  }
}

/** Refuses a choice that cannot work (see {@link OnboardRefusal}). */
export function refuse(message: string, fix: string): never {
  throw new OnboardRefusal(message, fix);
}

/** Node >= 22.12, or an error naming the fix. */
export function checkNode(): string {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    refuse(`openclaw needs Node ${MIN_NODE.join('.')} or newer; this is ${process.versions.node}`, 'install Node 22 LTS (e.g. from https://nodejs.org or your distribution), then run openclaw onboard again');
  }
  return process.versions.node;
}

/** The systemd user bus answers (only asked with --install-daemon); false after printing the fix. */
export async function checkUserBus(json: boolean | undefined): Promise<boolean> {
  const context = serviceContext();
  try {
    await context.runner.isEnabled(context.unit);
    return true;
  } catch (error) {
    if (reportSupervisorError(error, context, 'onboard', json)) return false;
    throw error;
  }
}

function parseBind(text: string | undefined): OnboardBind | undefined {
  if (text === undefined) return undefined;
  if ((ONBOARD_BINDS as readonly string[]).includes(text)) return text as OnboardBind;
  if (text === 'custom') refuse('--gateway-bind custom needs a host, which onboard does not ask for', 'onboard with --gateway-bind loopback, then: openclaw config set gateway.customBindHost <ip> && openclaw config set gateway.bind custom');
  return refuse(`--gateway-bind must be one of ${ONBOARD_BINDS.join(', ')}, not ${JSON.stringify(text)}`, '--gateway-bind loopback (the default) keeps the gateway on this machine');
}

/** The answers the flags give (the wizard asks for the rest). */
export function answersFromFlags(flags: OnboardFlags): OnboardAnswers {
  if (flags.gatewayAuth !== undefined && flags.gatewayAuth !== 'token' && flags.gatewayAuth !== 'password') {
    refuse(`--gateway-auth must be token or password, not ${JSON.stringify(flags.gatewayAuth)}`, '--gateway-auth token (the default: a generated 256-bit token)');
  }
  let port: number | undefined;
  if (flags.gatewayPort !== undefined) {
    port = Number(flags.gatewayPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535) refuse(`--gateway-port must be a port number 1-65535, not ${JSON.stringify(flags.gatewayPort)}`, '--gateway-port 18789 (the default)');
  }
  const apiKeys: OnboardAnswers['apiKeys'] = {};
  if (flags.anthropicApiKey) apiKeys.anthropic = flags.anthropicApiKey.trim();
  if (flags.openaiApiKey) apiKeys.openai = flags.openaiApiKey.trim();
  return {
    apiKeys,
    telegramBotToken: flags.telegramBotToken?.trim() || undefined,
    discordBotToken: flags.discordBotToken?.trim() || undefined,
    bind: parseBind(flags.gatewayBind),
    auth: flags.gatewayAuth as OnboardAnswers['auth'],
    token: flags.gatewayToken?.trim() || undefined,
    password: flags.gatewayPassword || undefined,
    port,
  };
}

/** The command to run instead, with secrets replaced by placeholders. */
export function nonInteractiveCommand(flags: OnboardFlags): string {
  const parts = ['openclaw onboard --non-interactive --accept-risk'];
  parts.push(flags.openaiApiKey && !flags.anthropicApiKey ? '--openai-api-key "$OPENAI_API_KEY"' : '--anthropic-api-key "$ANTHROPIC_API_KEY"');
  if (flags.telegramBotToken) parts.push('--telegram-bot-token "$TELEGRAM_BOT_TOKEN"');
  if (flags.discordBotToken) parts.push('--discord-bot-token "$DISCORD_BOT_TOKEN"');
  if (flags.gatewayBind) parts.push(`--gateway-bind ${flags.gatewayBind}`);
  if (flags.gatewayAuth) parts.push(`--gateway-auth ${flags.gatewayAuth}`);
  if (flags.gatewayPassword) parts.push('--gateway-password "$OPENCLAW_GATEWAY_PASSWORD"');
  if (flags.gatewayPort) parts.push(`--gateway-port ${flags.gatewayPort}`);
  if (flags.installDaemon) parts.push('--install-daemon');
  if (flags.json) parts.push('--json');
  return parts.join(' ');
}

/** The dashboard URL (with the token: for the owner's terminal only), or how to get it. */
export function dashboardLine(withToken: boolean): string {
  const loaded = loadValidConfig();
  const gateway = loaded.config.gateway;
  if (gateway.bind === 'tailnet' || gateway.bind === 'custom') return 'Dashboard URL: run `openclaw dashboard` (it looks up the address)';
  const token = withToken && gateway.auth.mode !== 'password' ? gateway.auth.token : undefined;
  return `Dashboard URL: ${dashboardUrl({ bind: gateway.bind, port: gateway.port, basePath: gateway.controlUi.basePath, token })}`;
}

/** The `--json` summary: paths, choices, added/kept; never a secret. */
export function summaryJson(plan: OnboardPlan, written: Awaited<ReturnType<typeof applyPlan>>, daemon: unknown): Record<string, unknown> {
  return {
    ok: true,
    stateDir: plan.existing.paths.stateDir,
    configPath: plan.existing.paths.configPath,
    envPath: plan.existing.envPath,
    workspace: plan.workspaceDir,
    ...plan.summary,
    configWritten: written.configWritten,
    envWritten: written.envWritten,
    backup: written.backup ?? null,
    added: plan.items.filter((i) => i.status === 'added').map((i) => i.what),
    kept: plan.items.filter((i) => i.status === 'kept').map((i) => i.what),
    notes: plan.notes,
    daemon,
    next: daemon === null ? ['openclaw gateway'] : ['openclaw gateway status'],
  };
}

/** Prints what was added and kept, step by step. */
export function printItems(plan: OnboardPlan, written: Awaited<ReturnType<typeof applyPlan>>): void {
  for (const item of plan.items) print(`  ${item.status === 'added' ? '+' : '='} ${item.what}${item.status === 'kept' ? ' (kept)' : ''}`);
  const { configPath } = plan.existing.paths;
  if (written.configWritten) print(`wrote ${configPath}${written.backup ? ` (the previous version is ${written.backup})` : ''}`);
  else print(`${configPath} already had everything; not rewritten`);
  if (written.envWritten) print(`wrote ${plan.existing.envPath} (0600)`);
  for (const note of plan.notes) printWarning(note);
  if (plan.credentials.length === 0 && plan.summary.primaryModel === undefined) {
    printWarning('no model API key was given: the agent cannot answer yet', 'openclaw onboard --non-interactive --accept-risk --anthropic-api-key "$ANTHROPIC_API_KEY" (what exists is kept)');
  }
}

/** Runs `gateway install`; with --json its JSON answer is captured into the summary. */
export async function installDaemon(json: boolean | undefined, version: string): Promise<unknown> {
  const { serviceInstall } = await import('./service.ts');
  if (!json) {
    await serviceInstall({}, version);
    return { requested: true };
  }
  const write = process.stdout.write.bind(process.stdout);
  let captured = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await serviceInstall({ json: true }, version);
  } finally {
    process.stdout.write = write;
  }
  try {
    return JSON.parse(captured) as unknown;
  } catch {
    return { output: captured };
  }
}

