import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../src/config/types.js';
import { planDeploy } from '../../../src/plan/plan.js';
import type { Change } from '../../../src/plan/types.js';
import { ACCOUNT, actualFrom, artifactsFor, emptyActual, expectOrder, expectTopological, find, ids } from './builders.js';
import { resolveConfig, settingsFleet, settingsFleetConfig, TRIGGER_TOPIC } from './settings-fleet.js';

const f = settingsFleet();
const artifacts = artifactsFor(f);
const plan = (fleet: Fleet, actual = actualFrom(f)) => planDeploy({ fleet, artifacts: artifactsFor(fleet), actual });
const edited = (edit: (cfg: Record<string, any>) => void) => {
  const cfg = settingsFleetConfig();
  edit(cfg);
  return resolveConfig(cfg);
};
const ofKind = <K extends Change['kind']>(changes: Change[], kind: K) =>
  changes.filter((c): c is Extract<Change, { kind: K }> => c.kind === kind);

const RULE = 'tasks-dev-detector-1b5084fe';
const NOON = 'tasks-dev-detector-noon';
const ALIAS = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-detector:live`;

describe('schedules', () => {
  const fresh = planDeploy({ fleet: f, artifacts, actual: emptyActual() });

  it('a rule per schedule, named from the expression or the given name, targeting live', () => {
    const [rate, noon] = ofKind(fresh.changes, 'schedule.create');
    expect(rate.schedule).toEqual({
      ruleName: RULE,
      expression: 'rate(5 minutes)',
      enabled: true,
      targetArn: ALIAS,
      functionName: 'tasks-dev-detector',
      statementId: `ops-rule-${RULE}`,
      tags: { project: 'ops', 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:function': 'detector' },
    });
    expect(noon.schedule).toMatchObject({ ruleName: NOON, enabled: false, input: '{"full":true}', description: 'daily sweep' });
    expect(noon.summary).toBe(`create schedule ${NOON}: cron(0 12 * * ? *) → tasks-dev-detector:live (disabled)`);
  });

  it('waits for the live alias', () => {
    expectTopological(fresh);
    expect(find(fresh, `schedule.create:${RULE}`).dependsOn).toEqual([
      'alias.publish:tasks-dev-detector',
      'function.create:tasks-dev-detector',
    ]);
  });

  it('zero changes when the rule, target, tags and permission are as configured', () => {
    expect(plan(f).changes).toEqual([]);
  });

  it('an edited state, description, input or target, extra targets, tags and a missing permission → one update saying each', () => {
    const actual = actualFrom(f);
    const rule = actual.rules![NOON];
    rule.state = 'ENABLED';
    rule.description = '';
    rule.targets = [
      { id: 'live', arn: ALIAS, input: '{"full": false}' },
      { id: 'someone', arn: 'arn:aws:sqs:us-east-1:1:q' },
    ];
    rule.tags.extra = 'x';
    const fn = actual.functions['tasks-dev-detector'];
    fn.aliasPolicy = fn.aliasPolicy.filter((s) => s.Sid !== `ops-rule-${NOON}`);
    const p = plan(f, actual);
    expect(ids(p)).toEqual([`schedule.update:${NOON}`]);
    const u = ofKind(p.changes, 'schedule.update')[0];
    expect(u).toMatchObject({
      rule: true,
      target: true,
      permission: true,
      removeTargetIds: ['someone'],
      addTags: {},
      removeTags: ['extra'],
    });
    expect(u.fields.map((x) => x.field)).toEqual(['state', 'description', 'input', 'target', 'tag.extra', 'permission']);
  });

  it('input compares as JSON: key order and spacing are no change', () => {
    const actual = actualFrom(f);
    actual.rules![NOON].targets[0].input = '{ "full" : true }';
    expect(plan(f, actual).changes).toEqual([]);
  });

  it('a changed expression is a new rule (its name is the hash): create it, delete the old one with its permission', () => {
    const next = edited((cfg) => {
      cfg.functions.detector.triggers[0].schedule = 'rate(10 minutes)';
    });
    const p = plan(next);
    const create = ofKind(p.changes, 'schedule.create')[0];
    expect(create.schedule.expression).toBe('rate(10 minutes)');
    expect(ofKind(p.changes, 'schedule.delete')).toMatchObject([
      { id: `schedule.delete:${RULE}`, ruleName: RULE, targetIds: ['live'], name: 'tasks-dev-detector', statementId: `ops-rule-${RULE}` },
    ]);
  });

  it('a named schedule keeps its rule: a changed expression updates that rule in place, nothing created or deleted', () => {
    const next = edited((cfg) => {
      cfg.functions.detector.triggers[1].schedule = 'cron(0 13 * * ? *)';
    });
    const p = plan(next);
    expect(ids(p)).toEqual([`schedule.update:${NOON}`]);
    const u = ofKind(p.changes, 'schedule.update')[0];
    expect(u).toMatchObject({
      rule: true,
      target: false,
      permission: false,
      schedule: { ruleName: NOON, expression: 'cron(0 13 * * ? *)' },
    });
    expect(u.fields).toEqual([{ field: 'schedule', from: 'cron(0 12 * * ? *)', to: 'cron(0 13 * * ? *)' }]);
  });

  it('removing the triggers deletes the rules and their permissions; nothing else changes', () => {
    const next = edited((cfg) => {
      delete cfg.functions.detector.triggers;
    });
    const p = plan(next);
    // And the marker that has the reader ask for live's policy, once both statements are gone.
    expect(ids(p).sort()).toEqual([`schedule.delete:${RULE}`, `schedule.delete:${NOON}`, 'function.tag:tasks-dev-detector'].sort());
    expect(find(p, 'function.tag:tasks-dev-detector').dependsOn.sort()).toEqual(
      [`schedule.delete:${RULE}`, `schedule.delete:${NOON}`].sort(),
    );
  });

  it('a stale ops-rule-* statement without its rule is removed', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-detector'].aliasPolicy.push({
      Sid: 'ops-rule-tasks-dev-detector-gone',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
    });
    const p = plan(f, actual);
    expect(p.changes).toMatchObject([
      {
        kind: 'schedule.delete',
        id: 'schedule.delete:tasks-dev-detector:ops-rule-tasks-dev-detector-gone',
        resource: { type: 'lambda permission' },
        targetIds: [],
        name: 'tasks-dev-detector',
        statementId: 'ops-rule-tasks-dev-detector-gone',
      },
    ]);
    expect(ofKind(p.changes, 'schedule.delete')[0].ruleName).toBeUndefined();
  });

  it("a rule with the schedule's name that is not ops's is left alone, with a warning", () => {
    const actual = emptyActual();
    actual.foreign.push({ type: 'eventbridge rule', name: RULE, reason: 'no ops:app/ops:stage tags' });
    const p = planDeploy({ fleet: f, artifacts, actual });
    expect(ids(p)).not.toContain(`schedule.create:${RULE}`);
    expect(p.warnings).toContain(`detector: the schedule's rule ${RULE} exists and is not ops's: not created (delete or rename that rule)`);
  });
});

describe('sns subscriptions', () => {
  const key = `tasks-dev-executor:${TRIGGER_TOPIC}`;
  const endpoint = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tasks-dev-executor:live`;

  it('subscribes the live alias with the filter policy, the permission scoped to the topic', () => {
    const p = planDeploy({ fleet: f, artifacts, actual: emptyActual() });
    expect(find(p, `subscription.create:${key}`)).toMatchObject({
      topicArn: TRIGGER_TOPIC,
      endpoint,
      filterPolicy: '{"action":["approve"]}',
      name: 'tasks-dev-executor',
      statementId: expect.stringMatching(/^ops-sns-[0-9a-f]{8}$/),
      dependsOn: ['alias.publish:tasks-dev-executor', 'function.create:tasks-dev-executor'],
      summary: 'subscribe tasks-dev-executor:live to execution-trigger (filtered)',
    });
  });

  it('a changed filter policy (compared as JSON) → update; a removed one → update removing it', () => {
    const actual = actualFrom(f);
    actual.subscriptions![0].filterPolicy = '{"action": ["reject"]}';
    expect(ofKind(plan(f, actual).changes, 'subscription.update')).toMatchObject([
      { filter: { policy: '{"action":["approve"]}' }, permission: false },
    ]);
    const unfiltered = edited((cfg) => {
      delete cfg.functions.executor.triggers[0].filterPolicy;
    });
    const u = ofKind(plan(unfiltered).changes, 'subscription.update')[0];
    expect(u.filter).toEqual({});
    expect(u.fields).toEqual([{ field: 'filter', from: `'{"action":["approve"]}'`, to: '(none)' }]);
  });

  it('a missing permission → update putting it back', () => {
    const actual = actualFrom(f);
    actual.functions['tasks-dev-executor'].aliasPolicy = [];
    expect(ofKind(plan(f, actual).changes, 'subscription.update')).toMatchObject([{ permission: true }]);
  });

  it('the permission twice under one id (a retried AddPermission that moto accepted) → update rewriting it as one', () => {
    const actual = actualFrom(f);
    const policy = actual.functions['tasks-dev-executor'].aliasPolicy;
    policy.push(structuredClone(policy[0]));
    expect(ofKind(plan(f, actual).changes, 'subscription.update')).toMatchObject([{ permission: true }]);
  });

  it('removing the trigger unsubscribes and removes the permission', () => {
    const next = edited((cfg) => {
      delete cfg.functions.executor.triggers;
    });
    const p = plan(next);
    expect(p.changes).toMatchObject([
      {
        kind: 'subscription.delete',
        subscriptionArn: `${TRIGGER_TOPIC}:sub-executor`,
        name: 'tasks-dev-executor',
        statementId: expect.stringMatching(/^ops-sns-/),
        summary: 'unsubscribe tasks-dev-executor:live from execution-trigger',
      },
      // The marker that has the reader ask for live's policy goes once the statement has.
      { kind: 'function.tag', name: 'tasks-dev-executor', remove: ['ops:policy'], dependsOn: [p.changes[0]?.id] },
    ]);
  });

  it('a topic in another region is not subscribed, with a warning', () => {
    const next = edited((cfg) => {
      cfg.functions.executor.triggers[0].sns = 'arn:aws:sns:eu-west-1:123456789012:elsewhere';
    });
    const p = planDeploy({ fleet: next, artifacts: artifactsFor(next), actual: emptyActual() });
    expect(ids(p).some((id) => id.startsWith('subscription.'))).toBe(false);
    expect(p.warnings.join('\n')).toContain('is not in us-east-1');
  });
});

