import type { Aws } from '../aws/clients.js';
import { getParameters } from '../aws/ssm.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { missingSecretParams, secretSources } from './secret-check.js';

/** A declared param with no value for the stage. */
export interface MissingParam {
  name: string;
  /** Full SSM name: `/{app}/{stage}/{name}`. */
  path: string;
  /** Function keys that read it (of the functions asked about). */
  readers: string[];
  /** A Secrets Manager param: what is missing about its secret and what to do (instead of `ops params set`). */
  secret?: { problem: string; hint: string };
}

/**
 * The params that have no value for the fleet's stage: every declared param, or with `fns` only
 * those these functions read. One GetParameters call per 10 names; values are not decrypted.
 */
export async function missingParams(aws: Aws, fleet: Fleet, fns?: FunctionSpec[]): Promise<MissingParam[]> {
  const wanted = paramsReadBy(fleet, fns);
  if (wanted.length === 0) return [];
  const sources = secretSources(fleet, fns);
  const fromSsm = wanted.filter((p) => !sources.has(p.name));
  const [found, secrets] = await Promise.all([
    fromSsm.length
      ? getParameters(
          aws,
          fromSsm.map((p) => p.path),
        )
      : new Map(),
    missingSecretParams(
      aws,
      fleet,
      wanted.filter((p) => sources.has(p.name)).map((p) => p.name),
      sources,
    ),
  ]);
  return wanted.flatMap((p) => {
    if (!sources.has(p.name)) return found.has(p.path) ? [] : [p];
    const secret = secrets.get(p.name);
    return secret ? [{ ...p, secret }] : [];
  });
}

/** The exact command that sets a param for the fleet's stage: `ops params set amadeus/client-secret --stage prod`. */
export function paramSetHint(fleet: Pick<Fleet, 'stage'>, name: string): string {
  return `ops params set ${name} --stage ${fleet.stage}`;
}

/**
 * Values for the deploy to put into function environments, by param name: params the functions
 * read with `resolve: true` that are plain, or secure with `plaintextEnv: true` in their declaration.
 * A param without a value is left out (the planner warns about it; `missingParams` names it).
 */
export async function resolveParamValues(aws: Aws, fleet: Fleet, fns: FunctionSpec[]): Promise<Record<string, string>> {
  const allowed = new Map(fleet.params.map((p) => [p.name, !p.secure || p.plaintextEnv]));
  const paths = new Map<string, string>();
  for (const fn of fns) {
    for (const use of fn.params) if (use.resolve && (allowed.get(use.name) ?? !use.secure)) paths.set(use.name, use.path);
  }
  if (paths.size === 0) return {};
  const found = await getParameters(aws, [...paths.values()], { decrypt: true });
  const values: Record<string, string> = {};
  for (const [name, path] of paths) {
    const value = found.get(path)?.value;
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** Declared params in config order with their readers among `fns` (all declared params when `fns` is omitted). */
function paramsReadBy(fleet: Fleet, fns?: FunctionSpec[]): MissingParam[] {
  if (!fns) return fleet.params.map((p) => ({ name: p.name, path: p.path, readers: [...p.readers] }));
  const readers = new Map<string, string[]>();
  for (const fn of fns) for (const use of fn.params) readers.set(use.name, [...(readers.get(use.name) ?? []), fn.key]);
  const declared = fleet.params
    .filter((p) => readers.has(p.name))
    .map((p) => ({ name: p.name, path: p.path, readers: readers.get(p.name)! }));
  // A use the config did not declare (validation forbids it, but a hand-built fleet may have one) still counts.
  const known = new Set(declared.map((p) => p.name));
  for (const fn of fns) {
    for (const use of fn.params) {
      if (known.has(use.name)) continue;
      known.add(use.name);
      declared.push({ name: use.name, path: use.path, readers: readers.get(use.name)! });
    }
  }
  return declared;
}
