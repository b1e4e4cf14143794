import type { ExternalRoleGrants, PolicyDocument } from '../model/actual.js';
import type { Aws } from './clients.js';
import { isNotFound, nameOf, statusOf } from './errors.js';
import { parsePolicyDocument } from './map.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';

const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
// Our client middleware wraps AccessDenied in a UserError whose cause is the SDK error.
const isDenied = (e: unknown) => DENIED.has(nameOf(e)) || DENIED.has(nameOf((e as { cause?: unknown })?.cause)) || statusOf(e) === 403;

/**
 * What each role ops does not manage grants, by role name: its inline policies and the default version
 * of each managed policy attached to it (GetPolicy, then GetPolicyVersion). A role that is gone or
 * that the caller may not read is `unreadable`, with the reason: the planner then asks for everything.
 */
export async function readExternalRoleGrants(aws: Aws, roleNames: readonly string[]): Promise<Record<string, ExternalRoleGrants>> {
  const managed = new Map<string, Promise<PolicyDocument>>();
  // One managed policy (AWSLambdaBasicExecutionRole) is often attached to every role: read it once.
  const managedDocument = (arn: string) => {
    if (!managed.has(arn)) managed.set(arn, readManagedPolicyDocument(aws, arn));
    return managed.get(arn)!;
  };
  const entries = await mapLimit(roleNames, 4, async (name): Promise<[string, ExternalRoleGrants]> => {
    try {
      return [name, { policies: await readRolePolicies(aws, name, managedDocument) }];
    } catch (error) {
      if (isNotFound(error)) return [name, { unreadable: 'the role was not found' }];
      if (isDenied(error)) return [name, { unreadable: 'access denied' }];
      throw error;
    }
  });
  return Object.fromEntries(entries);
}

async function readRolePolicies(aws: Aws, roleName: string, managedDocument: (arn: string) => Promise<PolicyDocument>) {
  const iam = await aws.iam();
  const [inlineNames, attached] = await Promise.all([
    allPages(
      (Marker) => read(aws, () => iam.listRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) })),
      (page) => page.PolicyNames,
      (page) => (page.IsTruncated ? page.Marker : undefined),
    ),
    allPages(
      (Marker) => read(aws, () => iam.listAttachedRolePolicies({ RoleName: roleName, ...(Marker ? { Marker } : {}) })),
      (page) => page.AttachedPolicies,
      (page) => (page.IsTruncated ? page.Marker : undefined),
    ),
  ]);
  const inline = inlineNames.map((PolicyName) =>
    read(aws, () => iam.getRolePolicy({ RoleName: roleName, PolicyName })).then((p) => parsePolicyDocument(p.PolicyDocument)),
  );
  const attachedDocs = attached.flatMap((p) => (p.PolicyArn ? [managedDocument(p.PolicyArn)] : []));
  return Promise.all([...inline, ...attachedDocs]);
}

/** The default version's document of a managed policy (IAM returns it URL-encoded). */
async function readManagedPolicyDocument(aws: Aws, PolicyArn: string): Promise<PolicyDocument> {
  const iam = await aws.iam();
  const policy = await read(aws, () => iam.getPolicy({ PolicyArn }));
  const VersionId = policy.Policy?.DefaultVersionId;
  if (!VersionId) return parsePolicyDocument(undefined);
  const version = await read(aws, () => iam.getPolicyVersion({ PolicyArn, VersionId }));
  return parsePolicyDocument(version.PolicyVersion?.Document);
}
