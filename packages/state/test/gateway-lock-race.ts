// Child process for the takeover race test. argv: baseDir rounds me count. For every
// round r, the parent has put a stale lock in <baseDir>/r<r>; all `count` children meet
// at a file barrier, then try to take that lock at the same moment, and never release
// it, so two winners of one round would be two processes holding the lock at once.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateError } from '../src/errors.ts';
import { acquireGatewayLock } from '../src/gateway-lock.ts';

const [baseDir, roundsText, meText, countText] = process.argv.slice(2);
const rounds = Number(roundsText);
const me = Number(meText);
const count = Number(countText);

for (let round = 0; round < rounds; round++) {
  const stateDir = join(baseDir!, `r${round}`);
  writeFileSync(join(stateDir, `ready-${me}`), '');
  // Spin rather than sleep: the point is to arrive together, within microseconds.
  for (let other = 0; other < count; other++) while (!existsSync(join(stateDir, `ready-${other}`)));
  try {
    const lock = await acquireGatewayLock({ stateDir, port: 1000 + me, configPath: 'x', version: 'race' }, { releaseOnExit: false, pollMs: 1 });
    process.stdout.write(`${round} won ${lock.tookOverFrom?.reason ?? 'none'}\n`);
  } catch (error) {
    process.stdout.write(`${round} lost ${error instanceof StateError ? error.code : `OTHER ${String(error)}`}\n`);
  }
}
