import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  GetApisCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
  GetStagesCommand,
} from '@aws-sdk/client-apigatewayv2';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand as ListAlarmTags,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTags,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand as ListRuleTags,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../../src/emulator/moto.js';
import { writeDeterministicZip } from '../../src/package/zip.js';
import { runCli } from '../support/cli.js';
import { clientConfigFor, emulatorEnv } from '../support/emulator.js';
import { startLayerMoto } from './layer-moto.js';

const ACCOUNT = '123456789012';
const APP = 'tasks';
/** Each a prefix of the next's names: `tasks-de-` starts `tasks-dev-…`, `tasks-dev-` starts `tasks-dev-x-…`. */
const STAGES = ['dev', 'dev-x', 'de'] as const;
type Stage = (typeof STAGES)[number];

/**
 * Issue 11.1/11.2, the must-show test: one app, three stages whose names are prefixes of each other,
 * and hand-made, untagged look-alikes of every kind in the same account. Each stage is deployed,
 * deployed again and destroyed in turn; after each step the whole account is read with the SDK, and
 * nothing of the other stages and none of the hand-made things may have changed or gone.
 *
 * On a moto of its own (the account is then exactly what this test made, so the snapshot needs no
 * filter) whose Lambda is the Docker-backed one, so the built layer attaches (see startLayerMoto).
 */
