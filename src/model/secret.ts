/** Secrets Manager's default recovery window, which ops keeps: a deleted secret can be restored for 30 days. */
export const SECRET_RECOVERY_DAYS = 30;

/** A Secrets Manager secret as DescribeSecret / ListSecrets report it (src/aws/secrets.ts), never its value. */
export interface ActualSecret {
  name: string;
  arn: string;
  /** '' when it has none. */
  description: string;
  /** The KMS key the secret is encrypted with; undefined: the account's `aws/secretsmanager` key. */
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** Has a version labelled AWSCURRENT: a value was set (a secret created empty has none). */
  hasValue: boolean;
  /** Set when the secret is scheduled for deletion (its recovery window): it can be restored until then. */
  deletedDate?: string;
}

/** The secrets the read found: owned by the stage's tags, and those with a desired name but not ours. */
export interface ActualSecrets {
  /** By name. */
  owned: Record<string, ActualSecret>;
  /** By name: untagged, or another app's or stage's. The plan stops on them unless `adopt`. */
  unowned: Record<string, ActualSecret>;
}
