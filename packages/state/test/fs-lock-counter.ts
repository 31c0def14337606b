// Child process for fs-lock.test.ts: increments the number in argv[2] argv[3] times, each
// time under withFileLock, with a pause between read and write so that any overlap of
// two holders would lose an increment.
import { readFileSync, writeFileSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { withFileLock } from '../src/fs-lock.ts';

const [target, timesText] = process.argv.slice(2);
for (let i = 0; i < Number(timesText); i++) {
  await withFileLock(target!, async () => {
    const value = Number(readFileSync(target!, 'utf8'));
    await yieldToLoop();
    writeFileSync(target!, String(value + 1));
  }, { pollMs: 2 });
}
process.stdout.write('done\n');
