// Child process for the pairing concurrency test: requests and approves `count` distinct
// senders on one channel as fast as it can, racing its siblings doing the same. All start
// at `startAt` (epoch ms) so their loops overlap despite different start-up times.
import { PairingStore } from '../src/pairing.ts';

const [stateDir, channel, prefix, count, startAt] = process.argv.slice(2) as [string, string, string, string, string];
const store = new PairingStore({ stateDir, lock: { timeoutMs: 30_000, pollMs: 1 } });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  const sender = `${prefix}-${i}`;
  const result = await store.request(channel, sender, { name: sender });
  if (!result.approved) await store.approve(channel, i % 2 === 0 ? result.code : result.code.toLowerCase());
}
process.stdout.write('done\n');
