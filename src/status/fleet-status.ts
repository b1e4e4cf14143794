import { namedApiUrls } from '../apply/named-api-urls.js';
import { httpApiUrl, restApiUrl } from '../config/naming.js';
import type { Fleet, FunctionUrlAuth } from '../config/types.js';
import type { Actual, ActualFunction } from '../model/actual.js';
import type { Artifact } from '../package/index.js';
import type { Change, Plan } from '../plan/index.js';
import { domainLine } from '../resources/domain/line.js';
import type { DomainLine } from '../ui/domain.js';

/** One function's deployed state next to what the local build and config say. */
export interface FunctionStatus {
  function: string;
  name: string;
  deployed: boolean;
  liveVersion?: string;
  /** A shift in progress (or left by an interrupted run): `live`'s additional versions and ops's note on the alias. */
  shift?: { weights: Record<string, number>; note?: string };
  /** When the version `live` points to was published. */
  lastDeploy?: string;
  /** `same`, `differs` (the local build is not what live runs) or `unknown`. */
  code: 'same' | 'differs' | 'unknown';
  /** Fields whose configuration differs between the config and what live runs. */
  configDrift: string[];
  state?: string;
  lastUpdateStatus?: string;
  invocations?: number;
  errorRate?: number;
  /** The Function URL of `live`, as AWS has it. */
  url?: { url: string; auth: FunctionUrlAuth };
}

export interface FleetStatus {
  app: string;
  stage: string;
  region: string;
  url?: string;
  /** The named APIs' URLs (`apis`), by key; absent when the fleet has none deployed. */
  apis?: Record<string, string>;
  /** The custom domain (`api.domain`) and the DNS name its CNAME or alias record must point at. */
  domain?: DomainLine;
  functions: FunctionStatus[];
  /** Owned functions no longer in the config (the next deploy removes them). */
  orphans: string[];
}

function domainOf(fleet: Fleet, actual: Actual): { domain?: DomainLine } {
  const domain = domainLine(fleet, actual);
  return domain ? { domain } : {};
}

function liveOf(fn: ActualFunction) {
  return fn.alias ? fn.versions.find((v) => v.version === fn.alias?.version) : undefined;
}

/**
 * What a change of the plan says has drifted, as words for the status line; nothing for a code
 * update (status reports the code on its own). Status reads drift off the deploy plan, so the two always agree.
 */
function driftOf(c: Change): string[] {
  switch (c.kind) {
    case 'function.update-code':
      return [];
    case 'function.update-config':
      return c.fields.map((f) => f.field.split('.')[0]);
    case 'function.tag':
      return ['tags'];
    case 'alias.publish':
      // Alone, a publish means `live` runs something other than the function's current code and configuration.
      return c.dependsOn.length ? [] : ['live'];
    default:
      return [c.kind.split('.')[0]];
  }
}

/**
 * Each function's live version next to the local build and config. Drift is what `plan` (the same
 * pure plan a deploy would apply, for these functions) would change for the function. Pure.
 */
export function fleetStatus(fleet: Fleet, actual: Actual, artifacts: Artifact[], plan: Pick<Plan, 'changes'>): FleetStatus {
  const byKey = new Map(artifacts.map((a) => [a.key, a]));
  const functions = fleet.functions.map((spec): FunctionStatus => {
    const fn = actual.functions[spec.name];
    if (!fn) return { function: spec.key, name: spec.name, deployed: false, code: 'unknown', configDrift: [] };
    const live = liveOf(fn);
    const artifact = byKey.get(spec.key);
    const changes = plan.changes.filter((c) => c.fn === spec.key && c.kind !== 'versions.prune');
    const codeChange = changes.some((c) => c.kind === 'function.update-code');
    return {
      function: spec.key,
      name: spec.name,
      deployed: true,
      liveVersion: fn.alias?.version,
      ...(fn.alias?.weights ? { shift: { weights: fn.alias.weights, ...(fn.alias.shift ? { note: fn.alias.shift } : {}) } } : {}),
      lastDeploy: live?.lastModified ?? fn.lastModified,
      code: !artifact || !live ? 'unknown' : codeChange || artifact.codeSha256 !== live.codeSha256 ? 'differs' : 'same',
      configDrift: [...new Set(changes.flatMap(driftOf))],
      state: fn.state,
      lastUpdateStatus: fn.lastUpdateStatus,
      ...(fn.url ? { url: { url: fn.url.url, auth: fn.url.auth } } : {}),
    };
  });
  const known = new Set(fleet.functions.map((f) => f.name));
  return {
    app: fleet.app,
    stage: fleet.stage,
    region: fleet.region,
    url:
      (fleet.api?.type === 'rest' && actual.restApi
        ? restApiUrl(actual.restApi.id, actual.region, fleet.api.stage ?? 'prod')
        : httpApiUrl(actual.api?.endpoint, fleet.api?.stage)) || undefined,
    ...apisOf(fleet, actual),
    ...domainOf(fleet, actual),
    functions,
    orphans: Object.keys(actual.functions).filter((n) => !known.has(n)),
  };
}

const apisOf = (fleet: Fleet, actual: Actual) => {
  const apis = namedApiUrls(fleet, actual);
  return apis ? { apis } : {};
};
