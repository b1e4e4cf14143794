import type { Aws } from '../aws/clients.js';
import { readInventory, updateInventory } from '../aws/inventory.js';
import { ownershipTags } from '../config/naming.js';
import type { ReadScope } from '../model/actual.js';
import { inventoryNames } from '../model/inventory.js';
import type { InventoryRef } from './plan-inventory.js';

/*
 * The stage inventory (src/model/inventory.ts) for kinds other than functions: rules and alarms with a kept name
 * outside `{app}-{stage}-` are listed when ops creates or adopts them, so one that left the config is still found
 * (and deleted or released by its tags), and taken out once it is gone or released.
 */

/**
 * The names of `kind` the inventory lists: from the lease look when the run made one (no call of its own);
 * otherwise read only when the config keeps names of this kind (`keeps`), so a fleet without any makes no call.
 */
export async function inventoryNamesOf(aws: Aws, scope: ReadScope, kind: string, keeps: boolean): Promise<readonly string[]> {
  if (scope.inventory) return inventoryNames(await scope.inventory, kind);
  return keeps ? inventoryNames(await readInventory(aws, scope), kind) : [];
}

/** Adds (before a create or an adoption) or removes (after a delete or a release) one name of `kind`. */
export function editKept(aws: Aws, ref: InventoryRef | undefined, kind: string, edit: { add?: string[]; remove?: string[] }) {
  return ref ? updateInventory(aws, ref, kind, edit, ownershipTags(ref.app, ref.stage)) : Promise.resolve();
}
