import { logGroupArn, notOwnedReason } from '../../config/naming.js';
import { apiAccessLogGroupName, DEFAULT_ACCESS_LOG_FORMAT } from '../../config/resolve-api-stage.js';
import type { ApiSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { ActualStageSettings } from '../../model/api-stage.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary } from '../../plan/fields.js';

/** The stage settings of an API (throttling, access logs) and the access log group ops makes for them. */
export type ApiStageChange =
  | (ChangeBase & { kind: 'apilog.create'; logGroup: string; retentionDays: number; tags: Record<string, string> })
  | (ChangeBase & { kind: 'apilog.retention'; logGroup: string; retentionDays: number })
  /** Only planned by `destroy`: a deploy keeps the access lines when `accessLog` leaves the config, as it keeps a removed function's. */
  | (ChangeBase & { kind: 'apilog.delete'; logGroup: string })
  /**
   * One UpdateStage (v1: its patches; v2: plus DeleteAccessLogSettings to turn logging off). `apiId` undefined:
   * the API is created in this run. `accessLog: null` turns access logging off; an absent field is left alone.
   */
  | (ChangeBase & {
      kind: 'apistage.update';
      apiType: 'http' | 'rest';
      /** Read back by name when the API is created in this run (`apiId` undefined). */
      apiName: string;
      apiId?: string;
      /** A named API's key (set by planPerApi). */
      namedApi?: string;
      /** Whose API to find when `apiId` is undefined (ownership is by tags, never by name alone). */
      owner?: { app: string; stage: string };
      stage: string;
      throttle?: { rateLimit: number; burstLimit: number };
      accessLog?: { destinationArn: string; format: string } | null;
      detailedMetrics?: boolean;
      /** Detailed metrics to set; v2 writes them with the route settings, `throttle` then always given. */
      metrics?: boolean;
      /** REST execution logging level to set. */
      loggingLevel?: string;
      /** The throttle marker (THROTTLE_MARKER_TAG) added or removed after the update. */
      mark?: 'add' | 'remove';
    });

/**
 * What API Gateway applies when a stage sets no throttle (the account's default quota). A v2 stage's default
 * throttle cannot be unset (a limit left out is 0, which refuses every request), so a throttle that leaves
 * the config goes back to these, on both kinds of API.
 */
export const ACCOUNT_THROTTLE = { rateLimit: 10000, burstLimit: 5000 };

/** What the plan knows of one API: its id and stage settings as read (absent: not created yet). */
export interface HaveApiStage {
  id: string;
  stageSettings?: Record<string, ActualStageSettings>;
}

/** The default formats are long JSON templates: the plan names them instead of printing them. */
const formatText = (f: string | undefined) =>
  f === undefined ? undefined : Object.values(DEFAULT_ACCESS_LOG_FORMAT).includes(f) ? '(default JSON)' : f;
const days = (d: number | undefined) => (d === undefined ? 'never expire' : `${d} days`);
const groupOfArn = (arn: string | undefined) => arn?.replace(/:\*$/, '').split(':log-group:')[1];

/** A log group read and tagged for this stage (the access log group ops made). */
const ownsGroup = (ctx: PlanContext, name: string | undefined) => {
  const g = name ? ctx.actual.apiLogGroups?.[name] : undefined;
  return !!g && !notOwnedReason(g.tags, ctx.fleet.app, ctx.fleet.stage);
};

/** The stage an API serves: a REST API's named one ('prod' unless named), an HTTP API's `$default` unless named. */
export const stageOf = (api: ApiSpec) => api.stage ?? (api.type === 'rest' ? 'prod' : '$default');

/**
 * The stage settings and access log group of the API of `ctx` (planned once per API: src/resources/plan-api-views.ts);
 * `destroy` deletes the API's owned access log groups.
 */
export function planApiStages(ctx: PlanContext): ApiStageChange[] {
  const out: ApiStageChange[] = [];
  const want = ctx.destroy ? undefined : ctx.fleet.api;
  // API-level settings move in full deploys only (as CORS does): `ops deploy <fn>` leaves them.
  if (want && !ctx.scope) {
    const have = want.type === 'rest' ? ctx.actual.restApi : ctx.actual.api;
    out.push(...planApiStage(ctx, want, have));
  }
  if (ctx.destroy && !ctx.scope) out.push(...planApiLogDeletes(ctx));
  return out;
}

/** One API's stage settings and its access log group: a function of the API, callable once per API. */
export function planApiStage(ctx: PlanContext, want: ApiSpec, have: HaveApiStage | undefined): ApiStageChange[] {
  const out: ApiStageChange[] = [];
  const log = want.accessLog;
  const logCreate = log ? changeId('apilog.create', log.logGroup) : undefined;
  if (log) out.push(...planLogGroup(ctx, log.logGroup, log.retentionDays));
  const stage = stageOf(want);
  const current = have?.stageSettings?.[stage];
  const rest = want.type === 'rest';
  const fields: FieldDiff[] = [];
  const t = planThrottle(want, current);
  const m = planMonitoring(want, current, t.throttle);
  fields.push(...t.fields, ...m.fields);
  const throttle = t.throttle ?? m.throttle;
  let accessLog: { destinationArn: string; format: string } | null | undefined;
  const haveGroup = groupOfArn(current?.accessLog?.destinationArn);
  if (log) {
    const destinationArn = logGroupArn(ctx.region, ctx.accountId, log.logGroup);
    if (haveGroup !== log.logGroup) fields.push({ field: 'accessLog.destination', from: haveGroup ?? '(off)', to: log.logGroup });
    if (current?.accessLog?.format !== log.format)
      fields.push({ field: 'accessLog.format', from: formatText(current?.accessLog?.format), to: formatText(log.format) });
    if (haveGroup !== log.logGroup || current?.accessLog?.format !== log.format) accessLog = { destinationArn, format: log.format };
  } else if (current?.accessLog && ownsGroup(ctx, haveGroup)) {
    // Only logging ops pointed at its own group is turned off: a destination set by hand is left as it is.
    fields.push({ field: 'accessLog.destination', from: haveGroup ?? current.accessLog.destinationArn, to: '(off)' });
    accessLog = null;
  }
  if (!fields.length) return out;
  const createId = changeId(rest ? 'restapi.create' : 'api.create', want.name);
  const stageId = rest ? changeId('restapi.deploy', stage) : changeId('api.stage', want.name);
  out.push({
    kind: 'apistage.update',
    id: changeId('apistage.update', `${want.name} ${stage}`),
    action: 'update',
    resource: { type: 'api stage', name: `${want.name} ${stage}` },
    summary: `update stage ${stage} of ${want.name}: ${fieldsSummary(fields)}`,
    fields,
    // The log group first: API Gateway checks the destination exists.
    dependsOn: [createId, stageId, ...(logCreate && accessLog ? [logCreate] : [])],
    apiType: rest ? 'rest' : 'http',
    apiName: want.name,
    ...(have ? { apiId: have.id } : { owner: { app: ctx.fleet.app, stage: ctx.fleet.stage } }),
    stage,
    ...(throttle ? { throttle } : {}),
    ...(m.metrics !== undefined ? { metrics: m.metrics } : {}),
    ...(m.loggingLevel ? { loggingLevel: m.loggingLevel } : {}),
    ...(accessLog !== undefined ? { accessLog } : {}),
    ...(t.mark ? { mark: t.mark } : {}),
    ...(current?.detailedMetrics ? { detailedMetrics: true } : {}),
  });
  return out;
}

/**
 * The stage's throttle: the config's, marked as ops' own; without one in the config, a throttle ops set goes back
 * to the account defaults (unmarked), and one set by hand is left alone.
 */
function planThrottle(
  want: ApiSpec,
  current: ActualStageSettings | undefined,
): { fields: FieldDiff[]; throttle?: { rateLimit: number; burstLimit: number }; mark?: 'add' | 'remove' } {
  const managed = current?.throttleManaged ?? false;
  const throttle = want.throttle ?? (current?.throttle && managed ? ACCOUNT_THROTTLE : undefined);
  if (!throttle) return { fields: [] };
  const mark = want.throttle ? (managed ? undefined : 'add') : 'remove';
  const note = want.throttle ? '' : ' (account default)';
  const fields: FieldDiff[] = [];
  const have = current?.throttle;
  if (have?.rateLimit !== throttle.rateLimit || have?.burstLimit !== throttle.burstLimit) {
    fields.push({ field: 'throttle.rateLimit', from: String(have?.rateLimit ?? '(none)'), to: `${throttle.rateLimit}${note}` });
    fields.push({ field: 'throttle.burstLimit', from: String(have?.burstLimit ?? '(none)'), to: `${throttle.burstLimit}${note}` });
  } else if (mark) fields.push({ field: 'throttle.owner', from: managed ? 'ops' : 'hand', to: managed ? 'hand' : 'ops' });
  return { fields, ...(fields.length ? { throttle } : {}), ...(fields.length && mark ? { mark } : {}) };
}

/**
 * Detailed metrics and (REST) execution logs, each only when the config names it. An HTTP API writes metrics inside
 * DefaultRouteSettings, where a limit left out is 0: the throttle goes with them, as the stage has it, else the
 * account defaults (said in the plan).
 */
function planMonitoring(
  want: ApiSpec,
  current: ActualStageSettings | undefined,
  throttle: { rateLimit: number; burstLimit: number } | undefined,
): { fields: FieldDiff[]; metrics?: boolean; loggingLevel?: string; throttle?: { rateLimit: number; burstLimit: number } } {
  const fields: FieldDiff[] = [];
  const out: { metrics?: boolean; loggingLevel?: string; throttle?: { rateLimit: number; burstLimit: number } } = {};
  const on = (b: boolean | undefined) => (b ? 'on' : 'off');
  if (want.metrics !== undefined && want.metrics !== (current?.detailedMetrics ?? false)) {
    fields.push({ field: 'metrics', from: on(current?.detailedMetrics), to: on(want.metrics) });
    out.metrics = want.metrics;
    const have = current?.throttle;
    if (want.type !== 'rest' && !throttle) {
      const whole = have?.rateLimit !== undefined && have.burstLimit !== undefined;
      out.throttle = whole ? { rateLimit: have.rateLimit!, burstLimit: have.burstLimit! } : ACCOUNT_THROTTLE;
      if (!whole) fields.push({ field: 'throttle', from: '(none)', to: '10000/5000 (account default, written with the metrics)' });
    }
  }
  if (want.type === 'rest' && want.executionLogs && want.executionLogs !== (current?.loggingLevel ?? 'OFF')) {
    fields.push({ field: 'executionLogs', from: current?.loggingLevel ?? 'OFF', to: want.executionLogs });
    out.loggingLevel = want.executionLogs;
  }
  return { fields, ...out };
}

/** The access log group: created tagged with its retention, its retention kept; one not the stage's is refused. */
function planLogGroup(ctx: PlanContext, name: string, retentionDays: number): ApiStageChange[] {
  const have = ctx.actual.apiLogGroups?.[name];
  const resource = { type: 'log group', name };
  if (!have) {
    return [
      {
        kind: 'apilog.create',
        id: changeId('apilog.create', name),
        action: 'create',
        resource,
        summary: `create log group ${name} for the API's access logs (${days(retentionDays)})`,
        fields: [],
        dependsOn: [],
        logGroup: name,
        retentionDays,
        tags: ctx.fleet.tags,
      },
    ];
  }
  const reason = notOwnedReason(have.tags, ctx.fleet.app, ctx.fleet.stage);
  if (reason)
    throw new UserError(`log group ${name} exists and is not this stage's (${reason}): ops does not write the API's access logs into it`, {
      hint: 'delete or rename that log group, or drop api.accessLog',
    });
  if (have.retentionDays === retentionDays) return [];
  const fields = [{ field: 'retention', from: days(have.retentionDays), to: days(retentionDays) }];
  return [
    {
      kind: 'apilog.retention',
      id: changeId('apilog.retention', name),
      action: 'update',
      resource,
      summary: `set retention of ${name}: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: [],
      logGroup: name,
      retentionDays,
    },
  ];
}

/** `destroy`: the access log groups read that are the stage's by their tags. */
function planApiLogDeletes(ctx: PlanContext): ApiStageChange[] {
  const { api, restApi } = ctx.actual;
  // Planned per API (src/resources/plan-api-views.ts): a named API's view deletes its own group; the default
  // view every other group of the stage (the default API's, and those of APIs gone from AWS).
  const named = [...Object.values(ctx.actual.apis ?? {}), ...Object.values(ctx.actual.restApis ?? {})].map((a) =>
    apiAccessLogGroupName(a.name),
  );
  const own = [ctx.fleet.api?.name, api?.name, restApi?.name].filter((n): n is string => !!n).map(apiAccessLogGroupName);
  const mine = (name: string) => (ctx.namedApi ? own.includes(name) : !named.includes(name) || own.includes(name));
  const apiDeletes = [
    ...(api ? [changeId('api.delete', api.name)] : []),
    ...(restApi ? [changeId('restapi.delete', `${restApi.name} (${restApi.id})`)] : []),
  ];
  const groups = Object.values(ctx.actual.apiLogGroups ?? {}).filter(
    (g) => mine(g.name) && !notOwnedReason(g.tags, ctx.fleet.app, ctx.fleet.stage),
  );
  return groups
    .map((g) => g.name)
    .sort(compareStrings)
    .map((name) => ({
      kind: 'apilog.delete' as const,
      id: changeId('apilog.delete', name),
      action: 'delete' as const,
      resource: { type: 'log group', name },
      summary: `delete log group ${name} (the API's access logs)`,
      fields: [],
      // After the API that writes to it.
      dependsOn: apiDeletes,
      logGroup: name,
    }));
}
