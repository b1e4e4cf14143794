import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import type { Fleet } from '../../src/config/types.js';
import type { Actual } from '../../src/model/actual.js';
import { writeDeterministicZip } from '../../src/package/zip.js';
import { planDeploy } from '../../src/plan/plan.js';
import { markShifting } from '../../src/resources/function/read-selected.js';
import { readActual } from '../../src/resources/read.js';
import { selectionScope } from '../../src/resources/read-selection.js';
import { formatNote } from '../../src/shift/note.js';
import { awsFor } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { fleetDir, uniqueApp } from './fleet.js';

/**
 * Issue 18 item 1: `ops deploy fn` / `ops plan fn` read only what the selection's plan looks at. One deploy of a
 * four-function fleet (routes, a schedule, alarms), shared by the cases: a selection's plan makes at most 15 AWS
 * calls and names no other function; with drift made by hand on several functions (and a split `live` left by a
 * shift), the plan of each selection from the selection's read is the plan from the whole stage's read.
 */
describe('reads proportional to the selection', () => {
  const emu = useEmulator();
  const app = uniqueApp('sel');
  const name = (key: string) => `${app}-dev-${key}`;
  let dir: string;
  let fleet: Fleet;
  const ops = (args: string[], env = emu.env) => runCli(args, { cwd: dir, env: env as NodeJS.ProcessEnv });

  beforeAll(async () => {
    const h = 'src/h.ts';
    dir = await fleetDir(
      app,
      { [h]: 'export const handler = async () => ({ statusCode: 200, body: "one" });\n' },
      `  defaults: { logRetentionDays: 7 },
  functions: {
    api: { handler: '${h}', routes: ['GET /a', 'POST /a'] },
    cron: { handler: '${h}', triggers: [{ schedule: 'rate(5 minutes)' }] },
    watched: { handler: '${h}', alarms: [{ metric: 'Errors', threshold: 1 }] },
    plain: { handler: '${h}' },
  },`,
    );
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    fleet = await loadFleet({ cwd: dir, stage: 'dev', env: emu.env as NodeJS.ProcessEnv });
  }, 60_000);

  it('ops plan <one function> makes at most 15 AWS calls, none of them about another function', async () => {
    const proxy = await emu.proxy();
    const r = await ops(['plan', 'plain'], proxy.env);
    expect(r.code, r.stderr).toBe(0);
    const calls = proxy.requests.map((q) => `${q.service}.${q.operation}`);
    expect(calls.length, calls.join(', ')).toBeLessThanOrEqual(15);
    expect(calls).not.toContain('lambda.ListFunctions');
    expect(calls).not.toContain('iam.ListRoles');
    const lambda = proxy.requests.filter((q) => q.service === 'lambda');
    expect(lambda.length).toBeGreaterThan(0);
    expect(lambda.filter((q) => !q.path.includes(name('plain'))).map((q) => q.path)).toEqual([]);
    // The whole stage when nothing is selected (issue 18: ≤ 1.5 calls per function): the tags from the tagging API,
    // the configurations from the ListFunctions pages, so no GetFunction; GetPolicy only of the functions marked as
    // holding ops's statements (api's routes, cron's schedule); each live alias.
    proxy.clearLog();
    expect((await ops(['plan'], proxy.env)).code).toBe(0);
    const count = (op: string) => proxy.requests.filter((q) => `${q.service}.${q.operation}` === op).length;
    expect([count('lambda.GetFunction'), count('lambda.GetAlias'), count('lambda.GetPolicy')]).toEqual([0, 4, 2]);
    expect(count('tagging.GetResources')).toBe(1);
    // A deploy role without tag:GetResources: GetFunction per function instead, and the same empty plan.
    proxy.clearLog();
    proxy.addFault({
      match: { service: 'tagging' },
      respond: faults.awsError({ code: 'AccessDeniedException', message: 'not authorized to perform: tag:GetResources' }),
    });
    expect((await ops(['plan'], proxy.env)).code).toBe(0);
    expect([count('lambda.GetFunction'), count('lambda.GetPolicy')]).toEqual([4, 2]);
    // The tagging API is eventually consistent on AWS: functions it does not return yet (here: none) are read by name.
    proxy.clearFaults();
    proxy.clearLog();
    proxy.addFault({
      match: { service: 'tagging' },
      respond: faults.raw(200, '{"ResourceTagMappingList":[]}', { 'content-type': 'application/x-amz-json-1.1' }),
    });
    expect((await ops(['plan'], proxy.env)).code).toBe(0);
    expect([count('lambda.GetFunction'), count('lambda.GetPolicy')]).toEqual([4, 2]);
  });

  it("plans each selection from its own read exactly as from the whole stage's, drift and another function's split live included", async () => {
    const lambda = new LambdaClient(emu.clientConfig);
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name('watched'), MemorySize: 512 }));
    await new CloudWatchLogsClient(emu.clientConfig).send(
      new PutRetentionPolicyCommand({ logGroupName: `/aws/lambda/${name('cron')}`, retentionInDays: 30 }),
    );
    await new IAMClient(emu.clientConfig).send(new DeleteRolePolicyCommand({ RoleName: name('api'), PolicyName: 'ops-function' }));
    // `plain`'s live split between version 1 and a version 2 of other code, as a shift killed midway leaves it.
    const zip = path.join(await mkdtemp(path.join(tmpdir(), 'ops-sel-')), 'v2.zip');
    await writeDeterministicZip([{ path: 'h.js', data: 'export const handler = async () => "two";' }], zip);
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name('plain'), ZipFile: await readFile(zip) }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name('plain') });
    const v2 = (await lambda.send(new PublishVersionCommand({ FunctionName: name('plain') }))).Version!;
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: name('plain'),
        Name: 'live',
        RoutingConfig: { AdditionalVersionWeights: { [v2]: 0.1 } },
        // ops's note, as the shift writes it (src/aws/lambda-shift.ts): the split is ops's to resolve.
        Description: `ops shift: ${formatNote({ strategy: 'canary', from: '1', to: v2, percent: 10, since: Date.now(), next: Date.now() + 60_000, unwatched: false })}`,
      }),
    );
    const aws = awsFor(emu.env);
    // What a shift does before it splits live (src/apply/shift-ports.ts).
    await markShifting(aws, fleet, name('plain'), true);

    const whole = await readActual(aws, fleet);
    // The code each function runs now stands for its build: the plans differ only where the reads do.
    const artifacts = Object.fromEntries(
      fleet.functions.map((f) => [f.key, { codeSha256: whole.functions[f.name]!.codeSha256, sha256: '', zipPath: '' }]),
    );
    const plan = (actual: Actual, key: string) => planDeploy({ fleet, artifacts, actual, only: [key], paramValues: {} });
    const kinds = (key: string) => plan(whole, key).changes.map((c) => c.id);
    expect(kinds('watched')).toContain(`function.update-config:${name('watched')}`);
    expect(kinds('cron')).toContain(`loggroup.retention:/aws/lambda/${name('cron')}`);
    expect(kinds('api')).toContain(`role.update:${name('api')}`);
    expect(kinds('api')).toContain(`alias.settle:${name('plain')}`);
    for (const f of fleet.functions) {
      const selected = await readActual(aws, selectionScope(fleet, [f]));
      expect(plan(selected, f.key).changes, f.key).toEqual(plan(whole, f.key).changes);
    }
  });
});
