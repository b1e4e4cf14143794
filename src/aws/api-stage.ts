import type { Stage as RestStage } from '@aws-sdk/client-api-gateway';
import type { Stage as HttpStage } from '@aws-sdk/client-apigatewayv2';
import { logGroupArn, notOwnedReason } from '../config/naming.js';
import { THROTTLE_MARKER_TAG } from '../config/resolve-api-stage.js';
import { UserError } from '../errors.js';
import type { ActualLogGroup } from '../model/actual.js';
import type { ActualStageSettings } from '../model/api-stage.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { allPages } from './pool.js';
import { read, withRetry } from './retry.js';

/** An API stage's throttling and access logs: mapping what GetStages answers, and the writes (API Gateway v2 and v1). */

const ALL_METHODS = '*/*';

/** A stage's settings as the plan compares them; `undefined` when none is set. */
function settingsOf(s: ActualStageSettings): ActualStageSettings | undefined {
  return s.throttle || s.accessLog || s.detailedMetrics ? s : undefined;
}

function throttleOf(rateLimit: number | undefined, burstLimit: number | undefined): ActualStageSettings['throttle'] {
  return rateLimit === undefined && burstLimit === undefined
    ? undefined
    : { ...(rateLimit !== undefined ? { rateLimit } : {}), ...(burstLimit !== undefined ? { burstLimit } : {}) };
}

/** The settings of an HTTP API's stages (GetStages' items), by stage name: for ActualApi.stageSettings. */
export function httpStageSettings(
  stages: HttpStage[],
  apiTags: Record<string, string> | undefined,
): { stageSettings?: Record<string, ActualStageSettings> } {
  const out: Record<string, ActualStageSettings> = {};
  const managed = apiTags?.[THROTTLE_MARKER_TAG] !== undefined;
  for (const s of stages) {
    const d = s.DefaultRouteSettings;
    const log = s.AccessLogSettings;
    const settings = settingsOf({
      ...(throttleOf(d?.ThrottlingRateLimit, d?.ThrottlingBurstLimit)
        ? { throttle: throttleOf(d?.ThrottlingRateLimit, d?.ThrottlingBurstLimit) }
        : {}),
      ...(log?.DestinationArn ? { accessLog: { destinationArn: log.DestinationArn, ...(log.Format ? { format: log.Format } : {}) } } : {}),
      ...(d?.DetailedMetricsEnabled ? { detailedMetrics: true } : {}),
      ...(managed ? { throttleManaged: true } : {}),
    });
    if (settings && s.StageName) out[s.StageName] = settings;
  }
  return Object.keys(out).length ? { stageSettings: out } : {};
}

/** The settings of a REST API's stages (the `*\/*` method setting and accessLogSettings), by stage name. */
export function restStageSettings(stages: RestStage[]): { stageSettings?: Record<string, ActualStageSettings> } {
  const out: Record<string, ActualStageSettings> = {};
  for (const s of stages) {
    const all = s.methodSettings?.[ALL_METHODS];
    const log = s.accessLogSettings;
    const throttle = throttleOf(all?.throttlingRateLimit, all?.throttlingBurstLimit);
    const settings = settingsOf({
      ...(throttle ? { throttle } : {}),
      ...(log?.destinationArn ? { accessLog: { destinationArn: log.destinationArn, ...(log.format ? { format: log.format } : {}) } } : {}),
      ...(s.tags?.[THROTTLE_MARKER_TAG] !== undefined ? { throttleManaged: true } : {}),
      ...(all?.metricsEnabled ? { detailedMetrics: true } : {}),
      ...(all?.loggingLevel && all.loggingLevel !== 'OFF' ? { loggingLevel: all.loggingLevel } : {}),
    });
    if (settings && s.stageName) out[s.stageName] = settings;
  }
  return Object.keys(out).length ? { stageSettings: out } : {};
}

