import { appendFileSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailLogs } from './logs.ts';

let dir: string;
const clock = () => new Date(2026, 1, 3, 12).getTime();
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `{"n":${from + i}}\n`).join('');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-logs-method-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('logs.tail', () => {
  it("reads today's daily file and follows it with the cursor", async () => {
    const file = join(dir, 'openclaw-2026-02-03.log');
    appendFileSync(file, lines(0, 10));
    const first = await tailLogs({ logDir: dir, clock }, { limit: 2 });
    expect(first).toEqual({ file, cursor: statSync(file).size, size: statSync(file).size, lines: ['{"n":8}', '{"n":9}'] });
    appendFileSync(file, lines(10, 12));
    const next = await tailLogs({ logDir: dir, clock }, { cursor: first.cursor });
    expect(next.lines).toEqual(['{"n":10}', '{"n":11}']);
  });

  it('reads a fixed logging.file and reports a rotation when the previous file is passed back', async () => {
    const file = join(dir, 'gateway.log');
    appendFileSync(file, lines(0, 5));
    const first = await tailLogs({ logFile: file, logDir: join(dir, 'unused') }, {});
    expect(first.lines).toHaveLength(5);
    renameSync(file, `${file}.1`);
    appendFileSync(file, lines(100, 103));
    const after = await tailLogs({ logFile: file }, { cursor: first.cursor, file: `${file}.1` });
    expect(after).toMatchObject({ reset: true, lines: ['{"n":100}', '{"n":101}', '{"n":102}'] });
  });

  it('answers an empty tail when there is no log yet', async () => {
    expect(await tailLogs({ logDir: dir, clock }, {})).toEqual({ file: join(dir, 'openclaw-2026-02-03.log'), cursor: 0, size: 0, lines: [] });
  });
});
