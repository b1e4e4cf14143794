import type { Integration, Route, Stage } from '@aws-sdk/client-apigatewayv2';
import type { AttachedPolicy, Role, RoleDetail } from '@aws-sdk/client-iam';
import type { FunctionConfiguration as SdkFunctionConfiguration } from '@aws-sdk/client-lambda';
import { ROLE_POLICY_NAME } from '../config/naming.js';
import type { Actual, ActualApi, ActualFunction, ActualLogGroup, ActualRole, PolicyDocument, PolicyStatement } from '../model/actual.js';
import { compareApis, listApis } from './apigw.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import {
  byVersionNumber,
  isOtherStagesOwn,
  LIVE_ALIAS,
  mapCors,
  mapFunctionConfiguration,
  notOwnedReason,
  opsRolePath,
  ownerOf,
  parsePolicyDocument,
} from './map.js';
import { allPages, createLimiter, mapLimit } from './pool.js';
import { roleNameOfArn } from './preflight.js';
import { type ExtraScope, readExtras } from './read-extra.js';
import { withThrottleRetry } from './retry.js';
import { readExternalRoleGrants } from './role-grants.js';

export interface ReadOptions {
  /** Per-function reads in flight (GetFunction, GetAlias, GetPolicy). Default 16. */
  concurrency?: number;
}

type Foreign = Actual['foreign'];
type Scope = ExtraScope;

/** A read with the layer's throttling retry (reads skip the write limiter but slow it down when throttled). */
const read = <T>(aws: Aws, fn: () => Promise<T>) => withThrottleRetry(fn, { limiter: aws.limiter, policy: aws.retry });

/**
 * Everything ops owns for the fleet's app and stage, read in parallel and normalized. Resources with
 * our names but not our tags land in `foreign` and nowhere else.
 */
export async function readActual(aws: Aws, fleet: Scope, opts: ReadOptions = {}): Promise<Actual> {
  const fns = readFunctions(aws, fleet, opts);
  // By name: an ARN may still hold `${account}` here, and a role's name is unique in its account.
  const externalRoleNames = [...new Set((fleet.functions ?? []).flatMap((f) => (f.role ? [roleNameOfArn(f.role)] : [])))].sort();
  const [accountId, roles, functions, logGroups, api, extra, externalRoles] = await Promise.all([
    aws.accountId(),
    readRoles(aws, fleet),
    fns,
    readLogGroups(aws, fleet, fns),
    readApi(aws, fleet),
    readExtras(aws, fleet, fns, opts),
    externalRoleNames.length ? readExternalRoleGrants(aws, externalRoleNames) : undefined,
  ]);
  return {
    accountId,
    region: aws.region,
    roles: roles.items,
    functions: functions.items,
    logGroups: logGroups.items,
    ...(logGroups.unowned.length ? { unownedLogGroups: logGroups.unowned } : {}),
    ...(api.api ? { api: api.api } : {}),
    ...extra,
    foreign: [...roles.foreign, ...functions.foreign, ...logGroups.foreign, ...api.foreign, ...extra.foreign],
    ...(externalRoles ? { externalRoles } : {}),
  };
}

// ---------------------------------------------------------------- IAM

/**
 * From this many roles under the fleet's path, one GetAccountAuthorizationDetails (a page per 1,000
 * roles of the account) replaces four calls per role: at 200 functions that is 800 IAM reads.
 * Below it, role by role is cheaper in an account with many other roles.
 */
export const BATCH_ROLE_READS_FROM = 25;

export interface ReadRolesOptions {
  /** Owned roles from which they are read in one batch; default `BATCH_ROLE_READS_FROM`. */
  batchFrom?: number;
}

export async function readRoles(
  aws: Aws,
  scope: Scope,
  opts: ReadRolesOptions = {},
): Promise<{ items: Record<string, ActualRole>; foreign: Foreign }> {
  const iam = await aws.iam();
  const listed = await allPages(
    (Marker) => read(aws, () => iam.listRoles({ PathPrefix: opsRolePath(scope.app, scope.stage), ...(Marker ? { Marker } : {}) })),
    (page) => page.Roles,
    (page) => (page.IsTruncated ? page.Marker : undefined),
  );
  const items: Record<string, ActualRole> = {};
  const foreign: Foreign = [];
  const names = listed.map((r) => r.RoleName!);
  const batch = names.length >= (opts.batchFrom ?? BATCH_ROLE_READS_FROM) ? await readRolesInBatch(aws, names) : undefined;
  const roles = batch ?? (await mapLimit(names, 8, (name) => readRole(aws, name)));
  for (const role of roles) {
    if (!role) continue;
    // The path only finds candidates: a hand-made role under /ops/{app}/{stage}/ is not ours, whatever its path.
    const reason = notOwnedReason(role.tags, scope.app, scope.stage);
    if (reason) foreign.push({ type: 'iam role', name: role.name, reason });
    else items[role.name] = role;
  }
  return { items, foreign };
}

