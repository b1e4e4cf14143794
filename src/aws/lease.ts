import type { Aws } from './clients.js';
import { nameOf } from './errors.js';
import { deleteParameter, getParameter, getParameters, listParametersByPath } from './ssm.js';

/** The lease parameter as stored: its JSON value and SSM version. */
export interface StoredLease {
  value: string;
  version: number;
}

/**
 * Creates the lease parameter only if it does not exist (PutParameter with Overwrite=false, tagged).
 * True when this call created it; false when a parameter of that name exists (ParameterAlreadyExists),
 * which is also what a retry of a create whose answer was lost sees: the caller reads it back.
 */
export async function createLeaseParameter(
  aws: Aws,
  name: string,
  value: string,
  tags: Record<string, string>,
  description = 'ops stage lease: held while a deploy, rollback or destroy of the stage runs',
): Promise<boolean> {
  const ssm = await aws.ssm();
  try {
    await aws.write(() =>
      ssm.putParameter({
        Name: name,
        Value: value,
        Type: 'String',
        Overwrite: false,
        Description: description,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return true;
  } catch (error) {
    if (nameOf(error) === 'ParameterAlreadyExists') return false;
    throw error;
  }
}

/** Replaces the lease's value (renewal); the caller has just checked that it still holds it. */
export async function overwriteLeaseParameter(aws: Aws, name: string, value: string): Promise<void> {
  const ssm = await aws.ssm();
  await aws.write(() => ssm.putParameter({ Name: name, Value: value, Type: 'String', Overwrite: true }));
}

/** The lease parameter, or `undefined` when nobody holds it. */
export async function readLeaseParameter(aws: Aws, name: string): Promise<StoredLease | undefined> {
  const p = await getParameter(aws, name);
  return p?.value === undefined ? undefined : { value: p.value, version: p.version };
}

/** Deletes the lease parameter; false when it was already gone. */
export function deleteLeaseParameter(aws: Aws, name: string): Promise<boolean> {
  return deleteParameter(aws, name);
}

/**
 * The lease and the epoch parameter in one read: who holds the lease (if anyone), the epoch's version
 * (0: none yet) and when it last moved (AWS's clock). `inventoryName`: the stage inventory's parameter, read in
 * the same call (no round trip of its own); its text when it exists.
 */
export async function peekLeaseParameters(
  aws: Aws,
  leaseName: string,
  epochName: string,
  inventoryName?: string,
): Promise<{ lease?: StoredLease; epoch: number; epochMovedAt?: number; epochBy?: string; inventory?: string }> {
  const found = await getParameters(aws, [leaseName, epochName, ...(inventoryName ? [inventoryName] : [])]);
  const lease = found.get(leaseName);
  const epoch = found.get(epochName);
  const inventory = inventoryName ? found.get(inventoryName)?.value : undefined;
  return {
    ...(lease?.value !== undefined ? { lease: { value: lease.value, version: lease.version } } : {}),
    ...(inventory !== undefined ? { inventory } : {}),
    epoch: epoch?.version ?? 0,
    ...(epoch?.lastModified ? { epochMovedAt: epoch.lastModified.getTime() } : {}),
    ...(epoch?.value !== undefined ? { epochBy: epoch.value } : {}),
  };
}

/**
 * Moves the epoch on by one (an overwrite: SSM adds a version) and returns the new version. The first
 * write creates the parameter, untagged (SSM takes no tags with Overwrite), so it is tagged then.
 */
export async function bumpEpochParameter(aws: Aws, name: string, value: string, tags: Record<string, string>): Promise<number> {
  const ssm = await aws.ssm();
  const res = await aws.write(() =>
    ssm.putParameter({
      Name: name,
      Value: value,
      Type: 'String',
      Overwrite: true,
      Description: 'ops stage lease epoch: one version per run that took the stage lease',
    }),
  );
  const version = res.Version ?? 0;
  if (version === 1) {
    const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    await aws.write(() => ssm.addTagsToResource({ ResourceType: 'Parameter', ResourceId: name, Tags: tagList }));
  }
  return version;
}

/** The values of the take-over claims that exist among `names` (at most 10: one GetParameters call), by name. */
export async function readLeaseClaims(aws: Aws, names: readonly string[]): Promise<Map<string, string>> {
  const found = await getParameters(aws, names);
  return new Map([...found].flatMap(([name, p]) => (p.value === undefined ? [] : [[name, p.value] as const])));
}

/** Every take-over claim under the stage's claim path (`ops unlock`). */
export async function listLeaseClaims(aws: Aws, prefix: string): Promise<string[]> {
  return (await listParametersByPath(aws, prefix)).map((p) => p.name);
}

/** Deletes take-over claims (usually one; DeleteParameter each, the permission the lease needs already). */
export async function deleteLeaseClaims(aws: Aws, names: readonly string[]): Promise<void> {
  await Promise.all(names.map((name) => deleteParameter(aws, name)));
}
