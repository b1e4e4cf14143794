import { createHash } from 'node:crypto';
import { functionArn, layerArn, layerArtifactKey, liveAliasArn, RULE_TARGET_ID, roleArn } from '../../../src/config/naming.js';
import { parseRoute } from '../../../src/config/resolve.js';
import { retentionDaysOf } from '../../../src/config/resolve-log-retention.js';
import type { Fleet, FunctionSpec, ParamUse } from '../../../src/config/types.js';
import { UserError } from '../../../src/errors.js';
import type { Actual, ActualApi, ActualFunction, ActualRole } from '../../../src/model/actual.js';
import type { ArtifactRef, Change, Plan } from '../../../src/plan/types.js';
import { desiredAlarms } from '../../../src/resources/alarm/plan.js';
import { desiredConfiguration } from '../../../src/resources/function/plan.js';
import { desiredAsyncConfig, functionTags } from '../../../src/resources/function-settings/plan.js';
import { desiredApiPermission } from '../../../src/resources/http-api/plan.js';
import { builtLayers } from '../../../src/resources/layer/plan.js';
import { desiredRole } from '../../../src/resources/role/plan.js';
import { scheduleChangeSpec } from '../../../src/resources/schedule/plan.js';
import { desiredTriggerStatement } from '../../../src/resources/trigger-policy.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const API_ID = 'abc123';
export const APP = 'tasks';
export const STAGE = 'dev';

export type FunctionOverrides = Partial<Omit<FunctionSpec, 'routes'>> & { routes?: string[] };

/** A complete FunctionSpec as `resolveFleet` would give it, for app `tasks`, stage `dev`. */
export function fnSpec(key: string, overrides: FunctionOverrides = {}): FunctionSpec {
  const { routes, ...rest } = overrides;
  const name = `${APP}-${STAGE}-${key}`;
  const file = `/proj/src/functions/${key}/handler.ts`;
  return {
    key,
    name,
    runtime: 'nodejs22.x',
    language: 'node',
    handler: { file, exportName: 'handler', lambdaHandler: 'index.handler', root: `/proj/src/functions/${key}` },
    uses: [],
    memory: 256,
    timeout: 30,
    architecture: 'x86_64',
    ephemeralStorage: 512,
    environment: { OPS_APP: APP, OPS_STAGE: STAGE },
    tags: { 'ops:app': APP, 'ops:stage': STAGE, 'ops:function': key },
    routes: (routes ?? []).map(parseRoute),
    params: [],
    invokes: [],
    permissions: [],
    roleName: name,
    logGroup: `/aws/lambda/${name}`,
    logRetentionDays: 30,
    triggers: [],
    layers: [],
    alarms: [],
    bundle: { sourcemap: false, minify: false, external: [], bundleAwsSdk: false },
    ...rest,
  };
}

/** A param use as the resolver makes it. */
export function paramUse(name: string, opts: Partial<ParamUse> = {}): ParamUse {
  return {
    name,
    path: `/${APP}/${STAGE}/${name}`,
    env: `OPS_PARAM_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`,
    resolve: false,
    secure: false,
    ...opts,
  };
}

/** A fleet; `api` defaults to an API when some function has routes (`null`: no API). */
export function fleet(functions: FunctionSpec[], overrides: Partial<Omit<Fleet, 'api'>> & { api?: Fleet['api'] | null } = {}): Fleet {
  const { api, ...rest } = overrides;
  const hasRoutes = functions.some((f) => f.routes.length > 0);
  return {
    app: APP,
    stage: STAGE,
    region: REGION,
    root: '/proj',
    configPath: '/proj/ops.config.ts',
    params: [],
    resources: [],
    api: api === null ? undefined : (api ?? (hasRoutes ? { name: `${APP}-${STAGE}` } : undefined)),
    functions,
    keepVersions: 10,
    concurrency: 8,
    tags: { team: 'core', 'ops:app': APP, 'ops:stage': STAGE },
    ...rest,
  };
}

