import { REMOVAL_TAG } from '../../config/naming.js';
import type { SecretSpec } from '../../config/resources.js';
import { type ActualSecret, SECRET_RECOVERY_DAYS } from '../../model/secret.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary, quote } from '../../plan/fields.js';
import { assertAdoptable, desiredResourceTags, keptHoldsData, keptTagEdit, type TagEdit } from '../plan-owned.js';

export type SecretChange =
  /** CreateSecret with no value: it exists (and can be granted) with no version until `ops secrets set`. */
  | (ChangeBase & { kind: 'secret.create'; name: string; description?: string; kmsKeyId?: string; tags: Record<string, string> })
  /** RestoreSecret (it was scheduled for deletion), then what `secret.update` does. */
  | (ChangeBase & TagEdit & { kind: 'secret.restore'; name: string; description?: string; kmsKeyId?: string })
  /** UpdateSecret (description, KMS key: no new version), then the tags. */
  | (ChangeBase & TagEdit & { kind: 'secret.update'; name: string; description?: string; kmsKeyId?: string })
  /** A secret not made by ops, taken over (`adopt: true`): tagged, never recreated; its value is untouched. */
  | (ChangeBase & TagEdit & { kind: 'secret.adopt'; name: string; description?: string; kmsKeyId?: string })
  /** DeleteSecret with a recovery window (never forced): only a secret tagged `ops:removal = destroy`. */
  | (ChangeBase & { kind: 'secret.delete'; name: string });

export const SECRET_TYPE = 'secret';

/** The secrets the run wants: none on a destroy. */
export const desiredSecrets = (ctx: PlanContext): SecretSpec[] =>
  ctx.destroy ? [] : (ctx.fleet.resources ?? []).filter((r): r is SecretSpec => r.type === 'secret');

const setHint = (ctx: PlanContext, key: string) => `\`ops secrets set ${key} --stdin --stage ${ctx.fleet.stage}\``;

/** Description and KMS key are managed when the config gives them; absent, whatever the secret has stays. */
function settingDiffs(spec: SecretSpec, have: ActualSecret): { fields: FieldDiff[]; description?: string; kmsKeyId?: string } {
  const fields: FieldDiff[] = [];
  const out: { description?: string; kmsKeyId?: string } = {};
  if (spec.description !== undefined && spec.description !== have.description) {
    fields.push({ field: 'description', from: quote(have.description), to: quote(spec.description) });
    out.description = spec.description;
  }
  if (spec.kmsKeyArn !== undefined && spec.kmsKeyArn !== have.kmsKeyId) {
    fields.push({ field: 'kmsKey', from: have.kmsKeyId ?? 'aws/secretsmanager', to: spec.kmsKeyArn });
    out.kmsKeyId = spec.kmsKeyArn;
  }
  return { fields, ...out };
}

function planSecret(ctx: PlanContext, spec: SecretSpec): SecretChange[] {
  const owned = ctx.actual.secrets?.owned[spec.physicalName];
  const unowned = owned ? undefined : ctx.actual.secrets?.unowned[spec.physicalName];
  if (unowned) assertAdoptable('secret', spec, unowned.tags);
  const have = owned ?? unowned;
  const base = { resource: { type: SECRET_TYPE, name: spec.physicalName }, dependsOn: [] as string[], name: spec.physicalName };
  const tags = desiredResourceTags(ctx, spec, { withRemoval: true });
  if (!have) {
    ctx.warnings.push(`secret ${spec.key}: created empty: set its value with ${setHint(ctx, spec.key)}`);
    return [
      {
        ...base,
        kind: 'secret.create',
        id: changeId('secret.create', spec.physicalName),
        action: 'create',
        summary: `create secret ${spec.physicalName} (empty: no value until \`ops secrets set ${spec.key}\`)`,
        fields: spec.description ? [{ field: 'description', to: quote(spec.description) }] : [],
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.kmsKeyArn ? { kmsKeyId: spec.kmsKeyArn } : {}),
        tags,
      },
    ];
  }
  if (!have.hasValue && !have.deletedDate) ctx.warnings.push(`secret ${spec.key}: has no value yet: set it with ${setHint(ctx, spec.key)}`);
  const settings = settingDiffs(spec, have);
  const t = keptTagEdit(have.tags, tags);
  const fields = [...settings.fields, ...t.fields];
  const kind = !owned ? 'secret.adopt' : have.deletedDate ? 'secret.restore' : 'secret.update';
  if (kind === 'secret.update' && !fields.length) return [];
  const what =
    kind === 'secret.adopt'
      ? `adopt secret ${spec.physicalName} (tagged, not recreated; its value is kept)`
      : kind === 'secret.restore'
        ? `restore secret ${spec.physicalName} (scheduled for deletion on ${have.deletedDate?.slice(0, 10)}: its value comes back)`
        : `update secret ${spec.physicalName}`;
  return [
    {
      ...base,
      kind,
      id: changeId(kind, spec.physicalName),
      action: 'update',
      summary: fields.length ? `${what}: ${fieldsSummary(fields)}` : what,
      fields,
      ...(settings.description !== undefined ? { description: settings.description } : {}),
      ...(settings.kmsKeyId !== undefined ? { kmsKeyId: settings.kmsKeyId } : {}),
      addTags: t.addTags,
      removeTags: t.removeTags,
    },
  ];
}

/** Why a secret that leaves the config (or meets `ops destroy`) stays. */
const keptWarning = (ctx: PlanContext, s: ActualSecret) => keptHoldsData(ctx, 'secret', s.name);

/**
 * The fleet's Secrets Manager secrets: created empty, updated in place (description, KMS key, tags), restored
 * when scheduled for deletion and declared again, adopted when the config says so; an existing secret not ours
 * stops the plan. A secret that leaves the config (or meets `ops destroy`) is kept unless tagged
 * `ops:removal = destroy`; then its deletion is scheduled with a recovery window. A run of named functions
 * prunes nothing.
 */
export function planSecrets(ctx: PlanContext): SecretChange[] {
  if (ctx.scope && ctx.destroy) return [];
  const specs = desiredSecrets(ctx);
  const out = specs.flatMap((spec) => planSecret(ctx, spec));
  if (ctx.scope) return out;
  const desired = new Set(specs.map((s) => s.physicalName));
  const leaving = Object.values(ctx.actual.secrets?.owned ?? {})
    .filter((s) => !desired.has(s.name) && !s.deletedDate)
    .sort((a, b) => compareStrings(a.name, b.name));
  for (const s of leaving) {
    if (s.tags[REMOVAL_TAG] !== 'destroy') {
      ctx.warnings.push(keptWarning(ctx, s));
      continue;
    }
    out.push({
      kind: 'secret.delete',
      id: changeId('secret.delete', s.name),
      action: 'delete',
      resource: { type: SECRET_TYPE, name: s.name },
      summary: `delete secret ${s.name} (removal: destroy): recoverable for ${SECRET_RECOVERY_DAYS} days (\`aws secretsmanager restore-secret --secret-id ${s.name}\`), then its value is gone`,
      fields: [],
      dependsOn: [],
      name: s.name,
    });
  }
  return out;
}
