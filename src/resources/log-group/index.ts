import { createLogGroup, deleteLogGroup, readLogGroups, setRetention } from '../../aws/logs.js';
import { logGroupName } from '../../config/naming.js';
import { changeId } from '../../plan/change.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { type LogGroupChange, planLogGroups } from './plan.js';

/** `/aws/lambda/<fn>`, created by ops with a retention (Lambda's own never expire). */
export const logGroup = defineKind<LogGroupChange>({
  kind: 'log-group',
  after: ['function'],
  changes: ['loggroup.create', 'loggroup.retention', 'loggroup.delete'],
  async read(aws, scope, r) {
    const { items, foreign, unowned } = await readLogGroups(aws, scope, functionsOf(r));
    return { actual: { logGroups: items, ...(unowned.length ? { unownedLogGroups: unowned } : {}) }, foreign };
  },
  plan: planLogGroups,
  link(ctx, changes) {
    for (const c of changes) {
      if (c.kind !== 'loggroup.delete') continue;
      const owner = Object.keys(ctx.actual.functions).find((n) => logGroupName(n) === c.resource.name);
      if (owner) c.dependsOn.push(changeId('function.delete', owner));
    }
  },
  apply: {
    'loggroup.create': (c, run) => createLogGroup(run.aws, c.logGroup, c.retentionDays, c.tags),
    'loggroup.retention': (c, run) => setRetention(run.aws, c.logGroup, c.retentionDays),
    'loggroup.delete': (c, run) => deleteLogGroup(run.aws, c.logGroup),
  },
});
