import { execFile } from 'node:child_process';

/** The result of one finished command; a non-zero `code` is a result, not an exception. */
export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of one {@link Exec} call. */
export interface ExecOptions {
  /** The child's whole environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** Kill the child after this long; the call then rejects. */
  timeoutMs?: number | undefined;
}

/**
 * Runs `file` with `args`. Resolves for any exit status; rejects only when the program
 * could not run at all (the error's `code` is then `ENOENT`, `EACCES`, … or `ETIMEDOUT`).
 */
export type Exec = (file: string, args: readonly string[], options: ExecOptions) => Promise<ExecResult>;

/** Defaults of {@link createExecFile}. */
export const EXEC_DEFAULTS = Object.freeze({ timeoutMs: 30_000, maxBufferBytes: 4 * 1024 * 1024 });

/** The real {@link Exec}: `child_process.execFile`, no shell, UTF-8 output, a timeout. */
export function createExecFile(options: Partial<typeof EXEC_DEFAULTS> = {}): Exec {
  const settings = { ...EXEC_DEFAULTS, ...options };
  return (file, args, { env, timeoutMs }) =>
    new Promise((resolve, reject) => {
      const timeout = timeoutMs ?? settings.timeoutMs;
      execFile(file, args, { env, encoding: 'utf8', timeout, maxBuffer: settings.maxBufferBytes }, (error, stdout, stderr) => {
        if (error === null) return resolve({ code: 0, stdout, stderr });
        if (typeof error.code === 'number') return resolve({ code: error.code, stdout, stderr });
        if (error.killed === true && error.code == null) {
          return reject(Object.assign(new Error(`${file} timed out after ${timeout} ms`, { cause: error }), { code: 'ETIMEDOUT' }));
        }
        reject(error);
      });
    });
}