/** One role with its trust policy, inline policies and attached policy ARNs; `undefined` when it is gone. */
export async function readRole(aws: Aws, roleName: string, expectedPolicy = ROLE_POLICY_NAME): Promise<ActualRole | undefined> {
  const iam = await aws.iam();
  const getPolicy = (PolicyName: string) =>
    read(aws, () => iam.getRolePolicy({ RoleName: roleName, PolicyName })).then((p) => parsePolicyDocument(p.PolicyDocument));
  // All at once, and the policy ops writes asked for before it is listed: IAM answers slowly (~100 ms),
  // and the role chain of three round trips was the longest path of every read of a stage.
  const [got, policyNames, attached, expected] = await Promise.all([
    orNotFound(read(aws, () => iam.getRole({ RoleName: roleName }))),
    orNotFound(
      allPages(
        (Marker) => read(aws, () => iam.listRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) })),
        (page) => page.PolicyNames,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      ),
    ),
    orNotFound(
      allPages<{ AttachedPolicies?: AttachedPolicy[]; IsTruncated?: boolean; Marker?: string }, AttachedPolicy>(
        (Marker) => read(aws, () => iam.listAttachedRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) })),
        (page) => page.AttachedPolicies,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      ),
    ),
    orNotFound(getPolicy(expectedPolicy)),
  ]);
  if (!got?.Role || !policyNames || !attached) return undefined;
  const inline = await Promise.all(
    policyNames.map(async (PolicyName) => {
      const doc = PolicyName === expectedPolicy && expected ? expected : await getPolicy(PolicyName);
      return [PolicyName, doc] as const;
    }),
  );
  return actualRole(got.Role, inline, attached);
}

/**
 * The named roles from GetAccountAuthorizationDetails, which carries each role's tags, inline policy
 * documents and attached policies; roles no longer there are left out. `undefined` when the identity
 * may not call it: the caller then reads role by role.
 */
export async function readRolesInBatch(aws: Aws, roleNames: readonly string[]): Promise<ActualRole[] | undefined> {
  const iam = await aws.iam();
  let details: RoleDetail[];
  try {
    details = await allPages(
      (Marker) => read(aws, () => iam.getAccountAuthorizationDetails({ Filter: ['Role'], MaxItems: 1000, ...(Marker ? { Marker } : {}) })),
      (page) => page.RoleDetailList,
      (page) => (page.IsTruncated ? page.Marker : undefined),
    );
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    throw error;
  }
  const byName = new Map(details.map((d) => [d.RoleName, d]));
  return roleNames.flatMap((name) => {
    const d = byName.get(name);
    if (!d) return [];
    const inline = (d.RolePolicyList ?? []).map((p) => [p.PolicyName!, parsePolicyDocument(p.PolicyDocument)] as const);
    return [actualRole(d, inline, d.AttachedManagedPolicies ?? [])];
  });
}

// Our client middleware turns AccessDenied into a UserError (the SDK error is its cause).
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const isAccessDenied = (error: unknown) => {
  const e = error as { name?: string; cause?: { name?: string } } | undefined;
  return ACCESS_DENIED.has(e?.name ?? '') || ACCESS_DENIED.has(e?.cause?.name ?? '');
};

function actualRole(role: Role | RoleDetail, inline: (readonly [string, PolicyDocument])[], attached: AttachedPolicy[]): ActualRole {
  return {
    name: role.RoleName!,
    arn: role.Arn!,
    path: role.Path ?? '/',
    trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument),
    inlinePolicies: Object.fromEntries(inline),
    attachedPolicyArns: attached
      .map((p) => p.PolicyArn!)
      .filter(Boolean)
      .sort(),
    tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
  };
}

// ---------------------------------------------------------------- Lambda

