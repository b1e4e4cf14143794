import type {
  GetAliasCommandOutput,
  GetPolicyCommandOutput,
  FunctionConfiguration as SdkFunctionConfiguration,
} from '@aws-sdk/client-lambda';
import {
  isOtherStagesOwn,
  LIVE_ALIAS,
  notOwnedReason,
  ownerOf,
  POLICY_MARKER_TAG,
  RESERVED_MARKER_TAG,
  URL_MARKER_TAG,
} from '../config/naming.js';
import type { FunctionSpec } from '../config/types.js';
import type { Actual, ActualFunction, PolicyStatement, ReadScope } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { routingOf } from './lambda-shift.js';
import { byVersionNumber, mapFunctionConfiguration } from './map.js';
import { allPages, createLimiter } from './pool.js';
import { read } from './retry.js';
import { stageFunctionTags } from './tagging.js';

type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

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
  // function, and its `$LATEST` entries are the configurations: no GetFunction for a function whose
  // tags the tagging API returns.
  const listing = allPages(
    (Marker) => read(aws, () => lambda.listFunctions({ FunctionVersion: 'ALL', MaxItems: 50, ...(Marker ? { Marker } : {}) })),
    (page) => page.Functions,
    (page) => page.NextMarker,
  );
  const tagged = scope.detail ? Promise.resolve(undefined) : stageFunctionTags(aws, scope.app, scope.stage);
  const configured = new Map((scope.functions ?? []).map((f) => [f.name, f]));
  // A configured function is almost always ours: its `live` alias (and the policy, when its config marks one) is
  // asked beside the listings rather than after them.
  const early = new Map<string, LiveReads>();
  for (const fn of [...configured.values()].sort((a, b) => compareNames(a.name, b.name)))
    early.set(fn.name, liveReads(aws, limit, fn.name, { policy: fn.holdsStatements === true }));
  const reads = new Map<string, Promise<FunctionRead>>();
  // A configured kept name (or `adopt: true`) is read whole even when not ours: the plan adopts or refuses it.
  const claimable = new Set((scope.functions ?? []).filter((f) => f.keptName || f.adopt).map((f) => f.name));
  const start = (name: string, entry: SdkFunctionConfiguration | undefined, tags: Map<string, Record<string, string>> | undefined) => {
    if (reads.has(name)) return;
    const own = entry && tags?.get(name);
    const pending = own
      ? fromListing(aws, limit, entry, own, configured.get(name), early.get(name))
      : limit(() => readFunctionCore(aws, name, scope, early.get(name), claimable.has(name)));
    // Observed at once: a read may fail while others are still started.
    pending.catch(() => {});
    reads.set(name, pending);
  };
  // Without the tagging API (not allowed, not served, or `detail`), each configured function is read at once.
  tagged.then(
    (t) => {
      if (!t) for (const name of early.keys()) start(name, undefined, undefined);
    },
    () => {},
  );
  // A failed listing must not leave the reads started above unobserved.
  const [listed, also, tags] = await Promise.all([listing, opts.also ?? [], tagged]).catch(async (err) => {
    await Promise.allSettled([...reads.values(), ...[...early.values()].flatMap((e) => [e.alias, e.policy])]);
    throw err;
  });
  // Kept names sit outside the prefix: the configured ones and the inventory's are taken from the listing too.
  const outside = new Set([...claimable, ...also]);
  const latest = new Map<string, SdkFunctionConfiguration>();
  const versions = new Map<string, SdkFunctionConfiguration[]>();
  for (const f of listed) {
    const name = f.FunctionName;
    if (!name || (!name.startsWith(prefix) && !outside.has(name))) continue;
    if (f.Version === '$LATEST' || f.Version === undefined) latest.set(name, f);
    else versions.set(name, [...(versions.get(name) ?? []), f]);
  }
  // A configured function the listing lacks is asked by name (one created since the listing's page is found).
  for (const name of [...new Set([...latest.keys(), ...configured.keys()])].sort(compareNames)) start(name, latest.get(name), tags);
  const items: Record<string, ActualFunction> = {};
  const foreign: Foreign = [];
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
      if (configured.has(r.name) || !isOtherStagesOwn(r.name, ownerOf(r.tags), scope.app, scope.stage))
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
  const early = opts.ours ? liveReads(aws, (f) => f(), name, { policy: true }) : undefined;
  const r = await readFunctionCore(aws, name, scope, early, opts.claim);
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

/** The reads of a function's `live` alias and its policy, started before the function is known to be ours. */
interface LiveReads {
  alias: Promise<GetAliasCommandOutput | undefined>;
  /** Only started when the config marks the function as holding statements (POLICY_MARKER_TAG). */
  policy?: Promise<GetPolicyCommandOutput | undefined>;
}

function liveReads(aws: Aws, limit: Limit, name: string, opts: { policy: boolean }): LiveReads {
  const out: LiveReads = { alias: limit(() => getLiveAlias(aws, name)) };
  if (opts.policy) out.policy = limit(() => getLivePolicy(aws, name));
  // Dropped unread when the function turns out not to be ours (errors included).
  out.alias.catch(() => {});
  out.policy?.catch(() => {});
  return out;
}

