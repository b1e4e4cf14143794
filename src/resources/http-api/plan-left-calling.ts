import { functionNameOfArn, functionOfRestUri, integrationTarget } from '../../config/naming.js';
import type { Fleet, FunctionSpec } from '../../config/types.js';
import type { Actual, ActualApi, ActualRestApi } from '../../model/actual.js';

/**
 * A selection (`ops deploy a`) and the routes it does not move: a route of an HTTP or REST API that calls a selected function
 * now and that the config gives to a function this run does not deploy moves with that function's deploy. Until then
 * it calls the selected one, which keeps the permission that lets the API invoke it (and the marker tag that says it
 * holds one): removing it would break the route. Pure.
 */

/** One API (`key` undefined: the default one): the route keys calling each selected function that stay so, by name. */
export function leftCalling(
  functions: readonly FunctionSpec[],
  key: string | undefined,
  have: ActualApi | undefined,
  scope: ReadonlySet<string>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!have) return out;
  const owner = new Map<string, string>();
  for (const f of functions) for (const r of f.routes) if (r.api === key) owner.set(r.key, f.name);
  const calls = new Map(have.integrations.map((i) => [i.id, functionNameOfArn(integrationTarget(i.uri))]));
  for (const r of have.routes) {
    const name = r.target?.startsWith('integrations/') ? calls.get(r.target.slice('integrations/'.length)) : undefined;
    const want = owner.get(r.key);
    if (!name || !want || !scope.has(name) || scope.has(want)) continue;
    out.set(name, [...(out.get(name) ?? []), r.key].sort());
  }
  return out;
}

/** One REST API: the methods (`GET /path`) calling each selected function that stay so, by name. */
export function leftCallingRest(
  functions: readonly FunctionSpec[],
  key: string | undefined,
  have: ActualRestApi | undefined,
  scope: ReadonlySet<string>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!have) return out;
  const owner = new Map<string, string>();
  for (const f of functions) for (const r of f.routes) if (r.api === key) owner.set(`${r.method} ${r.path}`, f.name);
  for (const [path, resource] of Object.entries(have.resources)) {
    for (const [method, m] of Object.entries(resource.methods)) {
      const name = functionOfRestUri(m.integration?.uri);
      const want = owner.get(`${method} ${path}`);
      if (!name || !want || !scope.has(name) || scope.has(want)) continue;
      out.set(name, [...(out.get(name) ?? []), `${method} ${path}`].sort());
    }
  }
  return out;
}

/** Every API of the stage: the selected functions routes still call after this run, whatever the config says. */
export function calledAfterSelection(
  fleet: Pick<Fleet, 'functions'>,
  actual: Pick<Actual, 'api' | 'apis' | 'restApi' | 'restApis'>,
  scope: ReadonlySet<string>,
): Set<string> {
  const apis: [string | undefined, ActualApi | undefined][] = [[undefined, actual.api], ...Object.entries(actual.apis ?? {})];
  const rest: [string | undefined, ActualRestApi | undefined][] = [[undefined, actual.restApi], ...Object.entries(actual.restApis ?? {})];
  return new Set([
    ...apis.flatMap(([key, have]) => [...leftCalling(fleet.functions, key, have, scope).keys()]),
    ...rest.flatMap(([key, have]) => [...leftCallingRest(fleet.functions, key, have, scope).keys()]),
  ]);
}
