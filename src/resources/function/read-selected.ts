import type { Aws } from '../../aws/clients.js';
import { type InventoryScope, readInventory, updateInventory } from '../../aws/inventory.js';
import { readFunction } from '../../aws/lambda-read.js';
import { mapLimit } from '../../aws/pool.js';
import { ownershipTags, S3_SID_PREFIX } from '../../config/naming.js';
import type { Actual, ActualFunction, ReadScope } from '../../model/actual.js';
import { inventoryNames } from '../../model/inventory.js';

/** The stage inventory's kind for functions whose `live` a shift left (or may have left) split. */
export const SPLIT_KIND = 'split';

/**
 * The functions of a selection (`ops deploy fn`, `scope.only`), each read by name as after a write (GetFunction,
 * GetAlias, GetPolicy and ListVersionsByFunction at once): no listing of the account's functions. Besides them, the
 * configured functions the stage inventory lists as shifting: a selection's plan still resolves their split `live`
 * (planOtherSplits), and a shift lists its function there before it splits `live` (src/apply/shift-ports.ts).
 * Everything else of the stage is left unread, as the selection's plan leaves it alone.
 */
export async function readSelectedFunctions(
  aws: Aws,
  scope: ReadScope & { only: readonly string[] },
  concurrency = 16,
): Promise<{ items: Record<string, ActualFunction>; foreign: Actual['foreign']; shifting: string[] }> {
  const claimable = new Set((scope.functions ?? []).filter((f) => f.keptName || f.adopt).map((f) => f.name));
  const readAll = (names: readonly string[]) =>
    mapLimit(names, concurrency, (name) => readFunction(aws, name, scope, { ours: true, claim: claimable.has(name) }));
  // The selection is read at once, not after the inventory: that look is a round trip of its own.
  const first = readAll(nowNames(scope));
  first.catch(() => {}); // awaited below
  const shifting = await shiftingNames(aws, scope).catch(async (error) => {
    await first.catch(() => {});
    throw error;
  });
  const later = [...new Set([...nowNames(scope), ...shifting])].sort();
  const read = [...(await first), ...(await readAll(later.filter((n) => !nowNames(scope).includes(n))))];
  const items: Record<string, ActualFunction> = {};
  const foreign: Actual['foreign'] = [];
  for (const r of read) {
    if (!r) continue;
    // Every name read here is a configured one: one that is not ours is reported, as the stage read does.
    if ('reason' in r) foreign.push({ type: 'lambda function', name: r.name, reason: r.reason });
    else items[r.name] = r;
  }
  return { items, foreign, shifting };
}

/**
 * The configured functions the stage inventory lists as shifting, sorted: besides the selection, the functions a
 * selection reads (with the Lambda authorizers' functions: a selection's deploy that creates a missing authorizer
 * grants its function too, which must exist), and the only other ones whose split `live` its plan resolves.
 */
export async function shiftingNames(aws: Aws, scope: ReadScope): Promise<string[]> {
  const inventory = scope.inventory ? await scope.inventory : await readInventory(aws, scope);
  const configured = new Set((scope.functions ?? []).map((f) => f.name));
  return inventoryNames(inventory, SPLIT_KIND)
    .filter((n) => configured.has(n))
    .sort();
}

/** What is known before the inventory: the selection and the Lambda authorizers' functions. */
function nowNames(scope: ReadScope & { only: readonly string[] }): string[] {
  const authorizers = [scope.api, ...(scope.apis ?? [])]
    .flatMap((a) => a?.authorizers ?? [])
    .flatMap((a) => (a.type === 'lambda' ? [a.functionName] : []));
  return [...new Set([...scope.only, ...authorizers])].sort();
}

/**
 * True when a selection's plan needs the stage's other functions after all: S3 notifications are ours only when they
 * target one of the stage's functions (src/resources/s3-notification/plan.ts), and a bucket's entries for the other
 * functions are carried over into the configuration written back; so a fleet with S3 triggers, or a selected function
 * still holding an S3 permission, reads the whole stage's functions.
 */
export function needsStageFunctions(scope: ReadScope, read?: Record<string, ActualFunction>): boolean {
  if ((scope.functions ?? []).some((f) => f.triggers.some((t) => t.kind === 's3'))) return true;
  return Object.values(read ?? {}).some((f) => f.aliasPolicy.some((s) => s.Sid?.startsWith(S3_SID_PREFIX)));
}

/**
 * Lists a function as shifting before its `live` is first split, so that a selection's read finds it (and a run
 * killed mid-shift leaves it listed); taken out once `live` is on one version again. A name left listed (a failed
 * edit) only costs the next selection one function read.
 */
export const markShifting = (aws: Aws, ref: InventoryScope, name: string, shifting: boolean) =>
  updateInventory(aws, ref, SPLIT_KIND, shifting ? { add: [name] } : { remove: [name] }, ownershipTags(ref.app, ref.stage));
