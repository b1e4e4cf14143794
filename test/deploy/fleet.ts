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
  await ssm.send(new PutParameterCommand({ Name: `/${app}/${stage}/tasks-table`, Value: `${app}-tasks`, Type: 'String', Overwrite: true }));
  for (const n of ['amadeus/client-id', 'amadeus/client-secret']) {
    await ssm.send(new PutParameterCommand({ Name: `/${app}/${stage}/${n}`, Value: `secret-${n}`, Type: 'SecureString', Overwrite: true }));
  }
}

let counter = 0;
/** A short unique app name (≤ 24 chars, physical names ≤ 64). */
export const uniqueApp = (prefix: string) => `${prefix}${Date.now().toString(36).slice(-4)}${(counter++).toString(36)}`;