/** A deterministic artifact: sha256 of `key@build`, hex and base64 of the same digest. */
export function artifact(key: string, build = 'v1'): ArtifactRef {
  const digest = createHash('sha256').update(`${key}@${build}`).digest();
  return { codeSha256: digest.toString('base64'), sha256: digest.toString('hex'), zipPath: `/proj/.ops/build/${key}.zip` };
}

/** Artifacts of every function, and of every layer they build (`layer:{key}`). */
export function artifactsFor(f: Fleet, build = 'v1'): Record<string, ArtifactRef> {
  const layers = [...builtLayers(f.functions).values()].map((l) => [layerArtifactKey(l.key), artifact(layerArtifactKey(l.key), build)]);
  return Object.fromEntries([...f.functions.map((fn) => [fn.key, artifact(fn.key, build)]), ...layers]);
}

export function emptyActual(): Actual {
  return { accountId: ACCOUNT, region: REGION, roles: {}, functions: {}, logGroups: {}, foreign: [] };
}

export interface ActualOptions {
  artifacts?: Record<string, ArtifactRef>;
  paramValues?: Record<string, string>;
}

/**
 * What AWS would hold right after a clean deploy of `f`: every desired* function's output
 * mapped into Actual, one published version (1) with `live` on it. Planning `f` against it
 * must give no changes.
 */
