import { UserError } from '../errors.js';
import type { RoleSpec } from '../model/specs.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, orNotFound } from './errors.js';
import { notOwnedReason } from './map.js';
import { allPages } from './pool.js';

/** Writers for the execution roles ops manages. Every call goes through the shared write limiter. */

const toIamTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * CreateRole (path, trust policy, tags), then PutRolePolicy with its inline policy. A role already
 * there is taken over only when it is ours (a retried create whose first answer was lost).
 */
export async function createRole(aws: Aws, role: RoleSpec): Promise<{ arn: string }> {
  const iam = await aws.iam();
  let arn: string;
  try {
    const created = await aws.write(() =>
      iam.createRole({
        RoleName: role.name,
        Path: role.path,
        AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
        Description: 'Lambda execution role managed by ops',
        Tags: toIamTags(role.tags),
      }),
    );
    arn = created.Role!.Arn!;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = (await iam.getRole({ RoleName: role.name })).Role!;
    const tags = Object.fromEntries((existing.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
    if (existing.Path !== role.path || notOwnedReason(tags, role.tags['ops:app'] ?? '', role.tags['ops:stage'] ?? '')) {
      throw new UserError(`IAM role ${role.name} already exists and ops does not manage it`, {
        hint: 'delete or rename that role, or set `role` on the function to use it as is',
        cause: error,
      });
    }
    arn = existing.Arn!;
    await aws.write(() => iam.updateAssumeRolePolicy({ RoleName: role.name, PolicyDocument: JSON.stringify(role.trustPolicy) }));
  }
  await putPolicy(aws, role);
  return { arn };
}

export interface UpdateRoleOptions {
  trust?: boolean;
  policy?: boolean;
  tags?: boolean;
  /** Tag keys to remove; when `tags` is set and this is undefined, they are read from the role. */
  removeTags?: string[];
}

/** Brings the trust policy, the inline policy and the tags in line with `role`, as asked. */
export async function updateRole(aws: Aws, role: RoleSpec, what: UpdateRoleOptions): Promise<void> {
  const iam = await aws.iam();
  if (what.trust) {
    await aws.write(() => iam.updateAssumeRolePolicy({ RoleName: role.name, PolicyDocument: JSON.stringify(role.trustPolicy) }));
  }
  if (what.policy) {
    await putPolicy(aws, role);
    // ops keeps exactly one inline policy per role: drop any other (a renamed one, a hand-made one).
    const names = await allPages(
      (Marker) => iam.listRolePolicies({ RoleName: role.name, ...(Marker ? { Marker } : {}) }),
      (page) => page.PolicyNames,
      (page) => (page.IsTruncated ? page.Marker : undefined),
    );
    for (const PolicyName of names.filter((n) => n !== role.policyName)) {
      await orNotFound(aws.write(() => iam.deleteRolePolicy({ RoleName: role.name, PolicyName })));
    }
  }
  if (what.tags) {
    let remove = what.removeTags;
    if (!remove) {
      const current = await allPages(
        (Marker) => iam.listRoleTags({ RoleName: role.name, ...(Marker ? { Marker } : {}) }),
        (page) => page.Tags,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      );
      remove = current.map((t) => t.Key!).filter((key) => !(key in role.tags));
    }
    if (remove.length > 0) await aws.write(() => iam.untagRole({ RoleName: role.name, TagKeys: remove }));
    if (Object.keys(role.tags).length > 0) await aws.write(() => iam.tagRole({ RoleName: role.name, Tags: toIamTags(role.tags) }));
  }
}

/** Deletes inline policies, detaches managed ones, then the role. A role already gone is fine. */
export async function deleteRole(aws: Aws, roleName: string): Promise<void> {
  const iam = await aws.iam();
  const [inline, attached] = await Promise.all([
    orNotFound(
      allPages(
        (Marker) => iam.listRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) }),
        (page) => page.PolicyNames,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      ),
    ),
    orNotFound(
      allPages(
        (Marker) => iam.listAttachedRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) }),
        (page) => page.AttachedPolicies,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      ),
    ),
  ]);
  if (!inline || !attached) return;
  for (const PolicyName of inline) await orNotFound(aws.write(() => iam.deleteRolePolicy({ RoleName: roleName, PolicyName })));
  for (const p of attached) await orNotFound(aws.write(() => iam.detachRolePolicy({ RoleName: roleName, PolicyArn: p.PolicyArn! })));
  await orNotFound(aws.write(() => iam.deleteRole({ RoleName: roleName })));
}

function putPolicy(aws: Aws, role: RoleSpec) {
  return aws
    .iam()
    .then((iam) =>
      aws.write(() => iam.putRolePolicy({ RoleName: role.name, PolicyName: role.policyName, PolicyDocument: JSON.stringify(role.policy) })),
    );
}
