/** The built CLI; tests run the real binary as a child process. */
export declare const CLI: string;
/** Fails loudly when the CLI was not built, instead of every test failing obscurely. */
export declare function assertBuilt(): void;
/** A fresh HOME with nothing in it, so no test reads the developer's real ~/.openclaw. */
export declare function tempHome(): string;
/** The result of one CLI run. */
export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}
/** Runs `openclaw ...args` with a clean environment: HOME set, no OPENCLAW_* leaking in. */
export declare function runCli(args: readonly string[], options: {
    home: string;
    env?: Record<string, string>;
    cwd?: string;
}): CliResult;
/** {@link runCli} without blocking this process, for tests whose fakes live in it; `input` goes to stdin. */
export declare function runCliAsync(args: readonly string[], options: {
    home: string;
    env?: Record<string, string>;
    cwd?: string;
    input?: string;
}): Promise<CliResult>;
