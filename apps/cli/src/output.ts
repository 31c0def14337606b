/** Writes an error for a person: what went wrong, then how to fix it. */
export function printError(message: string, hint?: string): void {
  process.stderr.write(`error: ${message}\n`);
  if (hint) process.stderr.write(`  fix: ${hint}\n`);
}

/** Writes a warning line to stderr, keeping stdout for the command's answer. */
export function printWarning(message: string, hint?: string): void {
  process.stderr.write(`warning: ${message}\n`);
  if (hint) process.stderr.write(`  fix: ${hint}\n`);
}

/** Writes a line to stdout. */
export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes a value as pretty JSON to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
