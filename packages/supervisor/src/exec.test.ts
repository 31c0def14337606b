import { describe, expect, it } from 'vitest';
import { createExecFile } from './exec.ts';

const exec = createExecFile();
const node = (code: string) => exec(process.execPath, ['-e', code], { env: process.env });

describe('createExecFile', () => {
  it('resolves with the exit status, stdout and stderr, also for a failure', async () => {
    expect(await node('process.stdout.write("out"); process.stderr.write("err"); process.exit(3)')).toEqual({ code: 3, stdout: 'out', stderr: 'err' });
    expect(await node('')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('rejects when the program is missing or too slow', async () => {
    await expect(exec('/nonexistent/systemctl', [], { env: process.env })).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(exec(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'], { env: process.env, timeoutMs: 200 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
