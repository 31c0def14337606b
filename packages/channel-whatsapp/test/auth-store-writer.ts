// Child process of the crash-safety test: opens the session directory and rewrites the
// credentials and a set of keys forever, printing the generation after each round has
// been written. The test SIGKILLs it at random moments.
import { openAuthStore } from '../src/auth-store.ts';

const dir = process.argv[2]!;
// If the test runner dies before it kills us we are reparented: stop then.
const parent = process.ppid;
const store = await openAuthStore(dir);
const { creds, keys } = store.state;
const start = creds.nextPreKeyId;
process.stdout.write('ready\n');
for (let generation = start + 1; process.ppid === parent; generation++) {
  const byte = generation % 256;
  creds.nextPreKeyId = generation;
  creds.routingInfo = Buffer.alloc(256 + (generation % 97), byte);
  await Promise.all([
    store.saveCreds(),
    keys.set({
      'pre-key': { [String(generation % 20)]: { public: Buffer.alloc(32, byte), private: Buffer.alloc(32, 255 - byte) }, [String((generation + 11) % 20)]: null },
      session: { [`1555000${generation % 5}.0`]: Buffer.alloc(1_000 + (generation % 300), byte) },
      'sender-key': { [`120363025246125486@g.us::1555000${generation % 3}::0`]: Buffer.alloc(200, byte) },
      'app-state-sync-key': { AAAAAQ: { keyData: Buffer.alloc(32, byte), timestamp: generation } },
    }),
  ]);
  process.stdout.write(`${generation}\n`);
}