export function actualFrom(f: Fleet, opts: ActualOptions = {}): Actual {
  const artifacts = opts.artifacts ?? artifactsFor(f);
  const actual = emptyActual();
  // Built layers: version 1, published from the artifact's zip.
  const layerVersions: Record<string, string> = {};
  for (const l of builtLayers(f.functions).values()) {
    const arn = layerArn(REGION, ACCOUNT, l.name);
    layerVersions[l.name] = `${arn}:1`;
    actual.layers = {
      ...actual.layers,
      [l.name]: {
        name: l.name,
        arn,
        latestVersion: 1,
        latestVersionArn: `${arn}:1`,
        codeSha256: artifacts[layerArtifactKey(l.key)].codeSha256,
      },
    };
  }
  const ctx = { region: REGION, accountId: ACCOUNT };
  for (const fn of f.functions) {
    const role = desiredRole(f, fn, ACCOUNT);
    if (role) {
      const r: ActualRole = {
        name: role.name,
        arn: roleArn(f, ACCOUNT, role.name),
        path: role.path,
        trustPolicy: role.trustPolicy,
        inlinePolicies: { [role.policyName]: role.policy },
        attachedPolicyArns: [],
        tags: { ...role.tags },
      };
      actual.roles[r.name] = r;
    }
    const config = desiredConfiguration(f, fn, ACCOUNT, opts.paramValues, layerVersions);
    const codeSha256 = artifacts[fn.key].codeSha256;
    const a: ActualFunction = {
      name: fn.name,
      arn: functionArn(REGION, ACCOUNT, fn.name),
      config,
      codeSha256,
      state: 'Active',
      lastUpdateStatus: 'Successful',
      tags: functionTags(fn),
      alias: { version: '1' },
      versions: [{ version: '1', codeSha256, config: structuredClone(config) }],
      aliasPolicy: [
        ...(f.api && fn.routes.length ? [desiredApiPermission(REGION, ACCOUNT, fn.name, API_ID)] : []),
        ...fn.triggers.flatMap((t) => (t.kind === 'sqs' || t.kind === 'dynamodb' ? [] : [desiredTriggerStatement(REGION, ACCOUNT, fn, t)])),
      ],
      ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
      ...(fn.provisionedConcurrency !== undefined ? { provisionedConcurrency: fn.provisionedConcurrency } : {}),
      ...(fn.async ? { asyncConfig: desiredAsyncConfig(ctx, fn) } : {}),
    };
    actual.functions[fn.name] = a;
    for (const t of fn.triggers) {
      if (t.kind === 'schedule') {
        const s = scheduleChangeSpec(ctx, fn, t);
        actual.rules = {
          ...actual.rules,
          [s.ruleName]: {
            name: s.ruleName,
            arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${s.ruleName}`,
            scheduleExpression: s.expression,
            state: s.enabled ? 'ENABLED' : 'DISABLED',
            description: s.description ?? '',
            tags: { ...fn.tags },
            targets: [{ id: RULE_TARGET_ID, arn: s.targetArn, ...(s.input ? { input: s.input } : {}) }],
          },
        };
      } else if (t.kind === 'sns') {
        const sub = {
          arn: `${t.topicArn}:sub-${fn.key}`,
          topicArn: t.topicArn,
          endpoint: liveAliasArn(REGION, ACCOUNT, fn.name),
          ...(t.filterPolicy ? { filterPolicy: JSON.stringify(t.filterPolicy) } : {}),
        };
        actual.subscriptions = [...(actual.subscriptions ?? []), sub];
      }
    }
    for (const al of desiredAlarms(fn)) {
      actual.alarms = {
        ...actual.alarms,
        [al.name]: { ...al, arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${al.name}`, tags: { ...fn.tags } },
      };
    }
    actual.logGroups[fn.logGroup] = { name: fn.logGroup, retentionDays: retentionDaysOf(fn.logRetentionDays), tags: { ...fn.tags } };
  }
  if (f.api) actual.api = apiFrom(f);
  return actual;
}

function apiFrom(f: Fleet): ActualApi {
  const routed = f.functions.filter((fn) => fn.routes.length > 0);
  return {
    id: API_ID,
    name: f.api?.name ?? `${APP}-${STAGE}`,
    endpoint: `https://${API_ID}.execute-api.${REGION}.amazonaws.com`,
    cors: f.api?.cors ? structuredClone(f.api.cors) : undefined,
    tags: { ...f.tags },
    integrations: routed.map((fn) => ({
      id: `int-${fn.key}`,
      uri: liveAliasArn(REGION, ACCOUNT, fn.name),
      payloadFormatVersion: '2.0',
      type: 'AWS_PROXY',
    })),
    routes: routed.flatMap((fn) => fn.routes.map((r) => ({ id: `route-${r.key}`, key: r.key, target: `integrations/int-${fn.key}` }))),
    stages: [{ name: '$default', autoDeploy: true }],
  };
}

/** Two functions with routes (one reading params and invoking the other), one without, CORS. */
export function sampleFleet(): Fleet {
  return fleet(
    [
      fnSpec('api', {
        memory: 512,
        routes: ['GET /tasks', 'POST /tasks', 'GET /tasks/{id}'],
        params: [paramUse('table-name')],
        invokes: ['worker'],
        environment: {
          OPS_APP: APP,
          OPS_STAGE: STAGE,
          OPS_PARAM_TABLE_NAME: '/tasks/dev/table-name',
          WORKER_FUNCTION_NAME: 'tasks-dev-worker:live',
        },
      }),
      fnSpec('search', { routes: ['POST /flights/search'], description: 'Flight search' }),
      fnSpec('worker', { timeout: 600, memory: 1024 }),
    ],
    { api: { name: 'tasks-dev', cors: { allowOrigins: ['*'], allowMethods: ['GET', 'POST', 'OPTIONS'] } } },
  );
}

export const kinds = (plan: Plan) => plan.changes.map((c) => c.kind);
export const ids = (plan: Plan) => plan.changes.map((c) => c.id);
export const find = (plan: Plan, id: string): Change => {
  const c = plan.changes.find((x) => x.id === id);
  if (!c) throw new Error(`no change ${id} in ${ids(plan).join(', ')}`);
  return c;
};

/** Every dependency of every change comes before it. */
export function expectTopological(plan: Plan): void {
  const seen = new Set<string>();
  for (const c of plan.changes) {
    for (const d of c.dependsOn) if (!seen.has(d)) throw new Error(`${c.id} comes before its dependency ${d}`);
    seen.add(c.id);
  }
}

/** Index of a change in the plan (−1 when absent). */
export const at = (plan: Plan, id: string) => plan.changes.findIndex((c) => c.id === id);

/** Change `a` comes before change `b` (both present). */
export function expectOrder(plan: Plan, a: string, b: string): void {
  const i = at(plan, a);
  const j = at(plan, b);
  if (i < 0 || j < 0 || i >= j) throw new Error(`expected ${a} (at ${i}) before ${b} (at ${j})`);
}

/** The UserError a planner throws (a refusal before any write); fails when it throws none or another error. */
export function thrownUserError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}
