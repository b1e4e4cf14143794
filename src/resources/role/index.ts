import { createRole, deleteRole, readRoles, updateRole } from '../../aws/iam.js';
import { roleNameOfArn } from '../../aws/preflight.js';
import { readExternalRoleGrants } from '../../aws/role-grants.js';
import { changeId } from '../../plan/change.js';
import { defineKind } from '../kind.js';
import { planRoles, type RoleChange } from './plan.js';
import { readSelectedRoles } from './read-selected.js';

/** The IAM role ops makes for each function (path `/ops/{app}/{stage}/`), and what the roles the config names grant. */
export const role = defineKind<RoleChange>({
  kind: 'role',
  changes: ['role.create', 'role.update', 'role.delete'],
  async read(aws, scope, r) {
    // By name: an ARN may still hold `${account}` here, and a role's name is unique in its account.
    const selected = scope.only && new Set(scope.only);
    const fns = (scope.functions ?? []).filter((f) => !selected || selected.has(f.name));
    const external = [...new Set(fns.flatMap((f) => (f.role ? [roleNameOfArn(f.role)] : [])))].sort();
    const only = scope.only;
    const [roles, externalRoles] = await Promise.all([
      only ? readSelectedRoles(aws, { ...scope, only }, r) : readRoles(aws, scope),
      external.length ? readExternalRoleGrants(aws, external) : undefined,
    ]);
    return { actual: { roles: roles.items, ...(externalRoles ? { externalRoles } : {}) }, foreign: roles.foreign };
  },
  plan: planRoles,
  link(ctx, changes) {
    for (const c of changes) {
      if (c.kind !== 'role.delete') continue;
      const arn = ctx.actual.roles[c.resource.name]?.arn;
      const users = Object.values(ctx.actual.functions).filter((f) => f.config.role === arn);
      // `live` still runs a version published with the old role until it moves.
      for (const u of users) {
        c.dependsOn.push(...['function.delete', 'function.update-config', 'alias.publish'].map((k) => changeId(k, u.name)));
      }
    }
  },
  apply: {
    'role.create': (c, run) => createRole(run.aws, c.role),
    'role.update': (c, run) => updateRole(run.aws, c.role, { trust: c.trust, policy: c.policy, tags: c.tags, removeTags: c.removeTags }),
    'role.delete': (c, run) => deleteRole(run.aws, c.roleName),
  },
});
