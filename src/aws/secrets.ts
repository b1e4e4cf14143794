import { foreignEntry, notOwnedReason } from '../config/naming.js';
import { UserError } from '../errors.js';
import type { Actual } from '../model/actual.js';
import { type ActualSecret, type ActualSecrets, SECRET_RECOVERY_DAYS } from '../model/secret.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';

/**
 * The fleet's declared Secrets Manager secrets (`resources`, type secret). Never a value in a read: ListSecrets
 * and DescribeSecret tell whether one was set (a version labelled AWSCURRENT), and only `ops secrets set`
 * writes one (PutSecretValue).
 */

const toTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

interface SdkSecret {
  ARN?: string;
  Name?: string;
  Description?: string;
  KmsKeyId?: string;
  Tags?: { Key?: string; Value?: string }[];
  DeletedDate?: Date;
  /** ListSecrets calls it SecretVersionsToStages, DescribeSecret VersionIdsToStages. */
  SecretVersionsToStages?: Record<string, string[]>;
  VersionIdsToStages?: Record<string, string[]>;
}

export function toActualSecret(s: SdkSecret): ActualSecret {
  const versions = s.SecretVersionsToStages ?? s.VersionIdsToStages ?? {};
  return {
    name: s.Name ?? '',
    arn: s.ARN ?? '',
    description: s.Description ?? '',
    ...(s.KmsKeyId ? { kmsKeyId: s.KmsKeyId } : {}),
    tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    hasValue: Object.values(versions).some((stages) => stages.includes('AWSCURRENT')),
    ...(s.DeletedDate ? { deletedDate: new Date(s.DeletedDate).toISOString() } : {}),
  };
}

export interface SecretReadScope {
  app: string;
  stage: string;
  /** The desired names (custom ones included). */
  names: readonly string[];
}

/**
 * The secrets named like the stage's (`{app}-{stage}-…`, one ListSecrets by name prefix, those scheduled for
 * deletion included) and each desired name the list did not cover (a custom name: one DescribeSecret each).
 */
export async function readSecrets(aws: Aws, scope: SecretReadScope): Promise<{ secrets: ActualSecrets; foreign: Actual['foreign'] }> {
  const sm = await aws.secretsmanager();
  const prefix = `${scope.app}-${scope.stage}-`;
  const listed = await allPages(
    (NextToken) =>
      read(aws, () =>
        sm.listSecrets({ Filters: [{ Key: 'name', Values: [prefix] }], IncludePlannedDeletion: true, ...(NextToken ? { NextToken } : {}) }),
      ),
    (page) => page.SecretList ?? [],
    (page) => page.NextToken,
  );
  // The name filter is a case-insensitive prefix match: keep the exact prefix only.
  const found = listed.map(toActualSecret).filter((s) => s.name.startsWith(prefix));
  const seen = new Set(found.map((s) => s.name));
  const others = await mapLimit(
    scope.names.filter((n) => !seen.has(n)),
    8,
    (n) => describeSecret(aws, n),
  );
  const wanted = new Set(scope.names);
  const secrets: ActualSecrets = { owned: {}, unowned: {} };
  const foreign: Actual['foreign'] = [];
  for (const s of [...found, ...others.filter((x): x is ActualSecret => x !== undefined)]) {
    if (notOwnedReason(s.tags, scope.app, scope.stage) === undefined) secrets.owned[s.name] = s;
    else if (wanted.has(s.name)) secrets.unowned[s.name] = s;
    else {
      const entry = foreignEntry('secret', s.name, s.tags, scope.app, scope.stage);
      if (entry) foreign.push(entry);
    }
  }
  return { secrets, foreign };
}

/** The secret by name (or ARN), scheduled for deletion or not; undefined when there is none. */
export async function describeSecret(aws: Aws, id: string): Promise<ActualSecret | undefined> {
  const sm = await aws.secretsmanager();
  const out = await orNotFound(read(aws, () => sm.describeSecret({ SecretId: id })));
  return out ? toActualSecret(out) : undefined;
}