describe('ops touches only what its stage owns: three stages and hand-made look-alikes', () => {
  let moto: Moto;
  let env: Record<string, string | undefined>;
  let dir: string;
  let alertsTopic: string;
  let triggerTopic: string;
  const handMadeApiIds: string[] = [];
  const topics: string[] = [];
  /** Snapshot keys of the hand-made things (the account before any deploy). */
  let handMade = new Set<string>();
  /** Their names, as a plan names them. */
  let handMadeNames = new Set<string>();

  const cfg = () => clientConfigFor(moto.url);
  const lambda = () => new LambdaClient(cfg());
  const iam = () => new IAMClient(cfg());
  const logs = () => new CloudWatchLogsClient(cfg());
  const events = () => new EventBridgeClient(cfg());
  const cloudwatch = () => new CloudWatchClient(cfg());
  const apigw = () => new ApiGatewayV2Client(cfg());
  const sns = () => new SNSClient(cfg());
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: env as NodeJS.ProcessEnv });

  /**
   * Which stage a snapshot key belongs to, by the exact names ops gives that stage's things
   * (`tasks-{stage}` for the API, `tasks-{stage}-{api|worker|common}…` for the rest); the test's
   * own hand-made things belong to none.
   */
  const stageOf = (key: string): Stage | undefined => {
    if (handMade.has(key)) return undefined;
    return STAGES.find((s) => new RegExp(`^[a-z-]+:(?:/aws/lambda/)?${APP}-${s}(?:#.*|-(?:api|worker|common)(?:[-:@].*)?)?$`).test(key));
  };

  /** Everything in the account, one stable fingerprint per resource (sub-resources inside their parent's). */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const put = (key: string, value: unknown) => {
      out[key] = JSON.stringify(value);
    };
    const l = lambda();
    for (const f of (await l.send(new ListFunctionsCommand({}))).Functions ?? []) {
      const name = f.FunctionName!;
      const got = await l.send(new GetFunctionCommand({ FunctionName: name }));
      const alias = await l.send(new GetAliasCommand({ FunctionName: name, Name: 'live' })).catch(() => undefined);
      const policy = alias
        ? await l.send(new GetPolicyCommand({ FunctionName: name, Qualifier: 'live' })).catch(() => undefined)
        : undefined;
      const c = got.Configuration!;
      put(`function:${name}`, {
        sha: c.CodeSha256,
        role: c.Role,
        env: c.Environment?.Variables,
        layers: c.Layers?.map((x) => x.Arn),
        memory: c.MemorySize,
        tags: got.Tags,
        live: alias?.FunctionVersion,
        statements: JSON.parse(policy?.Policy ?? '{"Statement":[]}').Statement.map((s: { Sid: string; Condition?: unknown }) => [
          s.Sid,
          s.Condition,
        ]),
      });
    }
    const i = iam();
    for (const r of (await i.send(new ListRolesCommand({}))).Roles ?? []) {
      const name = r.RoleName!;
      const policies = (await i.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
      const docs = await Promise.all(
        policies.map(async (p) => (await i.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: p }))).PolicyDocument),
      );
      const tags = (await i.send(new ListRoleTagsCommand({ RoleName: name }))).Tags;
      put(`role:${name}`, { path: r.Path, trust: r.AssumeRolePolicyDocument, policies, docs, tags });
    }
    const lg = logs();
    for (const g of (await lg.send(new DescribeLogGroupsCommand({}))).logGroups ?? []) {
      const tags = (await lg.send(new ListLogTags({ resourceArn: g.logGroupArn! }))).tags;
      put(`log-group:${g.logGroupName}`, { retention: g.retentionInDays, tags });
    }
    for (const layer of (await l.send(new ListLayersCommand({}))).Layers ?? []) {
      const versions = (await l.send(new ListLayerVersionsCommand({ LayerName: layer.LayerName! }))).LayerVersions ?? [];
      put(
        `layer:${layer.LayerName}`,
        versions.map((v) => [v.Version, v.Description]),
      );
    }
    const ev = events();
    for (const r of (await ev.send(new ListRulesCommand({}))).Rules ?? []) {
      const tags = (await ev.send(new ListRuleTags({ ResourceARN: r.Arn! }))).Tags;
      const targets = (await ev.send(new ListTargetsByRuleCommand({ Rule: r.Name! }))).Targets?.map((t) => [t.Id, t.Arn, t.Input]);
      put(`rule:${r.Name}`, { schedule: r.ScheduleExpression, state: r.State, tags, targets });
    }
    const cw = cloudwatch();
    for (const a of (await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? []) {
      const tags = (await cw.send(new ListAlarmTags({ ResourceARN: a.AlarmArn! }))).Tags;
      put(`alarm:${a.AlarmName}`, { metric: a.MetricName, dims: a.Dimensions, threshold: a.Threshold, actions: a.AlarmActions, tags });
    }
    const gw = apigw();
    for (const api of (await gw.send(new GetApisCommand({}))).Items ?? []) {
      const ApiId = api.ApiId!;
      const integrations = (await gw.send(new GetIntegrationsCommand({ ApiId }))).Items?.map((x) => [x.IntegrationId, x.IntegrationUri]);
      const routes = (await gw.send(new GetRoutesCommand({ ApiId }))).Items?.map((x) => [x.RouteId, x.RouteKey, x.Target]);
      const stages = (await gw.send(new GetStagesCommand({ ApiId }))).Items?.map((x) => x.StageName);
      put(`http-api:${api.Name}#${ApiId}`, { tags: api.Tags, cors: api.CorsConfiguration, integrations, routes, stages });
    }
    const sn = sns();
    for (const TopicArn of topics) {
      for (const s of (await sn.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? []) {
        const attrs = await sn.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn! }));
        const fn = /:function:([^:]+:[^:]+)$/.exec(s.Endpoint ?? '')?.[1] ?? s.Endpoint;
        put(`subscription:${fn}@${TopicArn.split(':').pop()}#${s.SubscriptionArn}`, { filter: attrs.Attributes?.FilterPolicy ?? null });
      }
    }
    return out;
  }

  /** Every key of `before` that is not `stage`'s is still there, unchanged. */
  const expectOthersUntouched = (before: Record<string, string>, after: Record<string, string>, stage: Stage, step: string) => {
    const others = Object.keys(before).filter((k) => stageOf(k) !== stage);
    const changed = others.filter((k) => after[k] !== before[k]).map((k) => `${k}: ${before[k]} → ${after[k] ?? '(gone)'}`);
    expect(changed, `${step} changed what is not stage ${stage}'s`).toEqual([]);
  };
  /** The names a plan's warnings report as "not managed by ops". */
  const reported = (stderr: string) => [...stderr.matchAll(/! (?:[a-z]+ )+?(\S+)(?: \(\w+\))?: not managed by ops/g)].map((m) => m[1]);
  const keysOf = (snap: Record<string, string>, stage: Stage) => Object.keys(snap).filter((k) => stageOf(k) === stage);

  beforeAll(async () => {
    moto = await startLayerMoto();
    env = emulatorEnv(moto.url);
    const s = sns();
    alertsTopic = (await s.send(new CreateTopicCommand({ Name: 'ops-alerts' }))).TopicArn!;
    triggerTopic = (await s.send(new CreateTopicCommand({ Name: 'orders' }))).TopicArn!;
    topics.push(alertsTopic, triggerTopic);
    dir = await fleetDir(alertsTopic, triggerTopic);
    await makeLookalikes();
    handMade = new Set(Object.keys(await snapshot()));
    handMadeNames = new Set([...handMade].map((k) => k.slice(k.indexOf(':') + 1).replace(/#.*$/, '')));
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  /** Hand-made, untagged things with ops-like names and paths, of every kind, on both sides of every prefix. */
  async function makeLookalikes() {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    // A role under ops's own path for the stage, used by hand-made functions (defect 2).
    const role = (
      await iam().send(new CreateRoleCommand({ RoleName: `${APP}-dev-legacy`, Path: `/ops/${APP}/dev/`, AssumeRolePolicyDocument: trust }))
    ).Role!;
    await iam().send(
      new PutRolePolicyCommand({
        RoleName: role.RoleName!,
        PolicyName: 'ops',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] }),
      }),
    );
    await iam().send(new CreateRoleCommand({ RoleName: `${APP}-de-legacy`, Path: `/ops/${APP}/de/`, AssumeRolePolicyDocument: trust }));
    const zipFile = path.join(await mkdtemp(path.join(tmpdir(), 'ops-lookalike-')), 'fn.zip');
    await writeDeterministicZip([{ path: 'index.mjs', data: 'export const handler = async (e) => e;' }], zipFile);
    const zip = await readFile(zipFile);
    const l = lambda();
    for (const name of [`${APP}-dev-legacy`, `${APP}-dev-api-old`, `${APP}-de-v2`]) {
      await l.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Role: role.Arn!,
          Code: { ZipFile: zip },
          Tags: { team: 'legacy' },
        }),
      );
      // Its own log group, untagged (defect 1: destroy deleted it), with a `live` alias like ops's.
      await logs().send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${name}` }));
      const v = await l.send(new PublishVersionCommand({ FunctionName: name }));
      await l.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: v.Version! }));
    }
    const legacy = `${APP}-dev-legacy`;
    const legacyLive = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${legacy}:live`;
    // Log groups with no function at all, under each stage's prefix.
    for (const name of [`/aws/lambda/${APP}-dev-orphan`, `/aws/lambda/${APP}-dev-x-orphan`, `/aws/lambda/${APP}-de-orphan`]) {
      await logs().send(new CreateLogGroupCommand({ logGroupName: name }));
    }
    // Layers under each stage's prefix (ops builds `{app}-{stage}-common`), published by hand.
    const layerZip = path.join(path.dirname(zipFile), 'layer.zip');
    await writeDeterministicZip([{ path: 'nodejs/node_modules/tools/index.js', data: 'exports.x = 1;' }], layerZip);
    for (const name of [`${APP}-dev-handmade`, `${APP}-dev-x-handmade`, `${APP}-de-handmade`]) {
      await l.send(
        new PublishLayerVersionCommand({ LayerName: name, Description: 'hand made', Content: { ZipFile: await readFile(layerZip) } }),
      );
    }
    // A schedule rule and an alarm with ops-like names, on the hand-made function.
    const ev = events();
    await ev.send(new PutRuleCommand({ Name: `${APP}-dev-legacy-nightly`, ScheduleExpression: 'rate(1 day)' }));
    await ev.send(new PutTargetsCommand({ Rule: `${APP}-dev-legacy-nightly`, Targets: [{ Id: 'live', Arn: legacyLive }] }));
    await ev.send(new PutRuleCommand({ Name: `${APP}-de-legacy-hourly`, ScheduleExpression: 'rate(1 hour)' }));
    for (const name of [`${APP}-dev-legacy-Errors-1`, `${APP}-de-legacy-Errors-1`]) {
      await cloudwatch().send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: legacy }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [alertsTopic],
        }),
      );
    }
    // An HTTP API named exactly like stage dev's, with an integration and a route to the hand-made function,
    // which lets it invoke `live` under the statement id ops uses.
    for (const name of [`${APP}-dev`, `${APP}-de`]) {
      const api = await apigw().send(new CreateApiCommand({ Name: name, ProtocolType: 'HTTP' }));
      handMadeApiIds.push(api.ApiId!);
      const integration = await apigw().send(
        new CreateIntegrationCommand({
          ApiId: api.ApiId!,
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: legacyLive,
          PayloadFormatVersion: '2.0',
        }),
      );
      await apigw().send(
        new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /legacy', Target: `integrations/${integration.IntegrationId}` }),
      );
    }
    for (const [sid, principal, source] of [
      ['ops-http-api', 'apigateway.amazonaws.com', `arn:aws:execute-api:us-east-1:${ACCOUNT}:${handMadeApiIds[0]}/*/*`],
      [`ops-rule-${APP}-dev-legacy-nightly`, 'events.amazonaws.com', `arn:aws:events:us-east-1:${ACCOUNT}:rule/${APP}-dev-legacy-nightly`],
      ['ops-sns-legacy', 'sns.amazonaws.com', triggerTopic],
    ]) {
      await l.send(
        new AddPermissionCommand({
          FunctionName: legacy,
          Qualifier: 'live',
          StatementId: sid,
          Action: 'lambda:InvokeFunction',
          Principal: principal,
          SourceArn: source,
        }),
      );
    }
    // The hand-made function subscribed to the very topic stage functions subscribe to.
    await sns().send(new SubscribeCommand({ TopicArn: triggerTopic, Protocol: 'lambda', Endpoint: legacyLive }));
  }

  it('hand-made look-alikes of every kind exist before anything is deployed', async () => {
    const kinds = new Set([...handMade].map((k) => k.split(':')[0]));
    expect([...kinds].sort()).toEqual(['alarm', 'function', 'http-api', 'layer', 'log-group', 'role', 'rule', 'subscription']);
    expect(handMade.size).toBeGreaterThanOrEqual(20);
  });

  it('deploys each stage: the others and the hand-made things are untouched, and only the hand-made ones are reported', async () => {
    for (const stage of STAGES) {
      const before = await snapshot();
      const r = await ops(['deploy', '--stage', stage, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      const after = await snapshot();
      expectOthersUntouched(before, after, stage, `deploy --stage ${stage}`);
      // The stage's own things of every kind were made.
      expect([...new Set(keysOf(after, stage).map((k) => k.split(':')[0]))].sort()).toEqual([
        'alarm',
        'function',
        'http-api',
        'layer',
        'log-group',
        'role',
        'rule',
        'subscription',
      ]);
      expect(
        reported(r.stderr).filter((name) => !handMadeNames.has(name)),
        `deploy --stage ${stage} reported`,
      ).toEqual([]);
    }
    // Stage dev's layer is dev's: it does not see dev-x's (it deleted it before issue 11).
    const snap = await snapshot();
    expect(Object.keys(snap).filter((k) => k.startsWith('layer:'))).toEqual(
      expect.arrayContaining([`layer:${APP}-dev-common`, `layer:${APP}-dev-x-common`, `layer:${APP}-de-common`]),
    );
  }, 240_000);

  it('deploys each stage again: nothing of the others is touched, and the plan reports the hand-made things, not the other stages', async () => {
    for (const stage of STAGES) {
      const before = await snapshot();
      const r = await ops(['deploy', '--stage', stage, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expectOthersUntouched(before, await snapshot(), stage, `second deploy --stage ${stage}`);
      // Only hand-made things are reported as not managed: the other stages' are not worth a warning.
      expect(
        reported(r.stderr).filter((name) => !handMadeNames.has(name)),
        `deploy --stage ${stage} reported`,
      ).toEqual([]);
      const plan = await ops(['plan', '--stage', stage]);
      expect(plan.stdout, plan.stderr).toContain('No changes');
    }
    const dev = await ops(['plan', '--stage', 'dev']);
    for (const thing of [
      `iam role ${APP}-dev-legacy: not managed by ops`,
      `lambda function ${APP}-dev-legacy: not managed by ops`,
      `log group /aws/lambda/${APP}-dev-orphan: not managed by ops`,
      `lambda layer ${APP}-dev-handmade: not managed by ops`,
      `eventbridge rule ${APP}-dev-legacy-nightly: not managed by ops`,
      `cloudwatch alarm ${APP}-dev-legacy-Errors-1: not managed by ops`,
      `http api ${APP}-dev (${handMadeApiIds[0]}): not managed by ops`,
    ]) {
      expect(dev.stdout + dev.stderr).toContain(thing);
    }
  }, 240_000);

  it("destroys each stage in turn: only that stage's things go, the others and the hand-made things stay as they were", async () => {
    const start = await snapshot();
    for (const stage of STAGES) {
      const before = await snapshot();
      const r = await ops(['destroy', '--stage', stage, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      const after = await snapshot();
      expectOthersUntouched(before, after, stage, `destroy --stage ${stage}`);
      expect(keysOf(after, stage), `destroy --stage ${stage} left some of the stage's things`).toEqual([]);
    }
    // Everything left is what the test made by hand, exactly as it was.
    const end = await snapshot();
    const handMade = Object.keys(start).filter((k) => stageOf(k) === undefined);
    expect(Object.keys(end).sort()).toEqual(handMade.sort());
    for (const k of handMade) expect(end[k], k).toBe(start[k]);
  }, 240_000);
});

/** One app: an API function with a route, a built layer and an alarm; a worker with a schedule and an SNS trigger. */
async function fleetDir(alertsTopic: string, triggerTopic: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-lookalikes-'));
  await mkdir(path.join(dir, 'src/api'), { recursive: true });
  await mkdir(path.join(dir, 'src/worker'), { recursive: true });
  await mkdir(path.join(dir, 'layers/common/nodejs/node_modules/greeting'), { recursive: true });
  await writeFile(path.join(dir, 'src/api/handler.ts'), 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n');
  await writeFile(path.join(dir, 'src/worker/handler.ts'), 'export const handler = async (e: unknown) => ({ e });\n');
  await writeFile(path.join(dir, 'layers/common/nodejs/node_modules/greeting/index.js'), "exports.greet = () => 'hello';\n");
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${APP}',
  region: 'us-east-1',
  defaults: { logRetentionDays: 7 },
  functions: {
    api: {
      handler: 'src/api/handler.ts',
      routes: ['GET /items'],
      layers: [{ path: 'layers/common' }],
      alarms: [{ metric: 'Errors', threshold: 1, snsTopicArn: '${alertsTopic}' }],
    },
    worker: {
      handler: 'src/worker/handler.ts',
      triggers: [{ schedule: 'rate(5 minutes)', name: 'tick' }, { sns: '${triggerTopic}' }],
    },
  },
});
`,
  );
  return dir;
}
