import * as sdk from '@aws-sdk/client-secrets-manager';
import { aggregate, type Slim } from './aggregate.js';

/** The Secrets Manager commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateSecretCommand: sdk.CreateSecretCommand,
  DeleteSecretCommand: sdk.DeleteSecretCommand,
  DescribeSecretCommand: sdk.DescribeSecretCommand,
  GetSecretValueCommand: sdk.GetSecretValueCommand,
  ListSecretsCommand: sdk.ListSecretsCommand,
  PutSecretValueCommand: sdk.PutSecretValueCommand,
  RestoreSecretCommand: sdk.RestoreSecretCommand,
  TagResourceCommand: sdk.TagResourceCommand,
  UntagResourceCommand: sdk.UntagResourceCommand,
  UpdateSecretCommand: sdk.UpdateSecretCommand,
};

/** SecretsManagerClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SecretsManager = Slim<sdk.SecretsManagerClient, sdk.SecretsManager, typeof commands>;

export const create = aggregate<sdk.SecretsManagerClientConfig, SecretsManager>(sdk.SecretsManagerClient, commands);