/** What one stage update sets: `accessLog: null` turns access logging off; an absent field is left as it is. */
export interface StageSettingsInput {
  stage: string;
  throttle?: { rateLimit: number; burstLimit: number };
  accessLog?: { destinationArn: string; format: string } | null;
  /** v2: DetailedMetricsEnabled as read (DefaultRouteSettings is written whole). */
  detailedMetrics?: boolean;
  /** Detailed metrics to set (v2: with `throttle`, which the plan always gives then). */
  metrics?: boolean;
  /** v1 execution logging (`*\/*` logging/loglevel). */
  loggingLevel?: string;
  /** THROTTLE_MARKER_TAG added (the throttle is the config's) or removed (it went back to the account defaults). */
  mark?: 'add' | 'remove';
}

/**
 * UpdateStage of an HTTP API. DefaultRouteSettings is sent only with both limits: a limit left out is 0 on
 * AWS, and a stage with 0 answers 429 to every request. Access logging is turned off with DeleteAccessLogSettings.
 */
export async function putHttpStageSettings(aws: Aws, apiId: string, input: StageSettingsInput): Promise<void> {
  const apigw = await aws.apigw();
  const StageName = input.stage;
  const log = input.accessLog;
  if (input.throttle || input.metrics !== undefined || log) {
    await aws.write(() =>
      apigw.updateStage({
        ApiId: apiId,
        StageName,
        ...(input.throttle
          ? {
              DefaultRouteSettings: {
                DetailedMetricsEnabled: input.metrics ?? input.detailedMetrics ?? false,
                ThrottlingRateLimit: input.throttle.rateLimit,
                ThrottlingBurstLimit: input.throttle.burstLimit,
              },
            }
          : {}),
        ...(log ? { AccessLogSettings: { DestinationArn: log.destinationArn, Format: log.format } } : {}),
      }),
    );
  }
  if (log === null) await orNotFound(aws.write(() => apigw.deleteAccessLogSettings({ ApiId: apiId, StageName })));
  const ResourceArn = `arn:${aws.partition}:apigateway:${aws.region}::/apis/${apiId}`;
  if (input.mark === 'add') await aws.write(() => apigw.tagResource({ ResourceArn, Tags: { [THROTTLE_MARKER_TAG]: 'true' } }));
  if (input.mark === 'remove') await aws.write(() => apigw.untagResource({ ResourceArn, TagKeys: [THROTTLE_MARKER_TAG] }));
}

/** The v1 patch operations of a stage update (exported for the unit test of their paths). */
export function restStagePatches(input: StageSettingsInput): { op: 'replace' | 'remove'; path: string; value?: string }[] {
  const out: { op: 'replace' | 'remove'; path: string; value?: string }[] = [];
  if (input.throttle) {
    out.push({ op: 'replace', path: `/${ALL_METHODS}/throttling/rateLimit`, value: String(input.throttle.rateLimit) });
    out.push({ op: 'replace', path: `/${ALL_METHODS}/throttling/burstLimit`, value: String(input.throttle.burstLimit) });
  }
  if (input.metrics !== undefined) out.push({ op: 'replace', path: `/${ALL_METHODS}/metrics/enabled`, value: String(input.metrics) });
  if (input.loggingLevel) out.push({ op: 'replace', path: `/${ALL_METHODS}/logging/loglevel`, value: input.loggingLevel });
  if (input.accessLog) {
    out.push({ op: 'replace', path: '/accessLogSettings/destinationArn', value: input.accessLog.destinationArn });
    out.push({ op: 'replace', path: '/accessLogSettings/format', value: input.accessLog.format });
  } else if (input.accessLog === null) out.push({ op: 'remove', path: '/accessLogSettings' });
  return out;
}

/** API Gateway v1 writes access logs through the account's CloudWatch role: without one, UpdateStage says so. */
const isMissingLogRole = (error: unknown) =>
  nameOf(error) === 'BadRequestException' && /CloudWatch Logs role ARN must be set/i.test((error as Error).message ?? '');

const isConcurrentModification = (error: unknown) =>
  nameOf(error) === 'ConflictException' && /concurrent modification/i.test((error as Error).message ?? '');

