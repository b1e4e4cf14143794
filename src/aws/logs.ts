import { isOtherStagesOwn, logGroupArn, notOwnedReason, ownerOf } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { Actual, ActualFunction, ActualLogGroup, ReadScope } from '../model/actual.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, isNotFound, orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';

type Foreign = Actual['foreign'];

/** Writers for the functions' log groups (created by ops so they get a retention; Lambda's own never expire). */

/**
 * CreateLogGroup with tags, then its retention. One that exists already (Lambda creates it on the
 * first invocation) is tagged and taken over when it is untagged or ours; one tagged for another
 * app or stage is refused, never changed.
 */
export async function createLogGroup(
  aws: Aws,
  name: string,
  retentionDays: number | undefined,
  tags: Record<string, string> = {},
): Promise<void> {
  const logs = await aws.logs();
  try {
    await aws.write(() => logs.createLogGroup({ logGroupName: name, ...(Object.keys(tags).length > 0 ? { tags } : {}) }));
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    await adoptLogGroup(aws, name, tags, error);
  }
  await setRetention(aws, name, retentionDays);
}

async function adoptLogGroup(aws: Aws, name: string, tags: Record<string, string>, cause: unknown): Promise<void> {
  const logs = await aws.logs();
  const resourceArn = logGroupArn(aws.region, await aws.accountId(), name);
  const have = (await read(aws, () => logs.listTagsForResource({ resourceArn }))).tags ?? {};
  const owner = ownerOf(have);
  const want = ownerOf(tags);
  if ((owner.app !== undefined || owner.stage !== undefined) && (owner.app !== want.app || owner.stage !== want.stage)) {
    throw new UserError(`log group ${name} already exists and is tagged for app ${owner.app ?? '?'} stage ${owner.stage ?? '?'}`, {
      hint: 'ops leaves it alone: delete or rename the function that collides with it',
      cause,
    });
  }
  const missing = Object.fromEntries(Object.entries(tags).filter(([k, v]) => have[k] !== v));
  if (Object.keys(missing).length > 0) await aws.write(() => logs.tagResource({ resourceArn, tags: missing }));
}

export async function putRetention(aws: Aws, name: string, retentionDays: number): Promise<void> {
  const logs = await aws.logs();
  await aws.write(() => logs.putRetentionPolicy({ logGroupName: name, retentionInDays: retentionDays }));
}

/** Days, or undefined: no retention policy (logs never expire), deleting the one there is (none there is fine). */
export async function setRetention(aws: Aws, name: string, retentionDays: number | undefined): Promise<void> {
  if (retentionDays !== undefined) return putRetention(aws, name, retentionDays);
  const logs = await aws.logs();
  try {
    await aws.write(() => logs.deleteRetentionPolicy({ logGroupName: name }));
  } catch (error) {
    // A group that has no policy answers ResourceNotFoundException on some endpoints: already what we want.
    if (!isNotFound(error)) throw error;
  }
}

/** Deletes a log group and its logs (`destroy` only). One already gone is fine. */
export async function deleteLogGroup(aws: Aws, name: string): Promise<void> {
  const logs = await aws.logs();
  try {
    await aws.write(() => logs.deleteLogGroup({ logGroupName: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

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
  scope: ReadScope,
  functions?: Promise<{ items: Record<string, ActualFunction>; foreign?: Foreign }>,
): Promise<{ items: Record<string, ActualLogGroup>; foreign: Foreign; unowned: string[] }> {
  const logs = await aws.logs();
  // A selection (`ops deploy fn`) looks up its own functions' groups by name: nothing else of the stage is planned.
  const selected = scope.only && new Set(scope.only);
  const listing = selected
    ? groupsNamed(
        aws,
        (scope.functions ?? []).filter((f) => selected.has(f.name)).map((f) => f.logGroup),
      )
    : allPages(
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
  // Kept function names sit outside the prefix: each one's group is looked up by its own name.
  const kept = selected ? Promise.resolve([]) : keptLogGroups(aws, scope);
  // Settle the listing before awaiting the functions, so a failed listing is never left unobserved.
  const [prefixed, fns, outside] = await Promise.all([listing, functions ?? Promise.resolve(undefined), kept]);
  const listed = [...prefixed, ...outside];
  // A function read only to be adopted or refused (notOwned) does not make its group ours: its tags decide.
  const owned = new Set(Object.values(fns?.items ?? {}).flatMap((f) => (f.notOwned ? [] : [f.name])));
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

/** The log groups of the configured functions with kept names (outside the `{app}-{stage}-` prefix), by exact name. */
async function keptLogGroups(aws: Aws, scope: ReadScope) {
  const prefix = `${LAMBDA_LOG_PREFIX}${scope.app}-${scope.stage}-`;
  const names = (scope.functions ?? []).map((f) => f.logGroup).filter((n) => !n.startsWith(prefix));
  return groupsNamed(aws, names);
}

/** The groups of these exact names (DescribeLogGroups by each name as a prefix, one call each). */
async function groupsNamed(aws: Aws, names: readonly string[]) {
  if (!names.length) return [];
  const logs = await aws.logs();
  const found = await mapLimit(names, 8, async (name) => {
    const page = await read(aws, () => logs.describeLogGroups({ logGroupNamePrefix: name }));
    return (page.logGroups ?? []).filter((g) => g.logGroupName === name);
  });
  return found.flat();
}

/** A log group's tags (by ARN: ListTagsForResource); `undefined` when it is gone. */
async function logGroupTags(aws: Aws, name: string, arn: string | undefined): Promise<Record<string, string> | undefined> {
  const logs = await aws.logs();
  const resourceArn = (arn ?? logGroupArn(aws.region, await aws.accountId(), name)).replace(/:\*$/, '');
  const out = await orNotFound(read(aws, () => logs.listTagsForResource({ resourceArn })));
  return out ? { ...(out.tags ?? {}) } : undefined;
}
