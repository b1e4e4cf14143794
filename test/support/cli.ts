import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws if it is not one JSON document). */
  json<T = any>(): T;
}

/**
 * Runs `ops` in-process with captured output, the way a user would call it.
 * stdin is empty and not a TTY unless `stdin` is given.
 */
export async function runCli(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  const code = await run(argv, {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...opts.env },
    io: {
      stdout: {
        write: (s: string) => {
          stdout += s;
          return true;
        },
        isTTY: false,
      },
      stderr: {
        write: (s: string) => {
          stderr += s;
          return true;
        },
        isTTY: false,
      },
      stdin,
    },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
