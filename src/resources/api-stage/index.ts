import { findApiId, putHttpStageSettings, putRestStageSettings, readApiLogGroups } from '../../aws/api-stage.js';
import { createLogGroup, deleteLogGroup, putRetention } from '../../aws/logs.js';
import type { ActualStageSettings } from '../../model/api-stage.js';
import { defineKind, type KindRead } from '../kind.js';
import { planPerApi } from '../plan-api-views.js';
import { type ApiStageChange, planApiStages } from './plan.js';

export type { ApiStageChange };

const ACCESS_LOG_PREFIX = '/aws/apigateway/';
const API_STAGE_CHANGES = ['apilog.create', 'apilog.retention', 'apistage.update', 'apilog.delete'] as const;
/** The API modules' changes a stage update or a log group delete waits for: a named API's are scoped ids. */
const API_CHANGES_WAITED_FOR = ['api.create', 'api.stage', 'api.delete', 'restapi.create', 'restapi.deploy', 'restapi.delete'];

/** The log groups the stages write their access lines to (only ours are ever named `/aws/apigateway/…`). */
function destinations(...reads: KindRead[]): string[] {
  const apis = reads.flatMap((r) => [
    r.actual?.api,
    r.actual?.restApi,
    ...Object.values(r.actual?.apis ?? {}),
    ...Object.values(r.actual?.restApis ?? {}),
  ]);
  const settings: ActualStageSettings[] = apis.flatMap((a) => Object.values(a?.stageSettings ?? {}));
  return settings
    .map((s) => s.accessLog?.destinationArn.replace(/:\*$/, '').split(':log-group:')[1])
    .filter((g): g is string => !!g?.startsWith(ACCESS_LOG_PREFIX));
}

/**
 * Throttling and access logs of the API's stage, for HTTP (v2) and REST (v1) APIs, and the access log group
 * ops creates for them (`/aws/apigateway/{api}`, tagged, the fleet's retention). Reads nothing unless the
 * config asks for access logs or a stage already writes them: the stage settings come with the APIs' reads.
 */
export const apiStage = defineKind<ApiStageChange>({
  kind: 'api-stage',
  after: ['http-api', 'rest-api'],
  changes: API_STAGE_CHANGES,
  async read(aws, scope, r) {
    const wanted = [scope.api, ...(scope.apis ?? [])].flatMap((a) => (a?.accessLog ? [a.accessLog.logGroup] : []));
    const names = [...new Set([...wanted, ...destinations(await r.read('http-api'), await r.read('rest-api'))])];
    if (!names.length) return {};
    return { actual: { apiLogGroups: await readApiLogGroups(aws, names) } };
  },
  // Once per API (the default one and each of \`apis\`), ids scoped as the API modules scope theirs.
  plan: (ctx) => planPerApi(ctx, [...API_STAGE_CHANGES, ...API_CHANGES_WAITED_FOR], planApiStages),
  apply: {
    'apilog.create': (c, run) => createLogGroup(run.aws, c.logGroup, c.retentionDays, c.tags),
    'apilog.retention': (c, run) => putRetention(run.aws, c.logGroup, c.retentionDays),
    'apilog.delete': (c, run) => deleteLogGroup(run.aws, c.logGroup),
    async 'apistage.update'(c, run) {
      const apiId = c.apiId ?? (c.owner ? await findApiId(run.aws, c.apiType, c.apiName, c.owner) : undefined);
      if (!apiId) throw new Error(`the API ${c.apiName} does not exist (its creation failed or was skipped)`);
      const input = {
        stage: c.stage,
        ...(c.throttle ? { throttle: c.throttle } : {}),
        ...(c.accessLog !== undefined ? { accessLog: c.accessLog } : {}),
        ...(c.detailedMetrics ? { detailedMetrics: true } : {}),
        ...(c.mark ? { mark: c.mark } : {}),
        ...(c.metrics !== undefined ? { metrics: c.metrics } : {}),
        ...(c.loggingLevel ? { loggingLevel: c.loggingLevel } : {}),
      };
      await (c.apiType === 'rest' ? putRestStageSettings(run.aws, apiId, input) : putHttpStageSettings(run.aws, apiId, input));
    },
  },
});
