import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/execute.js';
import { laneOf } from '../../../src/apply/lanes.js';
import type { Aws } from '../../../src/aws/clients.js';
import type { Actual } from '../../../src/model/actual.js';
import type { Change, Plan } from '../../../src/plan/types.js';

const base = (id: string) => ({ id, action: 'update' as const, fields: [], dependsOn: [] as string[], summary: id });
const retention = (g: string): Change =>
  ({
    ...base(`loggroup.retention:${g}`),
    kind: 'loggroup.retention',
    resource: { type: 'log group', name: g },
    logGroup: g,
    retentionDays: 7,
  }) as Change;
const alarmDelete = (a: string): Change =>
  ({ ...base(`alarm.delete:${a}`), kind: 'alarm.delete', resource: { type: 'cloudwatch alarm', name: a }, alarmName: a }) as Change;

/** An Aws whose PutRetentionPolicy and DeleteAlarms calls are held until the test lets them all go; records each start. */
function heldAws() {
  const started: string[] = [];
  const held: (() => void)[] = [];
  const hold = (name: string) =>
    new Promise<void>((resolve) => {
      started.push(name);
      held.push(resolve);
    });
  const logs = { putRetentionPolicy: (i: { logGroupName: string }) => hold(`logs:${i.logGroupName}`) };
  const cloudwatch = { deleteAlarms: (i: { AlarmNames: string[] }) => hold(`cloudwatch:${i.AlarmNames[0]}`) };
  const aws = { logs: async () => logs, cloudwatch: async () => cloudwatch, write: (fn: () => Promise<unknown>) => fn() } as unknown as Aws;
  const releaseAll = () => {
    for (const r of held.splice(0)) r();
  };
  return { aws, started, releaseAll };
}

const tick = () => new Promise((r) => setTimeout(r, 10));
const plan = (changes: Change[]): Plan => ({ app: 'tasks', stage: 'dev', region: 'us-east-1', changes, warnings: [] });

describe('the executor keeps deploy.concurrency changes in flight per AWS service', () => {
  it('maps change kinds to the service whose write quota they spend', () => {
    expect(['role.create', 'function.create', 'alias.publish', 'loggroup.create', 'route.create', 'alarm.set'].map(laneOf)).toEqual([
      'iam',
      'lambda',
      'lambda',
      'logs',
      'apigateway',
      'cloudwatch',
    ]);
  });

  it("with concurrency 1, a CloudWatch change starts while a CloudWatch Logs change holds its service's one slot", async () => {
    const h = heldAws();
    const run = applyPlan({
      aws: h.aws,
      plan: plan([retention('a'), retention('b'), alarmDelete('x')]),
      actual: {} as Actual,
      concurrency: 1,
    });
    await tick();
    // Before: one slot for all, so the alarm waited behind log group a (and b).
    expect(h.started).toEqual(['logs:a', 'cloudwatch:x']);
    h.releaseAll();
    await tick();
    expect(h.started).toEqual(['logs:a', 'cloudwatch:x', 'logs:b']);
    h.releaseAll();
    const r = await run;
    expect(r.results.map((x) => x.status)).toEqual(['done', 'done', 'done']);
  });
});
