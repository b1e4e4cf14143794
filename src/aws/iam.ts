import type { AttachedPolicy, Role, RoleDetail } from '@aws-sdk/client-iam';
import { notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG, physicalName, ROLE_POLICY_NAME, rolePath } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { Actual, ActualRole, PolicyDocument, ReadScope } from '../model/actual.js';
import type { RoleSpec } from '../model/specs.js';
import type { Aws } from './clients.js';
import { isAlreadyExists, orNotFound } from './errors.js';
import { parsePolicyDocument } from './map.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';

type Foreign = Actual['foreign'];

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
    const existing = (await read(aws, () => iam.getRole({ RoleName: role.name }))).Role!;
    const tags = Object.fromEntries((existing.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
    if (existing.Path !== role.path || notOwnedReason(tags, role.tags[OWNER_APP_TAG] ?? '', role.tags[OWNER_STAGE_TAG] ?? '')) {
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

/**
 * From this many roles under the fleet's path, one GetAccountAuthorizationDetails (a page per 1,000
 * roles of the account) replaces four calls per role: at 200 functions that is 800 IAM reads.
 * Below it, role by role is cheaper in an account with many other roles.
 */
export const BATCH_ROLE_READS_FROM = 25;

export interface ReadRolesOptions {
  /** Owned roles from which they are read in one batch; default `BATCH_ROLE_READS_FROM`. */
  batchFrom?: number;
}

export async function readRoles(
  aws: Aws,
  scope: ReadScope,
  opts: ReadRolesOptions = {},
): Promise<{ items: Record<string, ActualRole>; foreign: Foreign }> {
  const iam = await aws.iam();
  const batchFrom = opts.batchFrom ?? BATCH_ROLE_READS_FROM;
  // The roles the config names are read while the listing runs (one round trip less on every read of a
  // stage); the listing still decides which are candidates, and a few roles only: many go in one batch.
  const configured = [...new Set((scope.functions ?? []).flatMap((f) => (f.role ? [] : [f.roleName])))];
  // Kept role names (`roleName`) are read by name in any case: one held by a role outside the stage's path (another
  // stage's, a hand-made one) must stop the plan before any write, not fail the CreateRole after others.
  const kept = new Set(
    (scope.functions ?? []).flatMap((f) => (!f.role && f.roleName !== physicalName(scope.app, scope.stage, f.key) ? [f.roleName] : [])),
  );
  const early = new Map<string, Promise<ActualRole | undefined>>(
    (configured.length < batchFrom ? configured : configured.filter((n) => kept.has(n))).map((name) => [name, readRole(aws, name)]),
  );
  for (const p of early.values()) p.catch(() => {});
  const listed = await allPages(
    (Marker) => read(aws, () => iam.listRoles({ PathPrefix: rolePath(scope), ...(Marker ? { Marker } : {}) })),
    (page) => page.Roles,
    (page) => (page.IsTruncated ? page.Marker : undefined),
  ).catch(async (error) => {
    await Promise.allSettled(early.values());
    throw error;
  });
  const items: Record<string, ActualRole> = {};
  const foreign: Foreign = [];
  const names = listed.map((r) => r.RoleName!);
  const batch = names.length >= batchFrom ? await readRolesInBatch(aws, names) : undefined;
  const roles = batch ?? (await mapLimit(names, 8, (name) => early.get(name) ?? readRole(aws, name)));
  await Promise.allSettled(early.values());
  for (const name of kept) {
    if (names.includes(name)) continue;
    const elsewhere = await early.get(name);
    if (elsewhere) foreign.push({ type: 'iam role', name, reason: `it exists under ${elsewhere.path}, not ${rolePath(scope)}` });
  }
  for (const role of roles) {
    if (!role) continue;
    // The path only finds candidates: a hand-made role under /ops/{app}/{stage}/ is not ours, whatever its path.
    const reason = notOwnedReason(role.tags, scope.app, scope.stage);
    if (reason) foreign.push({ type: 'iam role', name: role.name, reason });
    else items[role.name] = role;
  }
  return { items, foreign };
}

/** One role with its trust policy, inline policies and attached policy ARNs; `undefined` when it is gone. */
export async function readRole(aws: Aws, roleName: string, expectedPolicy = ROLE_POLICY_NAME): Promise<ActualRole | undefined> {
  const iam = await aws.iam();
  const getPolicy = (PolicyName: string) =>
    read(aws, () => iam.getRolePolicy({ RoleName: roleName, PolicyName })).then((p) => parsePolicyDocument(p.PolicyDocument));
  // All at once, and the policy ops writes asked for before it is listed: IAM answers slowly (~100 ms),
  // and the role chain of three round trips was the longest path of every read of a stage.
  const [got, policyNames, attached, expected] = await Promise.all([
    orNotFound(read(aws, () => iam.getRole({ RoleName: roleName }))),
    orNotFound(
      allPages(
        (Marker) => read(aws, () => iam.listRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) })),
        (page) => page.PolicyNames,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      ),
    ),
    orNotFound(
      allPages<{ AttachedPolicies?: AttachedPolicy[]; IsTruncated?: boolean; Marker?: string }, AttachedPolicy>(
        (Marker) => read(aws, () => iam.listAttachedRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) })),
        (page) => page.AttachedPolicies,
        (page) => (page.IsTruncated ? page.Marker : undefined),
      ),
    ),
    orNotFound(getPolicy(expectedPolicy)),
  ]);
  if (!got?.Role || !policyNames || !attached) return undefined;
  const inline = await Promise.all(
    policyNames.map(async (PolicyName) => {
      const doc = PolicyName === expectedPolicy && expected ? expected : await getPolicy(PolicyName);
      return [PolicyName, doc] as const;
    }),
  );
  return actualRole(got.Role, inline, attached);
}

