import path from 'node:path';
import { resolveNamedApis } from './apis.js';
import { withDefaults } from './defaults.js';
import { functionNameFor, roleNameFor } from './function-name.js';
import { handlerCandidates, isPythonFile } from './handler-files.js';
import {
  alarmName,
  apiName,
  FUNCTION_KEY_TAG,
  invokeEnvName,
  LIVE_ALIAS,
  layerKeyOf,
  layerName,
  logGroupName,
  ownershipTags,
  paramEnvName,
  paramValueEnvName,
  physicalName,
  ruleName,
  ruleStatementId,
  shortHash,
  snsStatementId,
} from './naming.js';
import { withPolicyMarkers } from './policy-marker.js';
import { type EnvRef, type FunctionRefField, fillRegion, mapArns, parseRef, roleArnOf } from './refs.js';
import { resolveApiKeys } from './resolve-api-keys.js';
import { resolveStageSettings } from './resolve-api-stage.js';
import { resolveAuthorizers, routeAuth } from './resolve-authorizers.js';
import { shiftOf } from './resolve-deploy-strategy.js';
import { resolveDomain } from './resolve-domain.js';
import { keptRuleName, resolveDynamodbTrigger, resolveEventPatternTrigger } from './resolve-event-triggers.js';
import { resolveFunctionUrl } from './resolve-function-url.js';
import { keptNameFor } from './resolve-kept-name.js';
import { retentionDaysOf } from './resolve-log-retention.js';
import { isSharedPath, paramPathFor } from './resolve-param-paths.js';
import { secretParamRef, withParamSecret } from './resolve-param-secrets.js';
import { resolveResources, resolveUses } from './resolve-resources.js';
import { type ParsedS3Trigger, resolveS3Trigger } from './s3-trigger.js';
import type { ParsedFleet, ParsedFunction, Runtime } from './schema.js';
import { snsTopicArnOf } from './topic-ref.js';
import type {
  AlarmSpec,
  ApiSpec,
  Fleet,
  FunctionSpec,
  HandlerSpec,
  LayerSpec,
  ParamSpec,
  ParamUse,
  RouteSpec,
  TriggerSpec,
} from './types.js';

export interface ResolveOptions {
  stage: string;
  /** Directory of the config file. */
  root: string;
  configPath: string;
  /** `--region` wins over the config's region, which wins over AWS_REGION. */
  region?: string;
  env?: NodeJS.ProcessEnv;
  exists(absPath: string): boolean;
}

export const DEFAULTS = {
  nodeRuntime: 'nodejs22.x' as Runtime,
  pythonRuntime: 'python3.12' as Runtime,
  memory: 256,
  timeout: 30,
  architecture: 'x86_64' as const,
  logRetentionDays: 30,
  ephemeralStorage: 512,
  keepVersions: 10,
  concurrency: 8,
  leaseWaitSeconds: 120,
};

/** Desired state for one stage: defaults filled in, names and environment resolved. Pure but for `exists`. */
export function resolveFleet(cfg: ParsedFleet, opts: ResolveOptions): Fleet {
  const { stage, root } = opts;
  const env = opts.env ?? {};
  const region = fleetRegion(cfg, { ...opts, env });
  const declared = cfg.params ?? {};
  const readers = new Map<string, string[]>();
  const functions = Object.entries(cfg.functions).map(([key, fn]) => {
    const spec = resolveFunction(cfg, key, fn, opts);
    for (const p of spec.params) readers.set(p.name, [...(readers.get(p.name) ?? []), key]);
    return spec;
  });
  const params: ParamSpec[] = Object.entries(declared).map(([name, p]) => ({
    name,
    path: paramPathFor(cfg.app, stage, name, p.path),
    ...(isSharedPath(p.path) ? { shared: true } : {}),
    secure: p.secure ?? false,
    description: p.description,
    plaintextEnv: p.plaintextEnv ?? false,
    readers: readers.get(name) ?? [],
    ...withParamSecret(p),
  }));
  const hasRoutes = functions.some((f) => f.routes.some((r) => !r.api));
  const api =
    cfg.api !== false && hasRoutes
      ? resolveApi(
          cfg.api,
          keptNameFor(cfg.api?.name, cfg.app, stage) ?? apiName(cfg.app, stage),
          (k) => functionNameFor(cfg.app, stage, cfg.functions, k),
          retentionDaysOf(cfg.defaults?.logRetentionDays),
        )
      : undefined;
  const apis = resolveNamedApis(cfg, stage, functions, resolveApi);
  return {
    app: cfg.app,
    stage,
    region,
    root,
    configPath: opts.configPath,
    params,
    resources: resolveResources(cfg, stage),
    api,
    ...(apis.length ? { apis } : {}),
    functions: withPolicyMarkers(functions, [api, ...apis]),
    keepVersions: cfg.deploy?.keepVersions ?? DEFAULTS.keepVersions,
    concurrency: cfg.deploy?.concurrency ?? DEFAULTS.concurrency,
    leaseWaitSeconds: cfg.deploy?.leaseWaitSeconds ?? DEFAULTS.leaseWaitSeconds,
    ...(cfg.deploy?.bucket ? { bucket: cfg.deploy.bucket } : {}),
    tags: { ...cfg.tags, ...ownershipTags(cfg.app, stage) },
  };
}

