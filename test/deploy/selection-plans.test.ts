import {
  GetPolicyCommand,
  LambdaClient,
  PublishVersionCommand,
  RemovePermissionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

interface PlannedChange {
  id: string;
  fn: string | null;
  summary: string;
  fields: unknown[];
}

/**
 * Issue 18: `ops plan <fn>` reads only what the selection's plan looks at. Its plan must still be the part of the
 * full `ops plan` that concerns the selection: nothing missing because it was not read, nothing of the shared HTTP
 * API that the selection is not attached to.
 */
describe('ops plan <fn> against the full ops plan', () => {
  const emu = useEmulator();
  const app = uniqueApp('sp');
  const name = (key: string) => `${app}-dev-${key}`;
  const kept = `${app}-nightly`;
  const h = 'src/h.ts';
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const plan = async (...fns: string[]): Promise<PlannedChange[]> => {
    const r = await ops(['plan', ...fns, '--json']);
    expect([0, 2], r.stderr).toContain(r.code);
    return r.json().changes;
  };
  const line = (c: PlannedChange) => `${c.id} | ${c.summary} | ${JSON.stringify(c.fields)}`;

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { [h]: 'export const handler = async () => ({ statusCode: 200, body: "one" });\n' },
      `  functions: {
    web: { handler: '${h}', routes: ['GET /web'] },
    cron: { handler: '${h}', triggers: [{ schedule: 'rate(1 hour)', ruleName: '${kept}' }] },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
  }, 60_000);

  it("a kept-name rule that left the config, its permission on live removed by hand, is deleted by its function's plan as by the full plan", async () => {
    await edit(`${dir}/ops.config.ts`, (s) => s.replace(`triggers: [{ schedule: 'rate(1 hour)', ruleName: '${kept}' }]`, 'memory: 256'));
    await new LambdaClient(emu.clientConfig).send(
      new RemovePermissionCommand({ FunctionName: name('cron'), Qualifier: 'live', StatementId: `ops-rule-${kept}` }),
    );
    const full = (await plan()).filter((c) => c.fn === 'cron');
    expect(full.map((c) => c.id)).toContain(`schedule.delete:${kept}`);
    expect((await plan('cron')).map(line)).toEqual(full.map(line));
    expect((await plan('web')).map((c) => c.id)).toEqual([]);
    const d = await ops(['deploy', 'cron', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await plan()).toEqual([]);
  });

  it('a new API stage in the config: in the plan of a function with routes, not of one the API does not call', async () => {
    await edit(`${dir}/ops.config.ts`, (s) => s.replace('  functions: {', "  api: { stage: 'v1' },\n  functions: {"));
    const full = await plan();
    expect(full.map((c) => c.id).sort()).toEqual(
      [`api.stage:${app}-dev`, `api.unstage:${app}-dev $default`, `permission.set:${name('web')}`].sort(),
    );
    // web's routes are served from the new stage, and its permission names it: both come with web.
    expect((await plan('web')).map(line)).toEqual(full.filter((c) => c.id !== `api.unstage:${app}-dev $default`).map(line));
    expect(await plan('cron')).toEqual([]);
  });
});

/**
 * A split `live` of a function that is not selected: a selection resolves it only when the stage inventory lists
 * the function as shifting (a shift lists it before it splits `live`), which is all a selection's read sees of the
 * others. A fleet with S3 triggers reads the whole stage's functions for a selection: the plan is still the same.
 */
describe('ops plan <fn> and the splits of other functions', () => {
  const emu = useEmulator();
  const app = uniqueApp('ss');
  const name = (key: string) => `${app}-dev-${key}`;
  const bucket = `${app}-drop`;
  const h = 'src/h.ts';
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const ids = async (...fns: string[]) => {
    const r = await ops(['plan', ...fns, '--json']);
    expect([0, 2], r.stderr).toContain(r.code);
    return (r.json().changes as PlannedChange[]).map((c) => c.id);
  };

  beforeAll(async () => {
    await new S3Client({ ...emu.clientConfig, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
    dir = await fleetDir(
      app,
      { [h]: 'export const handler = async () => ({ statusCode: 200, body: "one" });\n' },
      `  functions: {
    web: { handler: '${h}', routes: ['GET /web'] },
    slow: { handler: '${h}', deploy: { strategy: 'Canary10Percent5Minutes' } },
    drop: { handler: '${h}', triggers: [{ s3: '${bucket}', events: ['s3:ObjectCreated:*'] }] },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
  }, 60_000);

  it("a split made by hand (no inventory entry) is in slow's plan and the full plan, not in web's", async () => {
    // A version 2 that runs the same code, and live split between 1 and 2 without ops's note.
    const lambda = new LambdaClient(emu.clientConfig);
    const FunctionName = name('slow');
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName, Description: 'by hand' }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName });
    const v2 = (await lambda.send(new PublishVersionCommand({ FunctionName }))).Version!;
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName, Description: '' }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName });
    await lambda.send(new UpdateAliasCommand({ FunctionName, Name: 'live', RoutingConfig: { AdditionalVersionWeights: { [v2]: 0.1 } } }));
    expect(await ids()).toEqual([`alias.settle:${FunctionName}`]);
    expect(await ids('slow')).toEqual([`alias.settle:${FunctionName}`]);
    expect(await ids('web')).toEqual([]);
    expect(await ids('drop')).toEqual([]);
  });
});

