import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  type SecretsManager as Full,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { aggregate, type Slim } from './aggregate.js';

/** The Secrets Manager commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
};

/** SecretsManagerClient (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type SecretsManager = Slim<SecretsManagerClient, Full, typeof commands>;

export const create = aggregate<SecretsManagerClientConfig, SecretsManager>(SecretsManagerClient, commands);
