declare const __OPENCLAW_VERSION__: string;

// `openclaw --version` is answered before anything else is loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === '-v')) {
  process.stdout.write(`${__OPENCLAW_VERSION__}\n`);
} else {
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv, __OPENCLAW_VERSION__);
}
