import { describe, expect, it } from 'vitest';
import { resourcePhysicalName } from '../../../src/config/resolve-resources.js';
import type { Fleet, ScheduleSpec } from '../../../src/config/types.js';
import { validateFleet } from '../../../src/config/validate.js';
import type { ActualApi, ActualRule } from '../../../src/model/actual.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { ACCOUNT, API_ID, actualFrom, artifactsFor, fleet, fnSpec, ids, REGION, sampleFleet } from './builders.js';

/* The planner's decisions on kept-name HTTP APIs and rules that ops did not create (issue 16 items 2-3). */

const KEPT = 'legacy-api';
const plan = (f: Fleet, actual = actualFrom(f), destroy = false) => planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, destroy });

/** The sample fleet under a kept API name, and AWS holding that API untagged (or tagged `tags`) with a hand-made route. */
function keptApi(opts: { adopt?: boolean; tags?: Record<string, string> } = {}) {
  const base = sampleFleet();
  const f: Fleet = { ...base, api: { ...base.api!, name: KEPT, ...(opts.adopt ? { adopt: true } : {}) } };
  const actual = actualFrom(base);
  const api: ActualApi = {
    ...actual.api!,
    name: KEPT,
    tags: opts.tags ?? {},
    notOwned: true,
    integrations: [{ id: 'hand', uri: 'https://example.com', type: 'HTTP_PROXY' }],
    routes: [{ id: 'r-legacy', key: 'GET /legacy', target: 'integrations/hand' }],
  };
  return { f, actual: { ...actual, api } };
}

