import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import type { QueueSpec } from '../../../src/config/resources.js';
import { fleetSchema } from '../../../src/config/schema.js';
import type { Fleet, SqsTriggerSpec } from '../../../src/config/types.js';
import { UserError } from '../../../src/errors.js';
import type { Actual } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { desiredRole } from '../../../src/resources/role/plan.js';
import { ACCOUNT, APP, actualFrom, artifactsFor, expectOrder, find, fleet, fnSpec, kinds, REGION, STAGE } from './builders.js';

const jobs: QueueSpec = {
  type: 'queue',
  key: 'jobs',
  physicalName: `${APP}-${STAGE}-jobs`,
  removal: 'retain',
  adopt: false,
  tags: { 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': 'jobs' },
  fifo: false,
  contentBasedDeduplication: false,
  visibilityTimeoutSeconds: 180,
  retentionSeconds: 345600,
  encryption: 'sqs',
};
const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${APP}-${STAGE}-jobs`;
const trigger = (over: Partial<SqsTriggerSpec> = {}): SqsTriggerSpec => ({
  kind: 'sqs',
  queue: 'jobs',
  batchSize: 10,
  batchWindowSeconds: 0,
  reportBatchItemFailures: true,
  ...over,
});

function fleetWith(t: SqsTriggerSpec, timeout = 30, queue: QueueSpec = jobs): Fleet {
  return fleet([fnSpec('worker', { timeout, triggers: [t] })], { resources: [queue] });
}

/** The fleet deployed, its queue there, and the mapping `have` (if any). */
function actualWith(f: Fleet, have?: Partial<SqsTriggerSpec>, deployed: Fleet = f): Actual {
  const actual = actualFrom(deployed);
  const spec = f.resources[0] as QueueSpec;
  const queue = {
    name: spec.physicalName,
    url: 'https://q',
    arn: queueArn,
    tags: spec.tags,
    attributes: { ...spec, deadLetter: undefined },
  };
  const m = have && { ...trigger(), ...have };
  actual.queues = {
    owned: { [jobs.physicalName]: queue },
    unowned: {},
    mappings: m
      ? [
          {
            uuid: 'u-1',
            queueArn,
            functionName: `${APP}-${STAGE}-worker`,
            state: 'Enabled',
            batchSize: m.batchSize,
            batchWindowSeconds: m.batchWindowSeconds,
            ...(m.maxConcurrency ? { maxConcurrency: m.maxConcurrency } : {}),
            reportBatchItemFailures: m.reportBatchItemFailures,
          },
        ]
      : [],
  };
  return actual;
}

const plan = (f: Fleet, actual: Actual) => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual });

describe('SQS triggers', () => {
  it('resolve with ReportBatchItemFailures on and batch size 10 unless the config says otherwise', () => {
    const raw = {
      app: 'shop',
      region: 'eu-west-1',
      resources: { jobs: { type: 'queue' } },
      functions: {
        api: { handler: 'src/a/handler.ts', triggers: [{ sqs: 'jobs' }, { sqs: 'jobs', batchWindow: 5, reportBatchItemFailures: false }] },
      },
    };
    const f = resolveFleet(fleetSchema.parse(raw), { stage: 'dev', root: '/proj', configPath: '/proj/ops.config.ts', exists: () => true });
    expect(f.functions[0].triggers).toEqual([
      { kind: 'sqs', queue: 'jobs', batchSize: 10, batchWindowSeconds: 0, reportBatchItemFailures: true },
      { kind: 'sqs', queue: 'jobs', batchSize: 10, batchWindowSeconds: 5, reportBatchItemFailures: false },
    ]);
  });

  it('a new mapping waits for the queue, the role and live; the role may poll exactly that queue', () => {
    const f = fleetWith(trigger({ maxConcurrency: 5 }));
    // Deployed before the trigger was added: the role lacks the grant.
    const p = plan(f, actualWith(f, undefined, fleet([fnSpec('worker')], { resources: [jobs] })));
    expect(kinds(p)).toEqual(['role.update', 'eventsource.create']);
    const id = `eventsource.create:${APP}-${STAGE}-jobs:${APP}-${STAGE}-worker`;
    expect(find(p, id)).toMatchObject({
      queueArn,
      functionName: `${APP}-${STAGE}-worker`,
      settings: { batchSize: 10, batchWindowSeconds: 0, maxConcurrency: 5, reportBatchItemFailures: true },
    });
    expectOrder(p, `role.update:${APP}-${STAGE}-worker`, id);
    const statements = desiredRole(f, f.functions[0], ACCOUNT)?.policy.Statement ?? [];
    expect(statements.find((s) => s.Sid === 'OpsSqsTriggers')).toEqual({
      Sid: 'OpsSqsTriggers',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: queueArn,
    });
  });

  it('plans nothing when the mapping is as configured; updates a setting in place', () => {
    const f = fleetWith(trigger());
    const same = actualWith(f, {});
    // The role already has the grant: actualFrom builds it from the same config.
    expect(plan(f, same).changes).toEqual([]);
    const p = plan(f, actualWith(f, { batchSize: 4, reportBatchItemFailures: false }));
    expect(kinds(p)).toEqual(['eventsource.update']);
    expect(p.changes[0]).toMatchObject({
      uuid: 'u-1',
      fields: [
        { field: 'batchSize', from: '4', to: '10' },
        { field: 'reportBatchItemFailures', from: 'false', to: 'true' },
      ],
    });
  });

  it('a mapping no trigger wants any more is deleted', () => {
    const f = fleet([fnSpec('worker')], { resources: [jobs] });
    const p = plan(f, actualWith(f, {}));
    expect(kinds(p)).toContain('eventsource.delete');
    expect(find(p, 'eventsource.delete:u-1')).toMatchObject({ queueArn, fn: 'worker' });
  });

  it('warns under 6× the timeout, stops under 1×, and names an unknown queue or a FIFO batch over 10 in one line', () => {
    const f = fleetWith(trigger(), 60);
    expect(plan(f, actualWith(f, {})).warnings).toContain(
      "worker: queue jobs's visibility timeout (180s) is under 6× the function's timeout (60s): a batch being retried may be received twice",
    );
    const err = (g: Fleet) => {
      try {
        plan(g, actualWith(g));
      } catch (e) {
        if (e instanceof UserError) return e.message;
        throw e;
      }
      return 'no error';
    };
    expect(err(fleetWith(trigger(), 200))).toBe(
      "functions.worker.triggers: queue jobs has a visibility timeout of 180s, shorter than worker's timeout of 200s",
    );
    expect(err(fleetWith(trigger({ queue: 'nope' })))).toBe("functions.worker.triggers: sqs 'nope' is not a queue of resources");
    expect(err(fleetWith(trigger({ batchSize: 20 }), 30, { ...jobs, fifo: true }))).toBe(
      'functions.worker.triggers: batchSize 20 for FIFO queue jobs: Lambda takes at most 10',
    );
  });
});