/** UpdateStage of a REST API with the patches of `input`. */
export async function putRestStageSettings(aws: Aws, restApiId: string, input: StageSettingsInput): Promise<void> {
  const api = await aws.apigwRest();
  const patchOperations = restStagePatches(input);
  const write = <T>(fn: () => Promise<T>) =>
    withRetry(() => aws.write(fn), { retryable: isConcurrentModification, delaysMs: aws.retry.conflictDelaysMs, policy: aws.retry });
  const resourceArn = `arn:${aws.partition}:apigateway:${aws.region}::/restapis/${restApiId}/stages/${input.stage}`;
  try {
    if (patchOperations.length) await write(() => api.updateStage({ restApiId, stageName: input.stage, patchOperations }));
    if (input.mark === 'add') await write(() => api.tagResource({ resourceArn, tags: { [THROTTLE_MARKER_TAG]: 'true' } }));
    if (input.mark === 'remove') await write(() => api.untagResource({ resourceArn, tagKeys: [THROTTLE_MARKER_TAG] }));
  } catch (error) {
    if (!isMissingLogRole(error)) throw error;
    const what = input.accessLog ? 'access logs' : 'execution logs';
    throw new UserError(`REST API ${what} need the account's API Gateway CloudWatch Logs role (stage ${input.stage})`, {
      hint: 'set it once per account and region: aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role arn> (a role apigateway.amazonaws.com may assume, with AmazonAPIGatewayPushToCloudWatchLogs)',
      cause: error,
    });
  }
}

/**
 * The id of the stage's API named `name` (oldest owned one, as the API modules keep): for a stage update
 * planned before the API existed. One listing, only on the deploy that creates the API.
 */
export async function findApiId(
  aws: Aws,
  type: 'http' | 'rest',
  name: string,
  owner: { app: string; stage: string },
): Promise<string | undefined> {
  const oldest = <T>(items: T[], date: (x: T) => Date | undefined) =>
    [...items].sort((a, b) => (date(a)?.getTime() ?? 0) - (date(b)?.getTime() ?? 0))[0];
  if (type === 'http') {
    // Its own listing: src/aws/apigw.ts imports this module's mapping (no cycle back).
    const apigw = await aws.apigw();
    const listed = await allPages(
      (NextToken) => read(aws, () => apigw.getApis({ ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    );
    const owned = listed.filter((a) => a.Name === name && !notOwnedReason(a.Tags, owner.app, owner.stage));
    return oldest(owned, (a) => a.CreatedDate)?.ApiId;
  }
  const api = await aws.apigwRest();
  const all = await allPages(
    (position) => read(aws, () => api.getRestApis({ limit: 500, ...(position ? { position } : {}) })),
    (page) => page.items,
    (page) => page.position,
  );
  const owned = all.filter((a) => a.name === name && !notOwnedReason(a.tags, owner.app, owner.stage));
  return oldest(owned, (a) => a.createdDate)?.id;
}

/** The access log group ARN API Gateway takes (no `:*`). */
export const accessLogDestination = (aws: Aws, accountId: string, name: string) => logGroupArn(aws.region, accountId, name);

/**
 * The log groups of `names` that exist, with their retention and tags (DescribeLogGroups by each name as a
 * prefix, exact matches kept; ListTagsForResource each): whether one is ours is the plan's to say, by its tags.
 */
export async function readApiLogGroups(aws: Aws, names: readonly string[]): Promise<Record<string, ActualLogGroup>> {
  const logs = await aws.logs();
  const out: Record<string, ActualLogGroup> = {};
  await Promise.all(
    names.map(async (name) => {
      const page = await read(aws, () => logs.describeLogGroups({ logGroupNamePrefix: name, limit: 50 }));
      const g = (page.logGroups ?? []).find((x) => x.logGroupName === name);
      if (!g) return;
      const resourceArn = (g.logGroupArn ?? g.arn ?? logGroupArn(aws.region, await aws.accountId(), name)).replace(/:\*$/, '');
      const tags = await orNotFound(read(aws, () => logs.listTagsForResource({ resourceArn })));
      if (!tags) return; // deleted while we looked
      out[name] = {
        name,
        ...(g.retentionInDays !== undefined ? { retentionDays: g.retentionInDays } : {}),
        tags: { ...(tags.tags ?? {}) },
      };
    }),
  );
  return out;
}
