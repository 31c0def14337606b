/** Flags that choose the environment, read before the command word. */
export interface GlobalFlags {
  profile?: string;
  dev: boolean;
  /** argv with the global flags taken out, ready for the command parser. */
  rest: string[];
}

/**
 * Takes `--profile NAME` / `--profile=NAME` / `--dev` from the arguments that come before
 * the command word. After the command word they belong to the command.
 */
export function takeGlobalFlags(argv: readonly string[]): GlobalFlags {
  const rest: string[] = [];
  let profile: string | undefined;
  let dev = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dev') dev = true;
    else if (arg === '--profile') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) throw new UsageError('--profile needs a name, e.g. --profile work');
      profile = value;
      i++;
    } else if (arg.startsWith('--profile=')) profile = arg.slice('--profile='.length);
    else if (arg.startsWith('-')) rest.push(arg);
    else break;
  }
  rest.push(...argv.slice(i));
  return { ...(profile === undefined ? {} : { profile }), dev, rest };
}

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
