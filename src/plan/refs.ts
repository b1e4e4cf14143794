import {
  functionArn,
  httpApiUrl,
  LIVE_ALIAS,
  layerArn,
  layerName,
  liveAliasArn,
  pendingLayerVersionArn,
  physicalName,
  restApiUrl,
} from '../config/naming.js';
import type { EnvRef } from '../config/refs.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import type { Actual } from '../model/actual.js';
import { changeId } from './context.js';

/** What the plan knows when it fills in a function's references (`envRefs`). */
export interface RefSources {
  accountId: string;
  /** The fleet's HTTP API as it exists; undefined when this plan creates it. */
  api?: { id: string; url: string };
  /** Version ARN of each built layer, by layer name (a pending ARN when this plan publishes it). */
  layerVersions: Record<string, string>;
}

/** The fleet's API as references see it: the HTTP API's endpoint, or a REST API's stage URL; undefined while not created. */
export function apiRefOf(fleet: Pick<Fleet, 'api'>, actual: Pick<Actual, 'api' | 'restApi' | 'region'>): RefSources['api'] {
  if (fleet.api?.type !== 'rest') return actual.api && { id: actual.api.id, url: httpApiUrl(actual.api.endpoint, fleet.api?.stage) ?? '' };
  const id = actual.restApi?.id;
  return id ? { id, url: restApiUrl(id, actual.region, fleet.api.stage ?? 'prod') } : undefined;
}

/** What a reference to the API holds until the API exists: shown by the plan, filled in by the executor. */
export const pendingApiValue = (field: 'url' | 'id') => `(known after apply: api.${field})`;
const PENDING_API = /\(known after apply: api\.(url|id)\)/g;
const PENDING_LAYER = /arn:[^:]+:lambda:[^:]+:[^:]+:layer:[^:]+:\(next\)/g;

/** Whether a value holds something only the apply learns (a new API's URL or id, a layer version it publishes). */
export const isPending = (value: string) => new RegExp(PENDING_API.source).test(value) || new RegExp(PENDING_LAYER.source).test(value);

/** `value` with each pending part replaced: `api` gives the API's URL or id, `layer` a pending layer version ARN's version. */
export function fillPending(value: string, fill: { api: (field: 'url' | 'id') => string; layer: (pendingArn: string) => string }): string {
  return value.replace(PENDING_API, (_, field: 'url' | 'id') => fill.api(field)).replace(PENDING_LAYER, (arn) => fill.layer(arn));
}

/** The value a reference stands for (its suffix appended): known from the config and the account, or pending until a create. */
export function refValue(fleet: RefFleet, src: RefSources, ref: EnvRef): string {
  return bareRefValue(fleet, src, ref) + (ref.suffix ?? '');
}

/** The fleet as references need it: its functions, when known, for their kept names. */
type RefFleet = Pick<Fleet, 'app' | 'stage' | 'region'> & Partial<Pick<Fleet, 'functions'>>;

function bareRefValue(fleet: RefFleet, src: RefSources, ref: EnvRef): string {
  const { app, stage, region } = fleet;
  if (ref.kind === 'api') return src.api ? src.api[ref.field] : pendingApiValue(ref.field);
  if (ref.kind === 'layer') {
    const name = layerName(app, stage, ref.key);
    return src.layerVersions[name] ?? pendingLayerVersionArn(layerArn(region, src.accountId, name));
  }
  const name = fleet.functions?.find((f) => f.key === ref.key)?.name ?? physicalName(app, stage, ref.key);
  switch (ref.field) {
    case 'name':
      return name;
    case 'qualifiedName':
      return `${name}:${LIVE_ALIAS}`;
    case 'arn':
      return functionArn(region, src.accountId, name);
    case 'qualifiedArn':
      return liveAliasArn(region, src.accountId, name);
  }
}

/** The changes a function's configuration waits for because it names what they create (narrowed to the plan's ids later). */
export function refDependencies(fleet: Fleet, fn: FunctionSpec): string[] {
  return Object.values(fn.envRefs ?? {}).flatMap((ref) => {
    if (ref.kind === 'api') return fleet.api ? [changeId(fleet.api.type === 'rest' ? 'restapi.create' : 'api.create', fleet.api.name)] : [];
    if (ref.kind === 'layer') return [changeId('layer.publish', layerName(fleet.app, fleet.stage, ref.key))];
    return [];
  });
}
