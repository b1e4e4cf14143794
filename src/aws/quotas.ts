/**
 * AWS's documented request quotas for the control-plane calls ops makes, in one place: the write
 * limiters (src/aws/limiter.ts, built per key in clients.ts) take their rates from here, and
 * docs/quotas.md shows the same table. Every figure names the page it was read from (found with the
 * project's doc search, title and URL); where AWS publishes no rate, `documented` is false and the
 * figure is our own conservative default. All are per account and Region, shared with every other
 * caller of the account: a throttle still halves a limiter's rate (AIMD, limiter.ts).
 */
export interface Quota {
  /** Calls per second. */
  rate: number;
  /** Calls that may start back to back after a quiet spell (default: the rate, at least 1). */
  burst?: number;
  /** Page title and URL of the figure, or why there is none. */
  source: string;
  /** False: AWS publishes no figure for this; the rate is ours. */
  documented: boolean;
}

export interface ServiceQuotas {
  /** One quota every write of the service shares (when AWS sets one; per-operation quotas apply on top of it). */
  total?: Quota;
  /** Quotas of single operations. */
  operations?: Readonly<Record<string, Quota>>;
  /** Services whose quotas are per operation only (CloudWatch Logs): an operation not listed gets its own limiter at this rate. */
  otherOperations?: Quota;
  /** Quotas of reads, listed for the table only: reads keep their own pacing (src/aws/retry.ts, the log tail's ReadLimiter). */
  reads?: Readonly<Record<string, Quota>>;
}

const LAMBDA = 'Lambda quotas, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html';
const LOGS = 'Amazon CloudWatch Logs endpoints and quotas, https://docs.aws.amazon.com/general/latest/gr/cwl_region.html';
const LOGS_LIMITS = 'CloudWatch Logs Limits, https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html';
const APIGW = 'Amazon API Gateway quotas, https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
const IAM = 'IAM and AWS STS quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';
const CLOUDWATCH = 'CloudWatch service quotas, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html';
const EVENTBRIDGE = 'Amazon EventBridge quotas, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html';
const DYNAMODB =
  'Best practices for managing the control plane in DynamoDB, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-control-plane.html';

const SECRETS = 'AWS Secrets Manager quotas, https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html';
const SSM_PUT = 'put-parameter, https://docs.aws.amazon.com/cli/latest/reference/ssm/put-parameter.html';

/** The rate of a service AWS gives no figure for: 10/s, burst 10 (what every limiter used before this table). */
export const DEFAULT_QUOTA: Quota = { rate: 10, burst: 10, source: 'no published rate: our default', documented: false };

const undocumented = (why: string, rate = DEFAULT_QUOTA.rate): Quota => ({ rate, burst: rate, source: why, documented: false });
/** "1 request every n seconds per account": a rate below 1/s, one call at a time. */
const every = (seconds: number, source: string): Quota => ({ rate: 1 / seconds, burst: 1, source, documented: true });
const perSecond = (rate: number, source: string, burst = rate): Quota => ({ rate, burst, source, documented: true });

/** API Gateway's fixed quotas "for creating, deploying and managing an API" (REST and HTTP APIs alike; they cannot be raised). */
const APIGW_OPERATIONS: Record<string, Quota> = {
  CreateApiKey: perSecond(5, APIGW),
  DeleteApiKey: perSecond(5, APIGW),
  CreateDeployment: every(5, APIGW),
  CreateDomainName: every(30, APIGW),
  UpdateDomainName: every(30, APIGW),
  DeleteDomainName: every(30, APIGW),
  CreateResource: perSecond(5, APIGW),
  DeleteResource: perSecond(5, APIGW),
  // Regional or private APIs (ops makes regional ones); edge-optimized ones are 1 every 30 s.
  CreateRestApi: every(3, APIGW),
  ImportRestApi: every(3, APIGW),
  DeleteRestApi: every(30, APIGW),
  PutRestApi: perSecond(1, APIGW),
  UpdateUsagePlan: every(20, APIGW),
  CreateVpcLink: every(15, APIGW),
  DeleteVpcLink: every(30, APIGW),
};

