import { APIGatewayClient, GetRestApisCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stub, startStub } from '../functions/support/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import {
  bodyOf,
  copyExample,
  expectNoDrift,
  invokeLocal,
  kindsFor,
  type Ops,
  opsFor,
  planJson,
  planResources,
  type ResolvedFleet,
  resolvedConfig,
  setParams,
  settingsOf,
  smokeLocal,
  uniqueStage,
  writesAmong,
} from './support.js';

const ACCOUNT = '123456789012';
const PASSWORD = 'Cl0udOps!pass';
/** The secret `cognito` as the seed's security step stores it: `{"username", "password"}`. */
const COGNITO_SECRET = JSON.stringify({ username: 'ted8hc', password: PASSWORD });

const FUNCTIONS = ['invoke-agent-analysis', 'approval-handler', 'execution-handler'] as const;

/** ARNs of the fleet's resources on a stage other than prod (`cloudops-<stage>-<key>`). */
const arnsFor = (stage: string) => {
  const n = (key: string) => `cloudops-${stage}-${key}`;
  return {
    table: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${n('alerts')}`,
    bucket: `arn:aws:s3:::${n('analysis')}`,
    objects: `arn:aws:s3:::${n('analysis')}/*`,
    notifications: `arn:aws:sns:us-east-1:${ACCOUNT}:${n('notifications')}`,
    execution: `arn:aws:sns:us-east-1:${ACCOUNT}:${n('execution-trigger')}`,
    secret: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${n('cognito')}-??????`,
  };
};

const TABLE_READ = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'DescribeTable'].map((a) => `dynamodb:${a}`);
const TABLE_WRITE = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].map((a) => `dynamodb:${a}`);
const SEED_AGENT = ['bedrock:InvokeAgent arn:aws:bedrock:*:*:agent/*', 'bedrock:GetAgent arn:aws:bedrock:*:*:agent/*'];
/** The seed's one statement on `*` (phase 3's remediations): the only `*` resource any role holds. */
const SEED_ANYWHERE = ['cloudfront:CreateInvalidation *', 'route53:GetHealthCheck *', 'ec2:DescribeInstances *'];

/**
 * Each function's grants on the fleet's resources, from its `uses` (the seed granted the same calls by hand,
 * on `table/alerts`, `domain-alert-analysis/*`, `cloudops-alerts`, `execution-trigger`): exactly those ARNs.
 */
const resourceGrants = (stage: string): Record<(typeof FUNCTIONS)[number], string[]> => {
  const a = arnsFor(stage);
  const on = (actions: string[], arn: string) => actions.map((x) => `${x} ${arn}`);
  const table = on([...TABLE_READ, ...TABLE_WRITE], a.table);
  const secret = on(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], a.secret);
  return {
    'invoke-agent-analysis': [
      ...table,
      ...on(['s3:PutObject', 's3:DeleteObject'], a.objects),
      ...on(['sns:Publish'], a.notifications),
      ...secret,
    ],
    'approval-handler': [...table, ...on(['sns:Publish'], a.execution), ...on(['sns:Publish'], a.notifications)],
    'execution-handler': [
      ...table,
      ...on(['s3:ListBucket'], a.bucket),
      ...on(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], a.objects),
      ...on(['sns:Publish'], a.notifications),
      ...secret,
    ],
  };
};

/** Grants that are not ops's own (logs, the params' SSM names): the resources' and the seed's. */
const notOpsOwn = (grants: string[]) => grants.filter((g) => !/^(logs|ssm):/.test(g));

const grantsOf = (statements: { Action: string | string[]; Resource: string | string[] }[]) =>
  statements.flatMap((s) => [s.Action].flat().flatMap((a) => [s.Resource].flat().map((r) => `${a} ${r}`)));

/** The same from the plan's policy lines: `Allow a, b on r1, r2`. */
const grantsOfPlanned = (lines: (string | undefined)[]) =>
  lines.flatMap((line) => {
    const m = /^Allow (.+) on (.+)$/.exec(line ?? '');
    return m ? m[1].split(', ').flatMap((a) => m[2].split(', ').map((r) => `${a} ${r}`)) : [];
  });

