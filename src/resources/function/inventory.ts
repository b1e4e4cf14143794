import type { Aws } from '../../aws/clients.js';
import { readInventory, updateInventory } from '../../aws/inventory.js';
import { ownershipTags } from '../../config/naming.js';
import type { ReadScope } from '../../model/actual.js';
import { inventoryNames } from '../../model/inventory.js';
import type { InventoryRef } from './plan-adopt.js';

/** The stage inventory's kind for functions. */
const KIND = 'function';

/**
 * The kept names the stage inventory lists, for the function read to look at. From the lease look when the run
 * made one (no call of its own); otherwise read only when the config keeps names, so that read-only commands of a
 * fleet without kept names still make no SSM call.
 */
export function inventoryFunctions(aws: Aws, scope: ReadScope): Promise<readonly string[]> | undefined {
  if (scope.inventory) return scope.inventory.then((inv) => inventoryNames(inv, KIND));
  if (!(scope.functions ?? []).some((f) => f.keptName || f.adopt)) return undefined;
  return readInventory(aws, scope).then((inv) => inventoryNames(inv, KIND));
}

/** Lists a kept-name function in the stage inventory (before it is created or adopted). */
export const listInInventory = (aws: Aws, ref: InventoryRef, name: string) =>
  updateInventory(aws, ref, KIND, { add: [name] }, ownershipTags(ref.app, ref.stage));

/** Takes a function out of the stage inventory (after it is deleted or released). */
export const dropFromInventory = (aws: Aws, ref: InventoryRef, name: string) =>
  updateInventory(aws, ref, KIND, { remove: [name] }, ownershipTags(ref.app, ref.stage));