describe('a kept-name HTTP API that ops did not create', () => {
  it('untagged, without adopt: the plan stops with the hint, before any change', () => {
    const { f, actual } = keptApi();
    expect(() => plan(f, actual)).toThrow(`api: http api ${KEPT} (${API_ID}) exists, not managed by ops; nothing was changed`);
    try {
      plan(f, actual);
    } catch (e) {
      expect((e as { hint?: string }).hint).toContain('set api.adopt: true');
    }
  });

  it("another stage's: the plan stops naming the owner, even with adopt", () => {
    const { f, actual } = keptApi({ adopt: true, tags: { 'ops:app': 'tasks', 'ops:stage': 'prod' } });
    expect(() => plan(f, actual)).toThrow(`http api ${KEPT} (${API_ID}) is tagged for app tasks stage prod`);
  });

  it('with adopt: tagged in place (no create), the config routes added, the hand-made route left alone with one line', () => {
    const { f, actual } = keptApi({ adopt: true });
    const p = plan(f, actual);
    const adopt = p.changes.find((c) => c.kind === 'api.adopt');
    expect(adopt).toMatchObject({ apiId: API_ID, tags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:adopted': 'true', team: 'core' } });
    expect(adopt?.summary).toMatch(new RegExp(`^adopt http api ${KEPT} \\(${API_ID}`));
    expect(ids(p).some((id) => id.startsWith('api.create') || id.startsWith('api.delete') || id.includes('GET /legacy'))).toBe(false);
    expect(
      ids(p)
        .filter((id) => id.startsWith('route.create'))
        .sort(),
    ).toEqual(['route.create:GET /tasks', 'route.create:GET /tasks/{id}', 'route.create:POST /flights/search', 'route.create:POST /tasks']);
    expect(ids(p).filter((id) => id.startsWith('integration.delete'))).toEqual([]);
    expect(p.warnings).toContain(`http api ${KEPT}: GET /legacy not ops's (adopted api): left alone`);
  });

  it('adopted, then gone from the config: ops routes and integrations go, the API is kept untagged (no api.delete)', () => {
    const base = sampleFleet();
    const actual = actualFrom(base);
    actual.api = {
      ...actual.api!,
      name: KEPT,
      tags: { ...actual.api!.tags, 'ops:adopted': 'true' },
      integrations: [...actual.api!.integrations, { id: 'hand', uri: 'https://example.com', type: 'HTTP_PROXY' }],
      routes: [...actual.api!.routes, { id: 'r-legacy', key: 'GET /legacy', target: 'integrations/hand' }],
    };
    const p = plan({ ...base, api: undefined, functions: base.functions.map((fn) => ({ ...fn, routes: [] })) }, actual);
    expect(ids(p).some((id) => id.startsWith('api.delete'))).toBe(false);
    const release = p.changes.find((c) => c.kind === 'api.release');
    expect(release).toMatchObject({ apiId: API_ID, removeTags: ['ops:app', 'ops:stage', 'ops:adopted'] });
    expect(release?.summary).toContain('kept (adopted: ops did not create it)');
    expect(ids(p).filter((id) => id.startsWith('route.delete')).length).toBe(4);
    expect(ids(p)).not.toContain('route.delete:GET /legacy');
    expect(ids(p)).not.toContain('integration.delete:hand');
  });

  it('a destroy leaves an API that is not ours alone', () => {
    const { f, actual } = keptApi();
    const p = plan(f, actual, true);
    expect(p.changes.filter((c) => c.kind.startsWith('api.') || c.kind.startsWith('route.'))).toEqual([]);
  });
});

const RULE = 'legacy-nightly';
const FN = 'tasks-dev-job';
const unqualified = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}`;
const schedule = (adopt: boolean): ScheduleSpec => ({
  kind: 'schedule',
  ruleName: RULE,
  expression: 'rate(1 day)',
  enabled: true,
  statementId: `ops-rule-${RULE}`,
  ...(adopt ? { adopt: true } : {}),
});
const handRule = (tags: Record<string, string>, extra: Partial<ActualRule> = {}): ActualRule => ({
  name: RULE,
  arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`,
  scheduleExpression: 'rate(1 day)',
  state: 'ENABLED',
  description: '',
  tags,
  targets: [
    { id: 'seed', arn: unqualified },
    { id: 'audit', arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:audit` },
  ],
  ...extra,
});
/** The rule as an earlier deploy left it adopted: ops's tags and `live` target beside the team's own. */
const adoptedRule = (f: Fleet) =>
  handRule(
    { team: 'data', ...f.functions[0].tags, 'ops:adopted': 'true' },
    {
      targets: [
        { id: 'live', arn: `${unqualified}:live` },
        { id: 'audit', arn: 'arn:aws:sqs:x' },
      ],
    },
  );
const ruleFleet = (adopt: boolean) => fleet([fnSpec('job', { triggers: [schedule(adopt)] })]);
/** AWS after a clean deploy of the function, with the rule as given (the one the builder made replaced). */
const withRule = (f: Fleet, rule: ActualRule | undefined) => {
  const actual = actualFrom(f);
  actual.rules = rule ? { [RULE]: rule } : {};
  return actual;
};

describe('a rule with a kept name that ops did not create', () => {
  it('untagged, without adopt: the plan stops with the hint', () => {
    const f = ruleFleet(false);
    expect(() => plan(f, withRule(f, handRule({ team: 'data' }, { notOwned: true })))).toThrow(
      `functions.job.triggers (ruleName ${RULE}): the rule exists, not managed by ops; nothing was changed`,
    );
  });

  it("another stage's: the plan stops naming the owner", () => {
    const f = ruleFleet(true);
    expect(() => plan(f, withRule(f, handRule({ 'ops:app': 'tasks', 'ops:stage': 'prod' }, { notOwned: true })))).toThrow(
      'the rule is tagged for app tasks stage prod',
    );
  });

  it('with adopt: one update in place; the unqualified target moves to live, other targets and tags stay', () => {
    const f = ruleFleet(true);
    const actual = withRule(f, handRule({ team: 'data' }, { notOwned: true }));
    actual.functions[FN].aliasPolicy = []; // the permission is new: the seed's rule called the function unqualified
    const p = plan(f, actual);
    expect(ids(p)).toEqual([`schedule.update:${RULE}`]);
    const u = p.changes[0] as Extract<(typeof p.changes)[number], { kind: 'schedule.update' }>;
    expect(u.summary).toMatch(new RegExp(`^adopt schedule ${RULE} \\(tag it, name kept\\)`));
    expect(u).toMatchObject({ target: true, permission: true, removeTargetIds: ['seed'], removeTags: [] });
    expect(u.addTags).toMatchObject({ 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:adopted': 'true' });
    expect(u.fields).toContainEqual({ field: 'target seed', from: FN, to: `${FN}:live` });
  });

  it('adopted and in place: nothing to do (the kept targets and tags are not a diff)', () => {
    const f = ruleFleet(true);
    const rule = adoptedRule(f);
    expect(ids(plan(f, withRule(f, rule)))).toEqual([]);
  });

  it('adopted, then gone from the config: released (target, tags, permission), never deleted', () => {
    const f = ruleFleet(true);
    const rule = adoptedRule(f);
    const p = plan(fleet([fnSpec('job')]), withRule(f, rule));
    expect(ids(p)).toContain(`schedule.release:${RULE}`);
    expect(ids(p).some((id) => id.startsWith('schedule.delete'))).toBe(false);
    expect(p.changes.find((c) => c.kind === 'schedule.release')).toMatchObject({
      targetIds: ['live'],
      removeTags: ['ops:app', 'ops:stage', 'ops:function', 'ops:adopted'],
      name: FN,
      statementId: `ops-rule-${RULE}`,
    });
  });

  it('a destroy never deletes a rule that is not ours', () => {
    const f = ruleFleet(false);
    const p = plan(f, withRule(f, handRule({}, { notOwned: true })), true);
    expect(ids(p).filter((id) => id.startsWith('schedule.'))).toEqual([]);
  });
});

describe('config lines for kept names', () => {
  const env = { stage: 'dev', exists: () => true };
  const problems = (raw: Record<string, unknown>) =>
    validateFleet({ app: 'tasks', region: 'us-east-1', ...raw }, env).problems.map((p) => `${p.path}: ${p.message}`);
  const fn = (triggers: unknown[] = []) => ({ handler: 'src/a.ts', routes: ['GET /a'], triggers });

  it('two APIs with one physical name in the stage', () => {
    expect(problems({ api: { name: 'shared' }, apis: { b: { name: 'shared' } }, functions: { a: fn() } })).toContain(
      "apis.b.name: physical name 'shared' is also api.name's: two APIs cannot share one name",
    );
    // Different by stage: no line.
    expect(problems({ api: { name: { dev: 'shared' } }, apis: { b: { name: { prod: 'shared' } } }, functions: { a: fn() } })).toEqual([]);
  });

  it('two rules with one kept name, and one too long', () => {
    const out = problems({
      functions: {
        a: fn([
          { schedule: 'rate(1 day)', ruleName: 'nightly-{stage}' },
          { schedule: 'rate(2 days)', ruleName: 'nightly-dev' },
          { schedule: 'rate(3 days)', ruleName: 'x'.repeat(65) },
        ]),
      },
    });
    expect(out).toContain(
      "functions.a.triggers.1.ruleName: physical name 'nightly-dev' is also functions.a.triggers.0.ruleName's: two rules cannot share one name",
    );
    expect(out.some((l) => l.startsWith('functions.a.triggers.2.ruleName: rule name') && l.includes('65 characters'))).toBe(true);
  });

  it('two alarms with one kept name', () => {
    const alarm = (alarmName: string) => ({ metric: 'Errors', threshold: 1, alarmName });
    const out = problems({ functions: { a: { handler: 'src/a.ts', alarms: [alarm('legacy-{stage}'), alarm('legacy-dev')] } } });
    expect(out).toContain(
      "functions.a.alarms.1.alarmName: physical name 'legacy-dev' is also functions.a.alarms.0.alarmName's: two alarms cannot share one name",
    );
  });

  it('name or adopt on a REST API is refused (not built yet)', () => {
    expect(problems({ api: { type: 'rest', name: 'legacy', adopt: true }, functions: { a: fn() } })).toEqual([
      "api.adopt: a REST API's adopt is not supported yet (HTTP APIs take it): leave it out",
      "api.name: a REST API's name is not supported yet (HTTP APIs take it): leave it out",
    ]);
  });
});

describe('a resource name as a kept name', () => {
  const resolved = (name: unknown, stage: string) => resourcePhysicalName('tasks', stage, 'jobs', name, false);

  it('a plain string is that name in every stage, as before; {stage} and by-stage names follow the stage', () => {
    expect(resolved('legacy-jobs', 'dev')).toBe('legacy-jobs');
    expect(resolved('legacy-jobs', 'prod')).toBe('legacy-jobs');
    expect(resolved('{app}-jobs-{stage}', 'qa')).toBe('tasks-jobs-qa');
    expect(resolved({ prod: 'legacy-jobs' }, 'prod')).toBe('legacy-jobs');
    expect(resolved({ prod: 'legacy-jobs' }, 'dev')).toBe('tasks-dev-jobs');
    expect(resourcePhysicalName('tasks', 'dev', 'q', 'legacy-q', true)).toBe('legacy-q.fifo');
  });

  it('the config takes one by stage, and refuses an unknown placeholder', () => {
    const env = { stage: 'prod', exists: () => true };
    const raw = (name: unknown) => ({
      app: 'tasks',
      region: 'us-east-1',
      functions: { a: { handler: 'src/a.ts' } },
      resources: { jobs: { type: 'queue', name } },
    });
    expect(validateFleet(raw({ prod: 'legacy-jobs' }), env).problems).toEqual([]);
    expect(validateFleet(raw('jobs-{env}'), env).problems.map((p) => p.message)).toContain(
      'unknown placeholder {env} in a name: only {app} and {stage}',
    );
  });
});

describe('an alarm with a kept name that ops did not create', () => {
  const ALARM = 'legacy-errors';
  const alarmFleet = (adopt: boolean) =>
    fleet([
      fnSpec('job', {
        alarms: [
          {
            name: ALARM,
            description: '',
            metric: 'Errors',
            statistic: 'Sum',
            threshold: 1,
            periodSeconds: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            comparison: 'GreaterThanOrEqualToThreshold',
            treatMissingData: 'missing',
            ...(adopt ? { adopt: true } : {}),
          },
        ],
      }),
    ]);
  /** AWS after a clean deploy, the alarm's tags replaced by `tags` (and marked not ours when `notOwned`). */
  const withAlarm = (f: Fleet, tags: Record<string, string>, notOwned: boolean) => {
    const actual = actualFrom(f);
    actual.alarms = { [ALARM]: { ...actual.alarms![ALARM]!, tags, ...(notOwned ? { notOwned: true as const } : {}) } };
    return actual;
  };

  it('untagged, without adopt: the plan stops; with adopt: tagged in place, its own tags kept', () => {
    expect(() => plan(alarmFleet(false), withAlarm(alarmFleet(false), { team: 'data' }, true))).toThrow(
      `functions.job.alarms (alarmName ${ALARM}): the alarm exists, not managed by ops; nothing was changed`,
    );
    const f = alarmFleet(true);
    const p = plan(f, withAlarm(f, { team: 'data' }, true));
    expect(ids(p)).toEqual([`alarm.set:${ALARM}`]);
    expect(p.changes[0]?.summary).toMatch(new RegExp(`^adopt alarm ${ALARM} \\(tag it, name kept\\)`));
    expect(p.changes[0]).toMatchObject({ addTags: { 'ops:app': 'tasks', 'ops:adopted': 'true' }, removeTags: [] });
  });

  it("another stage's stops the plan; an adopted one leaving the config is released, not deleted", () => {
    const f = alarmFleet(true);
    expect(() => plan(f, withAlarm(f, { 'ops:app': 'tasks', 'ops:stage': 'prod' }, true))).toThrow(
      'the alarm is tagged for app tasks stage prod',
    );
    const adopted = withAlarm(f, { team: 'data', ...f.functions[0]!.tags, 'ops:adopted': 'true' }, false);
    const p = plan(fleet([fnSpec('job')]), adopted);
    expect(ids(p)).toEqual([`alarm.release:${ALARM}`]);
    expect(p.changes[0]).toMatchObject({ removeTags: ['ops:app', 'ops:stage', 'ops:function', 'ops:adopted'] });
  });
});
