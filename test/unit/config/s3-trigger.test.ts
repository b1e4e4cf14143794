import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import type { ParsedFleet } from '../../../src/config/schema.js';
import { validateFleet } from '../../../src/config/validate.js';

const env = { stage: 'dev', exists: (p: string) => p === 'src/a/handler.ts' };
const config = (trigger: Record<string, unknown>, resources: Record<string, unknown> = {}) => ({
  app: 'shop',
  region: 'eu-west-1',
  resources,
  functions: { api: { handler: 'src/a/handler.ts', triggers: [trigger] } },
});
const check = (raw: unknown) => validateFleet(raw, env);
/** The config validated, then resolved as a deploy resolves it. */
function resolved(raw: unknown) {
  const { fleet, problems } = check(raw);
  expect(problems).toEqual([]);
  return resolveFleet(fleet as ParsedFleet, { stage: 'dev', root: '/p', configPath: '/p/ops.config.ts', env: {}, exists: () => true });
}
const problemsOf = (raw: unknown) => check(raw).problems.map((p) => `${p.path}: ${p.message}`);

describe('S3 triggers in the config', () => {
  it('a declared bucket by key becomes its physical name; another name is taken as an existing bucket', () => {
    const [t] = resolved(config({ s3: 'uploads', prefix: 'in/' }, { uploads: { type: 'bucket' } })).functions[0].triggers;
    expect(t).toMatchObject({ kind: 's3', bucket: 'shop-dev-uploads', resource: 'uploads', events: ['s3:ObjectCreated:*'], prefix: 'in/' });
    expect(t).toMatchObject({
      notificationId: expect.stringMatching(/^ops-shop-dev-api-[0-9a-f]{8}$/),
      statementId: expect.stringMatching(/^ops-s3-/),
    });
    const [other] = resolved(config({ s3: 'their-bucket', events: ['s3:ObjectRemoved:*', 's3:ObjectCreated:Put'] })).functions[0].triggers;
    expect(other).toMatchObject({
      bucket: 'their-bucket',
      events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'],
    });
    expect(other).not.toHaveProperty('resource');
  });

  it('a resource that is not a bucket, a bad name, a bad event type: one line each', () => {
    expect(problemsOf(config({ s3: 'jobs' }, { jobs: { type: 'queue' } }))).toEqual([
      'functions.api.triggers.0.s3: resources.jobs is a queue, not a bucket',
    ]);
    expect(problemsOf(config({ s3: 'Bad_Bucket' }))).toEqual([
      'functions.api.triggers.0.s3: s3 names a bucket of resources (its key) or an existing bucket (its name)',
    ]);
    expect(problemsOf(config({ s3: 'b1', events: ['ObjectCreated'] }))).toEqual([
      "functions.api.triggers.0.events.0: an S3 event type is like 's3:ObjectCreated:*'",
    ]);
  });
});