export interface SecretCreate {
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: Record<string, string>;
}

/**
 * Creates the secret with no value: it exists (its ARN can be granted) with no version until `ops secrets
 * set` puts one. A resend after a lost answer meets ResourceExistsException: fine when the secret there is
 * the one we made (our tags).
 */
export async function createSecret(aws: Aws, s: SecretCreate): Promise<string> {
  const sm = await aws.secretsmanager();
  try {
    const out = await aws.write(() =>
      sm.createSecret({
        Name: s.name,
        ...(s.description ? { Description: s.description } : {}),
        ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
        Tags: toTags(s.tags),
      }),
    );
    return out.ARN ?? '';
  } catch (error) {
    if (nameOf(error) !== 'ResourceExistsException') throw error;
    const there = await describeSecret(aws, s.name);
    const same = there && Object.entries(s.tags).every(([k, v]) => there.tags[k] === v);
    if (same && !there.deletedDate) return there.arn;
    // Made by someone else since the plan read (or ours, scheduled for deletion): never taken over here.
    throw new UserError(`secret ${s.name} exists, not managed by ops${there?.deletedDate ? ' (scheduled for deletion)' : ''}`, {
      hint: 'run the command again: the plan reads it and stops, or adopts it when the config says adopt: true',
    });
  }
}

/** Description and KMS key of an existing secret (UpdateSecret without a value makes no new version). */
export async function updateSecret(aws: Aws, name: string, what: { description?: string; kmsKeyId?: string }): Promise<void> {
  const sm = await aws.secretsmanager();
  await aws.write(() =>
    sm.updateSecret({
      SecretId: name,
      ...(what.description !== undefined ? { Description: what.description } : {}),
      ...(what.kmsKeyId !== undefined ? { KmsKeyId: what.kmsKeyId } : {}),
    }),
  );
}

export async function tagSecret(aws: Aws, name: string, add: Record<string, string>, remove: readonly string[]): Promise<void> {
  const sm = await aws.secretsmanager();
  if (remove.length) await aws.write(() => sm.untagResource({ SecretId: name, TagKeys: [...remove] }));
  if (Object.keys(add).length) await aws.write(() => sm.tagResource({ SecretId: name, Tags: toTags(add) }));
}

/** Cancels a scheduled deletion: the secret and its value come back as they were. */
export async function restoreSecret(aws: Aws, name: string): Promise<void> {
  const sm = await aws.secretsmanager();
  await aws.write(() => sm.restoreSecret({ SecretId: name }));
}

/**
 * Schedules the deletion: never ForceDeleteWithoutRecovery, so for SECRET_RECOVERY_DAYS the secret can be
 * restored (`aws secretsmanager restore-secret`, or declaring it again) and its name stays taken.
 */
export async function deleteSecret(aws: Aws, name: string): Promise<void> {
  const sm = await aws.secretsmanager();
  await orNotFound(aws.write(() => sm.deleteSecret({ SecretId: name, RecoveryWindowInDays: SECRET_RECOVERY_DAYS })));
}

/** Puts a new value (a new version labelled AWSCURRENT); returns the version id. Never logged. */
export async function putSecretValue(aws: Aws, name: string, value: string): Promise<string> {
  const sm = await aws.secretsmanager();
  const out = await aws.write(() => sm.putSecretValue({ SecretId: name, SecretString: value }));
  return out.VersionId ?? '';
}

/** The current value (AWSCURRENT) of a secret by name or ARN; undefined when it has none or does not exist. Never logged. */
export async function getSecretValue(aws: Aws, id: string): Promise<string | undefined> {
  const sm = await aws.secretsmanager();
  const out = await orNotFound(read(aws, () => sm.getSecretValue({ SecretId: id })));
  if (!out) return undefined;
  return out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
}
