import { invokeTarget, layerName, physicalName } from '../config/naming.js';
import type { EnvRef } from '../config/refs.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { functionArn, layerArn, liveAliasArn, pendingLayerVersionArn } from './arn.js';
import { changeId } from './context.js';

/** What the plan knows when it fills in a function's references (`envRefs`). */
export interface RefSources {
  accountId: string;
  /** The fleet's HTTP API as it exists; undefined when this plan creates it. */
  api?: { id: string; url: string };
  /** Version ARN of each built layer, by layer name (a pending ARN when this plan publishes it). */
  layerVersions: Record<string, string>;
}

/** What a reference to the API holds until the API exists: shown by the plan, filled in by the executor. */
export const pendingApiValue = (field: 'url' | 'id') => `(known after apply: api.${field})`;
export const pendingApiField = (value: string) => /^\(known after apply: api\.(url|id)\)$/.exec(value)?.[1] as 'url' | 'id' | undefined;

/** The value a reference stands for: known from the config and the account, or pending until a create. */
export function refValue(fleet: Pick<Fleet, 'app' | 'stage' | 'region'>, src: RefSources, ref: EnvRef): string {
  const { app, stage, region } = fleet;
  if (ref.kind === 'api') return src.api ? src.api[ref.field] : pendingApiValue(ref.field);
  if (ref.kind === 'layer') {
    const name = layerName(app, stage, ref.key);
    return src.layerVersions[name] ?? pendingLayerVersionArn(layerArn(region, src.accountId, name));
  }
  const name = physicalName(app, stage, ref.key);
  switch (ref.field) {
    case 'name':
      return name;
    case 'qualifiedName':
      return invokeTarget(app, stage, ref.key);
    case 'arn':
      return functionArn(region, src.accountId, name);
    case 'qualifiedArn':
      return liveAliasArn(region, src.accountId, name);
  }
}

/** The changes a function's configuration waits for because it names what they create (narrowed to the plan's ids later). */
export function refDependencies(fleet: Fleet, fn: FunctionSpec): string[] {
  return Object.values(fn.envRefs ?? {}).flatMap((ref) => {
    if (ref.kind === 'api') return fleet.api ? [changeId('api.create', fleet.api.name)] : [];
    if (ref.kind === 'layer') return [changeId('layer.publish', layerName(fleet.app, fleet.stage, ref.key))];
    return [];
  });
}
