import { Command, Option } from 'commander';
import type { AgentFlags } from './commands/agent.ts';
import type { ChatFlags } from './commands/chat.ts';
import type { ConfigGetFlags } from './commands/config.ts';
import type { DashboardFlags } from './commands/dashboard.ts';
import type { GatewayCallFlags } from './commands/gateway.ts';
import type { GatewayRunFlags } from './commands/gateway-run.ts';
import type { HealthFlags } from './commands/health.ts';
import type { LogsFlags } from './commands/logs.ts';
import type { ServiceFlags, ServiceInstallFlags } from './commands/service.ts';
import type { ServiceStatusFlags } from './commands/service-status.ts';
import type { StatusFlags } from './commands/status.ts';

/** The flags of `openclaw gateway` and `openclaw gateway run`. */
function gatewayRunOptions(command: Command): Command {
  return command
    .option('--port <port>', 'port for WebSocket and HTTP (default gateway.port, 18789)')
    .option('--bind <mode>', 'loopback, lan, tailnet, auto or custom (default gateway.bind, loopback)')
    .option('--token <token>', 'shared token clients must present (overrides gateway.auth.token)')
    .option('--password <password>', 'shared password clients must present (overrides gateway.auth.password)')
    .option('--auth <mode>', 'token or password')
    .option('--allow-unconfigured', 'start even when gateway.mode is remote')
    .option('--verbose', 'also print the log, one line per event, on stderr');
}

/** The flags of the commands that talk to a running gateway. */
function remoteOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the gateway to ask, e.g. ws://127.0.0.1:18789 (default: this host\'s gateway)')
    .option('--token <token>', 'gateway token (default OPENCLAW_GATEWAY_TOKEN, then the config)')
    .option('--password <password>', 'gateway password (default OPENCLAW_GATEWAY_PASSWORD, then the config)')
    .option('--timeout <ms>', 'give up after this many milliseconds (default 10000)')
    .option('--json', 'print JSON');
}

/**
 * The command tree. Each command's code is imported only when that command runs, so
 * `openclaw --help` and `openclaw config path` load nothing they do not use.
 */
