import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetParameterCommand, ListTagsForResourceCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { EmulatorClientConfig } from '../support/emulator.js';

/** An app name no other test uses (tests share one moto and never reset it). */
export const uniqueApp = (prefix = 'pm') => `${prefix}${randomBytes(4).toString('hex')}`;

/**
 * A small fleet in a temp dir: two plain and two secure params, read by two functions (one with a
 * param resolved at deploy time). `extraParams` adds declarations and `workerParams` uses by the
 * worker (TypeScript source text).
 */
export async function paramsFleet(app: string, opts: { extraParams?: string; workerParams?: string } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-${app}-`));
  for (const fn of ['api', 'worker']) {
    await mkdir(path.join(dir, 'src', fn), { recursive: true });
    await writeFile(path.join(dir, 'src', fn, 'handler.ts'), 'export const handler = async () => ({ ok: true });\n');
  }
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `export default {
  app: '${app}',
  region: 'us-east-1',
  params: {
    'db-url': { description: 'Database URL' },
    'api/key': { secure: true, description: 'Partner API key' },
    'api/secret': { secure: true },
    'feature-flags': {},
    ${opts.extraParams ?? ''}
  },
  functions: {
    api: { handler: 'src/api/handler.ts', params: ['db-url', 'api/key'] },
    worker: { handler: 'src/worker/handler.ts', params: ['api/secret', { name: 'feature-flags', resolve: true }, ${opts.workerParams ?? ''}] },
  },
};
`,
  );
  return dir;
}

/** Reads a parameter back with the SDK, bypassing ops. */
export async function readBack(client: EmulatorClientConfig, name: string, decrypt = true) {
  const ssm = new SSMClient(client);
  try {
    const res = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: decrypt }));
    const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
    return {
      ...res.Parameter,
      tags: Object.fromEntries((tags.TagList ?? []).map((t) => [t.Key, t.Value])),
    };
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') return undefined;
    throw error;
  } finally {
    ssm.destroy();
  }
}
