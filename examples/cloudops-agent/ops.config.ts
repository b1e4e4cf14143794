import { defineFleet } from 'ops';

const ALERTS_TOPIC = 'arn:aws:sns:us-east-1:123456789012:cloudops-alerts';
const EXECUTION_TOPIC = 'arn:aws:sns:us-east-1:123456789012:execution-trigger';

/** What the seed gives both agent-calling functions (the password is a param, not here). */
const agentEnvironment = {
  AGENT_RUNTIME_ARN: 'arn:aws:bedrock:us-east-1:123456789012:agent/CLOUDOPSA1/alias/LIVEALIAS1',
  COGNITO_USERNAME: 'ted8hc',
  COGNITO_CLIENT_ID: '4k2n7q9s1u3w5y7a9c1e3g5i7k',
  S3_ANALYSIS_BUCKET: 'domain-alert-analysis',
  DYNAMODB_ALERTS_TABLE: 'alerts',
  SNS_TOPIC_ARN: ALERTS_TOPIC,
};

// The seed's inline statements, resources exactly as it writes them. Its logs statement
// (arn:aws:logs:*:*:*) is left out: ops grants each function its own log group.
const bedrockAgent = { Action: ['bedrock:InvokeAgent', 'bedrock:GetAgent'], Resource: 'arn:aws:bedrock:*:*:agent/*' };
const analysisObjects = { Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::domain-alert-analysis/*' };
const publishAlerts = { Action: ['sns:Publish'], Resource: 'arn:aws:sns:*:*:cloudops-alerts' };

/** The seed's `put-metric-alarm lambda-analysis-errors`: Errors, Sum over 300 s, 1 evaluation period, greater than 1. */
const errorsAlarm = (phase: string) =>
  ({
    metric: 'Errors',
    name: 'errors',
    description: `Alert when ${phase} Lambda has errors`,
    statistic: 'Sum',
    periodSeconds: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparison: 'GreaterThanThreshold',
    snsTopicArn: ALERTS_TOPIC,
  }) as const;

// Seed 003 (AWS CloudOps Agent): detection on a schedule, approval behind an HTTP route, execution
// on an SNS topic. The DynamoDB table, the S3 bucket, both SNS topics, Cognito and the agent
// exist outside ops; the config names them and grants each function what the seed grants it.
export default defineFleet({
  app: 'cloudops',
  region: 'us-east-1',
  defaults: { runtime: 'python3.12', logRetentionDays: 30 },
  params: {
    'cognito/password': { secure: true, description: 'Password of the Cognito user the functions sign in as (COGNITO_PASSWORD)' },
    'teams-webhook-url': { secure: true, description: "Teams incoming webhook URL, or 'none'" },
    'slack-webhook-url': { secure: true, description: "Slack incoming webhook URL, or 'none'" },
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
      params: ['cognito/password', 'teams-webhook-url', 'slack-webhook-url'],
      // The seed's rule cloudops-analysis-schedule; here {app}-{stage}-invoke-agent-analysis-schedule.
      triggers: [{ schedule: 'rate(5 minutes)', name: 'schedule', description: 'Detect domain issues every five minutes' }],
      permissions: [
        bedrockAgent,
        analysisObjects,
        { Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: 'arn:aws:dynamodb:*:*:table/alerts' },
        publishAlerts,
      ],
      alarms: [errorsAlarm('analysis')],
    },
    'approval-handler': {
      handler: 'src/approval/lambda_approval_handler.lambda_handler',
      root: 'src',
      description: 'Phase 2: approve or reject an alert; approval triggers execution over SNS',
      memory: 256,
      timeout: 30,
      routes: ['POST /approval'],
      environment: { DYNAMODB_ALERTS_TABLE: 'alerts', EXECUTION_TRIGGER_SNS: EXECUTION_TOPIC, SNS_TOPIC_ARN: ALERTS_TOPIC },
      params: ['teams-webhook-url', 'slack-webhook-url'],
      permissions: [
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: 'arn:aws:dynamodb:*:*:table/alerts' },
        { Action: ['sns:Publish'], Resource: ['arn:aws:sns:*:*:execution-trigger', 'arn:aws:sns:*:*:cloudops-alerts'] },
      ],
      alarms: [errorsAlarm('approval')],
    },
    'execution-handler': {
      handler: 'src/execution/lambda_execution_handler.lambda_handler',
      root: 'src',
      description: 'Phase 3: execute approved recommendations in the analysis session',
      memory: 1024,
      timeout: 900,
      environment: agentEnvironment,
      params: ['cognito/password', 'teams-webhook-url', 'slack-webhook-url'],
      triggers: [{ sns: EXECUTION_TOPIC }],
      permissions: [
        bedrockAgent,
        analysisObjects,
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: 'arn:aws:dynamodb:*:*:table/alerts' },
        publishAlerts,
        { Action: ['cloudfront:CreateInvalidation', 'route53:GetHealthCheck', 'ec2:DescribeInstances'], Resource: '*' },
      ],
      alarms: [errorsAlarm('execution')],
    },
  },
});
