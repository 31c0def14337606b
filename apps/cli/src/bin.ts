declare const __OPENCLAW_VERSION__: string;

// `openclaw --version` is answered before anything else is loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === '-v')) {
  process.stdout.write(`${__OPENCLAW_VERSION__}\n`);
} else {
  // Deprecation warnings come from libraries bundled into the CLI (punycode in grammY's
  // node-fetch, url.parse in discord.js): nothing a user can act on, and noise in the journal.
  process.noDeprecation = true;
  // Cache V8's compiled code of the bundle between runs (in the OS temp dir): most of a
  // short command's time is otherwise spent compiling the same JavaScript again.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv, __OPENCLAW_VERSION__);
}
