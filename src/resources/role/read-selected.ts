import type { Aws } from '../../aws/clients.js';
import { readRolesNamed } from '../../aws/iam-selected.js';
import { roleNameOfArn } from '../../aws/preflight.js';
import { physicalName, rolePath } from '../../config/naming.js';
import type { Actual, ActualRole, ReadScope } from '../../model/actual.js';
import { functionsOf } from '../function/read.js';
import type { ReadContext } from '../kind.js';

/**
 * The roles a selection's plan looks at (src/resources/role/plan.ts with `only`): the role each selected function
 * should run with, read at once, and the stage's role each one runs with now (a function moved to another role
 * gets its old one deleted), read once the function read names it. No listing of the stage's roles.
 */
export async function readSelectedRoles(
  aws: Aws,
  scope: ReadScope & { only: readonly string[] },
  r: ReadContext,
): Promise<{ items: Record<string, ActualRole>; foreign: Actual['foreign'] }> {
  const selected = new Set(scope.only);
  const fns = (scope.functions ?? []).filter((f) => selected.has(f.name) && !f.role);
  const kept = new Set(fns.filter((f) => f.roleName !== physicalName(scope.app, scope.stage, f.key)).map((f) => f.roleName));
  const wanted = fns.map((f) => f.roleName);
  const first = readRolesNamed(aws, scope, wanted, kept);
  first.catch(() => {}); // awaited below, after the function read
  const { items: actual } = await functionsOf(r);
  const running = Object.values(actual)
    .filter((f) => selected.has(f.name) && f.config.role.includes(`:role${rolePath(scope)}`))
    .map((f) => roleNameOfArn(f.config.role))
    .filter((n) => !wanted.includes(n));
  const [a, b] = await Promise.all([first, running.length ? readRolesNamed(aws, scope, running, kept) : undefined]);
  return { items: { ...a.items, ...b?.items }, foreign: [...a.foreign, ...(b?.foreign ?? [])] };
}
