// Child process for gateway-lock.test.ts: takes the gateway lock of argv[2] and reports
// one JSON line, then holds it until stdin closes (or, with --exit, returns at once so
// the process exits normally). Flags: --signals (handleSignals), --no-exit-hook
// (releaseOnExit false), --host-listener (the host handles SIGTERM itself), --exit.
import { StateError } from '../src/errors.ts';
import { acquireGatewayLock } from '../src/gateway-lock.ts';

const [stateDir, port, ...flags] = process.argv.slice(2);
const has = (flag: string) => flags.includes(flag);
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (has('--host-listener')) {
  process.on('SIGTERM', () => {
    say({ event: 'host-sigterm' });
    // The host's own shutdown: end by closing stdin's hold, not by process.exit.
    process.stdin.destroy();
  });
}

try {
  const lock = await acquireGatewayLock(
    { stateDir: stateDir!, port: Number(port), configPath: `${stateDir}/openclaw.json`, version: 'test' },
    { handleSignals: has('--signals'), releaseOnExit: !has('--no-exit-hook'), waitMs: Number(process.env.WAIT_MS ?? 0) },
  );
  say({ event: 'acquired', info: lock.info, tookOverFrom: lock.tookOverFrom });
  if (!has('--exit')) process.stdin.resume();
} catch (error) {
  say({ event: 'refused', code: error instanceof StateError ? error.code : 'OTHER', message: String((error as Error).message), hint: (error as StateError).hint });
}