describe('functions removed or destroyed', () => {
  it("a removed function's rules, subscription and alarms go before the function", () => {
    const next = edited((cfg) => {
      delete cfg.functions.detector;
      delete cfg.functions.executor;
      cfg.functions.worker.async.onFailure = 'arn:aws:sqs:us-east-1:123456789012:dlq';
    });
    const p = plan(next);
    expectTopological(p);
    expectOrder(p, `schedule.delete:${RULE}`, 'function.delete:tasks-dev-detector');
    expectOrder(p, 'alarm.delete:tasks-dev-detector-Errors-1', 'function.delete:tasks-dev-detector');
    expectOrder(p, `subscription.delete:tasks-dev-executor:${TRIGGER_TOPIC}`, 'function.delete:tasks-dev-executor');
    // Settings go with the function: nothing to delete separately.
    expect(ids(p).some((id) => /^(reserved|provisioned|async)\.delete/.test(id))).toBe(false);
  });

  it('destroy removes every rule, subscription, alarm and layer', () => {
    const p = planDeploy({ fleet: f, artifacts: {}, actual: actualFrom(f), destroy: true });
    const kinds = new Set(p.changes.map((c) => c.kind));
    for (const k of ['schedule.delete', 'subscription.delete', 'alarm.delete', 'layer.delete', 'function.delete'] as const) {
      expect(kinds.has(k)).toBe(true);
    }
    expect(p.changes.every((c) => c.action === 'delete')).toBe(true);
    expectTopological(p);
  });

  it('with only, just the named function is touched', () => {
    const actual = actualFrom(f);
    actual.rules![NOON].state = 'ENABLED';
    actual.subscriptions![0].filterPolicy = undefined;
    const p = planDeploy({ fleet: f, artifacts, actual, only: ['executor'] });
    expect(ids(p)).toEqual([`subscription.update:tasks-dev-executor:${TRIGGER_TOPIC}`]);
  });
});