export async function readFunctions(
  aws: Aws,
  scope: Scope,
  opts: ReadOptions = {},
): Promise<{ items: Record<string, ActualFunction>; foreign: Foreign }> {
  const lambda = await aws.lambda();
  const prefix = `${scope.app}-${scope.stage}-`;
  const limit = createLimiter(opts.concurrency ?? 16);
  // One paginated listing of every version of every function saves a ListVersionsByFunction per
  // function; it pages 50 at a time, so the configured functions are read while it runs, and only
  // the names it adds (functions removed from the config) wait for it.
  const listing = allPages(
    (Marker) => read(aws, () => lambda.listFunctions({ FunctionVersion: 'ALL', MaxItems: 50, ...(Marker ? { Marker } : {}) })),
    (page) => page.Functions,
    (page) => page.NextMarker,
  );
  const reads = new Map<string, Promise<FunctionRead>>();
  const start = (name: string) => {
    if (reads.has(name)) return;
    const pending = limit(() => readFunctionCore(aws, name, scope));
    // Observed at once: a read may fail while the listing still pages, before anything awaits it.
    pending.catch(() => {});
    reads.set(name, pending);
  };
  for (const fn of [...(scope.functions ?? [])].sort((a, b) => compareNames(a.name, b.name))) start(fn.name);
  // A failed listing must not leave the reads started above unobserved.
  const listed = await listing.catch(async (err) => {
    await Promise.allSettled(reads.values());
    throw err;
  });
  const latest = new Set<string>();
  const versions = new Map<string, SdkFunctionConfiguration[]>();
  for (const f of listed) {
    const name = f.FunctionName;
    if (!name?.startsWith(prefix)) continue;
    if (f.Version === '$LATEST' || f.Version === undefined) latest.add(name);
    else versions.set(name, [...(versions.get(name) ?? []), f]);
  }
  for (const name of [...latest].sort(compareNames)) start(name);
  const items: Record<string, ActualFunction> = {};
  const foreign: Foreign = [];
  const desired = new Set((scope.functions ?? []).map((f) => f.name));
  // Every read settles before the first failure is thrown: none is left to reject unobserved.
  const settled = await Promise.allSettled(reads.values());
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const results = settled.map((r) => (r as PromiseFulfilledResult<FunctionRead>).value);
  for (const [i, name] of [...reads.keys()].entries()) {
    const r = results[i];
    if (!r) continue;
    if ('reason' in r) {
      // Another stage's own function is not worth a warning, unless the config wants its name.
      if (desired.has(r.name) || !isOtherStagesOwn(r.name, ownerOf(r.tags), scope.app, scope.stage))
        foreign.push({ type: 'lambda function', name: r.name, reason: r.reason });
    }
    // A function created after the listing page that would have named it has no listed versions: ask.
    else items[name] = withVersions(r, versions.get(name) ?? (latest.has(name) ? [] : await listVersions(aws, name)));
  }
  return { items, foreign };
}

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type NotOurs = { name: string; reason: string; tags: Record<string, string> };
type FunctionRead = Omit<ActualFunction, 'versions'> | NotOurs | undefined;

/**
 * One function: configuration, tags and reserved concurrency, the `live` alias and the resource
 * policy on it, and its published versions (from `listedVersions` when a listing has them).
 * `{ reason }` when it is not ours; `undefined` when it is gone.
 */
export async function readFunction(
  aws: Aws,
  name: string,
  scope: Scope,
  listedVersions?: SdkFunctionConfiguration[],
): Promise<ActualFunction | { name: string; reason: string } | undefined> {
  const r = await readFunctionCore(aws, name, scope);
  if (!r || 'reason' in r) return r && { name: r.name, reason: r.reason };
  return withVersions(r, listedVersions ?? (await listVersions(aws, name)));
}

async function listVersions(aws: Aws, name: string): Promise<SdkFunctionConfiguration[]> {
  const lambda = await aws.lambda();
  const versions = await orNotFound(
    allPages(
      (Marker) => read(aws, () => lambda.listVersionsByFunction({ FunctionName: name, ...(Marker ? { Marker } : {}) })),
      (page) => page.Versions?.filter((v) => v.Version !== '$LATEST'),
      (page) => page.NextMarker,
    ),
  );
  return versions ?? [];
}

function withVersions(r: Omit<ActualFunction, 'versions'>, versions: SdkFunctionConfiguration[]): ActualFunction {
  return {
    ...r,
    versions: versions
      .map((v) => ({
        version: v.Version!,
        codeSha256: v.CodeSha256 ?? '',
        config: mapFunctionConfiguration(v),
        ...(v.LastModified ? { lastModified: v.LastModified } : {}),
        ...(v.Description ? { description: v.Description } : {}),
      }))
      .sort(byVersionNumber),
  };
}