const getLiveAlias = async (aws: Aws, name: string) => {
  const lambda = await aws.lambda();
  return orNotFound(read(aws, () => lambda.getAlias({ FunctionName: name, Name: LIVE_ALIAS })));
};

const getLivePolicy = async (aws: Aws, name: string) => {
  const lambda = await aws.lambda();
  return orNotFound(read(aws, () => lambda.getPolicy({ FunctionName: name, Qualifier: LIVE_ALIAS })));
};

/**
 * Whether the `live` policy must be asked for: the function is marked as holding ops's statements, or the config
 * wants some (ops marks a function before its first statement and unmarks it after its last: naming.ts).
 */
const policyWanted = (tags: Record<string, string>, fn: FunctionSpec | undefined) =>
  tags[POLICY_MARKER_TAG] !== undefined || tags[URL_MARKER_TAG] !== undefined || fn?.holdsStatements === true;

/** Likewise reserved concurrency, which only GetFunction and GetFunctionConcurrency report. */
const reservedWanted = (tags: Record<string, string>, fn: FunctionSpec | undefined) =>
  tags[RESERVED_MARKER_TAG] !== undefined || fn?.reservedConcurrency !== undefined;

/**
 * A function of ours that the listing and the tagging API have already described: its configuration and code hash
 * are the listing's `$LATEST` entry, its tags the tagging API's; only `live` (and, where marked, its policy and the
 * reserved concurrency) is asked of Lambda.
 */
async function fromListing(
  aws: Aws,
  limit: Limit,
  c: SdkFunctionConfiguration,
  tags: Record<string, string>,
  fn: FunctionSpec | undefined,
  early: LiveReads | undefined,
): Promise<FunctionRead> {
  const name = c.FunctionName!;
  const lambda = await aws.lambda();
  const [alias, policy, reserved] = await Promise.all([
    early?.alias ?? limit(() => getLiveAlias(aws, name)),
    policyWanted(tags, fn) ? (early?.policy ?? limit(() => getLivePolicy(aws, name))) : undefined,
    reservedWanted(tags, fn) ? limit(() => orNotFound(read(aws, () => lambda.getFunctionConcurrency({ FunctionName: name })))) : undefined,
  ]);
  return toActual(c, tags, { alias, policy, reserved: reserved?.ReservedConcurrentExecutions });
}

/**
 * GetFunction and, for a function of ours, GetAlias of `live` (and GetPolicy where marked). `early`: the alias (and
 * policy) already asked, for a configured function; the reads of one that turns out not to be ours are dropped
 * unread. A name only the listing found waits for its tags first.
 */
async function readFunctionCore(aws: Aws, name: string, scope: Scope, early?: LiveReads, claim = false): Promise<FunctionRead> {
  const lambda = await aws.lambda();
  const got = await orNotFound(read(aws, () => lambda.getFunction({ FunctionName: name })));
  if (!got?.Configuration) return undefined;
  const tags = { ...(got.Tags ?? {}) };
  const reason = notOwnedReason(tags, scope.app, scope.stage);
  if (reason && !claim) return { name, reason, tags };
  const fn = scope.functions?.find((f) => f.name === name);
  const [alias, policy] = await Promise.all([
    early?.alias ?? getLiveAlias(aws, name),
    policyWanted(tags, fn) ? (early?.policy ?? getLivePolicy(aws, name)) : undefined,
  ]);
  return {
    ...toActual(got.Configuration, tags, { alias, policy, reserved: got.Concurrency?.ReservedConcurrentExecutions }),
    ...(reason ? { notOwned: true as const } : {}),
  };
}

/** The model of one function of ours (or one claimed) from what Lambda said of it. */
function toActual(
  c: SdkFunctionConfiguration,
  tags: Record<string, string>,
  live: { alias?: GetAliasCommandOutput; policy?: GetPolicyCommandOutput; reserved?: number },
): Omit<ActualFunction, 'versions'> {
  const { alias, policy } = live;
  return {
    name: c.FunctionName!,
    // The listing's `$LATEST` entry names its ARN with the qualifier (`…:function:<name>:$LATEST`).
    arn: c.FunctionArn!.split(':').slice(0, 7).join(':'),
    config: mapFunctionConfiguration(c),
    codeSha256: c.CodeSha256 ?? '',
    ...(c.State ? { state: c.State } : {}),
    ...(c.LastUpdateStatus ? { lastUpdateStatus: c.LastUpdateStatus } : {}),
    ...(c.LastModified ? { lastModified: c.LastModified } : {}),
    tags,
    ...(alias?.FunctionVersion
      ? { alias: { version: alias.FunctionVersion, ...(alias.RevisionId ? { revisionId: alias.RevisionId } : {}), ...routingOf(alias) } }
      : {}),
    aliasPolicy: alias && policy?.Policy ? ((JSON.parse(policy.Policy) as { Statement?: PolicyStatement[] }).Statement ?? []) : [],
    ...(live.reserved !== undefined ? { reservedConcurrency: live.reserved } : {}),
  };
}
