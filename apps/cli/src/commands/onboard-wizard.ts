import * as p from '@clack/prompts';
import { resolvePaths, valueAtPath } from '@openclaw/config';
import type { ConfigPath } from '@openclaw/config';
import { OnboardRefusal, RISK_TEXT, answersFromFlags, checkNode, dashboardLine, installDaemon, printItems, refuse } from './onboard-common.ts';
import type { OnboardFlags } from './onboard-common.ts';
import { DEFAULT_MODELS, applyPlan, planOnboarding, readExisting } from './onboard-plan.ts';
import type { ModelProvider, OnboardAnswers, OnboardBind, OnboardExisting } from './onboard-plan.ts';
import { reportSupervisorError, serviceContext } from './service-common.ts';

/** Ctrl-C (or "no" to the risk question): nothing has been written yet. */
class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** The answer, or Cancelled when the prompt was cancelled. */
function answer<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled('cancelled');
  return value as Exclude<T, symbol>;
}

const PROVIDERS: Record<ModelProvider, string> = { anthropic: 'Anthropic', openai: 'OpenAI' };
const MODELS: { value: string; label: string; provider: ModelProvider }[] = [
  { value: DEFAULT_MODELS.anthropic, label: 'Claude Opus 4.5 (anthropic)', provider: 'anthropic' },
  { value: 'anthropic/claude-sonnet-4-5', label: 'Claude Sonnet 4.5 (anthropic, cheaper)', provider: 'anthropic' },
  { value: DEFAULT_MODELS.openai, label: 'GPT-5 (openai)', provider: 'openai' },
  { value: 'openai/gpt-5-mini', label: 'GPT-5 mini (openai, cheaper)', provider: 'openai' },
];

const notEmpty = (what: string) => (value: string | undefined): string | undefined => (value?.trim() ? undefined : `the ${what} is empty: paste it, or press Ctrl-C to stop (nothing is written)`);

async function secret(message: string, what: string): Promise<string> {
  return answer(await p.password({ message, mask: '*', validate: notEmpty(what) })).trim();
}

async function askModelAuth(existing: OnboardExisting, answers: OnboardAnswers): Promise<void> {
  for (const provider of existing.credentials) p.log.info(`${PROVIDERS[provider]} API key: kept (already stored)`);
  if (existing.credentials.size > 0 || Object.keys(answers.apiKeys).length > 0) return;
  const provider = answer(
    await p.select<ModelProvider | 'skip'>({
      message: 'Which model provider do you have an API key for?',
      options: [
        { value: 'anthropic', label: 'Anthropic (Claude)', hint: 'recommended' },
        { value: 'openai', label: 'OpenAI' },
        { value: 'skip', label: 'Skip for now', hint: 'the agent cannot answer until a key is added' },
      ],
    }),
  );
  if (provider !== 'skip') answers.apiKeys[provider] = await secret(`Paste your ${PROVIDERS[provider]} API key (stored in credentials/, not in openclaw.json)`, 'API key');
}

async function askModel(existing: OnboardExisting, answers: OnboardAnswers, has: (path: ConfigPath) => boolean): Promise<void> {
  if (has(['agents', 'defaults', 'model', 'primary'])) return p.log.info(`Primary model: kept (${String(valueAtPath(existing.input, ['agents', 'defaults', 'model', 'primary']))})`);
  const providers = new Set<ModelProvider>([...existing.credentials, ...(Object.keys(answers.apiKeys) as ModelProvider[])]);
  const options = MODELS.filter((m) => providers.has(m.provider));
  if (options.length === 0) return;
  answers.primaryModel = answer(await p.select({ message: 'Primary model (agents.defaults.model.primary)', options, initialValue: options[0]!.value }));
}

async function askChannels(answers: OnboardAnswers, has: (path: ConfigPath) => boolean): Promise<void> {
  const telegram = has(['channels', 'telegram', 'botToken']) || has(['channels', 'telegram', 'tokenFile']) || answers.telegramBotToken !== undefined;
  const discord = has(['channels', 'discord', 'token']) || answers.discordBotToken !== undefined;
  if (telegram) p.log.info('Telegram: kept (already configured)');
  if (discord) p.log.info('Discord: kept (already configured)');
  const options = [
    ...(telegram ? [] : [{ value: 'telegram', label: 'Telegram', hint: 'a bot token from @BotFather' }]),
    ...(discord ? [] : [{ value: 'discord', label: 'Discord', hint: 'a bot token from the developer portal' }]),
    { value: 'whatsapp', label: 'WhatsApp', hint: 'linked later by QR code' },
  ];
  const chosen = answer(await p.multiselect({ message: 'Channels to set up (space to select, enter to go on)', options, required: false }));
  if (chosen.includes('telegram')) answers.telegramBotToken = await secret('Paste the Telegram bot token (stored in .env)', 'bot token');
  if (chosen.includes('discord')) answers.discordBotToken = await secret('Paste the Discord bot token (stored in .env)', 'bot token');
  if (chosen.includes('whatsapp')) p.log.info('WhatsApp: after onboarding, run `openclaw channels login` and scan the QR code');
}