/** GetFunction, then (for a function of ours) GetAlias and GetPolicy of `live` together. */
async function readFunctionCore(aws: Aws, name: string, scope: Scope): Promise<FunctionRead> {
  const lambda = await aws.lambda();
  const got = await orNotFound(read(aws, () => lambda.getFunction({ FunctionName: name })));
  if (!got?.Configuration) return undefined;
  const tags = { ...(got.Tags ?? {}) };
  const reason = notOwnedReason(tags, scope.app, scope.stage);
  if (reason) return { name, reason, tags };

  const [alias, policy] = await Promise.all([
    orNotFound(read(aws, () => lambda.getAlias({ FunctionName: name, Name: LIVE_ALIAS }))),
    orNotFound(read(aws, () => lambda.getPolicy({ FunctionName: name, Qualifier: LIVE_ALIAS }))),
  ]);
  const c = got.Configuration;
  return {
    name,
    arn: c.FunctionArn!,
    config: mapFunctionConfiguration(c),
    codeSha256: c.CodeSha256 ?? '',
    ...(c.State ? { state: c.State } : {}),
    ...(c.LastUpdateStatus ? { lastUpdateStatus: c.LastUpdateStatus } : {}),
    ...(c.LastModified ? { lastModified: c.LastModified } : {}),
    tags,
    ...(alias?.FunctionVersion
      ? { alias: { version: alias.FunctionVersion, ...(alias.RevisionId ? { revisionId: alias.RevisionId } : {}) } }
      : {}),
    aliasPolicy: alias && policy?.Policy ? ((JSON.parse(policy.Policy) as { Statement?: PolicyStatement[] }).Statement ?? []) : [],
    ...(got.Concurrency?.ReservedConcurrentExecutions !== undefined
      ? { reservedConcurrency: got.Concurrency.ReservedConcurrentExecutions }
      : {}),
  };
}

// ---------------------------------------------------------------- CloudWatch Logs

const LAMBDA_LOG_PREFIX = '/aws/lambda/';

/**
 * The stage's log groups. The name prefix `/aws/lambda/{app}-{stage}-` only finds candidates (it also
 * finds stage `dev-x`'s under `dev`, and hand-made functions' groups). A group is ours when it is
 * exactly `/aws/lambda/<fn>` of a function that is ours by its tags (Lambda creates untagged groups
 * itself, so that rule needs no tags), else when it is tagged for app and stage: tags are read only
 * for the groups the first rule does not settle. Untagged groups not settled are left alone; those
 * of a desired function not created yet become ours with it (its create waits for the function).
 */
export async function readLogGroups(
  aws: Aws,
  scope: Scope,
  functions?: Promise<{ items: Record<string, ActualFunction>; foreign?: Foreign }>,
): Promise<{ items: Record<string, ActualLogGroup>; foreign: Foreign; unowned: string[] }> {
  const logs = await aws.logs();
  const listing = allPages(
    (nextToken) =>
      read(aws, () =>
        logs.describeLogGroups({
          logGroupNamePrefix: `${LAMBDA_LOG_PREFIX}${scope.app}-${scope.stage}-`,
          ...(nextToken ? { nextToken } : {}),
        }),
      ),
    (page) => page.logGroups,
    (page) => page.nextToken,
  );
  // Settle the listing before awaiting the functions, so a failed listing is never left unobserved.
  const [listed, fns] = await Promise.all([listing, functions ?? Promise.resolve(undefined)]);
  const owned = new Set(Object.keys(fns?.items ?? {}));
  const foreignFns = new Set((fns?.foreign ?? []).filter((f) => f.type === 'lambda function').map((f) => f.name));
  const desired = new Set((scope.functions ?? []).map((f) => f.name));
  const items: Record<string, ActualLogGroup> = {};
  const foreign: Foreign = [];
  const unowned: string[] = [];
  const entry = (g: (typeof listed)[number], tags?: Record<string, string>): ActualLogGroup => ({
    name: g.logGroupName!,
    ...(g.retentionInDays !== undefined ? { retentionDays: g.retentionInDays } : {}),
    ...(tags ? { tags } : {}),
  });
  const unsettled = listed.filter((g) => {
    if (!owned.has(g.logGroupName!.slice(LAMBDA_LOG_PREFIX.length))) return true;
    items[g.logGroupName!] = entry(g);
    return false;
  });
  const tagged = await mapLimit(unsettled, 8, async (g) => ({ g, tags: await logGroupTags(aws, g.logGroupName!, g.logGroupArn ?? g.arn) }));
  for (const { g, tags } of tagged) {
    if (!tags) continue; // deleted while we looked
    const name = g.logGroupName!;
    const fn = name.slice(LAMBDA_LOG_PREFIX.length);
    const reason = notOwnedReason(tags, scope.app, scope.stage);
    if (!reason) items[name] = entry(g, tags);
    else if (desired.has(fn)) unowned.push(name);
    // Reported unless another stage owns it, its function is reported already, or it is a desired function's.
    else if (!isOtherStagesOwn(fn, ownerOf(tags), scope.app, scope.stage) && !foreignFns.has(fn) && !desired.has(fn))
      foreign.push({ type: 'log group', name, reason });
  }
  return { items, foreign, unowned: unowned.sort() };
}

