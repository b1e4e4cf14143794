import { FUNCTION_KEY_TAG } from '../config/naming.js';
import { bindAccount } from '../config/refs.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import type { Actual, ActualFunction } from '../model/actual.js';
import { calledAfterSelection } from '../resources/http-api/plan-left-calling.js';
import { changeId } from './change.js';
import type { ArtifactRef, PlanDeployInput } from './input.js';

export { changeId };

/** What every part of the planner reads: the input, resolved once. */
export interface PlanContext {
  fleet: Fleet;
  actual: Actual;
  accountId: string;
  region: string;
  artifacts: Record<string, ArtifactRef>;
  paramValues: Record<string, string>;
  destroy: boolean;
  /** See PlanDeployInput.allowDataLoss. */
  allowDataLoss: boolean;
  /** The functions that should exist after the plan (the fleet, minus what `destroy` removes). */
  desired: FunctionSpec[];
  /** The desired functions this plan deploys (all of them, or those named by `only`). */
  deploy: FunctionSpec[];
  /** Physical names of the functions this plan may touch; undefined = everything owned. */
  scope?: Set<string>;
  /** Plan warnings, appended to by every part. */
  warnings: string[];
  /** Version ARN of each built layer the desired configurations name, by layer name (set by planLayers). */
  layerVersions: Record<string, string>;
  /** Set on the view of one named API (`apis.<key>`, src/resources/plan-api-views.ts); absent: the default API. */
  namedApi?: string;
}

export function createContext(input: PlanDeployInput): PlanContext {
  const { actual } = input;
  // `${account}` in the config's ARNs becomes the account read from STS: one config, any account.
  let fleet = bindAccount(input.fleet, actual.accountId);
  const warnings: string[] = [];
  let scope: Set<string> | undefined;
  if (input.only) {
    const keys = new Set(input.only);
    for (const key of keys)
      if (!fleet.functions.some((f) => f.key === key)) warnings.push(`${key}: no such function in the config: nothing planned for it`);
    scope = new Set(fleet.functions.filter((f) => keys.has(f.key)).map((f) => f.name));
    // A selected function that routes still call (the config gives them to a function not deployed now) keeps the
    // permission they need, and so the marker that says its policy holds one (src/resources/http-api/plan-left-calling.ts).
    const called = input.destroy ? new Set<string>() : calledAfterSelection(fleet, actual, scope);
    if ([...called].some((n) => !fleet.functions.find((f) => f.name === n)?.holdsStatements))
      fleet = { ...fleet, functions: fleet.functions.map((f) => (called.has(f.name) ? { ...f, holdsStatements: true as const } : f)) };
  }
  const inScope = (name: string) => !scope || scope.has(name);
  const desired = input.destroy ? (scope ? fleet.functions.filter((f) => !inScope(f.name)) : []) : fleet.functions;
  return {
    fleet,
    actual,
    accountId: actual.accountId,
    region: fleet.region,
    artifacts: input.artifacts,
    paramValues: input.paramValues ?? {},
    destroy: input.destroy ?? false,
    allowDataLoss: input.allowDataLoss ?? false,
    desired,
    deploy: desired.filter((f) => inScope(f.name)),
    scope,
    warnings,
    layerVersions: {},
  };
}

export const inScope = (ctx: PlanContext, name: string) => !ctx.scope || ctx.scope.has(name);

/** The function key of a physical name: from the config, else the `ops:function` tag, else the name. */
export function keyOfName(ctx: PlanContext, name: string): string {
  const spec = ctx.fleet.functions.find((f) => f.name === name);
  if (spec) return spec.key;
  return ctx.actual.functions[name]?.tags[FUNCTION_KEY_TAG] ?? name;
}

/** Owned functions that no desired function keeps, sorted by name. */
export function removedFunctions(ctx: PlanContext): ActualFunction[] {
  const kept = new Set(ctx.desired.map((f) => f.name));
  return Object.values(ctx.actual.functions)
    .filter((f) => !kept.has(f.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