/**
 * A route moved in the config from one function to another, and only the one it leaves deployed: the route still
 * calls that function until the other one is deployed, so the function keeps its permission (and its marker).
 */
describe('ops deploy <fn> whose route moved to a function not deployed with it', () => {
  const emu = useEmulator();
  const app = uniqueApp('sr');
  const name = (key: string) => `${app}-dev-${key}`;
  const h = 'src/h.ts';
  let dir: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const planOf = async (...fns: string[]) => {
    const r = await ops(['plan', ...fns, '--json']);
    expect([0, 2], r.stderr).toContain(r.code);
    return r.json() as { changes: PlannedChange[]; warnings: string[] };
  };
  const statements = async (key: string) => {
    const p = await new LambdaClient(emu.clientConfig)
      .send(new GetPolicyCommand({ FunctionName: name(key), Qualifier: 'live' }))
      .catch((e: Error) => (e.name === 'ResourceNotFoundException' ? { Policy: undefined } : Promise.reject(e)));
    return ((JSON.parse(p.Policy ?? '{}').Statement ?? []) as { Sid: string }[]).map((s) => s.Sid);
  };

  beforeAll(async () => {
    dir = await fleetDir(
      app,
      { [h]: 'export const handler = async () => ({ statusCode: 200, body: "one" });\n' },
      `  functions: {
    before: { handler: '${h}', routes: ['GET /moved'] },
    after: { handler: '${h}', routes: ['GET /after'] },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
  }, 60_000);

  it('keeps the permission while the route calls it, and removes it once the other function took the route', async () => {
    await edit(`${dir}/ops.config.ts`, (s) =>
      s.replace("routes: ['GET /moved'] }", 'memory: 512 }').replace("routes: ['GET /after']", "routes: ['GET /after', 'GET /moved']"),
    );
    const full = await planOf();
    expect(full.changes.filter((c) => c.fn === 'before').map((c) => c.id.split(':')[0])).toEqual([
      'function.update-config',
      'alias.publish',
      'integration.delete',
      'permission.delete',
      'function.tag',
    ]);
    const alone = await planOf('before');
    expect(alone.changes.map((c) => c.id)).toEqual([`function.update-config:${name('before')}`, `alias.publish:${name('before')}`]);
    expect(alone.warnings).toEqual([
      'before: keeps the permission that lets the http api invoke it: GET /moved still calls it until the function the config gives it to is deployed',
    ]);
    const d = await ops(['deploy', 'before', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await statements('before')).toContain('ops-http-api');
    // The function that takes the route: then the one it left loses its permission, its integration and its marker.
    expect((await ops(['deploy', 'after', '--yes'])).code).toBe(0);
    expect((await planOf('before')).changes.map((c) => c.id.split(':')[0])).toEqual([
      'integration.delete',
      'permission.delete',
      'function.tag',
    ]);
    expect((await planOf()).changes.map((c) => c.id.split(':')[0]).sort()).toEqual([
      'function.tag',
      'integration.delete',
      'permission.delete',
    ]);
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect(await statements('before')).not.toContain('ops-http-api');
    expect((await planOf()).changes).toEqual([]);
  });
});