/** By the label of `SERVICE_LABEL` (apigw and apigwrest are one service to AWS: one account total). */
export const QUOTAS: Readonly<Record<string, ServiceQuotas>> = {
  lambda: {
    // "Remainder of the control plane API requests (excludes invocation, GetFunction, and GetPolicy requests)".
    total: perSecond(15, LAMBDA),
    reads: { GetFunction: perSecond(100, LAMBDA), GetPolicy: perSecond(15, LAMBDA) },
  },
  logs: {
    // Per operation, no service total. CreateLogGroup and PutRetentionPolicy: 5 TPS each on AWS's quotas
    // page (the row was not in the stored copy we could read, so `documented` stays honest about it).
    operations: {
      CreateLogGroup: { rate: 5, burst: 5, source: `${LOGS} (5 TPS; row not shown in the stored copy)`, documented: false },
      PutRetentionPolicy: { rate: 5, burst: 5, source: `${LOGS} (5 TPS; row not shown in the stored copy)`, documented: false },
    },
    otherOperations: undocumented(`no figure found for the operation; 5/s like its documented siblings (${LOGS_LIMITS})`, 5),
    reads: {
      DescribeLogStreams: perSecond(5, LOGS_LIMITS),
      FilterLogEvents: perSecond(5, LOGS_LIMITS),
      GetLogEvents: perSecond(10, LOGS_LIMITS),
    },
  },
  apigateway: {
    // "Total operations: 10 requests per second, burst 40" (the account's control plane, beside the per-operation rows).
    total: perSecond(10, APIGW, 40),
    operations: APIGW_OPERATIONS,
    // "5 requests every 2 seconds per account".
    reads: { GetResources: perSecond(2.5, APIGW, 5) },
  },
  // The IAM quotas page sizes and counts objects but publishes no request rate ("IAM and AWS STS quotas").
  iam: { total: undocumented(`no request rate published (${IAM})`) },
  cloudwatch: {
    total: undocumented(`no rate found for alarm writes in the stored copy of ${CLOUDWATCH}`),
  },
  events: { total: undocumented(`rule writes have no published rate (${EVENTBRIDGE}: only endpoints, 5/s)`) },
  dynamodb: { total: perSecond(2_500, DYNAMODB, 10) },
  // Found no figure for the writes ops makes (Subscribe, CreateQueue, PutBucketNotificationConfiguration,
  // CreateSecret, PutParameter): named here so the table says so, at our default.
  sns: { total: undocumented('no published rate for Subscribe/Unsubscribe found (Amazon SNS endpoints and quotas)') },
  sqs: { total: undocumented('no published rate for queue writes found (Amazon SQS quotas)') },
  s3: { total: undocumented('no published rate for bucket configuration writes found (Amazon S3 quotas)') },
  secretsmanager: { total: undocumented(`no figure for CreateSecret/PutSecretValue in the stored copy of ${SECRETS}`) },
  // PutParameter shares Parameter Store's throughput quota with GetParameter(s); the CLI reference names no figure.
  ssm: { total: undocumented(`no figure for PutParameter found (${SSM_PUT})`) },
};

/** A limiter to build: its key (one limiter per key and command) and the quota it paces to. */
export interface Pace {
  key: string;
  quota: Quota;
}

/**
 * The limiters a write passes, most specific first: its operation's own quota (when AWS sets one), then
 * the service's total. Always at least one: a service without figures gets one limiter at DEFAULT_QUOTA.
 */
export function pacesFor(label: string, operation?: string): Pace[] {
  const q = QUOTAS[label];
  const out: Pace[] = [];
  const own = operation ? q?.operations?.[operation] : undefined;
  if (own) out.push({ key: `${label}.${operation}`, quota: own });
  else if (operation && q?.otherOperations) out.push({ key: `${label}.${operation}`, quota: q.otherOperations });
  if (q?.total) out.push({ key: label, quota: q.total });
  if (!out.length) out.push({ key: label, quota: DEFAULT_QUOTA });
  return out;
}

/** "15/s", "1 every 5 s", with the burst when it differs from the rate. */
function rateText(q: Quota): string {
  const rate = q.rate >= 1 ? `${q.rate}/s` : `1 every ${+(1 / q.rate).toFixed(1)} s`;
  return q.burst !== undefined && q.burst !== Math.max(1, Math.floor(q.rate)) ? `${rate}, burst ${q.burst}` : rate;
}

/** The table docs/quotas.md shows (a unit test keeps the two equal): one markdown row per figure. */
export function quotaTable(): string[] {
  const row = (service: string, what: string, q: Quota) =>
    `| ${service} | ${what} | ${rateText(q)} | ${q.documented ? 'yes' : 'no'} | ${q.source} |`;
  return Object.entries(QUOTAS).flatMap(([service, q]) => [
    ...(q.total ? [row(service, 'every write (the service total)', q.total)] : []),
    ...Object.entries(q.operations ?? {}).map(([op, quota]) => row(service, op, quota)),
    ...(q.otherOperations ? [row(service, 'any other write (each its own)', q.otherOperations)] : []),
    ...Object.entries(q.reads ?? {}).map(([op, quota]) => row(service, `${op} (a read: listed, not paced here)`, quota)),
  ]);
}