async function askGateway(existing: OnboardExisting, answers: OnboardAnswers, has: (path: ConfigPath) => boolean): Promise<void> {
  if (has(['gateway', 'bind'])) p.log.info(`Gateway bind: kept (${String(valueAtPath(existing.input, ['gateway', 'bind']))})`);
  else if (answers.bind === undefined) {
    answers.bind = answer(
      await p.select<OnboardBind>({
        message: 'Where should the gateway listen?',
        options: [
          { value: 'loopback', label: 'loopback (127.0.0.1)', hint: 'recommended: reach it over an SSH tunnel' },
          { value: 'tailnet', label: 'tailnet', hint: "this host's Tailscale address" },
          { value: 'lan', label: 'lan (0.0.0.0)', hint: 'every network interface; put a firewall in front' },
          { value: 'auto', label: 'auto', hint: 'loopback when possible' },
        ],
      }),
    );
  }
  const authSet = has(['gateway', 'auth', 'token']) || has(['gateway', 'auth', 'password']) || existing.envValues['OPENCLAW_GATEWAY_TOKEN'] !== undefined;
  if (authSet) return p.log.info('Gateway auth: kept (already configured)');
  if (answers.auth !== undefined || answers.token !== undefined) return;
  const choice = answer(
    await p.select({
      message: 'How should clients authenticate to the gateway?',
      options: [
        { value: 'generate', label: 'Generate a token', hint: 'recommended: 256 random bits, stored in .env' },
        { value: 'paste', label: 'Paste my own token' },
        { value: 'password', label: 'A password' },
      ],
    }),
  );
  if (choice === 'paste') answers.token = await secret('Paste the gateway token (stored in .env)', 'token');
  if (choice === 'password') {
    answers.auth = 'password';
    answers.password = await secret('Gateway password (stored in .env)', 'password');
  }
}

/**
 * `openclaw onboard` on a terminal: the same steps as `--non-interactive`, as prompts. Every
 * answer stays in memory until the last one; Ctrl-C at any prompt exits 130, nothing written.
 */
export async function runWizard(flags: OnboardFlags, version: string): Promise<void> {
  const answers = answersFromFlags(flags);
  p.intro('OpenClaw onboarding');
  try {
    p.log.success(`Node ${checkNode()}`);
    const paths = resolvePaths(process.env);
    const existing = readExisting(paths);
    const has = (path: ConfigPath): boolean => valueAtPath(existing.input, path) !== undefined;
    p.log.info(`State dir: ${paths.stateDir}${existing.configText === undefined ? '' : ' (a config exists: what it sets is kept)'}`);
    if (!flags.acceptRisk) {
      p.note(RISK_TEXT, 'Before you go on');
      if (!answer(await p.confirm({ message: 'I understand; set it up', initialValue: false }))) throw new Cancelled('declined');
    }
    await askModelAuth(existing, answers);
    await askModel(existing, answers, has);
    await askChannels(answers, has);
    await askGateway(existing, answers, has);
    const install =
      flags.installDaemon ?? answer(await p.confirm({ message: 'Install the gateway as a systemd user service (starts now and at boot)?', initialValue: process.platform === 'linux' }));
    const plan = planOnboarding(existing, answers, refuse);
    if (install) {
      const bus = p.spinner();
      bus.start('Checking the systemd user bus');
      const context = serviceContext();
      try {
        await context.runner.isEnabled(context.unit);
        bus.stop('systemd user bus: reachable');
      } catch (error) {
        bus.error('systemd user bus: not usable; nothing was written');
        if (reportSupervisorError(error, context, 'onboard', false)) return;
        throw error;
      }
    }
    const writing = p.spinner();
    writing.start('Writing the config');
    const written = await applyPlan(plan);
    writing.stop('Config written');
    printItems(plan, written);
    if (install) await installDaemon(false, version);
    p.outro(`${dashboardLine(true)}\nNext: ${install ? 'openclaw gateway status' : 'openclaw gateway   (foreground; `openclaw gateway install` makes it a service)'}`);
  } catch (error) {
    if (error instanceof Cancelled) {
      p.cancel('Onboarding cancelled; nothing was written.');
      process.exitCode = 130;
      return;
    }
    if (error instanceof OnboardRefusal) p.cancel('Onboarding stopped; nothing was written.');
    throw error;
  }
}
