import type { Aws } from '../../aws/clients.js';
import { type InventoryScope, readInventory, updateInventory } from '../../aws/inventory.js';
import { readFunction } from '../../aws/lambda-read.js';
import { mapLimit } from '../../aws/pool.js';
import { ownershipTags } from '../../config/naming.js';
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
): Promise<{ items: Record<string, ActualFunction>; foreign: Actual['foreign'] }> {
  const names = await selectedNames(aws, scope);
  const claimable = new Set((scope.functions ?? []).filter((f) => f.keptName || f.adopt).map((f) => f.name));
  const read = await mapLimit(names, concurrency, (name) => readFunction(aws, name, scope, { ours: true, claim: claimable.has(name) }));
  const items: Record<string, ActualFunction> = {};
  const foreign: Actual['foreign'] = [];
  for (const r of read) {
    if (!r) continue;
    // Every name read here is a configured one: one that is not ours is reported, as the stage read does.
    if ('reason' in r) foreign.push({ type: 'lambda function', name: r.name, reason: r.reason });
    else items[r.name] = r;
  }
  return { items, foreign };
}

/** The selection, and the configured functions the inventory lists as shifting, sorted. */
async function selectedNames(aws: Aws, scope: ReadScope & { only: readonly string[] }): Promise<string[]> {
  const inventory = scope.inventory ? await scope.inventory : await readInventory(aws, scope);
  const configured = new Set((scope.functions ?? []).map((f) => f.name));
  const shifting = inventoryNames(inventory, SPLIT_KIND).filter((n) => configured.has(n));
  return [...new Set([...scope.only, ...shifting])].sort();
}

/**
 * Lists a function as shifting before its `live` is first split, so that a selection's read finds it (and a run
 * killed mid-shift leaves it listed); taken out once `live` is on one version again. A name left listed (a failed
 * edit) only costs the next selection one function read.
 */
export const markShifting = (aws: Aws, ref: InventoryScope, name: string, shifting: boolean) =>
  updateInventory(aws, ref, SPLIT_KIND, shifting ? { add: [name] } : { remove: [name] }, ownershipTags(ref.app, ref.stage));
