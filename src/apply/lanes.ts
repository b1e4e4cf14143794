/**
 * Which AWS service's write quota a change spends (src/aws/quotas.ts), by its kind's prefix. The executor
 * keeps up to `deploy.concurrency` changes in flight per service rather than in all: changes queued on one
 * service's limiter (200 log groups at CloudWatch Logs' 5/s) never hold the slots the others' changes
 * could use, so each service's limiter is what paces its writes.
 */
const LANES: Readonly<Record<string, string>> = {
  role: 'iam',
  function: 'lambda',
  alias: 'lambda',
  versions: 'lambda',
  async: 'lambda',
  provisioned: 'lambda',
  reserved: 'lambda',
  permission: 'lambda',
  url: 'lambda',
  eventsource: 'lambda',
  layer: 'lambda',
  loggroup: 'logs',
  apilog: 'logs',
  api: 'apigateway',
  route: 'apigateway',
  integration: 'apigateway',
  authorizer: 'apigateway',
  apistage: 'apigateway',
  restapi: 'apigateway',
  apikey: 'apigateway',
  usageplan: 'apigateway',
  domain: 'apigateway',
  alarm: 'cloudwatch',
  schedule: 'events',
  subscription: 'sns',
  topic: 'sns',
  queue: 'sqs',
  table: 'dynamodb',
  bucket: 's3',
  s3notify: 's3',
  secret: 'secretsmanager',
};

/** The lane of a change kind (`loggroup.create` → `logs`); a kind not listed has a lane of its own prefix. */
export function laneOf(kind: string): string {
  const prefix = kind.split('.')[0];
  return LANES[prefix] ?? prefix;
}
