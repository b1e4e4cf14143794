import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { run } from '../../src/cli/main.js';
import type { EmulatorClientConfig } from '../support/emulator.js';

/** A short app name no other test uses (physical names stay short). */
export const uniqueApp = (prefix = 'lg') => `${prefix}${randomBytes(3).toString('hex')}`;

/** A tiny fleet in a temp dir: `functions` keys, each with a one-line Node handler. */
export async function tinyFleet(app: string, functions: string[] = ['api', 'worker', 'cron']): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
  await mkdir(path.join(dir, 'src'), { recursive: true });
  for (const fn of functions) await writeFile(path.join(dir, 'src', `${fn}.ts`), 'export const handler = async () => 1;\n');
  const entries = functions.map((fn) => `    '${fn}': { handler: 'src/${fn}.ts' },`).join('\n');
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';\n\nexport default defineFleet({\n  app: '${app}',\n  region: 'us-east-1',\n  functions: {\n${entries}\n  },\n});\n`,
  );
  return dir;
}

/** Writes events into a function's log group (created with its stream when needed), straight through the SDK. */
export class LogWriter {
  private readonly client: CloudWatchLogsClient;
  private readonly streams = new Set<string>();
  constructor(config: EmulatorClientConfig) {
    this.client = new CloudWatchLogsClient(config);
  }
  async put(group: string, events: { timestamp: number; message: string }[], stream = '2026/01/01/[$LATEST]abc'): Promise<void> {
    const key = `${group}\0${stream}`;
    if (!this.streams.has(key)) {
      await this.client.send(new CreateLogGroupCommand({ logGroupName: group })).catch((e) => {
        if (e.name !== 'ResourceAlreadyExistsException') throw e;
      });
      await this.client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })).catch((e) => {
        if (e.name !== 'ResourceAlreadyExistsException') throw e;
      });
      this.streams.add(key);
    }
    const logEvents = [...events].sort((a, b) => a.timestamp - b.timestamp);
    await this.client.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
  }
  destroy(): void {
    this.client.destroy();
  }
}

/** A running in-process `ops`, whose output can be read while it runs. */
export interface RunningCli {
  stdout(): string;
  stderr(): string;
  done: Promise<number>;
  /** Resolves when `predicate` holds for the output so far (polls every 20 ms), or fails after `timeoutMs`. */
  until(predicate: (out: { stdout: string; stderr: string }) => boolean, timeoutMs?: number): Promise<void>;
}

export function startCli(argv: string[], opts: { cwd: string; env: Record<string, string | undefined> }): RunningCli {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end('');
  const done = run(argv, {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...opts.env } as NodeJS.ProcessEnv,
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
  let finished = false;
  done.finally(() => (finished = true)).catch(() => undefined);
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate({ stdout, stderr })) {
        if (finished) throw new Error(`ops ended before the condition held\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** stdout of `--json` as records. */
export const records = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
