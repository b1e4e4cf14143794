import type { FunctionConfiguration as SdkFunctionConfiguration } from '@aws-sdk/client-lambda';
import { isOtherStagesOwn, LIVE_ALIAS, notOwnedReason, ownerOf } from '../config/naming.js';
import type { Actual, ActualFunction, PolicyStatement, ReadScope } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { routingOf } from './lambda-shift.js';
import { byVersionNumber, mapFunctionConfiguration } from './map.js';
import { allPages, createLimiter } from './pool.js';
import { read } from './retry.js';

/** Reads of the stage's Lambda functions: configuration, tags, the `live` alias, its policy, versions. */

export interface ReadOptions {
  /** Per-function reads in flight (GetFunction, GetAlias, GetPolicy). Default 16. */
  concurrency?: number;
  /**
   * Names outside the `{app}-{stage}-` prefix to look at too (the stage inventory: kept names that may have left
   * the config); each is ours only if its tags say so.
   */
  also?: Promise<readonly string[]>;
}

type Foreign = Actual['foreign'];
type Scope = ReadScope;

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
  // A configured kept name (or `adopt: true`) is read whole even when not ours: the plan adopts or refuses it.
  const claimable = new Set((scope.functions ?? []).filter((f) => f.keptName || f.adopt).map((f) => f.name));
  const start = (name: string, configured = false) => {
    if (reads.has(name)) return;
    const pending = limit(() => readFunctionCore(aws, name, scope, configured, claimable.has(name)));
    // Observed at once: a read may fail while the listing still pages, before anything awaits it.
    pending.catch(() => {});
    reads.set(name, pending);
  };
  for (const fn of [...(scope.functions ?? [])].sort((a, b) => compareNames(a.name, b.name))) start(fn.name, true);
  // A failed listing must not leave the reads started above unobserved.
  const [listed, also] = await Promise.all([listing, opts.also ?? []]).catch(async (err) => {
    await Promise.allSettled(reads.values());
    throw err;
  });
  // Kept names sit outside the prefix: the configured ones and the inventory's are taken from the listing too.
  const outside = new Set([...claimable, ...also]);
  const latest = new Set<string>();
  const versions = new Map<string, SdkFunctionConfiguration[]>();
  for (const f of listed) {
    const name = f.FunctionName;
    if (!name || (!name.startsWith(prefix) && !outside.has(name))) continue;
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
  opts: { listedVersions?: SdkFunctionConfiguration[]; ours?: boolean; claim?: boolean } = {},
): Promise<ActualFunction | { name: string; reason: string; tags: Record<string, string> } | undefined> {
  // A function this run has just written (`ours`) is read in one round trip: its alias, policy and versions go
  // beside GetFunction (the verification read after a code change is on the deploy's longest path).
  const versions = opts.listedVersions ? Promise.resolve(opts.listedVersions) : opts.ours ? listVersions(aws, name) : undefined;
  versions?.catch(() => {});
  // `claim`: a kept name or `adopt: true` is read whole even when not ours (the plan adopts or refuses it).
  const r = await readFunctionCore(aws, name, scope, opts.ours, opts.claim);
  if (!r || 'reason' in r) return r && { name: r.name, reason: r.reason, tags: r.tags };
  return withVersions(r, await (versions ?? listVersions(aws, name)));
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

/**
 * GetFunction and, for a function of ours, GetAlias and GetPolicy of `live`. For a function the config
 * names (`together`), all three go at once: it is almost always ours, and the chain of two round trips
 * was on the longest path of a no-op deploy; the alias and policy of one that turns out not to be ours
 * are dropped unread (errors included). A name only the listing found waits for its tags first.
 */
async function readFunctionCore(aws: Aws, name: string, scope: Scope, together = false, claim = false): Promise<FunctionRead> {
  const lambda = await aws.lambda();
  const liveParts = () =>
    Promise.all([
      orNotFound(read(aws, () => lambda.getAlias({ FunctionName: name, Name: LIVE_ALIAS }))),
      orNotFound(read(aws, () => lambda.getPolicy({ FunctionName: name, Qualifier: LIVE_ALIAS }))),
    ]);
  const early = together ? liveParts() : undefined;
  early?.catch(() => {});
  const got = await orNotFound(read(aws, () => lambda.getFunction({ FunctionName: name })));
  if (!got?.Configuration) return undefined;
  const tags = { ...(got.Tags ?? {}) };
  const reason = notOwnedReason(tags, scope.app, scope.stage);
  if (reason && !claim) return { name, reason, tags };

  const [alias, policy] = await (early ?? liveParts());
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
    ...(reason ? { notOwned: true as const } : {}),
    ...(alias?.FunctionVersion
      ? { alias: { version: alias.FunctionVersion, ...(alias.RevisionId ? { revisionId: alias.RevisionId } : {}), ...routingOf(alias) } }
      : {}),
    aliasPolicy: alias && policy?.Policy ? ((JSON.parse(policy.Policy) as { Statement?: PolicyStatement[] }).Statement ?? []) : [],
    ...(got.Concurrency?.ReservedConcurrentExecutions !== undefined
      ? { reservedConcurrency: got.Concurrency.ReservedConcurrentExecutions }
      : {}),
  };
}