/** A log group's tags (by ARN: ListTagsForResource); `undefined` when it is gone. */
async function logGroupTags(aws: Aws, name: string, arn: string | undefined): Promise<Record<string, string> | undefined> {
  const logs = await aws.logs();
  const resourceArn = (arn ?? `arn:${aws.partition}:logs:${aws.region}:${await aws.accountId()}:log-group:${name}`).replace(/:\*$/, '');
  const out = await orNotFound(read(aws, () => logs.listTagsForResource({ resourceArn })));
  return out ? { ...(out.tags ?? {}) } : undefined;
}

// ---------------------------------------------------------------- API Gateway v2

export async function readApi(aws: Aws, scope: Scope): Promise<{ api?: ActualApi; foreign: Foreign }> {
  const apigw = await aws.apigw();
  const name = `${scope.app}-${scope.stage}`;
  const apis = await listApis(aws);
  const foreign: Foreign = [];
  const owned = apis
    .filter((a) => a.Name === name)
    .filter((a) => {
      const reason = notOwnedReason(a.Tags, scope.app, scope.stage);
      if (reason) foreign.push({ type: 'http api', name: `${name} (${a.ApiId})`, reason });
      return !reason;
    })
    .sort(compareApis);
  // Two owned APIs with one name: a create retried after its answer was lost, or two deploys racing.
  // The oldest is the stage's API (createApi agrees); the plan deletes the others.
  const api = owned[0];
  if (!api) return { foreign };
  const duplicates = owned.slice(1).map((a) => ({ id: a.ApiId!, endpoint: a.ApiEndpoint ?? '' }));

  const ApiId = api.ApiId!;
  const [integrations, routes, stages, accountId] = await Promise.all([
    allPages<{ Items?: Integration[]; NextToken?: string }, Integration>(
      (NextToken) => read(aws, () => apigw.getIntegrations({ ApiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    ),
    allPages<{ Items?: Route[]; NextToken?: string }, Route>(
      (NextToken) => read(aws, () => apigw.getRoutes({ ApiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    ),
    allPages<{ Items?: Stage[]; NextToken?: string }, Stage>(
      (NextToken) => read(aws, () => apigw.getStages({ ApiId, ...(NextToken ? { NextToken } : {}) })),
      (page) => page.Items,
      (page) => page.NextToken,
    ),
    aws.accountId(),
  ]);
  const cors = mapCors(api.CorsConfiguration);
  return {
    foreign,
    api: {
      id: ApiId,
      name: api.Name!,
      endpoint: api.ApiEndpoint ?? '',
      arnPrefix: `arn:${aws.partition}:execute-api:${aws.region}:${accountId}:${ApiId}`,
      ...(cors ? { cors } : {}),
      tags: { ...(api.Tags ?? {}) },
      integrations: integrations.map((i) => ({
        id: i.IntegrationId!,
        uri: i.IntegrationUri ?? '',
        ...(i.PayloadFormatVersion ? { payloadFormatVersion: i.PayloadFormatVersion } : {}),
        ...(i.IntegrationType ? { type: i.IntegrationType } : {}),
      })),
      routes: routes.map((r) => ({ id: r.RouteId!, key: r.RouteKey!, ...(r.Target ? { target: r.Target } : {}) })),
      stages: stages.map((s) => ({ name: s.StageName!, autoDeploy: s.AutoDeploy ?? false })),
      ...(duplicates.length ? { duplicates } : {}),
    },
  };
}
