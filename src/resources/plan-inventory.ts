/*
 * Pure: which changes edit the stage inventory (src/resources/kept-inventory.ts does the edits). A rule or alarm
 * whose kept name is outside `{app}-{stage}-` is listed there, as the prefix listing cannot find it.
 */

/** The stage a change's inventory edit is for. */
export interface InventoryRef {
  app: string;
  stage: string;
}

/** True when the prefix listing cannot find `name`: the inventory must list it. */
export const outsidePrefix = (ref: InventoryRef, name: string) => !name.startsWith(`${ref.app}-${ref.stage}-`);

/** The ref a change carries when its name is outside the prefix (else nothing: no inventory write). */
export const inventoryRefFor = (ref: InventoryRef, name: string): { inventory?: InventoryRef } =>
  outsidePrefix(ref, name) ? { inventory: { app: ref.app, stage: ref.stage } } : {};
