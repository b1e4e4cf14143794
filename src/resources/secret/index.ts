import { createSecret, deleteSecret, readSecrets, restoreSecret, tagSecret, updateSecret } from '../../aws/secrets.js';
import type { SecretSpec } from '../../config/resources.js';
import { defineKind } from '../kind.js';
import { planSecrets, type SecretChange } from './plan.js';

const secretSpecs = (resources: readonly { type: string }[] | undefined) =>
  (resources ?? []).filter((r): r is SecretSpec => r.type === 'secret');

/** Applies description, KMS key and tags of an update, a restore or an adoption. */
async function bring(run: { aws: Parameters<typeof updateSecret>[0] }, c: Extract<SecretChange, { addTags: unknown }>) {
  if (c.description !== undefined || c.kmsKeyId !== undefined)
    await updateSecret(run.aws, c.name, { description: c.description, kmsKeyId: c.kmsKeyId });
  await tagSecret(run.aws, c.name, c.addTags, c.removeTags);
}

/** The fleet's Secrets Manager secrets: created empty, values set with `ops secrets set` only; kept unless removal says destroy. */
export const secret = defineKind<SecretChange>({
  kind: 'secret',
  changes: ['secret.create', 'secret.restore', 'secret.adopt', 'secret.update', 'secret.delete'],
  async read(aws, scope) {
    // A fleet that declares no resources makes no Secrets Manager call: its no-op deploy stays as fast as before.
    if (!scope.resources?.length) return {};
    const { secrets, foreign } = await readSecrets(aws, {
      app: scope.app,
      stage: scope.stage,
      names: secretSpecs(scope.resources).map((s) => s.physicalName),
    });
    return { actual: { secrets }, foreign };
  },
  plan: planSecrets,
  apply: {
    'secret.create': (c, run) => createSecret(run.aws, c),
    async 'secret.restore'(c, run) {
      await restoreSecret(run.aws, c.name);
      await bring(run, c);
    },
    async 'secret.adopt'(c, run) {
      // Tagged first: from then on the secret is ours, whatever else fails.
      await tagSecret(run.aws, c.name, c.addTags, c.removeTags);
      if (c.description !== undefined || c.kmsKeyId !== undefined)
        await updateSecret(run.aws, c.name, { description: c.description, kmsKeyId: c.kmsKeyId });
    },
    'secret.update': (c, run) => bring(run, c),
    'secret.delete': (c, run) => deleteSecret(run.aws, c.name),
  },
});