/** Seed 003: detection on a schedule, approval behind POST /approval, execution on an SNS topic, alarms, inline policies. */
describe('examples/cloudops-agent (seed 003)', () => {
  const emu = useEmulator();
  const stage = uniqueStage();
  /** The fleet's alerts table on this stage: the deploy below makes it, the local runs after it use it. */
  const table = `cloudops-${stage}-alerts`;
  let dir: string;
  let ops: Ops;
  /** Monitored sites (/ok, /down), Cognito, the agent runtime and both webhooks. */
  let stub: Stub;

  const agentCalls = () => stub.requests.filter((q) => q.path.startsWith('/runtimes/'));

  beforeAll(async () => {
    dir = await copyExample('cloudops-agent');
    ops = opsFor(dir, stage, emu.env);
    stub = await startStub((req) => {
      if (req.path === '/ok') return { body: 'ok' };
      if (req.path === '/down') return { status: 503, body: 'unavailable' };
      if (req.headers['x-amz-target'] === 'AWSCognitoIdentityProviderService.InitiateAuth') {
        const { AuthParameters } = JSON.parse(req.body);
        if (AuthParameters.USERNAME !== 'ted8hc' || AuthParameters.PASSWORD !== PASSWORD) {
          return {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }),
          };
        }
        return {
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({
            AuthenticationResult: { AccessToken: 'access-1', IdToken: 'id-1', ExpiresIn: 3600, TokenType: 'Bearer' },
          }),
        };
      }
      if (req.path.startsWith('/runtimes/')) {
        const { prompt } = JSON.parse(req.body);
        if (String(prompt).includes('Reply with JSON')) {
          const plan = {
            actions: [
              { type: 'ec2:DescribeInstances', instance_ids: [] },
              { type: 'iam:DeleteRole', role: 'x' },
            ],
            summary: 'Checked the origin instances.',
          };
          return { body: { result: `Executing:\n\`\`\`json\n${JSON.stringify(plan)}\n\`\`\`` } };
        }
        return {
          headers: { 'content-type': 'text/event-stream' },
          body: 'data: "Likely cause: the origin returns 503. "\n\ndata: "Recommendation: restart the origin."\n\n',
        };
      }
      if (req.path === '/teams' || req.path === '/slack') return { body: '1' };
      return { status: 404, body: {} };
    });
  });
  afterAll(() => stub?.close());

  it('ops config --json: three functions with the seed memory/timeouts; the resources each uses; names per stage', async () => {
    const fleet = await resolvedConfig(ops);
    expect(settingsOf(fleet)).toEqual({
      'invoke-agent-analysis': {
        runtime: 'python3.12',
        memory: 512,
        timeout: 300,
        handler: 'analysis.lambda_invoke_handler.lambda_handler',
      },
      'approval-handler': { runtime: 'python3.12', memory: 256, timeout: 30, handler: 'approval.lambda_approval_handler.lambda_handler' },
      'execution-handler': {
        runtime: 'python3.12',
        memory: 1024,
        timeout: 900,
        handler: 'execution.lambda_execution_handler.lambda_handler',
      },
    });
    // The Cognito credentials are the secret `cognito`, read at run time: no password in a param or the environment.
    expect(fleet.params.map((p) => p.name)).toEqual(['teams-webhook-url', 'slack-webhook-url']);
    for (const fn of fleet.functions) expect(Object.keys(fn.environment).filter((k) => /COGNITO_(PASSWORD|USERNAME)/.test(k))).toEqual([]);
    const uses = Object.fromEntries(fleet.functions.map((f) => [f.key, f.uses.map((u) => `${u.resource}:${u.access} ${u.env}`)]));
    expect(uses).toEqual({
      'invoke-agent-analysis': [
        'alerts:readwrite ALERTS_TABLE',
        'analysis:write ANALYSIS_BUCKET',
        'cognito:read COGNITO_SECRET_NAME',
        'notifications:publish NOTIFICATIONS_TOPIC_ARN',
      ],
      'approval-handler': [
        'alerts:readwrite ALERTS_TABLE',
        'execution-trigger:publish EXECUTION_TRIGGER_TOPIC_ARN',
        'notifications:publish NOTIFICATIONS_TOPIC_ARN',
      ],
      'execution-handler': [
        'alerts:readwrite ALERTS_TABLE',
        'analysis:readwrite ANALYSIS_BUCKET',
        'cognito:read COGNITO_SECRET_NAME',
        'notifications:publish NOTIFICATIONS_TOPIC_ARN',
      ],
    });
    expect(fleet.functions[1].routes.map((r) => r.key)).toEqual(['POST /approval']);
    // A test stage gets names of its own; prod keeps the seed's names (and adopts what exists there).
    const names = (f: ResolvedFleet) => f.resources.map((r) => [r.key, r.physicalName, r.adopt]);
    expect(names(fleet)).toEqual([
      ['alerts', `cloudops-${stage}-alerts`, false],
      ['analysis', `cloudops-${stage}-analysis`, false],
      ['cognito', `cloudops-${stage}-cognito`, false],
      ['execution-trigger', `cloudops-${stage}-execution-trigger`, false],
      ['notifications', `cloudops-${stage}-notifications`, false],
    ]);
    const prod = await runCli(['config', '--json', '--stage', 'prod'], { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    expect(prod.code, prod.stderr).toBe(0);
    expect(names(prod.json<ResolvedFleet>())).toEqual([
      ['alerts', 'alerts', true],
      ['analysis', 'domain-alert-analysis', true],
      ['cognito', 'cloudops/cognito-credentials', true],
      ['execution-trigger', 'cloudops-prod-execution-trigger', false],
      ['notifications', 'cloudops-alerts', true],
    ]);
  });

  describe('against a bare emulator: the fleet makes its own table, bucket, topics and secret', () => {
    const arns = arnsFor(stage);
    const name = (fn: string) => `cloudops-${stage}-${fn}`;

    it('sets the webhook URLs (the local stand-ins) as SecureStrings through stdin', async () => {
      await setParams(ops, {
        'teams-webhook-url': { value: `${stub.url}/teams`, secure: true },
        'slack-webhook-url': { value: `${stub.url}/slack`, secure: true },
      });
    });

    it('ops plan: the resources, the schedule, the route, the subscription, the alarms, one role each', async () => {
      const plan = await planJson(ops);
      const common = [
        'role.create iam role',
        'function.create lambda function',
        'alias.publish lambda alias',
        'loggroup.create log group',
        'alarm.set cloudwatch alarm',
      ];
      expect(kindsFor(plan, 'invoke-agent-analysis')).toEqual([...common, 'schedule.create eventbridge rule'].sort());
      expect(kindsFor(plan, 'execution-handler')).toEqual([...common, 'subscription.create sns subscription'].sort());
      // Seed 003's approval API is a REST API: a method on /approval (AWS_PROXY to live) and its invoke permission.
      expect(kindsFor(plan, 'approval-handler')).toEqual(
        expect.arrayContaining([...common, 'restapi.method rest api method', 'restapi.permit lambda permission']),
      );
      expect(plan.changes.find((c) => c.kind === 'restapi.method')?.resource.name).toBe('POST /approval');
      // Each role's inline policy: ops's own, the grants of its `uses` and the seed's agent (and remediation) statements.
      for (const fn of FUNCTIONS) {
        const role = plan.changes.find((c) => c.kind === 'role.create' && c.fn === fn);
        const seed = fn === 'approval-handler' ? [] : fn === 'execution-handler' ? [...SEED_AGENT, ...SEED_ANYWHERE] : SEED_AGENT;
        expect(notOpsOwn(grantsOfPlanned(role?.fields.map((f) => f.to) ?? [])).sort(), fn).toEqual(
          [...resourceGrants(stage)[fn], ...seed].sort(),
        );
      }
      expect(planResources(plan, stage)).toMatchSnapshot();
    });

    it('ops deploy --yes: table, bucket, topics, secret, rule, subscriptions, alarms and policies read back', async () => {
      const r = await ops(['deploy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      await expectNoDrift(ops);

      // The seed's `alerts` table: key alert_id, TTL on ttl, no stream, on demand.
      const ddb = new DynamoDBClient(emu.clientConfig);
      const table = (await ddb.send(new DescribeTableCommand({ TableName: name('alerts') }))).Table;
      expect([
        table?.TableArn,
        table?.KeySchema,
        table?.BillingModeSummary?.BillingMode,
        table?.StreamSpecification?.StreamEnabled,
      ]).toEqual([arns.table, [{ AttributeName: 'alert_id', KeyType: 'HASH' }], 'PAY_PER_REQUEST', undefined]);
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: name('alerts') }));
      expect([ttl.TimeToLiveDescription?.TimeToLiveStatus, ttl.TimeToLiveDescription?.AttributeName]).toEqual(['ENABLED', 'ttl']);
      ddb.destroy();

      // The seed's bucket: versioned, objects expire after 90 days, public access blocked (ops's default).
      const s3 = new S3Client({ ...emu.clientConfig, forcePathStyle: true });
      const Bucket = name('analysis');
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
      const lifecycle = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? [];
      expect(lifecycle.map((rule) => [rule.ID, rule.Status, rule.Expiration?.Days])).toEqual([['DeleteOldAnalysis', 'Enabled', 90]]);
      expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      s3.destroy();

      // The topics: the ops team's email on notifications (pending until confirmed); execution on execution-trigger.
      const sns = new SNSClient(emu.clientConfig);
      const subs = async (topic: string) =>
        ((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }))).Subscriptions ?? []).map((x) => [
          x.Protocol,
          x.Endpoint,
        ]);
      expect(await subs(arns.notifications)).toEqual([['email', 'ops-team@example.com']]);
      expect(await subs(arns.execution)).toEqual([
        ['lambda', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name('execution-handler')}:live`],
      ]);
      sns.destroy();

      // The secret, created empty (its value is set with `ops secrets set cognito`), tagged as the stage's.
      const sm = new SecretsManagerClient(emu.clientConfig);
      const secret = await sm.send(new DescribeSecretCommand({ SecretId: name('cognito') }));
      expect(Object.fromEntries((secret.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
        'ops:stage': stage,
        'ops:resource': 'cognito',
      });
      sm.destroy();

      // Each function finds the resources it uses in its environment: names, the topics' ARNs.
      const lambda = new LambdaClient(emu.clientConfig);
      const vars = async (fn: string) =>
        (await lambda.send(new GetFunctionCommand({ FunctionName: name(fn) }))).Configuration?.Environment?.Variables;
      expect(await vars('approval-handler')).toMatchObject({
        ALERTS_TABLE: name('alerts'),
        EXECUTION_TRIGGER_TOPIC_ARN: arns.execution,
        NOTIFICATIONS_TOPIC_ARN: arns.notifications,
      });
      expect(await vars('execution-handler')).toMatchObject({
        ALERTS_TABLE: name('alerts'),
        ANALYSIS_BUCKET: name('analysis'),
        COGNITO_SECRET_NAME: name('cognito'),
        NOTIFICATIONS_TOPIC_ARN: arns.notifications,
      });
      lambda.destroy();

      const events = new EventBridgeClient(emu.clientConfig);
      const rule = await events.send(new DescribeRuleCommand({ Name: `${name('invoke-agent-analysis')}-schedule` }));
      expect([rule.ScheduleExpression, rule.State]).toEqual(['rate(5 minutes)', 'ENABLED']);
      const targets = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
      expect(targets.Targets?.map((t) => t.Arn)).toEqual([
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name('invoke-agent-analysis')}:live`,
      ]);
      events.destroy();

      const cloudwatch = new CloudWatchClient(emu.clientConfig);
      const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `cloudops-${stage}-` }))).MetricAlarms ?? [];
      expect(
        alarms.map((a) => [a.MetricName, a.Statistic, a.Period, a.EvaluationPeriods, a.Threshold, a.ComparisonOperator, a.AlarmActions]),
      ).toEqual(FUNCTIONS.map(() => ['Errors', 'Sum', 300, 1, 1, 'GreaterThanThreshold', [arns.notifications]]));
      // Named and described as the seed's lambda-analysis-errors, one per function.
      expect(alarms.map((a) => [a.AlarmName, a.AlarmDescription]).sort()).toEqual([
        [`${name('approval-handler')}-errors`, 'Alert when approval Lambda has errors'],
        [`${name('execution-handler')}-errors`, 'Alert when execution Lambda has errors'],
        [`${name('invoke-agent-analysis')}-errors`, 'Alert when analysis Lambda has errors'],
      ]);
      cloudwatch.destroy();

      // Every grant on a resource of the fleet is on exactly its ARN; the only `*` is the seed's own remediation statement.
      const iam = new IAMClient(emu.clientConfig);
      for (const fn of FUNCTIONS) {
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: name(fn), PolicyName: 'ops-function' }));
        const grants = notOpsOwn(grantsOf(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')).Statement));
        const seed = fn === 'approval-handler' ? [] : fn === 'execution-handler' ? [...SEED_AGENT, ...SEED_ANYWHERE] : SEED_AGENT;
        expect(grants.sort(), fn).toEqual([...resourceGrants(stage)[fn], ...seed].sort());
      }
      iam.destroy();

      // The seed's security step 2: an API key and a usage plan on the approval API's prod stage, the key in the plan.
      const apigw = new APIGatewayClient(emu.clientConfig);
      const ours = <T extends { tags?: Record<string, string> }>(items: T[] = []) =>
        items.filter((x) => x.tags?.['ops:app'] === 'cloudops' && x.tags?.['ops:stage'] === stage);
      const [restApi] = ours((await apigw.send(new GetRestApisCommand({ limit: 500 }))).items);
      const [usagePlan] = ours((await apigw.send(new GetUsagePlansCommand({ limit: 500 }))).items);
      expect([usagePlan?.name, usagePlan?.apiStages]).toEqual([name('approval'), [{ apiId: restApi?.id, stage: 'prod' }]]);
      const planKeys = (await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: usagePlan.id! }))).items ?? [];
      expect(planKeys.map((k) => k.name)).toEqual([name('approval')]);
      apigw.destroy();
    });

    it('a second ops plan is empty, and a second deploy writes nothing', async () => {
      const plan = await ops(['plan']);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      const proxy = await emu.proxy();
      const again = await runCli(['deploy', '--yes', '--stage', stage], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(again.code, again.stderr).toBe(0);
      expect(writesAmong(proxy.requests)).toEqual([]);
    });

    it('ops secrets set cognito: the Cognito credentials, from stdin, never echoed', async () => {
      const r = await ops(['secrets', 'set', 'cognito', '--stdin'], { stdin: COGNITO_SECRET });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    });
  });

  // Local runs against the stage just deployed: the table, bucket and secret names come from `uses` as the
  // deploy sets them, the webhook URLs and the Cognito credentials from the stage's SSM and Secrets Manager.
  // The topics' ARNs are given here: a local run asks STS for the account within 2 s, and tests never rely on timing.
  describe('ops invoke --local: the whole workflow against the deployed stage, a local agent, Cognito and webhooks', () => {
    const arns = arnsFor(stage);
    const env = (extra: Record<string, string> = {}) => ({
      NOTIFICATIONS_TOPIC_ARN: arns.notifications,
      EXECUTION_TRIGGER_TOPIC_ARN: arns.execution,
      AGENTCORE_ENDPOINT_URL: stub.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stub.url,
      MONITORED_DOMAINS: `${stub.url}/ok,${stub.url}/down`,
      ...extra,
    });
    let analysisKey: string;

    it('invoke-agent-analysis scheduled: one issue, analysed, stored, announced with approval buttons', async () => {
      const result = await invokeLocal(ops, 'invoke-agent-analysis', 'scheduled', env());
      expect(result).toMatchObject({ checked: 2, issues: 1 });
      const [alert] = result.alerts;
      expect(alert).toMatchObject({ domain: '127.0.0.1', problem: 'HTTP 503', notified: ['teams', 'slack', 'sns'] });

      const [call] = agentCalls();
      expect(call.headers.authorization).toBe('Bearer access-1');
      expect(call.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toBe(`cloudops-${alert.alert_id}`);
      const card = JSON.parse(stub.requests.find((q) => q.path === '/teams')?.body ?? '{}');
      expect(card.potentialAction.map((a: { name: string; target: string }) => [a.name, a.target])).toEqual([
        ['Approve', `https://api.example.com/approval?alert_id=${alert.alert_id}&action=approve&approved_by=teams`],
        ['Reject', `https://api.example.com/approval?alert_id=${alert.alert_id}&action=reject&approved_by=teams`],
      ]);

      const ddb = new DynamoDBClient(emu.clientConfig);
      const item = (await ddb.send(new GetItemCommand({ TableName: table, Key: { alert_id: { S: alert.alert_id } } }))).Item;
      ddb.destroy();
      expect(item?.approval_status?.S).toBe('pending');
      expect(item?.agent_analysis?.S).toBe('Likely cause: the origin returns 503. Recommendation: restart the origin.');
      expect(item?.s3_analysis_key?.S).toMatch(
        new RegExp(`^alerts/\\d{4}-\\d{2}-\\d{2}/127\\.0\\.0\\.1/\\d{2}-\\d{2}-\\d{2}-${alert.alert_id}\\.md$`),
      );
      expect(Number(item?.ttl?.N)).toBeGreaterThan(Date.now() / 1000 + 29 * 86400);
      analysisKey = item?.s3_analysis_key?.S as string;
    });

    it('invoke-agent-analysis manual ({}): nothing wrong, nothing raised', async () => {
      const result = await invokeLocal(ops, 'invoke-agent-analysis', 'manual', env({ MONITORED_DOMAINS: `${stub.url}/ok` }));
      expect(result).toEqual({ checked: 1, issues: 0, alerts: [] });
    });

    it('approval-handler: a bad request is 400; the seed alert test-123 is approved exactly once', async () => {
      const ddb = new DynamoDBClient(emu.clientConfig);
      await ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            alert_id: { S: 'test-123' },
            domain: { S: 'example.com' },
            approval_status: { S: 'pending' },
            execution_status: { S: 'not_started' },
            agent_session_id: { S: 'cloudops-test-123' },
            s3_analysis_key: { S: analysisKey },
          },
        }),
      );
      ddb.destroy();
      // moto delivers SNS to a Lambda subscriber inside Publish and fails the Publish when it cannot run the function
      // (here, the deployed execution-handler's live alias): the local approval publishes to a stand-in topic with
      // no subscriber. On AWS, Publish returns before delivery.
      const sns = new SNSClient(emu.clientConfig);
      const standIn = (await sns.send(new CreateTopicCommand({ Name: `cloudops-${stage}-local-trigger` }))).TopicArn as string;
      sns.destroy();
      const bad = await invokeLocal(ops, 'approval-handler', 'invalid-action', env());
      expect(bad.statusCode).toBe(400);
      const approved = await invokeLocal(ops, 'approval-handler', 'approve', env({ EXECUTION_TRIGGER_TOPIC_ARN: standIn }));
      expect([approved.statusCode, bodyOf(approved)]).toEqual([
        200,
        { alert_id: 'test-123', approval_status: 'approved', execution_triggered: true },
      ]);
      const again = await invokeLocal(ops, 'approval-handler', 'approve-direct', env());
      expect([again.statusCode, bodyOf(again).error]).toEqual([409, 'alert test-123 is already approved']);
    });

    it('execution-handler sns-trigger: continues the alert session, runs what it may, records the outcome', async () => {
      const result = await invokeLocal(ops, 'execution-handler', 'sns-trigger', env());
      const [run] = result.executions;
      expect(run).toMatchObject({ alert_id: 'test-123', status: 'completed' });
      expect(run.actions).toEqual([
        { type: 'ec2:DescribeInstances', status: 'done', detail: 'no instances' },
        { type: 'iam:DeleteRole', status: 'skipped', detail: 'not an action this handler runs' },
      ]);
      const call = agentCalls().at(-1);
      expect(call?.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toBe('cloudops-test-123'.padEnd(33, '0'));
      expect(JSON.parse(call?.body ?? '{}').prompt).toContain('Likely cause: the origin returns 503.');
      const ddb = new DynamoDBClient(emu.clientConfig);
      const item = (await ddb.send(new GetItemCommand({ TableName: table, Key: { alert_id: { S: 'test-123' } } }))).Item;
      ddb.destroy();
      expect([item?.execution_status?.S, item?.execution_log?.S]).toEqual(['completed', 'Checked the origin instances.']);
    });

    it('execution-handler direct: an alert already executed is skipped (SNS delivers at least once)', async () => {
      const result = await invokeLocal(ops, 'execution-handler', 'direct', env());
      expect(result.executions).toEqual([{ alert_id: 'test-123', status: 'skipped', reason: 'already executed or executing' }]);
    });
  });

  it('ops smoke --local: the samples that carry expectations hold', async () => {
    await smokeLocal(ops);
  });

  describe('at the end', () => {
    const name = (fn: string) => `cloudops-${stage}-${fn}`;

    it('ops destroy --yes: the functions go; the table, the bucket and the secret stay (they hold data)', async () => {
      const r = await ops(['destroy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/table cloudops-\w+-alerts: kept \(holds data\)/);
      const lambda = new LambdaClient(emu.clientConfig);
      for (const fn of FUNCTIONS) {
        await expect(lambda.send(new GetFunctionCommand({ FunctionName: name(fn) }))).rejects.toThrow(/not found/i);
      }
      lambda.destroy();
      const ddb = new DynamoDBClient(emu.clientConfig);
      expect((await ddb.send(new DescribeTableCommand({ TableName: name('alerts') }))).Table?.TableStatus).toBe('ACTIVE');
      ddb.destroy();
      const s3 = new S3Client({ ...emu.clientConfig, forcePathStyle: true });
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: name('analysis') }))).Status).toBe('Enabled');
      s3.destroy();
      const sm = new SecretsManagerClient(emu.clientConfig);
      const secret = await sm.send(new DescribeSecretCommand({ SecretId: name('cognito') }));
      expect([secret.Name, secret.DeletedDate]).toEqual([name('cognito'), undefined]);
      sm.destroy();
    });
  });
});
