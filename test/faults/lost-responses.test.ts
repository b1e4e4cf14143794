import { ApiGatewayV2Client, GetApisCommand, GetIntegrationsCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { lostResponseFleet } from './lost-fleet.js';

/**
 * Issue 11, "a lost response on each write operation": for every write a cold deploy makes, one
 * trial on a fresh stage where the proxy lets the first call of that operation reach moto and then
 * resets the connection, so ops never sees the answer. The deploy must either exit 0 with nothing
 * left to plan, or exit non-zero saying what to re-run, after which a re-run converges; and in both
 * cases nothing is duplicated: one API, one integration per routed function, one route per key, one
 * statement per id, one subscription.
 */

/** Every write operation a cold deploy of lostResponseFleet makes (checked against a clean deploy below). */
const WRITE_OPERATIONS = [
  'apigateway.CreateApi',
  'apigateway.CreateIntegration',
  'apigateway.CreateRoute',
  'apigateway.CreateStage',
  'events.PutRule',
  'events.PutTargets',
  'iam.CreateRole',
  'iam.PutRolePolicy',
  'lambda.AddPermission',
  'lambda.CreateAlias',
  'lambda.CreateFunction',
  'lambda.PublishVersion',
  'logs.CreateLogGroup',
  'logs.PutRetentionPolicy',
  'monitoring.PutMetricAlarm',
  'sns.Subscribe',
  // The stage lease (taken once there is something to write, released last) and its epoch (created, then tagged, on a stage's first deploy).
  'ssm.AddTagsToResource',
  'ssm.DeleteParameter',
  'ssm.PutParameter',
];
const READ = /^(Get|List|Describe|Head|Filter)/;
const ROUTES = ['GET /items', 'GET /jobs', 'POST /items'];

describe('a lost response on each write operation of a cold deploy', () => {
  const emu = useEmulator();
  const outcomes: Record<string, string> = {};
  let topics: { trigger: string; alerts: string };
  const sns = () => new SNSClient(emu.clientConfig);

  beforeAll(async () => {
    const prefix = uniqueApp('lrt');
    topics = {
      trigger: (await sns().send(new CreateTopicCommand({ Name: `${prefix}-trigger` }))).TopicArn!,
      alerts: (await sns().send(new CreateTopicCommand({ Name: `${prefix}-alerts` }))).TopicArn!,
    };
  });
  afterAll(() => {
    // The per-operation record docs/reliability.md is written from.
    console.log(
      `lost responses (${Object.keys(outcomes).length} operations):\n${Object.entries(outcomes)
        .sort()
        .map(([op, o]) => `  ${op}: ${o}`)
        .join('\n')}`,
    );
  });

  async function fresh() {
    const app = uniqueApp('lr');
    const dir = await lostResponseFleet(app, topics);
    const ops = (args: string[], env = emu.env) => runCli(args, { cwd: dir, env: env as NodeJS.ProcessEnv });
    return { app, dir, ops };
  }

  /** What the stage holds: counted straight from moto, not through ops's reader. */
  async function census(app: string) {
    const apigw = new ApiGatewayV2Client(emu.clientConfig);
    const lambda = new LambdaClient(emu.clientConfig);
    const apis = ((await apigw.send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Name === `${app}-dev`);
    const apiId = apis[0]?.ApiId;
    const integrations = apiId ? ((await apigw.send(new GetIntegrationsCommand({ ApiId: apiId }))).Items ?? []) : [];
    const routes = apiId ? ((await apigw.send(new GetRoutesCommand({ ApiId: apiId }))).Items ?? []) : [];
    const sids = async (fn: string) => {
      const p = await lambda.send(new GetPolicyCommand({ FunctionName: `${app}-dev-${fn}`, Qualifier: 'live' }));
      return ((JSON.parse(p.Policy ?? '{}').Statement ?? []) as { Sid: string }[]).map((s) => s.Sid).sort();
    };
    const subscriptions = (
      (await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topics.trigger }))).Subscriptions ?? []
    ).filter((s) => s.Endpoint?.includes(`:function:${app}-`));
    return {
      apis: apis.length,
      integrationUris: integrations.map((i) => i.IntegrationUri?.replace(/^.*:function:/, '')).sort(),
      routeKeys: routes.map((r) => r.RouteKey).sort(),
      apiSids: await sids('api'),
      jobsSids: await sids('jobs'),
      subscriptions: subscriptions.length,
    };
  }

  function expectNoDuplicates(app: string, c: Awaited<ReturnType<typeof census>>) {
    expect(c.apis, 'http apis').toBe(1);
    expect(c.integrationUris, 'integrations').toEqual([`${app}-dev-api:live`, `${app}-dev-jobs:live`]);
    expect(c.routeKeys, 'routes').toEqual(ROUTES);
    expect(c.apiSids, 'statements on api:live').toEqual(['ops-http-api']);
    expect(c.jobsSids.length, `statements on jobs:live: ${c.jobsSids.join(', ')}`).toBe(3);
    expect(new Set(c.jobsSids).size).toBe(3);
    expect(c.jobsSids).toContain('ops-http-api');
    expect(c.subscriptions, 'subscriptions').toBe(1);
  }

  it('a clean cold deploy makes exactly the write operations tried below, and nothing is duplicated', async () => {
    const { app, ops } = await fresh();
    const proxy = await emu.proxy();
    const r = await ops(['deploy', '--yes'], proxy.env);
    expect(r.code, r.stderr).toBe(0);
    const writes = [...new Set(proxy.operations().filter((op) => !READ.test(op.split('.')[1])))].sort();
    expect(writes).toEqual(WRITE_OPERATIONS);
    expect((await ops(['plan'])).code).toBe(0);
    expectNoDuplicates(app, await census(app));
  }, 60_000);

  it('a write that answers success without applying: the verification read says so, exit 1 naming the re-run, which converges', async () => {
    const { ops } = await fresh();
    const proxy = await emu.proxy();
    // An endpoint that acknowledges PutRetentionPolicy and drops it: only a read after the apply can tell.
    proxy.addFault({
      match: { service: 'logs', operation: 'PutRetentionPolicy' },
      respond: faults.raw(200, '{}', { 'content-type': 'application/x-amz-json-1.1' }),
    });
    const r = await ops(['deploy', '--yes'], proxy.env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('The verification read after applying still finds changes:');
    expect(r.stderr).toMatch(/retention/);
    expect(r.stderr).toContain('the deploy did not converge: 2 changes remain after it');
    expect(r.stderr).toContain('run `ops deploy --stage dev` again');
    const rerun = await ops(['deploy', '--yes']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect((await ops(['plan'])).code).toBe(0);
  }, 60_000);

  describe.concurrent('the answer to the first call is lost', () => {
    for (const operation of WRITE_OPERATIONS) {
      it(operation, async (context) => {
        const { app, ops } = await fresh();
        const proxy = await emu.proxy(context);
        const [service, name] = operation.split('.');
        const fault = proxy.addFault({ match: { service, operation: name }, times: 1, respond: faults.dropResponse() });
        const first = await ops(['deploy', '--yes'], proxy.env);
        expect(fault.hits, `${operation} was never called:\n${first.stderr.slice(-1500)}`).toBe(1);
        let outcome: string;
        if (first.code === 0) {
          const plan = await ops(['plan']);
          expect(plan.code, `deploy exited 0 but the plan is not empty:\n${plan.stdout}`).toBe(0);
          outcome = 'deploy exit 0, plan empty';
        } else {
          expect(first.stderr, 'a failed deploy names what to re-run').toMatch(/ops deploy|run the same command again/);
          const rerun = await ops(['deploy', '--yes']);
          expect(rerun.code, rerun.stderr).toBe(0);
          expect((await ops(['plan'])).code).toBe(0);
          outcome = `deploy exit ${first.code} (${lastLine(first.stderr)}), re-run converged`;
        }
        expectNoDuplicates(app, await census(app));
        outcomes[operation] = outcome;
      }, 60_000);
    }
  });
});

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => /fail|error|re-run|run /i.test(l))
    .slice(-1)[0]
    ?.trim() ?? '';
