import { functionArn, logGroupArn, paramArn, physicalName, ROLE_POLICY_NAME, roleArn, rolePath } from '../../config/naming.js';
import { paramSecretStatements, secretsReadAtRunTime } from '../../config/resolve-param-secrets.js';
import type { Fleet, FunctionSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { PolicyDocument, PolicyStatement } from '../../model/actual.js';
import type { RoleSpec } from '../../model/specs.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { diffMaps, userTags } from '../../plan/fields.js';
import { missingGrants } from '../../plan/grants.js';
import { diffPolicies, POLICY_VERSION, policiesEqual, statementText } from '../../plan/policy.js';
import { eventSourceStatements } from '../event-source/plan.js';
import { desiredAsyncConfig } from '../function-settings/plan.js';
import { resourceStatements } from '../links.js';

export type RoleChange =
  | (ChangeBase & { kind: 'role.create'; role: RoleSpec })
  /** `removeTags`: tag keys to remove (the role's tags become `role.tags`). */
  | (ChangeBase & { kind: 'role.update'; role: RoleSpec; trust: boolean; policy: boolean; tags: boolean; removeTags?: string[] })
  | (ChangeBase & { kind: 'role.delete'; roleName: string });

/** The role of each deployed function that ops makes, and the owned roles no function uses any more. */
export function planRoles(ctx: PlanContext): RoleChange[] {
  warnAboutExternalRoles(ctx);
  return [...ctx.deploy.flatMap((fn) => planRole(ctx, fn)), ...planRoleDeletes(ctx)];
}

export { ROLE_POLICY_NAME };

// AWS accepts nothing narrower than '*' for the ENI calls Lambda makes to join a VPC.
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** What the role needs to send a failed asynchronous event to its destination, by the destination's service. */
const DESTINATION_ACTION: Record<string, string> = {
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
  events: 'events:PutEvents',
};

export const lambdaTrustPolicy = (): PolicyDocument => ({
  Version: POLICY_VERSION,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Physical name of a function key (the config names targets by key). */
const targetName = (fleet: Fleet, key: string) =>
  fleet.functions.find((f) => f.key === key)?.name ?? physicalName(fleet.app, fleet.stage, key);

/** What ops grants every function: its log group, the params it reads, the functions it invokes, VPC networking, the resources it uses. */
export function expectedGrants(fleet: Fleet, fn: FunctionSpec, accountId: string): PolicyStatement[] {
  const { region } = fleet;
  const logGroup = logGroupArn(region, accountId, fn.logGroup);
  const statements: PolicyStatement[] = [
    {
      Sid: 'OpsLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [logGroup, `${logGroup}:*`],
    },
  ];
  // A param resolved into the environment at deploy time is never read at run time: no grant for it.
  const readAtRunTime = fn.params.filter((p) => !p.resolve && !p.secret);
  if (readAtRunTime.length) {
    statements.push({
      Sid: 'OpsParams',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: readAtRunTime.map((p) => paramArn(region, accountId, p.path)),
    });
  }
  // Secrets Manager params: GetSecretValue on exactly those secrets (and kms:Decrypt on a key the config names).
  statements.push(...paramSecretStatements(secretsReadAtRunTime(fn), region, accountId));
  if (fn.invokes.length) {
    statements.push({
      Sid: 'OpsInvoke',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: fn.invokes.flatMap((key) => {
        const arn = functionArn(region, accountId, targetName(fleet, key));
        return [arn, `${arn}:*`];
      }),
    });
  }
  if (fn.vpc) statements.push({ Sid: 'OpsVpc', Effect: 'Allow', Action: VPC_ACTIONS, Resource: '*' });
  // Active tracing: Lambda sends segments with the function's role, and X-Ray takes no resource narrower than '*'.
  if (fn.tracing === 'Active') {
    statements.push({ Sid: 'OpsXray', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
  }
  const destination = desiredAsyncConfig({ region, accountId }, fn)?.onFailure;
  const sendTo = destination && DESTINATION_ACTION[destination.split(':')[2]];
  if (destination && sendTo) {
    const fnArn = /^arn:[^:]+:lambda:[^:]+:[^:]+:function:[^:]+/.exec(destination)?.[0];
    const resource = fnArn ? [fnArn, `${fnArn}:*`] : destination;
    statements.push({ Sid: 'OpsAsyncOnFailure', Effect: 'Allow', Action: [sendTo], Resource: resource });
  }
  // What `uses` grants: exactly the used resources' ARNs (none without `uses`).
  statements.push(...resourceStatements(fleet, fn, accountId));
  // What the SQS triggers' mappings poll the queues with.
  statements.push(...eventSourceStatements(fleet, fn, accountId));
  return statements;
}

/** The role ops manages for a function; undefined when the function names an existing role. */
export function desiredRole(fleet: Fleet, fn: FunctionSpec, accountId: string): RoleSpec | undefined {
  if (fn.role) return undefined;
  const custom: PolicyStatement[] = fn.permissions.map((s) => ({ ...s }));
  return {
    name: fn.roleName,
    path: rolePath(fleet),
    trustPolicy: lambdaTrustPolicy(),
    policyName: ROLE_POLICY_NAME,
    policy: { Version: POLICY_VERSION, Statement: [...expectedGrants(fleet, fn, accountId), ...custom] },
    tags: { ...fn.tags },
  };
}

/** The ARN the function's configuration names: the external role, or the one ops manages. */
export const functionRoleArn = (fleet: Fleet, fn: FunctionSpec, accountId: string) => fn.role ?? roleArn(fleet, accountId, fn.roleName);

const roleResource = (name: string) => ({ type: 'iam role' as const, name });

/** role.create / role.update for one function, or a warning listing the grants an external role must have. */
export function planRole(ctx: PlanContext, fn: FunctionSpec): RoleChange[] {
  const want = desiredRole(ctx.fleet, fn, ctx.accountId);
  // A role ops does not manage is checked once for all its functions (warnAboutExternalRoles).
  if (!want) return [];
  const have = ctx.actual.roles[want.name];
  const base = { fn: fn.key, resource: roleResource(want.name), dependsOn: [] };
  if (!have) {
    // The name is taken by a role that is not this stage's (a kept roleName another stage or a person made):
    // CreateRole would fail half-way through the apply, so the plan stops before any write.
    const taken = ctx.actual.foreign.find((f) => f.type === 'iam role' && f.name === want.name);
    if (taken)
      throw new UserError(`functions.${fn.key}: role ${want.name} exists and is not this stage's (${taken.reason}); nothing was changed`, {
        hint: 'give roleName a name per stage ({stage} in it, or one by stage), or use that role as it is with role:',
      });
    const fields = (want.policy.Statement as PolicyStatement[]).map((s): FieldDiff => ({ field: 'policy', to: statementText(s) }));
    return [
      {
        ...base,
        kind: 'role.create',
        id: changeId('role.create', want.name),
        action: 'create',
        summary: `create role ${want.name}`,
        fields,
        role: want,
      },
    ];
  }
  if (have.path !== want.path) {
    ctx.warnings.push(`role ${have.name} has path ${have.path}, not ${want.path}: delete it so ops can create it again`);
  }
  const trustFields = diffPolicies('trust', have.trustPolicy, want.trustPolicy);
  const policyFields = diffPolicies('policy', have.inlinePolicies[ROLE_POLICY_NAME], want.policy);
  const current = userTags(have.tags);
  const tagFields = diffMaps('tag', current, want.tags);
  if (!trustFields.length && !policyFields.length && !tagFields.length) return [];
  const what = [
    trustFields.length && 'trust policy',
    policyFields.length && `policy ${ROLE_POLICY_NAME}`,
    tagFields.length && 'tags',
  ].filter(Boolean);
  return [
    {
      ...base,
      kind: 'role.update',
      id: changeId('role.update', want.name),
      action: 'update',
      summary: `update role ${want.name}: ${what.join(', ')}`,
      fields: [...trustFields, ...policyFields, ...tagFields],
      role: want,
      trust: !policiesEqual(have.trustPolicy, want.trustPolicy),
      policy: policyFields.length > 0,
      tags: tagFields.length > 0,
      removeTags: Object.keys(current).filter((k) => !(k in want.tags)),
    },
  ];
}

const roleNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const andList = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * One warning per role the config names (`role`) that does not allow what its functions need (logs,
 * params, invokes, destinations), checked against its inline and attached managed policies as read;
 * none when it allows everything. Lambda checks the VPC grants itself when it creates the function.
 */
export function warnAboutExternalRoles(ctx: PlanContext): void {
  const byRole = new Map<string, FunctionSpec[]>();
  for (const fn of ctx.deploy) if (fn.role) byRole.set(roleNameOf(fn.role), [...(byRole.get(roleNameOf(fn.role)) ?? []), fn]);
  for (const [name, fns] of [...byRole].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const grants = ctx.actual.externalRoles?.[name];
    const wanted = fns.flatMap((fn) => expectedGrants(ctx.fleet, { ...fn, vpc: undefined }, ctx.accountId));
    const policies = grants && 'policies' in grants ? grants.policies : undefined;
    const texts = [...new Set((policies ? missingGrants(policies, wanted) : wanted).map((g) => statementText(g).replace(/^Allow /, '')))];
    if (!texts.length) continue;
    const users = `${andList(fns.map((f) => f.key))} ${fns.length === 1 ? 'uses' : 'use'} role ${fns[0].role}, which ops does not manage`;
    ctx.warnings.push(
      policies
        ? `${users}, and it does not allow ${texts.join('; ')}: add that to the role, or remove \`role\` to let ops manage one`
        : `${users} (its policies were not read${grants && 'unreadable' in grants ? `: ${grants.unreadable}` : ''}): make sure it allows ${texts.join('; ')}`,
    );
  }
}

/**
 * Owned roles no desired function uses. With `only`, just the roles of the named functions
 * (their own role name, or the role a removed function ran with).
 */
export function planRoleDeletes(ctx: PlanContext): RoleChange[] {
  const used = new Set(ctx.desired.filter((f) => !f.role).map((f) => f.roleName));
  const scoped = new Set<string>();
  if (ctx.scope) {
    for (const f of ctx.fleet.functions) if (inScope(ctx, f.name)) scoped.add(f.roleName);
    for (const f of Object.values(ctx.actual.functions)) if (inScope(ctx, f.name)) scoped.add(f.config.role);
  }
  const out: RoleChange[] = [];
  for (const role of Object.values(ctx.actual.roles).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (used.has(role.name)) continue;
    if (ctx.scope && !scoped.has(role.name) && !scoped.has(role.arn)) continue;
    const user = Object.values(ctx.actual.functions).find((f) => f.config.role === role.arn);
    const owner = user ? keyOfName(ctx, user.name) : ctx.fleet.functions.find((f) => f.roleName === role.name)?.key;
    out.push({
      kind: 'role.delete',
      id: changeId('role.delete', role.name),
      action: 'delete',
      fn: owner,
      resource: roleResource(role.name),
      summary: `delete role ${role.name}`,
      fields: [],
      dependsOn: [],
      roleName: role.name,
    });
  }
  return out;
}
