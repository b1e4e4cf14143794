import { describe, expect, it } from 'vitest';
import type { BucketSpec } from '../../../src/config/resources.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { actualFrom, artifactsFor, fleet, fnSpec } from './builders.js';

const reports: BucketSpec = {
  type: 'bucket',
  key: 'reports',
  physicalName: 'tasks-dev-reports',
  removal: 'retain',
  adopt: false,
  tags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:resource': 'reports' },
  versioning: false,
  encryption: 'AES256',
  lifecycle: [],
  blockPublicAccess: true,
  cors: [],
};

describe('declared buckets (not created by ops yet)', () => {
  it('plan no change and say, once per bucket, that the bucket must exist', () => {
    const f = fleet([fnSpec('api')], { resources: [reports] });
    const plan = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: actualFrom(f) });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.filter((w) => w.startsWith('bucket reports'))).toEqual([
      'bucket reports (tasks-dev-reports): ops does not create buckets yet: it must exist (create it outside ops); uses of it are granted and named as declared',
    ]);
  });

  it('say nothing on destroy (nothing of a bucket is touched)', () => {
    const f = fleet([fnSpec('api')], { resources: [reports] });
    const plan = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: actualFrom(f), destroy: true });
    expect(plan.warnings.some((w) => w.startsWith('bucket '))).toBe(false);
  });
});