function resolveFunction(cfg: ParsedFleet, key: string, own: ParsedFunction, opts: ResolveOptions): FunctionSpec {
  const d = cfg.defaults ?? {};
  const fn = withDefaults(cfg.defaults, own);
  const name = functionNameFor(cfg.app, opts.stage, cfg.functions, key);
  const handler = resolveHandler(fn, opts);
  const python = isPythonFile(handler.file);
  const runtime: Runtime =
    fn.runtime ??
    (d.runtime && d.runtime.startsWith('python') === python ? d.runtime : python ? DEFAULTS.pythonRuntime : DEFAULTS.nodeRuntime);
  const params: ParamUse[] = (fn.params ?? []).map((ref) => {
    const r = typeof ref === 'string' ? { name: ref } : ref;
    const decl = cfg.params?.[r.name] ?? {};
    return {
      name: r.name,
      path: paramPathFor(cfg.app, opts.stage, r.name, decl.path),
      // A resolved value goes where the fleet's params helper looks for values first.
      env: r.env ?? (r.resolve ? paramValueEnvName(r.name) : paramEnvName(r.name)),
      resolve: r.resolve ?? false,
      secure: decl.secure ?? false,
      ...withParamSecret(decl),
    };
  });
  // A function taken over in place keeps the environment it runs with: OPS_APP and OPS_STAGE are only informative,
  // and adding them would make the first deploy after `ops import` change every adopted function's configuration.
  const adopted = own.adopt && name !== physicalName(cfg.app, opts.stage, key);
  const generated: Record<string, EnvValue> = adopted ? {} : { OPS_APP: cfg.app, OPS_STAGE: opts.stage };
  // A Secrets Manager param: the secret's id and key, never its value.
  for (const p of params) if (!p.resolve) generated[p.env] = p.secret ? secretParamRef(p.secret) : p.path;
  const invokes = (fn.invokes ?? []).map(invokeUse);
  for (const i of invokes) generated[i.env] = { ref: `function.${i.function}.${i.value}` };
  const { environment, envRefs } = splitEnvironment((k) => functionNameFor(cfg.app, opts.stage, cfg.functions, k), {
    ...generated,
    ...d.environment,
    ...fn.environment,
  });
  const routes: RouteSpec[] = (fn.routes ?? []).map((r) => resolveRoute(cfg, opts.stage, r));
  const region = fleetRegion(cfg, opts);
  const spec: FunctionSpec = {
    key,
    name,
    ...(name !== physicalName(cfg.app, opts.stage, key) ? { keptName: true } : {}),
    ...(own.adopt ? { adopt: true } : {}),
    uses: resolveUses(cfg, fn),
    runtime,
    language: python ? 'python' : 'node',
    handler,
    description: fn.description,
    memory: fn.memory ?? d.memory ?? DEFAULTS.memory,
    timeout: fn.timeout ?? d.timeout ?? DEFAULTS.timeout,
    architecture: fn.architecture ?? d.architecture ?? DEFAULTS.architecture,
    ephemeralStorage: fn.ephemeralStorage ?? DEFAULTS.ephemeralStorage,
    environment,
    ...(envRefs ? { envRefs } : {}),
    tags: sortKeys({ ...cfg.tags, ...d.tags, ...fn.tags, ...ownershipTags(cfg.app, opts.stage), [FUNCTION_KEY_TAG]: key }),
    routes,
    params,
    invokes: [...new Set(invokes.map((i) => i.function))],
    permissions: fn.permissions ?? [],
    ...(fn.role || cfg.role ? { role: roleArnOf((fn.role ?? cfg.role) as string, region) } : {}),
    // The role is ops's own (under /ops/{app}/{stage}/): it keeps the derived name when the function keeps its own.
    roleName: roleNameFor(cfg.app, opts.stage, key, own.roleName),
    logGroup: logGroupName(name),
    logRetentionDays: fn.logRetentionDays ?? d.logRetentionDays ?? DEFAULTS.logRetentionDays,
    triggers: resolveTriggers(
      cfg.app,
      opts.stage,
      key,
      fn,
      (ref) => snsTopicArnOf(cfg, opts.stage, region, ref),
      (t) => resolveS3Trigger(cfg, opts.stage, key, t),
    ),
    vpc: fn.vpc,
    layers: (fn.layers ?? []).map((l) => resolveLayer(cfg.app, opts.stage, l, opts.root)),
    reservedConcurrency: fn.reservedConcurrency,
    provisionedConcurrency: fn.provisionedConcurrency,
    tracing: fn.tracing,
    async: fn.async && {
      ...fn.async,
      // A function of this fleet named by key becomes its physical name (the planner makes it an ARN).
      ...(fn.async.onFailure && fn.async.onFailure in cfg.functions
        ? { onFailure: functionNameFor(cfg.app, opts.stage, cfg.functions, fn.async.onFailure) }
        : {}),
    },
    alarms: resolveAlarms(cfg.app, opts.stage, key, fn),
    ...(fn.url ? { url: resolveFunctionUrl(fn.url) } : {}),
    ...shiftOf(cfg, opts.stage, key, own),
    ...(python && (fn.include?.length || fn.exclude?.length) ? { include: fn.include ?? [], exclude: fn.exclude ?? [] } : {}),
    bundle: {
      sourcemap: fn.bundle?.sourcemap ?? false,
      minify: fn.bundle?.minify ?? false,
      external: fn.bundle?.external ?? [],
      bundleAwsSdk: fn.bundle?.bundleAwsSdk ?? false,
    },
  };
  // `${region}` is known now; `${account}` waits for the plan (bindAccount), which has asked STS.
  return mapArns(spec, (arn) => fillRegion(arn, region));
}

