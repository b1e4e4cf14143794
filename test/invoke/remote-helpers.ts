import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import type { EmulatorClientConfig } from '../support/emulator.js';

// These clients are the test's own, not ops': keep the SDK's Node 20 notice out of the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const unique = (prefix: string) => `${prefix}${randomBytes(3).toString('hex')}`;

/**
 * A fleet in a temp directory: `ops.config.ts` plus one tiny handler per function, with samples.
 * `samples[fn][name]` is written to `events/<name>.json` (a string as is, anything else as JSON).
 */
export async function tempFleet(opts: {
  app: string;
  region: string;
  functions: Record<string, { handler?: string; timeout?: number; routes?: string[] }>;
  samples?: Record<string, Record<string, unknown>>;
}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-remote-'));
  const fns: Record<string, unknown> = {};
  for (const [key, fn] of Object.entries(opts.functions)) {
    const src = path.join(dir, 'src/functions', key);
    await mkdir(path.join(src, 'events'), { recursive: true });
    await writeFile(path.join(src, 'handler.ts'), fn.handler ?? 'export const handler = async (event: unknown) => event;\n');
    for (const [name, sample] of Object.entries(opts.samples?.[key] ?? {})) {
      await writeFile(path.join(src, 'events', `${name}.json`), typeof sample === 'string' ? sample : JSON.stringify(sample, null, 2));
    }
    fns[key] = {
      handler: `src/functions/${key}/handler.ts`,
      ...(fn.timeout ? { timeout: fn.timeout } : {}),
      ...(fn.routes ? { routes: fn.routes } : {}),
    };
  }
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `export default ${JSON.stringify({ app: opts.app, region: opts.region, functions: fns }, null, 2)};\n`,
  );
  return dir;
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Creates `name` in moto (role, a tiny zip, version 1 and alias `live` on it), as a deploy would. */
export async function createDeployedFunction(config: EmulatorClientConfig, region: string, name: string): Promise<void> {
  const iam = new IAMClient(config);
  const lambda = new LambdaClient({ ...config, region });
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: unique('ops-test-role-'), AssumeRolePolicyDocument: TRUST }));
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: Role!.Arn!,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: storedZip({ 'index.mjs': 'export const handler = async (e) => e;' }) },
    }),
  );
  const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: Version! }));
  iam.destroy();
  lambda.destroy();
}

/** Queues results moto's Lambda (use_docker=false) returns, in order, instead of echoing the payload. */
export async function queueLambdaResults(motoUrl: string, region: string, results: string[]): Promise<void> {
  const res = await fetch(`${motoUrl}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    body: JSON.stringify({ results, region }),
  });
  if (res.status !== 201) throw new Error(`moto did not queue the results: ${res.status} ${await res.text()}`);
}

/** A zip with stored (uncompressed) entries. */
export function storedZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const fileName = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x21, 12);
    header.writeUInt32LE(zlib.crc32(data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    header.copy(central, 10, 8, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(header, fileName, data);
    centrals.push(central, fileName);
    offset += header.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
