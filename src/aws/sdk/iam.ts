import * as sdk from '@aws-sdk/client-iam';
import { aggregate, type Slim } from './aggregate.js';

/** The IAM commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateRoleCommand: sdk.CreateRoleCommand,
  DeleteRoleCommand: sdk.DeleteRoleCommand,
  DeleteRolePolicyCommand: sdk.DeleteRolePolicyCommand,
  DetachRolePolicyCommand: sdk.DetachRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand: sdk.GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand: sdk.GetPolicyCommand,
  GetPolicyVersionCommand: sdk.GetPolicyVersionCommand,
  GetRoleCommand: sdk.GetRoleCommand,
  GetRolePolicyCommand: sdk.GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand: sdk.ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand: sdk.ListRolePoliciesCommand,
  ListRoleTagsCommand: sdk.ListRoleTagsCommand,
  ListRolesCommand: sdk.ListRolesCommand,
  PutRolePolicyCommand: sdk.PutRolePolicyCommand,
  TagRoleCommand: sdk.TagRoleCommand,
  UntagRoleCommand: sdk.UntagRoleCommand,
  UpdateAssumeRolePolicyCommand: sdk.UpdateAssumeRolePolicyCommand,
};

/** IAMClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type IAM = Slim<sdk.IAMClient, sdk.IAM, typeof commands>;

export const create = aggregate<sdk.IAMClientConfig, IAM>(sdk.IAMClient, commands);