/**
 * The named roles from GetAccountAuthorizationDetails, which carries each role's tags, inline policy
 * documents and attached policies; roles no longer there are left out. `undefined` when the identity
 * may not call it: the caller then reads role by role.
 */
export async function readRolesInBatch(aws: Aws, roleNames: readonly string[]): Promise<ActualRole[] | undefined> {
  const iam = await aws.iam();
  let details: RoleDetail[];
  try {
    details = await allPages(
      (Marker) => read(aws, () => iam.getAccountAuthorizationDetails({ Filter: ['Role'], MaxItems: 1000, ...(Marker ? { Marker } : {}) })),
      (page) => page.RoleDetailList,
      (page) => (page.IsTruncated ? page.Marker : undefined),
    );
  } catch (error) {
    if (isAccessDenied(error)) return undefined;
    throw error;
  }
  const byName = new Map(details.map((d) => [d.RoleName, d]));
  return roleNames.flatMap((name) => {
    const d = byName.get(name);
    if (!d) return [];
    const inline = (d.RolePolicyList ?? []).map((p) => [p.PolicyName!, parsePolicyDocument(p.PolicyDocument)] as const);
    return [actualRole(d, inline, d.AttachedManagedPolicies ?? [])];
  });
}

// Our client middleware turns AccessDenied into a UserError (the SDK error is its cause).
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const isAccessDenied = (error: unknown) => {
  const e = error as { name?: string; cause?: { name?: string } } | undefined;
  return ACCESS_DENIED.has(e?.name ?? '') || ACCESS_DENIED.has(e?.cause?.name ?? '');
};

export function actualRole(role: Role | RoleDetail, inline: (readonly [string, PolicyDocument])[], attached: AttachedPolicy[]): ActualRole {
  return {
    name: role.RoleName!,
    arn: role.Arn!,
    path: role.Path ?? '/',
    trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument),
    inlinePolicies: Object.fromEntries(inline),
    attachedPolicyArns: attached
      .map((p) => p.PolicyArn!)
      .filter(Boolean)
      .sort(),
    tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
  };
}
