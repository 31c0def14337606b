declare const __OPENCLAW_VERSION__: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${__OPENCLAW_VERSION__}\n`);
} else {
  process.stdout.write('openclaw\n');
}
