import type { KeptName } from './kept-name.js';
import { physicalName } from './naming.js';
import { keptNameFor } from './resolve-kept-name.js';

/*
 * A function's physical name (issue 16.3): its kept `name` for the stage when the config sets one, else
 * `{app}-{stage}-{key}`. Everything named after the function (log group, invoke targets, references, API
 * integrations, authorizers) goes through here so it follows a kept name. Pure and zod-free (the
 * config lines about kept names: src/config/function-name-problems.ts).
 */

type Functions = Record<string, { name?: KeptName } | undefined> | undefined;

/** The physical name of function `key` of a fleet whose functions are `functions` (parsed config). */
export function functionNameFor(app: string, stage: string, functions: Functions, key: string): string {
  return keptNameFor(functions?.[key]?.name, app, stage) ?? physicalName(app, stage, key);
}

/** The name of the role ops makes for function `key`: its kept `roleName` for the stage, else `{app}-{stage}-{key}`. */
export function roleNameFor(app: string, stage: string, key: string, roleName: KeptName | undefined): string {
  return keptNameFor(roleName, app, stage) ?? physicalName(app, stage, key);
}