type EnvValue = string | { ref: string; suffix?: string };

const fleetRegion = (cfg: ParsedFleet, opts: ResolveOptions) =>
  opts.region || cfg.region || opts.env?.AWS_REGION || opts.env?.AWS_DEFAULT_REGION || 'us-east-1';

/** An `invokes` entry with its defaults: `name:live` in `{FUNCTION}_FUNCTION_NAME`, an ARN in `{FUNCTION}_FUNCTION_ARN`. */
function invokeUse(entry: NonNullable<ParsedFunction['invokes']>[number]): { function: string; env: string; value: FunctionRefField } {
  const e = typeof entry === 'string' ? { function: entry } : entry;
  const value = e.value ?? 'qualifiedName';
  const env =
    e.env ??
    (value === 'arn' || value === 'qualifiedArn' ? invokeEnvName(e.function).replace(/_NAME$/, '_ARN') : invokeEnvName(e.function));
  return { function: e.function, env, value };
}

/**
 * Literal values, and references known from the config alone (a function's name), go into the
 * environment; the rest are left for the plan to fill in.
 */
function splitEnvironment(
  /** A function's physical name by key (kept or derived). */
  nameOf: (key: string) => string,
  merged: Record<string, EnvValue>,
): { environment: Record<string, string>; envRefs?: Record<string, EnvRef> } {
  const environment: Record<string, string> = {};
  const refs: Record<string, EnvRef> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value === 'string') {
      environment[key] = value;
      continue;
    }
    const ref = parseRef(value.ref);
    if (!ref) throw new Error(`resolveFleet: ${key} holds an unchecked reference '${value.ref}'`);
    const suffix = value.suffix ?? '';
    if (ref.kind === 'function' && ref.field === 'name') environment[key] = nameOf(ref.key) + suffix;
    else if (ref.kind === 'function' && ref.field === 'qualifiedName') environment[key] = `${nameOf(ref.key)}:${LIVE_ALIAS}${suffix}`;
    else refs[key] = suffix ? { ...ref, suffix } : ref;
  }
  return { environment: sortKeys(environment), ...(Object.keys(refs).length ? { envRefs: sortKeys(refs) } : {}) };
}

