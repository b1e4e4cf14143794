import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { EmulatorClientConfig } from '../support/emulator.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * A copy of the repo's own fleet (config + src/functions) in a temp dir under a unique app name,
 * so a test can edit handlers and config without touching the repo, and tests sharing one moto
 * never see each other's resources.
 */
export async function copyRepoFleet(app: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
  await cp(path.join(repoRoot, 'src/functions'), path.join(dir, 'src/functions'), { recursive: true });
  const config = (await readFile(path.join(repoRoot, 'ops.config.ts'), 'utf8'))
    .replace("from './src/config/define.js'", "from 'ops'")
    .replace("app: 'tasks'", `app: '${app}'`);
  await writeFile(path.join(dir, 'ops.config.ts'), config);
  return dir;
}

export async function edit(file: string, fn: (text: string) => string): Promise<void> {
  await writeFile(file, fn(await readFile(file, 'utf8')));
}

/** Sets the fleet's params the way `ops params set` would, straight through the SDK. */
export async function putRepoFleetParams(client: EmulatorClientConfig, app: string, stage: string): Promise<void> {
  const ssm = new SSMClient(client);
  for (const n of ['amadeus/client-id', 'amadeus/client-secret']) {
    await ssm.send(new PutParameterCommand({ Name: `/${app}/${stage}/${n}`, Value: `secret-${n}`, Type: 'SecureString', Overwrite: true }));
  }
}

let counter = 0;
/** This worker's mark: test files run in parallel workers (vitest.config.ts), each with its own counter. */
const worker = (process.pid % 1296).toString(36).padStart(2, '0');
/** A short unique app name (≤ 24 chars, physical names ≤ 64), unique across the parallel workers too. */
export const uniqueApp = (prefix: string) => `${prefix}${Date.now().toString(36).slice(-4)}${worker}${(counter++).toString(36)}`;

/**
 * A small fleet without params: two functions, one with routes, one invoked by the other.
 * `extra` is spliced into the config's functions block.
 */
export async function smallFleet(app: string, opts: { extraConfig?: string } = {}): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
  await mkdir(path.join(dir, 'src/api'), { recursive: true });
  await mkdir(path.join(dir, 'src/worker'), { recursive: true });
  await writeFile(
    path.join(dir, 'src/api/handler.ts'),
    "export const handler = async (e: { rawPath?: string }) => ({ statusCode: 200, body: JSON.stringify({ path: e.rawPath, v: 'one' }) });\n",
  );
  await writeFile(path.join(dir, 'src/worker/handler.ts'), "export const handler = async (e: unknown) => ({ done: true, e, v: 'one' });\n");
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${app}',
  region: 'us-east-1',
  api: { cors: { allowOrigins: ['https://example.com'] } },
  functions: {
    api: { handler: 'src/api/handler.ts', routes: ['GET /items', 'GET /items/{id}'], invokes: ['worker'] },
    worker: { handler: 'src/worker/handler.ts', memory: 512, timeout: 60 },
    ${opts.extraConfig ?? ''}
  },
});
`,
  );
  return dir;
}

/**
 * A fleet in a temp dir: `files` (path → text, directories made) and an `ops.config.ts` for `app` in
 * us-east-1 whose other top-level keys are `body` (TypeScript text, `functions` included).
 */
export async function fleetDir(app: string, files: Record<string, string>, body: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';\nexport default defineFleet({\n  app: '${app}',\n  region: 'us-east-1',\n${body}\n});\n`,
  );
  return dir;
}
