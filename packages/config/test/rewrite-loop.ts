// Child process for the crash-safety test: rewrites the config forever, printing the
// generation number after each write has returned. The test SIGKILLs it at random.
import { readFileSync } from 'node:fs';
import { writeConfigText } from '../src/write.ts';
import { renderGeneration } from './generation.ts';

const file = process.argv[2]!;
// If the test runner dies (or times out) before it kills us, we are reparented: stop then,
// instead of rewriting a temp file forever.
const parent = process.ppid;
const start = (JSON.parse(readFileSync(file, 'utf8').replace(/^\/\/.*\n/, '')) as { gateway: { port: number } }).gateway.port - 10000;
for (let generation = start + 1; process.ppid === parent; generation++) {
  writeConfigText(file, renderGeneration(generation));
  process.stdout.write(`${generation}\n`);
}