function resolveTriggers(
  app: string,
  stage: string,
  key: string,
  fn: ParsedFunction,
  topicArnOf: (ref: string) => string,
  s3Of: (t: ParsedS3Trigger) => TriggerSpec,
): TriggerSpec[] {
  return (fn.triggers ?? []).map((t): TriggerSpec => {
    if ('s3' in t) return s3Of(t);
    if ('dynamodb' in t) return resolveDynamodbTrigger(t);
    if ('eventPattern' in t) return resolveEventPatternTrigger(app, stage, key, t);
    if ('sqs' in t) {
      return {
        kind: 'sqs',
        queue: t.sqs,
        batchSize: t.batchSize ?? 10,
        batchWindowSeconds: t.batchWindow ?? 0,
        ...(t.maxConcurrency !== undefined ? { maxConcurrency: t.maxConcurrency } : {}),
        reportBatchItemFailures: t.reportBatchItemFailures ?? true,
      };
    }
    if ('sns' in t) {
      const arn = topicArnOf(t.sns);
      return {
        kind: 'sns',
        topicArn: arn,
        ...(t.filterPolicy ? { filterPolicy: t.filterPolicy } : {}),
        statementId: snsStatementId(arn),
      };
    }
    const rule = keptRuleName(t, app, stage) ?? ruleName(app, stage, key, t.name ?? shortHash(t.schedule));
    return {
      kind: 'schedule',
      ruleName: rule,
      ...(t.adopt ? { adopt: true } : {}),
      expression: t.schedule,
      enabled: t.enabled ?? true,
      ...(t.input !== undefined ? { input: JSON.stringify(t.input) } : {}),
      ...(t.description ? { description: t.description } : {}),
      statementId: ruleStatementId(rule),
    };
  });
}

/** The statistic an alarm on `metric` uses when the config names none. */
export const defaultStatistic = (metric: string) => (metric === 'Duration' ? 'p99' : 'Sum');

function resolveAlarms(app: string, stage: string, key: string, fn: ParsedFunction): AlarmSpec[] {
  const seen = new Map<string, number>();
  return (fn.alarms ?? []).map((a) => {
    const n = (seen.get(a.metric) ?? 0) + 1;
    seen.set(a.metric, n);
    return {
      name: keptNameFor(a.alarmName, app, stage) ?? alarmName(app, stage, key, a.name ?? `${a.metric}-${n}`),
      ...(a.adopt ? { adopt: true } : {}),
      description: a.description ?? '',
      metric: a.metric,
      statistic: a.statistic ?? defaultStatistic(a.metric),
      threshold: a.threshold,
      periodSeconds: a.periodSeconds,
      evaluationPeriods: a.evaluationPeriods,
      datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods,
      comparison: a.comparison ?? 'GreaterThanOrEqualToThreshold',
      treatMissingData: a.treatMissingData ?? 'missing',
      ...(a.snsTopicArn ? { snsTopicArn: a.snsTopicArn } : {}),
    };
  });
}

function resolveLayer(
  app: string,
  stage: string,
  l: string | { path: string; requirements?: string; name?: string },
  root: string,
): LayerSpec {
  if (typeof l === 'string') return { kind: 'arn', arn: l };
  const key = layerKeyOf(l);
  return {
    kind: 'build',
    key,
    name: layerName(app, stage, key),
    path: path.resolve(root, l.path),
    ...(l.requirements ? { requirements: path.resolve(root, l.requirements) } : {}),
  };
}

