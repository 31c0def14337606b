import { Command, Option } from 'commander';
import type { ConfigGetFlags } from './commands/config.ts';

/**
 * The command tree. Each command's code is imported only when that command runs, so
 * `openclaw --help` and `openclaw config path` load nothing they do not use.
 */
export function buildProgram(version: string): Command {
  const program = new Command('openclaw')
    .description('A light, crash-safe OpenClaw gateway for small servers.')
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

  return program;
}
