// Child process of the session tests. Modes:
//   crash <stateDir> <key> <lane> <firstTurn> <agentId>  append turns forever; print each turn number
//                                               only after its append returned (fsynced, index
//                                               updated). The parent SIGKILLs it at random.
//   append <stateDir> <key> <tag> <count> <startAt>  append `count` turns from `startAt` (epoch ms)
//   resolve <stateDir> <prefix> <count>         create `count` sessions `<prefix>:<i>`
import { flushCompileCache } from 'node:module';
import { SessionStore } from '../src/sessions.ts';

const [mode, stateDir, ...args] = process.argv.slice(2) as [string, string, ...string[]];
// Never outlive the test runner: if it dies before killing us, we are reparented; stop then.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 200).unref();
const store = new SessionStore({ stateDir, agentId: mode === 'crash' ? args[3] : undefined });

/** Content sizes: mostly chat-sized, every 8th turn 64–320 KiB so a kill can land inside a write. */
const sizeOf = (turn: number) => (turn % 8 === 0 ? 65_536 + ((turn * 7919) % 262_144) : 20 + ((turn * 104_729) % 2_000));

async function turn(key: string, tag: string, n: number): Promise<void> {
  await store.append(key, { type: 'message', message: { role: 'user', content: `${tag}:${n}:u:${'u'.repeat(sizeOf(n))}` } });
  await store.append(
    key,
    { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: `${tag}:${n}:a` }], usage: { input: n, output: 1, totalTokens: n + 1 } } },
    { endOfTurn: true },
  );
}

if (mode === 'crash') {
  const [key, lane, first] = args as [string, string, string];
  await store.resolve(key, { channel: 'telegram', chatType: 'direct' });
  flushCompileCache(); // a SIGKILLed process never writes its compile cache at exit
  process.stdout.write('ready\n');
  for (let n = Number(first); ; n++) {
    await turn(key, lane, n);
    process.stdout.write(`${n}\n`); // pipes are synchronous on Linux: once written, the parent gets it
  }
} else if (mode === 'append') {
  const [key, tag, count, startAt] = args as [string, string, string, string];
  await store.resolve(key);
  while (Date.now() < Number(startAt)) await new Promise((resolve) => setTimeout(resolve, 1));
  for (let n = 0; n < Number(count); n++) await turn(key, tag, n);
  store.close();
} else if (mode === 'resolve') {
  const [prefix, count] = args as [string, string];
  for (let i = 0; i < Number(count); i++) await store.resolve(`${prefix}:${i}`, { displayName: `${prefix} ${i}` });
} else {
  throw new Error(`unknown mode ${mode}`);
}
