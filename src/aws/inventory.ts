import {
  editInventory,
  inventoryParamName,
  inventoryText,
  isEmptyInventory,
  parseInventory,
  type StageInventory,
} from '../model/inventory.js';
import type { Aws } from './clients.js';
import { deleteParameter, getParameter } from './ssm.js';

/*
 * The stage inventory's parameter (src/model/inventory.ts): read (usually not here but in the lease look's
 * GetParameters, src/aws/lease.ts), edited and deleted. Edits are read-modify-write under the stage lease, which
 * only one run holds; within a run they are chained one after another, so two changes applied at once never
 * write over each other's name.
 */

export interface InventoryScope {
  app: string;
  stage: string;
}

/** The stage's inventory (empty when there is none). */
export async function readInventory(aws: Aws, scope: InventoryScope): Promise<StageInventory> {
  const p = await getParameter(aws, inventoryParamName(scope.app, scope.stage));
  return parseInventory(p?.value);
}

const chains = new WeakMap<Aws, Promise<unknown>>();

/** Runs `task` after every inventory edit this run started before it (errors do not break the chain). */
function serialized<T>(aws: Aws, task: () => Promise<T>): Promise<T> {
  const next = (chains.get(aws) ?? Promise.resolve()).then(task, task);
  chains.set(
    aws,
    next.catch(() => {}),
  );
  return next;
}

/**
 * Adds and removes names of one kind: the parameter is written (tagged with the stage's ownership when it is
 * created) or, once it lists nothing, deleted. Nothing is written when the list does not change.
 */
export function updateInventory(
  aws: Aws,
  scope: InventoryScope,
  kind: string,
  edit: { add?: readonly string[]; remove?: readonly string[] },
  tags: Record<string, string>,
): Promise<void> {
  return serialized(aws, async () => {
    const name = inventoryParamName(scope.app, scope.stage);
    const stored = await getParameter(aws, name);
    const before = parseInventory(stored?.value);
    const after = editInventory(before, kind, edit);
    if (stored && inventoryText(after) === stored.value) return;
    if (isEmptyInventory(after)) {
      if (stored) await deleteParameter(aws, name);
      return;
    }
    await putInventory(aws, name, inventoryText(after), tags, !stored);
  });
}

async function putInventory(aws: Aws, name: string, value: string, tags: Record<string, string>, create: boolean): Promise<void> {
  const ssm = await aws.ssm();
  await aws.write(() =>
    ssm.putParameter({
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: true,
      Description: 'ops stage inventory: names of the stage resources outside its {app}-{stage}- prefix (where to look; tags decide)',
    }),
  );
  // SSM takes no tags with Overwrite: a new parameter is tagged after.
  if (create) {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await aws.write(() => ssm.addTagsToResource({ ResourceType: 'Parameter', ResourceId: name, Tags }));
  }
}

/** Deletes the inventory (a destroy that converged: nothing of the stage is left); false when there was none. */
export function deleteInventory(aws: Aws, scope: InventoryScope): Promise<boolean> {
  return deleteParameter(aws, inventoryParamName(scope.app, scope.stage));
}