export function buildProgram(version: string): Command {
  const program = new Command('openclaw')
    .description('A light, crash-safe OpenClaw gateway for small servers.')
    // `gateway` and its subcommands share flag names (--port, --token, --password): options
    // belong to the command they follow, or `gateway call m --token T` would lose the token.
    .enablePositionalOptions()
    .version(version, '-V, --version', 'print the version')
    .addOption(new Option('--profile <name>', 'use ~/.openclaw-<name> as the state dir (before the command)'))
    .addOption(new Option('--dev', 'profile "dev": ~/.openclaw-dev and gateway port 19001 (before the command)'))
    .exitOverride()
    .showHelpAfterError('(run `openclaw --help` for the command list)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const config = program
    .command('config')
    .description('read and change openclaw.json (comments and formatting are kept)');

  config
    .command('get')
    .description('print the effective config, or the value at a path (secrets redacted)')
    .argument('[path]', 'dotted path, e.g. gateway.port or agents.list[0].id')
    .option('--json', 'print JSON')
    .option('--explain', 'also say which layer set the value (file, env, default)')
    .option('--reveal', 'print secrets (tokens, passwords, API keys) instead of [redacted]')
    .action(async (path: string | undefined, options: ConfigGetFlags) => (await import('./commands/config.ts')).configGet(path, options));

  config
    .command('set')
    .description('set a value; the value is read as JSON5 (19000 is a number, lan a string)')
    .argument('<path>', 'dotted path, e.g. gateway.bind')
    .argument('<value>', 'the new value, e.g. lan, 19000, true, ["a","b"]')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, value: string, options: { json?: boolean }) => (await import('./commands/config.ts')).configSet(path, value, options));

  config
    .command('unset')
    .description('remove a key, so its default applies again')
    .argument('<path>', 'dotted path, e.g. gateway.auth.token')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, options: { json?: boolean }) => (await import('./commands/config.ts')).configUnset(path, options));

  config
    .command('validate')
    .description('check the config; exit code 78 when it is invalid')
    .option('--json', 'print {valid, errors, warnings} as JSON')
    .action(async (options: { json?: boolean }) => (await import('./commands/config.ts')).configValidate(options));

  config
    .command('path')
    .description('print where the config file is (and the state dir with --json)')
    .option('--json', 'print {configPath, stateDir, profile, exists} as JSON')
    .action(async (options: { json?: boolean }) => (await import('./commands/config.ts')).configPath(options));

  const gateway = gatewayRunOptions(
    program
      .command('gateway')
      .description('run the gateway in the foreground until Ctrl-C or SIGTERM; `gateway call` sends one request')
      .enablePositionalOptions(),
  ).action(async (options: GatewayRunFlags) => (await import('./commands/gateway-run.ts')).gatewayRun(options, version));

  gatewayRunOptions(gateway.command('run').description('the same as `openclaw gateway`')).action(async (options: GatewayRunFlags) =>
    (await import('./commands/gateway-run.ts')).gatewayRun(options, version),
  );

  remoteOptions(
    gateway
      .command('call')
      .description('send one request to the gateway and print the answer as JSON')
      .argument('<method>', 'e.g. health, status, system-presence')
      .option('--params <json>', 'request params as JSON (default {})'),
  ).action(async (method: string, options: GatewayCallFlags) => (await import('./commands/gateway.ts')).gatewayCall(method, options, version));

  gateway
    .command('install')
    .description('install the gateway as a systemd user service and start it (daemon-reload, enable, linger, start)')
    .option('--port <port>', 'port the service listens on (default gateway.port, 18789)')
    .option('--force', 'replace an installed unit that differs (the old one is kept as .bak)')
    .option('--dry-run', 'print the unit and the commands it would run; write and run nothing')
    .option('--json', 'print the result as JSON')
    // `gateway` has a --port of its own and commander hands it the flag; read it from there too.
    .action(async (_options: ServiceInstallFlags, command: Command) =>
      (await import('./commands/service.ts')).serviceInstall(command.optsWithGlobals<ServiceInstallFlags>(), version),
    );

  gateway
    .command('uninstall')
    .description('stop and disable the service and remove its unit (nothing installed: exit 0)')
    .option('--json', 'print the result as JSON')
    .action(async (options: ServiceFlags) => (await import('./commands/service.ts')).serviceUninstall(options));

  for (const [verb, what] of [
    ['start', 'start the installed service'],
    ['stop', 'stop the service (it starts again at boot while enabled)'],
    ['restart', 'restart the service, e.g. after an update or a config change'],
  ] as const) {
    gateway
      .command(verb)
      .description(`${what} (systemctl --user ${verb})`)
      .option('--json', 'print the result as JSON')
      .action(async (options: ServiceFlags) => (await import('./commands/service.ts')).serviceControl(verb, options));
  }

  gateway
    .command('status')
    .description('the service: systemd state, lock, and whether the gateway answers (exit 1 unless active and answering)')
    .option('--timeout <ms>', 'how long the WebSocket probe waits (default 3000)')
    .option('--json', 'print JSON')
    .action(async (options: ServiceStatusFlags) => (await import('./commands/service-status.ts')).serviceStatus(options, version));

  remoteOptions(program.command('status').description('ask the gateway how it is: version, uptime, address, state dir, lock'))
    .option('--deep', 'also run the probing health check')
    .action(async (options: StatusFlags) => (await import('./commands/status.ts')).statusCommand(options, version));

  remoteOptions(program.command('health').description('check the gateway; one ✓/✗ line per check, exit 1 if any failed'))
    .option('--deep', 'probe channels too, and check this host\'s lock and config')
    .action(async (options: HealthFlags) => (await import('./commands/health.ts')).healthCommand(options, version));

  remoteOptions(program.command('logs').description("print the gateway's log (JSON lines; readable unless --json)"))
    .option('--tail <n>', 'how many of the last lines to print (default 100, at most 5000)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--interval <ms>', 'how often --follow asks for new lines (default 1000)')
    .action(async (options: LogsFlags) => (await import('./commands/logs.ts')).logsCommand(options, version));

  remoteOptions(program.command('agent').description('send one message to the agent through the gateway; the reply streams in'))
    .option('-m, --message <text>', 'the message')
    .option('--session <key>', 'session key (default main: the agent\'s main session)')
    .action(async (options: AgentFlags) => (await import('./commands/agent.ts')).agentCommand(options, version));

  remoteOptions(program.command('chat').description('chat with the agent in the terminal through the gateway (Ctrl-C stops a reply, Ctrl-D leaves)'))
    .option('--session <key>', 'session key (default main)')
    .option('--history <n>', 'how many earlier messages to show first (default 10)')
    .action(async (options: ChatFlags) => (await import('./commands/chat.ts')).chatCommand(options, version));

  // Chat channels: this host's config (list), the gateway's channels (status, login), DM
  // pairing (through the gateway, or the local store when none runs), outbound messages.
  const channels = program.command('channels').description('the chat channels: configured accounts, live status, QR login');
  channels
    .command('list')
    .description('the channels this host\'s config sets up, their accounts and where each token comes from (never the token)')
    .option('--json', 'print { configPath, channels } as JSON')
    .action(async (options: { json?: boolean }) => (await import('./commands/channels-list.ts')).channelsList(options));
  remoteOptions(channels.command('status').description('the gateway\'s channels: one line per account (connected, last error and its fix)'))
    .option('--probe', 'also ask each platform whether the bot works (within --timeout)')
    .action(async (options: object) => (await import('./commands/channels.ts')).channelsStatus(options, version));
  remoteOptions(channels.command('login').description('link a device channel (WhatsApp) by QR code through the gateway'))
    .option('--channel <id>', 'the channel to log in (default: the first with a QR login, whatsapp)')
    .option('--account <id>', 'the account to link (default: the channel\'s default account)')
    .option('--force', 'start over even when the account is already linked')
    .action(async (options: object) => (await import('./commands/channels.ts')).channelsLogin(options, version));

  const pairing = program.command('pairing').description('DM pairing: who may message the bots (approve a sender\'s code)');
  remoteOptions(pairing.command('list').description('the pending pairing requests (code, sender, expiry), oldest first').argument('[channel]', 'only this channel, e.g. telegram')).action(
    async (channel: string | undefined, options: object) => (await import('./commands/pairing.ts')).pairingList(channel, options, version),
  );
  for (const [verb, what] of [
    ['approve', 'let the sender of a pairing code DM the bot; the gateway tells them'],
    ['reject', 'drop a pairing request without granting access'],
  ] as const) {
    remoteOptions(pairing.command(verb).description(what).argument('<channel>', 'e.g. telegram').argument('<code>', 'the 8-character code the sender got')).action(
      async (channel: string, code: string, options: object) => {
        const commands = await import('./commands/pairing.ts');
        await (verb === 'approve' ? commands.pairingApprove : commands.pairingReject)(channel, code, options, version);
      },
    );
  }

  remoteOptions(
    program
      .command('message')
      .description('messages through the gateway\'s channels')
      .command('send')
      .description('send a message to a chat through one of the gateway\'s channels (split to the channel\'s limits)')
      .option('--channel <id>', 'telegram, discord, whatsapp, …')
      .option('-t, --target <id>', 'the chat: a Telegram chat id, a Discord channel or user id, …')
      .option('-m, --message <text>', 'the text')
      .option('--account <id>', 'the channel account to send from (default: its default account)')
      .option('--thread-id <id>', 'a Telegram topic or Discord thread'),
  ).action(async (options: object) => (await import('./commands/message.ts')).messageSend(options, version));

  program
    .command('dashboard')
    .description('print the dashboard URL (with the token) and how to reach it over an SSH tunnel')
    .option('--no-open', 'accepted for compatibility; no browser is opened on a server anyway')
    .action(async (options: DashboardFlags) => (await import('./commands/dashboard.ts')).dashboardCommand(options));

  program
    .command('doctor')
    .description('check config, state, sessions, credentials, security and the service; --fix repairs (backups first); exit 1 while something is ✗')
    .option('--fix', 'apply the repairs: migrate legacy keys (after a .bak), chmod, repair transcripts')
    .option('--repair', 'the same as --fix')
    .option('--yes', 'the same as --fix (doctor never prompts)')
    .option('--non-interactive', 'accepted; doctor never prompts, and without --fix changes nothing')
    .option('--json', 'print { ok, checks, changes } as JSON')
    .action(async (options: { fix?: boolean; repair?: boolean; yes?: boolean; nonInteractive?: boolean; json?: boolean }) =>
      (await import('./commands/doctor.ts')).doctorCommand(options, version),
    );

  program
    .command('onboard')
    .description('set up model auth, channels, workspace and the gateway (a wizard; --non-interactive --accept-risk with flags)')
    .option('--non-interactive', 'ask nothing; take everything from the flags (needs --accept-risk)')
    .option('--accept-risk', 'confirm you know the agent runs with your rights on this machine')
    .option('--anthropic-api-key <key>', 'Anthropic API key (stored in credentials/, not in openclaw.json)')
    .option('--openai-api-key <key>', 'OpenAI API key (stored in credentials/, not in openclaw.json)')
    .option('--gateway-bind <mode>', 'loopback (default), lan, tailnet or auto')
    .option('--gateway-auth <mode>', 'token (default) or password')
    .option('--gateway-token <token>', 'gateway token (default: a generated 256-bit token; stored in .env)')
    .option('--gateway-password <password>', 'gateway password for --gateway-auth password (stored in .env)')
    .option('--gateway-port <port>', 'gateway port (default 18789)')
    .option('--telegram-bot-token <token>', 'Telegram bot token from @BotFather (stored in .env)')
    .option('--discord-bot-token <token>', 'Discord bot token (stored in .env)')
    .option('--install-daemon', 'then install and start the systemd user service (openclaw gateway install)')
    .option('--json', 'print a JSON summary (no secrets)')
    .action(async (options: object) => (await import('./commands/onboard.ts')).onboardCommand(options, version));

  const models = program.command('models').description('the configured models and their API keys: list, choose the default, log in to a provider');

  models
    .command('list')
    .description('the configured models (default, fallbacks, per agent) and where each provider\'s key comes from (never the key)')
    .option('--json', 'print { default, fallbacks, models, providers } as JSON')
    .action(async (options: { json?: boolean }) => (await import('./commands/models.ts')).modelsList(options));

  models
    .command('set')
    .description('set the default model (agents.defaults.model.primary); a running gateway applies it after a restart')
    .argument('<ref>', 'provider/model or an alias, e.g. anthropic/claude-sonnet-4-5')
    .option('--json', 'print the result as JSON')
    .action(async (ref: string, options: { json?: boolean }) => (await import('./commands/models.ts')).modelsSet(ref, options));

  models
    .command('auth')
    .description('store model-provider credentials')
    .command('login')
    .description('store an API key (from stdin, or asked for on a terminal) after checking it with the provider')
    .requiredOption('--provider <id>', 'e.g. anthropic, openai, openrouter, or a models.providers id')
    .option('--profile <name>', 'credential profile name (default "default")')
    .option('--no-verify', 'store the key without asking the provider (GET /v1/models) first')
    .option('--json', 'print the result as JSON (never the key)')
    .action(async (options: { provider: string; profile?: string; verify?: boolean; json?: boolean }) => (await import('./commands/models-auth.ts')).modelsAuthLogin(options));

  return program;
}
