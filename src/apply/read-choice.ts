import type { FunctionSpec } from '../config/types.js';
import type { Actual } from '../model/actual.js';
import type { LeasePeek } from './lease.js';
import { isOwnRelease, type OwnRelease } from './own-release.js';

/*
 * Which read of AWS a deploy may plan from (src/apply/deploy.ts preparePlan): the one made beside the look at the
 * stage's lease, or one made again after it, and when the lease may be taken before the read ends. Pure.
 */

/**
 * A selected function of the stage's own runs other code than the one built: the deploy will write (the edit
 * loop's deploy), so the lease can be taken before the read ends. Only a hint for when to take it: the take's
 * epoch check and the plan decide what happens, as when the lease is taken after the plan. A function that is new
 * or not the stage's gives no hint: a new stage, an adoption or a name another stage holds waits for the plan,
 * whose refusals then come before any write, the lease included.
 */
export function codeWillChange(fns: FunctionSpec[], artifacts: { key: string; codeSha256: string }[], have: Actual['functions']): boolean {
  const built = new Map(artifacts.map((a) => [a.key, a.codeSha256]));
  return fns.some((f) => {
    const sha = built.get(f.key);
    const there = have[f.name];
    return sha !== undefined && there !== undefined && !there.notOwned && there.codeSha256 !== sha;
  });
}

/** The read found none of the stage's functions, roles, log groups or APIs: a new stage (or one destroyed whole). */
export const nothingOfTheStage = (a: Actual) =>
  ![a.functions, a.roles, a.logGroups, a.apis ?? {}, a.restApis ?? {}].some((m) => Object.keys(m).length) && !a.api && !a.restApi;

/**
 * Slack for the epoch's date: a whole second may be one rounded down (a second of slack); a date with its
 * milliseconds (AWS's and moto's LastModifiedDate have them) needs only a little.
 */
const slackFor = (date: number) => (date % 1_000 === 0 ? 1_000 : 50);

/** The read to plan from: the one made beside the look, or one made after it (`afterLook`); none while the lease is held. */
export interface ChosenRead {
  actual?: Promise<Actual>;
  afterLook: boolean;
}

/** Another run took the lease after the look: the epoch moved by more than this run's take. */
export const epochMoved = (seen: LeasePeek, epoch: number) =>
  epoch !== seen.epoch + 1 ? `lease epoch ${seen.epoch} -> ${epoch}: another run took the stage lease while this one read` : undefined;

/**
 * What the look alone tells against the read made beside it (see `staleRead`, which adds the epoch at the
 * take and the new-stage case): the epoch undated, or dated after the read began.
 */
export function earlyReadDoubt(seen: LeasePeek, readFromAws: number | undefined, own?: OwnRelease): string | undefined {
  // The epoch is where this checkout's last run left it as it released the lease, before this run began.
  if (isOwnRelease(seen, own)) return undefined;
  if (seen.epochMovedAt === undefined) return seen.epoch ? 'the lease epoch has no date' : undefined;
  if (readFromAws === undefined) return 'AWS answered without a date';
  if (seen.epochMovedAt + slackFor(seen.epochMovedAt) >= readFromAws)
    return 'another run released the stage lease as this one began to read';
  return undefined;
}

/**
 * Why a read made beside the look at the lease cannot be planned from, now that this run holds the
 * lease at `epoch`; `undefined` when it can. It can when no run took the lease after the look (the epoch
 * moved on by this run's take only) and the last run before the look had released it before the read
 * began: every run moves the epoch as it takes and as it releases the lease, after its last write, so
 * the epoch's date (AWS's clock) older than the read's start (AWS's clock, a lower bound from the
 * answers' dates) says that no write of another run landed during the read.
 */
export function staleRead(
  seen: LeasePeek,
  epoch: number,
  readFromAws: number | undefined,
  opts: { emptyStage?: boolean; own?: OwnRelease } = {},
): string | undefined {
  const moved = epochMoved(seen, epoch);
  if (moved) return moved;
  // No epoch: no run ever took the lease (a new stage), or a destroy forgot the stage as it finished. A read
  // that found nothing of the stage is the same either way (a destroy leaves nothing to plan from); one that
  // found something may have seen a destroy half-way: nothing dates its last writes.
  if (seen.epochMovedAt === undefined && !seen.epoch)
    return opts.emptyStage ? undefined : 'the stage has no lease epoch yet, and the read found some of it';
  return earlyReadDoubt(seen, readFromAws, opts.own);
}
