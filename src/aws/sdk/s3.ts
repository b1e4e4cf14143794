import * as sdk from '@aws-sdk/client-s3';
import { aggregate, type Slim } from './aggregate.js';

/** The S3 commands ops sends: a call to any other is a type error until its command is added here. */
const commands = {
  CreateBucketCommand: sdk.CreateBucketCommand,
  DeleteBucketCommand: sdk.DeleteBucketCommand,
  DeleteBucketCorsCommand: sdk.DeleteBucketCorsCommand,
  DeleteBucketLifecycleCommand: sdk.DeleteBucketLifecycleCommand,
  DeleteBucketTaggingCommand: sdk.DeleteBucketTaggingCommand,
  DeleteObjectsCommand: sdk.DeleteObjectsCommand,
  DeletePublicAccessBlockCommand: sdk.DeletePublicAccessBlockCommand,
  GetBucketCorsCommand: sdk.GetBucketCorsCommand,
  GetBucketEncryptionCommand: sdk.GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand: sdk.GetBucketLifecycleConfigurationCommand,
  GetBucketNotificationConfigurationCommand: sdk.GetBucketNotificationConfigurationCommand,
  GetBucketTaggingCommand: sdk.GetBucketTaggingCommand,
  GetBucketVersioningCommand: sdk.GetBucketVersioningCommand,
  GetObjectCommand: sdk.GetObjectCommand,
  GetPublicAccessBlockCommand: sdk.GetPublicAccessBlockCommand,
  HeadBucketCommand: sdk.HeadBucketCommand,
  HeadObjectCommand: sdk.HeadObjectCommand,
  ListBucketsCommand: sdk.ListBucketsCommand,
  ListObjectVersionsCommand: sdk.ListObjectVersionsCommand,
  PutBucketCorsCommand: sdk.PutBucketCorsCommand,
  PutBucketEncryptionCommand: sdk.PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand: sdk.PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand: sdk.PutBucketNotificationConfigurationCommand,
  PutBucketTaggingCommand: sdk.PutBucketTaggingCommand,
  PutBucketVersioningCommand: sdk.PutBucketVersioningCommand,
  PutObjectCommand: sdk.PutObjectCommand,
  PutPublicAccessBlockCommand: sdk.PutPublicAccessBlockCommand,
};

/** S3Client (which paginators and waiters take) with a method per command above, named as the SDK names them. */
export type S3 = Slim<sdk.S3Client, sdk.S3, typeof commands>;

export const create = aggregate<sdk.S3ClientConfig, S3>(sdk.S3Client, commands);
