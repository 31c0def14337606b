import { ConfigError, profileEnvironment } from '@openclaw/config';
import { ExitCode } from './exit-codes.ts';
import { takeGlobalFlags, UsageError } from './global-flags.ts';
import { printError } from './output.ts';
import { buildProgram } from './program.ts';

/** Runs one CLI invocation and returns its exit code. Only this layer prints and exits. */
export async function main(argv: readonly string[], version: string): Promise<number> {
  // `openclaw … | head -1`: the reader closed the pipe and has what it wanted. Stop quietly
  // instead of dying on an unhandled EPIPE with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);
    });
  }
  try {
    const flags = takeGlobalFlags(argv);
    Object.assign(process.env, profileEnvironment({ profile: flags.profile, dev: flags.dev }, process.env));
    const program = buildProgram(version);
    if (flags.rest.length === 0) {
      program.outputHelp();
      return ExitCode.ok;
    }
    await program.parseAsync(flags.rest, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  if (error instanceof ConfigError) {
    printError(error.message, error.hint);
    return ExitCode.config;
  }
  if (error instanceof UsageError) {
    printError(error.message, 'see `openclaw --help`');
    return ExitCode.usage;
  }
  const commanderCode = (error as { code?: string; exitCode?: number }).code;
  if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
    // Commander has already printed its message (or the help / version text).
    const exit = (error as { exitCode: number }).exitCode;
    return exit === 0 ? ExitCode.ok : ExitCode.usage;
  }
  printError(
    `internal error: ${(error as Error)?.stack ?? String(error)}`,
    'this is a bug in openclaw; please report it with the command you ran and the text above',
  );
  return ExitCode.internal;
}
