import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stub, startStub } from '../functions/support/helpers.js';
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
  resolvedConfig,
  setParams,
  settingsOf,
  smokeLocal,
  uniqueStage,
  writeLocalEnv,
} from './support.js';

const ACCOUNT = '123456789012';
const ALERTS_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:cloudops-alerts`;
const EXECUTION_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:execution-trigger`;
const PASSWORD = 'Cl0udOps!pass';

const FUNCTIONS = ['invoke-agent-analysis', 'approval-handler', 'execution-handler'] as const;

/** The seed's inline statements per function, resources exactly as it writes them (its logs statement aside). */
const SEED_GRANTS: Record<(typeof FUNCTIONS)[number], string[]> = {
  'invoke-agent-analysis': [
    'bedrock:InvokeAgent arn:aws:bedrock:*:*:agent/*',
    'bedrock:GetAgent arn:aws:bedrock:*:*:agent/*',
    's3:PutObject arn:aws:s3:::domain-alert-analysis/*',
    's3:GetObject arn:aws:s3:::domain-alert-analysis/*',
    'dynamodb:PutItem arn:aws:dynamodb:*:*:table/alerts',
    'dynamodb:GetItem arn:aws:dynamodb:*:*:table/alerts',
    'dynamodb:UpdateItem arn:aws:dynamodb:*:*:table/alerts',
    'sns:Publish arn:aws:sns:*:*:cloudops-alerts',
  ],
  'approval-handler': [
    'dynamodb:GetItem arn:aws:dynamodb:*:*:table/alerts',
    'dynamodb:UpdateItem arn:aws:dynamodb:*:*:table/alerts',
    'sns:Publish arn:aws:sns:*:*:execution-trigger',
    'sns:Publish arn:aws:sns:*:*:cloudops-alerts',
  ],
  'execution-handler': [
    'bedrock:InvokeAgent arn:aws:bedrock:*:*:agent/*',
    'bedrock:GetAgent arn:aws:bedrock:*:*:agent/*',
    's3:PutObject arn:aws:s3:::domain-alert-analysis/*',
    's3:GetObject arn:aws:s3:::domain-alert-analysis/*',
    'dynamodb:GetItem arn:aws:dynamodb:*:*:table/alerts',
    'dynamodb:UpdateItem arn:aws:dynamodb:*:*:table/alerts',
    'sns:Publish arn:aws:sns:*:*:cloudops-alerts',
    'cloudfront:CreateInvalidation *',
    'route53:GetHealthCheck *',
    'ec2:DescribeInstances *',
  ],
};

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
  const table = `alerts-${stage}`;
  const bucket = `domain-alert-analysis-${stage}`;
  let dir: string;
  let ops: Ops;
  /** Monitored sites (/ok, /down), Cognito, the agent runtime and both webhooks. */
  let stub: Stub;
  let alertsTopic: string;
  let executionTopic: string;

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
    // Outside ops, as in the seed's steps 2-4 (here one table, bucket and topic pair per test stage).
    const ddb = new DynamoDBClient(emu.clientConfig);
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'alert_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'alert_id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    ddb.destroy();
    const made = await fetch(`${emu.url}/${bucket}`, { method: 'PUT' });
    expect(made.ok, await made.text()).toBe(true);
    const sns = new SNSClient(emu.clientConfig);
    alertsTopic = (await sns.send(new CreateTopicCommand({ Name: `cloudops-alerts-${stage}` }))).TopicArn as string;
    executionTopic = (await sns.send(new CreateTopicCommand({ Name: `execution-trigger-${stage}` }))).TopicArn as string;
    for (const name of ['cloudops-alerts', 'execution-trigger']) await sns.send(new CreateTopicCommand({ Name: name }));
    sns.destroy();
    await writeLocalEnv(dir, stage, {
      'cognito/password': PASSWORD,
      'teams-webhook-url': `${stub.url}/teams`,
      'slack-webhook-url': `${stub.url}/slack`,
    });
  });
  afterAll(() => stub?.close());

  it('ops config --json: three functions with the seed memory/timeouts; the password a secure param, not env', async () => {
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
    expect(fleet.params.find((p) => p.name === 'cognito/password')).toMatchObject({
      secure: true,
      readers: ['invoke-agent-analysis', 'execution-handler'],
    });
    for (const fn of fleet.functions) expect(Object.keys(fn.environment)).not.toContain('COGNITO_PASSWORD');
    const analysis = fleet.functions[0];
    expect(analysis.environment).toMatchObject({
      COGNITO_USERNAME: 'ted8hc',
      S3_ANALYSIS_BUCKET: 'domain-alert-analysis',
      DYNAMODB_ALERTS_TABLE: 'alerts',
      SNS_TOPIC_ARN: ALERTS_TOPIC,
      OPS_PARAM_COGNITO_PASSWORD: `/cloudops/${stage}/cognito/password`,
    });
    expect(fleet.functions[1].routes.map((r) => r.key)).toEqual(['POST /approval']);
    expect(fleet.functions[1].environment.EXECUTION_TRIGGER_SNS).toBe(EXECUTION_TOPIC);
  });

  describe('ops invoke --local: the whole workflow against the emulator, a local agent, Cognito and webhooks', () => {
    const env = (extra: Record<string, string> = {}) => ({
      DYNAMODB_ALERTS_TABLE: table,
      S3_ANALYSIS_BUCKET: bucket,
      SNS_TOPIC_ARN: alertsTopic,
      EXECUTION_TRIGGER_SNS: executionTopic,
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
      const bad = await invokeLocal(ops, 'approval-handler', 'invalid-action', env());
      expect(bad.statusCode).toBe(400);
      const approved = await invokeLocal(ops, 'approval-handler', 'approve', env());
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

  describe('against the emulator', () => {
    it('sets the password and webhook URLs as SecureStrings through stdin', async () => {
      await setParams(ops, {
        'cognito/password': { value: PASSWORD, secure: true },
        'teams-webhook-url': { value: 'https://outlook.office.com/webhook/cloudops-test', secure: true },
        'slack-webhook-url': { value: 'none', secure: true },
      });
    });

    it('ops plan on an empty emulator: the schedule, the route, the subscription, the alarms, one role each', async () => {
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
      expect(kindsFor(plan, 'approval-handler')).toEqual(
        expect.arrayContaining([...common, 'integration.create api integration', 'route.create api route']),
      );
      expect(plan.changes.find((c) => c.kind === 'route.create')?.resource.name).toBe('POST /approval');
      // Each role's inline policy: what ops grants, plus the seed's statements as written.
      for (const fn of FUNCTIONS) {
        const role = plan.changes.find((c) => c.kind === 'role.create' && c.fn === fn);
        expect(grantsOfPlanned(role?.fields.map((f) => f.to) ?? []), fn).toEqual(expect.arrayContaining(SEED_GRANTS[fn]));
      }
      expect(planResources(plan, stage)).toMatchSnapshot();
    });

    it('ops deploy --yes: rule, subscription, alarms and inline policies read back as the seed sets them', async () => {
      const r = await ops(['deploy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      await expectNoDrift(ops);
      const name = (fn: string) => `cloudops-${stage}-${fn}`;

      const events = new EventBridgeClient(emu.clientConfig);
      const rule = await events.send(new DescribeRuleCommand({ Name: `${name('invoke-agent-analysis')}-schedule` }));
      expect([rule.ScheduleExpression, rule.State]).toEqual(['rate(5 minutes)', 'ENABLED']);
      const targets = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
      expect(targets.Targets?.map((t) => t.Arn)).toEqual([
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name('invoke-agent-analysis')}:live`,
      ]);
      events.destroy();

      const sns = new SNSClient(emu.clientConfig);
      const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: EXECUTION_TOPIC }));
      expect(
        subs.Subscriptions?.filter((s) => s.Endpoint?.includes(name('execution-handler'))).map((s) => [s.Protocol, s.Endpoint]),
      ).toEqual([['lambda', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name('execution-handler')}:live`]]);
      sns.destroy();

      const cloudwatch = new CloudWatchClient(emu.clientConfig);
      const alarms = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `cloudops-${stage}-` }))).MetricAlarms ?? [];
      expect(
        alarms.map((a) => [a.MetricName, a.Statistic, a.Period, a.EvaluationPeriods, a.Threshold, a.ComparisonOperator, a.AlarmActions]),
      ).toEqual(FUNCTIONS.map(() => ['Errors', 'Sum', 300, 1, 1, 'GreaterThanThreshold', [ALERTS_TOPIC]]));
      // Named and described as the seed's lambda-analysis-errors, one per function.
      expect(alarms.map((a) => [a.AlarmName, a.AlarmDescription]).sort()).toEqual([
        [`${name('approval-handler')}-errors`, 'Alert when approval Lambda has errors'],
        [`${name('execution-handler')}-errors`, 'Alert when execution Lambda has errors'],
        [`${name('invoke-agent-analysis')}-errors`, 'Alert when analysis Lambda has errors'],
      ]);
      cloudwatch.destroy();

      const iam = new IAMClient(emu.clientConfig);
      for (const fn of FUNCTIONS) {
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: name(fn), PolicyName: 'ops-function' }));
        const grants = grantsOf(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')).Statement);
        expect(grants, fn).toEqual(expect.arrayContaining(SEED_GRANTS[fn]));
      }
      iam.destroy();
    });

    it('a second ops plan is empty', async () => {
      const r = await ops(['plan']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  });
});
