import { defineFleet } from 'ops';

/** What the seed gives both agent-calling functions; the table, bucket and topic come from `uses`. */
const agentEnvironment = {
  AGENT_RUNTIME_ARN: 'arn:aws:bedrock:us-east-1:123456789012:agent/CLOUDOPSA1/alias/LIVEALIAS1',
  COGNITO_CLIENT_ID: '4k2n7q9s1u3w5y7a9c1e3g5i7k',
};

// The seed's statements for what the fleet does not declare (the agent). Its logs statement
// (arn:aws:logs:*:*:*) is left out: ops grants each function its own log group; the table, the bucket,
// the topics and the secret are granted by `uses`, on exactly their ARNs.
const bedrockAgent = { Action: ['bedrock:InvokeAgent', 'bedrock:GetAgent'], Resource: 'arn:aws:bedrock:*:*:agent/*' };

/** The seed's `put-metric-alarm lambda-analysis-errors`: Errors, Sum over 300 s, 1 evaluation period, greater than 1. */
const errorsAlarm = (phase: string, topicArn: string) =>
  ({
    metric: 'Errors',
    name: 'errors',
    description: `Alert when ${phase} Lambda has errors`,
    statistic: 'Sum',
    periodSeconds: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanThreshold',
    snsTopicArn: topicArn,
  }) as const;

/**
 * In `prod` (the seed's account, where these exist with their data) a resource keeps the seed's name and is
 * adopted: people and messages outside the fleet reach it by that name (below). Every other stage gets
 * its own `cloudops-<stage>-<key>`, so stages never share a table or a topic.
 */
const seedName = (stage: string, name: string) => (stage === 'prod' ? { name, adopt: true } : {});

// Seed 003 (AWS CloudOps Agent): detection on a schedule, approval behind a REST API route, execution
// on an SNS topic. The table, the bucket, both topics and the Cognito credentials' secret are the
// fleet's `resources`; Cognito itself, the agent and the webhooks stay outside ops.
export default ({ stage }: { stage: string }) => {
  // The topic's ARN for the alarms (they take an ARN; `${region}` and `${account}` are filled in by ops).
  const notificationsName = stage === 'prod' ? 'cloudops-alerts' : `cloudops-${stage}-notifications`;
  const notificationsArn = `arn:aws:sns:\${region}:\${account}:${notificationsName}`;
  return defineFleet({
    app: 'cloudops',
    region: 'us-east-1',
    defaults: { runtime: 'python3.12', logRetentionDays: 30 },
    // Seed 003's approval API: a REST API deployed to `prod` (`create-rest-api`, `create-deployment --stage-name
    // prod`), with the API key and the usage plan on that stage of its security step 2. The key's value is
    // API Gateway's: `ops api-key show approval --reveal` prints it.
    api: {
      type: 'rest',
      stage: 'prod',
      keys: { approval: { description: 'Callers of the approval API (the seed: cloudops-approval-key)' } },
      usagePlans: { approval: { description: 'The approval API (the seed: cloudops-approval-plan)', keys: ['approval'] } },
    },
    params: {
      'teams-webhook-url': { secure: true, description: "Teams incoming webhook URL, or 'none'" },
      'slack-webhook-url': { secure: true, description: "Slack incoming webhook URL, or 'none'" },
    },
    resources: {
      // Seed: `alerts`, key alert_id, TTL on ttl (the functions write it 30 days ahead). Kept in prod: the
      // approval links in Teams and Slack messages already sent carry alert ids of this table.
      alerts: { type: 'table', partitionKey: 'alert_id', ttl: 'ttl', ...seedName(stage, 'alerts') },
      // Seed: `domain-alert-analysis`, versioned, objects expire after 90 days. Kept in prod: the items'
      // s3_analysis_url and the messages link to objects in it (and bucket names are global).
      analysis: {
        type: 'bucket',
        versioning: true,
        lifecycle: [{ id: 'DeleteOldAnalysis', expirationDays: 90 }],
        ...seedName(stage, 'domain-alert-analysis'),
      },
      // Seed: `cloudops-alerts` with the ops team's email. Kept in prod: its subscribers confirmed it by name.
      notifications: {
        type: 'topic',
        subscriptions: [{ protocol: 'email', endpoint: 'ops-team@example.com' }],
        ...(stage === 'prod' ? { name: notificationsName, adopt: true } : {}),
      },
      // Seed: `execution-trigger`. Only approval publishes to it and only execution subscribes: a stage's own name.
      'execution-trigger': { type: 'topic' },
      // Seed (security step 1): `cloudops/cognito-credentials`, {"username": ..., "password": ...}. Kept in prod:
      // whoever manages the Cognito user sets it by that name. Set with `ops secrets set cognito --stdin`.
      cognito: {
        type: 'secret',
        description: 'Cognito user the functions sign in as: {"username", "password"}',
        ...seedName(stage, 'cloudops/cognito-credentials'),
      },
    },
    functions: {
      'invoke-agent-analysis': {
        handler: 'src/analysis/lambda_invoke_handler.lambda_handler',
        root: 'src',
        description: 'Phase 1: detect domain issues, analyse them with the agent, ask for approval',
        memory: 512,
        timeout: 300,
        environment: {
          ...agentEnvironment,
          APPROVAL_API_URL: 'https://api.example.com/approval',
          MONITORED_DOMAINS: 'example.com,api.example.com',
        },
        params: ['teams-webhook-url', 'slack-webhook-url'],
        uses: { alerts: 'readwrite', analysis: 'write', notifications: 'publish', cognito: 'read' },
        // The seed's rule cloudops-analysis-schedule; here {app}-{stage}-invoke-agent-analysis-schedule.
        triggers: [{ schedule: 'rate(5 minutes)', name: 'schedule', description: 'Detect domain issues every five minutes' }],
        permissions: [bedrockAgent],
        alarms: [errorsAlarm('analysis', notificationsArn)],
      },
      'approval-handler': {
        handler: 'src/approval/lambda_approval_handler.lambda_handler',
        root: 'src',
        description: 'Phase 2: approve or reject an alert; approval triggers execution over SNS',
        memory: 256,
        timeout: 30,
        // As the seed's `put-method --authorization-type NONE`: no key required yet, because the Teams buttons post
        // without `x-api-key`. Once every caller sends it: `{ route: 'POST /approval', apiKey: true }`.
        routes: ['POST /approval'],
        params: ['teams-webhook-url', 'slack-webhook-url'],
        uses: { alerts: 'readwrite', 'execution-trigger': 'publish', notifications: 'publish' },
        alarms: [errorsAlarm('approval', notificationsArn)],
      },
      'execution-handler': {
        handler: 'src/execution/lambda_execution_handler.lambda_handler',
        root: 'src',
        description: 'Phase 3: execute approved recommendations in the analysis session',
        memory: 1024,
        timeout: 900,
        environment: agentEnvironment,
        params: ['teams-webhook-url', 'slack-webhook-url'],
        uses: { alerts: 'readwrite', analysis: 'readwrite', notifications: 'publish', cognito: 'read' },
        triggers: [{ sns: 'execution-trigger' }],
        permissions: [
          bedrockAgent,
          { Action: ['cloudfront:CreateInvalidation', 'route53:GetHealthCheck', 'ec2:DescribeInstances'], Resource: '*' },
        ],
        alarms: [errorsAlarm('execution', notificationsArn)],
      },
    },
  });
};
