// Child process for fs-lock.test.ts: holds the lock on argv[2], says "locked", and keeps
// it until stdin closes (the test SIGKILLs it, or closes stdin to let it go).
import { once } from 'node:events';
import { withFileLock } from '../src/fs-lock.ts';

await withFileLock(process.argv[2]!, async () => {
  process.stdout.write('locked\n');
  process.stdin.resume();
  await once(process.stdin, 'end');
});
