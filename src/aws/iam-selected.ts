import { notOwnedReason, ROLE_POLICY_NAME, rolePath } from '../config/naming.js';
import type { Actual, ActualRole, ReadScope } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { actualRole } from './iam.js';
import { parsePolicyDocument } from './map.js';
import { mapLimit } from './pool.js';
import { read } from './retry.js';

/**
 * The roles of a selection (`ops deploy fn`), each read by name (readRoleForPlan: one round trip) instead of
 * listing the stage's path and reading every role in it. What the stage read would make of each one is kept: a role outside the stage's path is not the stage's (the listing would not find it), and is
 * reported only when it holds a kept name (`kept`), as the plan must stop before any write then; under the path,
 * its tags decide.
 */
export async function readRolesNamed(
  aws: Aws,
  scope: ReadScope,
  names: readonly string[],
  kept: ReadonlySet<string>,
): Promise<{ items: Record<string, ActualRole>; foreign: Actual['foreign'] }> {
  const path = rolePath(scope);
  const roles = await mapLimit([...new Set(names)].sort(), 8, (name) => readRoleForPlan(aws, name));
  const items: Record<string, ActualRole> = {};
  const foreign: Actual['foreign'] = [];
  for (const role of roles) {
    if (!role) continue;
    if (!role.path.startsWith(path)) {
      if (kept.has(role.name)) foreign.push({ type: 'iam role', name: role.name, reason: `it exists under ${role.path}, not ${path}` });
      continue;
    }
    const reason = notOwnedReason(role.tags, scope.app, scope.stage);
    if (reason) foreign.push({ type: 'iam role', name: role.name, reason });
    else items[role.name] = role;
  }
  return { items, foreign };
}

/**
 * What a plan compares of a role (src/resources/role/plan.ts): GetRole (path, trust policy, tags) and ops's own
 * inline policy, at once. Other inline and attached policies are not read (no plan looks at them: they stay empty
 * here); `undefined` when the role is gone.
 */
async function readRoleForPlan(aws: Aws, roleName: string): Promise<ActualRole | undefined> {
  const iam = await aws.iam();
  const [got, policy] = await Promise.all([
    orNotFound(read(aws, () => iam.getRole({ RoleName: roleName }))),
    orNotFound(read(aws, () => iam.getRolePolicy({ RoleName: roleName, PolicyName: ROLE_POLICY_NAME }))),
  ]);
  if (!got?.Role) return undefined;
  return actualRole(got.Role, policy ? [[ROLE_POLICY_NAME, parsePolicyDocument(policy.PolicyDocument)]] : [], []);
}
