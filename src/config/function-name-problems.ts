import { keptNameSchema } from './kept-name.js';
import { duplicateNameProblems, type NamedEntry } from './kept-name-problems.js';
import { MAX_NAME_LENGTH, physicalName } from './naming.js';
import { keptNameFor } from './resolve-kept-name.js';

/* Config lines about the kept names of functions and their roles (issue 16.3), from the raw config, before any AWS call. */

/** What Lambda accepts as a function name (letters, digits, hyphens and underscores). */
const LAMBDA_NAME = /^[A-Za-z0-9_-]+$/;

/** Like functionNameFor, from a raw (unvalidated) function entry: a malformed `name` gives the derived one. */
export function rawFunctionName(app: string, stage: string, key: string, raw: unknown): string {
  const name = raw && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined;
  const parsed = keptNameSchema.safeParse(name);
  return (parsed.success ? keptNameFor(parsed.data, app, stage) : undefined) ?? physicalName(app, stage, key);
}

export interface NameProblem {
  path: string;
  message: string;
}

/**
 * Name problems of each function of a raw (unvalidated) config, then two entries with one name: `visit` says what is
 * wrong with one function (into `out`) and which name it takes (into `names`). None when the app or the functions
 * are not there to check.
 */
function perFunction(
  raw: unknown,
  kind: 'function' | 'role',
  visit: (app: string, key: string, fn: unknown, out: NameProblem[], names: NamedEntry[]) => void,
): NameProblem[] {
  if (!raw || typeof raw !== 'object') return [];
  const { app, functions } = raw as { app?: unknown; functions?: unknown };
  if (typeof app !== 'string' || !functions || typeof functions !== 'object') return [];
  const out: NameProblem[] = [];
  const names: NamedEntry[] = [];
  for (const [key, fn] of Object.entries(functions)) visit(app, key, fn, out, names);
  return [...out, ...duplicateNameProblems(names, kind)];
}

/**
 * Kept-name problems of a raw config for one stage, one line each and before any AWS call: a kept name Lambda
 * refuses (length, characters), and two functions with the same physical name for the stage.
 */
export function functionNameProblems(raw: unknown, stage: string): NameProblem[] {
  return perFunction(raw, 'function', (app, key, fn, out, entries) => {
    const kept = fn && typeof fn === 'object' && 'name' in fn;
    const name = rawFunctionName(app, stage, key, fn);
    const at = `functions.${key}${kept ? '.name' : ''}`;
    if (kept && name !== physicalName(app, stage, key)) {
      if (name.length > MAX_NAME_LENGTH)
        out.push({ path: at, message: `kept name '${name}' is ${name.length} characters; Lambda allows ${MAX_NAME_LENGTH}` });
      if (!LAMBDA_NAME.test(name))
        out.push({ path: at, message: `kept name '${name}' has characters Lambda refuses (letters, digits, - and _ only)` });
    }
    entries.push({ path: at, name });
  });
}

/** What IAM accepts as a role name: 64 characters of letters, digits and `+=,.@_-`. */
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Kept role names (`roleName`) of a raw config for one stage: a name IAM refuses, a `roleName` beside `role` (an
 * existing role ops does not make), two functions with one role (ops's role is the function's own).
 */
export function roleNameProblems(raw: unknown, stage: string): NameProblem[] {
  return perFunction(raw, 'role', (app, key, fn, out, entries) => {
    if (!fn || typeof fn !== 'object') return;
    const { roleName, role: own } = fn as { roleName?: unknown; role?: unknown };
    // The fleet's `role` is every function's that names none: ops makes no role for those either.
    const role = own ?? (raw as { role?: unknown }).role;
    const parsed = keptNameSchema.safeParse(roleName);
    const kept = roleName !== undefined && parsed.success ? keptNameFor(parsed.data, app, stage) : undefined;
    const at = `functions.${key}.roleName`;
    if (roleName !== undefined && role !== undefined)
      out.push({ path: at, message: 'roleName names the role ops makes; with role (an existing role) there is none: keep one of them' });
    else if (kept !== undefined && !IAM_ROLE_NAME.test(kept))
      out.push({ path: at, message: `role name '${kept}' is not one IAM takes (64 letters, digits and +=,.@_- at most)` });
    if (role === undefined) entries.push({ path: at, name: kept ?? physicalName(app, stage, key) });
  });
}