function resolveHandler(fn: ParsedFunction, opts: ResolveOptions): HandlerSpec {
  const { files, exportName: named } = handlerCandidates(fn.handler);
  const rel = files.find((f) => opts.exists(path.resolve(opts.root, f))) ?? files[0] ?? fn.handler;
  const file = path.resolve(opts.root, rel);
  const exportName = named ?? 'handler';
  if (!isPythonFile(file)) {
    return { file, exportName, lambdaHandler: `index.${exportName}`, root: path.dirname(file) };
  }
  const root = fn.root ? path.resolve(opts.root, fn.root) : path.dirname(file);
  const module = path.relative(root, file).replace(/\.py$/, '').split(path.sep).join('.');
  const reqPath = fn.requirements ? path.resolve(opts.root, fn.requirements) : path.join(root, 'requirements.txt');
  const requirements = opts.exists(reqPath) ? reqPath : undefined;
  return { file, exportName, lambdaHandler: `${module}.${exportName}`, root, requirements };
}

/** `GET /tasks/{id}` → `{ key, method: 'GET', path: '/tasks/{id}' }`; `$default` has method and path `*`. */
/** The default stage of a REST API: the one SAM's and the seeds' REST APIs use. */
export const REST_API_DEFAULT_STAGE = 'prod';

const domainOf = (raw: Exclude<ParsedFleet['api'], false>) => {
  const domain = resolveDomain(raw?.domain);
  return domain ? { domain } : {};
};

/** `cors: true` allows any origin; the REST planner fills SAM's default headers and each resource's methods. */
export function resolveApi(
  raw: Exclude<ParsedFleet['api'], false>,
  name: string,
  physical: (key: string) => string,
  logRetentionDays: number = DEFAULTS.logRetentionDays,
): ApiSpec {
  const cors = raw?.cors === true ? { allowOrigins: ['*'] } : raw?.cors;
  const stageSettings = resolveStageSettings(raw || undefined, name, logRetentionDays);
  if (raw?.type !== 'rest') {
    const authorizers = resolveAuthorizers(raw?.authorizers, physical);
    return {
      name,
      cors,
      ...(raw?.adopt ? { adopt: true } : {}),
      ...(authorizers.length ? { authorizers } : {}),
      ...domainOf(raw),
      ...(raw?.stage ? { stage: raw.stage } : {}),
      ...stageSettings,
    };
  }
  const authorizers = resolveAuthorizers(raw.authorizers, physical);
  return {
    name,
    ...(cors ? { cors } : {}),
    ...(authorizers.length ? { authorizers } : {}),
    ...domainOf(raw),
    type: 'rest',
    stage: raw.stage ?? REST_API_DEFAULT_STAGE,
    ...(raw.stageVariables ? { stageVariables: raw.stageVariables } : {}),
    ...resolveApiKeys(raw, name),
    ...stageSettings,
  };
}

/** A route entry with its authorization: its own `auth`, else the API's `defaultAuthorizer`, else none. */
function resolveRoute(cfg: ParsedFleet, stage: string, entry: NonNullable<ParsedFunction['routes']>[number]): RouteSpec {
  const {
    route,
    auth,
    scopes,
    api: key,
  } = typeof entry === 'string' ? { route: entry, auth: undefined, scopes: undefined, api: undefined } : entry;
  const api = key ? cfg.apis?.[key] : cfg.api === false ? undefined : cfg.api;
  const authorizers = resolveAuthorizers(api?.authorizers, (k) => functionNameFor(cfg.app, stage, cfg.functions, k));
  const resolved = routeAuth(authorizers, auth ?? api?.defaultAuthorizer, scopes);
  // Keys exist on REST APIs only (validate refuses them elsewhere): `apiKey: false` opts a route out of the default.
  const apiKey = api?.type === 'rest' && ((typeof entry === 'string' ? undefined : entry.apiKey) ?? api.apiKeyRequired) === true;
  return { ...parseRoute(route), ...(resolved ? { auth: resolved } : {}), ...(key ? { api: key } : {}), ...(apiKey ? { apiKey } : {}) };
}

export function parseRoute(key: string): RouteSpec {
  if (key === '$default') return { key, method: '*', path: '*' };
  const [method, p] = key.split(' ');
  return { key, method, path: p };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
