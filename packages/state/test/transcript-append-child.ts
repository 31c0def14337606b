// Child process for the concurrent-append test: appends `count` entries tagged `tag` to one
// transcript, some of them hundreds of KiB (larger than a pipe buffer or a page), starting at
// `startAt` (epoch ms) so that two children really write at the same time.
import { Transcript } from '../src/transcript.ts';

const [file, tag, count, startAt] = process.argv.slice(2) as [string, string, string, string];
const transcript = await Transcript.open(file);
while (Date.now() < Number(startAt)) await new Promise((resolve) => setTimeout(resolve, 1));
for (let i = 0; i < Number(count); i++) {
  const size = i % 7 === 0 ? 150_000 + ((i * 7919) % 150_000) : 50 + ((i * 104729) % 3000);
  transcript.append({ type: 'message', message: { role: 'user', content: `${tag}:${i}:${tag.repeat(size)}` } }, { endOfTurn: i % 10 === 9 });
}
transcript.close();
process.stdout.write(`done ${tag}\n`);
