import { describe, expect, it } from 'vitest';
import {
  AWS_LIMITS,
  alarmRangeProblem,
  count,
  environmentBytes,
  policyChars,
  TAG_PATTERN,
  tagProblem,
} from '../../../src/config/limits.js';
import { validateFleet } from '../../../src/config/validate.js';
import { limitProblems } from '../../../src/plan/limits.js';
import { fleet, fnSpec, paramUse } from '../plan/builders.js';

const env = { stage: 'dev', exists: () => true };
/** A valid one-function fleet with `extra` merged into the function and `top` into the fleet. */
const cfg = (extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  app: 'shop',
  ...top,
  functions: { api: { handler: 'src/api/handler.ts', ...extra } },
});
const problemsOf = (raw: unknown) => validateFleet(raw, env).problems;

// Each case is a value the schema accepted before issue 12.14 and real AWS refuses (moto accepts them all).
describe('config: limits AWS enforces, refused by the schema with the limit in the message', () => {
  it('CORS maxAge above 86,400 seconds (API Gateway Cors.MaxAge)', () => {
    expect(problemsOf(cfg({ routes: ['GET /x'] }, { api: { cors: { maxAge: 172_800 } } }))).toEqual([
      { path: 'api.cors.maxAge', message: '172,800 seconds, API Gateway allows at most 86,400 (one day) for CORS maxAge' },
    ]);
    expect(problemsOf(cfg({ routes: ['GET /x'] }, { api: { cors: { maxAge: 86_400 } } }))).toEqual([]);
  });

  it('a schedule input above 8,192 characters as JSON (EventBridge Target.Input)', () => {
    const input = { blob: 'x'.repeat(9_000) }; // 9,011 characters as JSON, as in the issue
    expect(JSON.stringify(input).length).toBe(9_011);
    expect(problemsOf(cfg({ triggers: [{ schedule: 'rate(5 minutes)', input }] }))).toEqual([
      {
        path: 'functions.api.triggers.0.input',
        message:
          "9,011 characters as JSON, EventBridge allows 8,192 for a target's input: send a smaller event (an id the function looks up)",
      },
    ]);
    const fits = { blob: 'x'.repeat(8_192 - 11) };
    expect(JSON.stringify(fits).length).toBe(8_192);
    expect(problemsOf(cfg({ triggers: [{ schedule: 'rate(5 minutes)', input: fits }] }))).toEqual([]);
  });

  it('a param description above 1,024 characters (SSM PutParameter Description)', () => {
    const raw = cfg({ params: ['db'] }, { params: { db: { description: 'd'.repeat(1_100) } } });
    expect(problemsOf(raw)).toEqual([
      { path: 'params.db.description', message: "1,100 characters, SSM allows 1,024 for a parameter's description" },
    ]);
    expect(problemsOf(cfg({ params: ['db'] }, { params: { db: { description: 'd'.repeat(1_024) } } }))).toEqual([]);
  });

  it("tag keys and values outside AWS's tag pattern or length, wherever tags are written", () => {
    const raw = cfg(
      { tags: { owner: 'payments, core' } },
      { tags: { team: 'R&D #7', 'cost center': 'ok', ['k'.repeat(129)]: 'v' }, defaults: { tags: { tier: 'v'.repeat(257) } } },
    );
    const problems = problemsOf(raw);
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: 'functions.api.tags.owner',
          message:
            "tag value 'payments, core' has characters AWS does not allow in tags (,): use letters, digits, spaces and _ . : / = + - @",
        },
        {
          path: 'tags.team',
          message: "tag value 'R&D #7' has characters AWS does not allow in tags (& #): use letters, digits, spaces and _ . : / = + - @",
        },
        { path: 'defaults.tags.tier', message: expect.stringMatching(/^tag value 'v+…' is 257 characters, AWS allows 256$/) },
        { path: expect.stringMatching(/^tags/), message: expect.stringMatching(/^tag key 'k+…' is 129 characters, AWS allows 128$/) },
      ]),
    );
    expect(problems).toHaveLength(4); // 'cost center' (a space) is fine
    // Unicode letters are allowed, as AWS allows them.
    expect(problemsOf(cfg({ tags: { équipe: 'Zürich 東京 a+b=c @x/y:z' } }))).toEqual([]);
  });

  it('an alarm whose period × evaluation periods exceeds CloudWatch’s range (one day under an hour, seven days from an hour)', () => {
    const alarm = (periodSeconds: number, evaluationPeriods: number) =>
      cfg({
        alarms: [{ metric: 'Errors', threshold: 1, periodSeconds, evaluationPeriods, snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:t' }],
      });
    expect(problemsOf(alarm(300, 289))).toEqual([
      {
        path: 'functions.api.alarms.0.evaluationPeriods',
        message:
          'periodSeconds × evaluationPeriods is 300 × 289 = 86,700 s, CloudWatch allows one day (86,400 s) for a period under an hour: at most 288 periods of 300 s',
      },
    ]);
    expect(problemsOf(alarm(300, 288))).toEqual([]);
    expect(problemsOf(alarm(3_600, 168))).toEqual([]);
    expect(problemsOf(alarm(3_600, 169))[0]?.message).toContain('seven days (604,800 s)');
    // The default period (300 s) counts when only evaluationPeriods is given.
    const byDefault = cfg({
      alarms: [{ metric: 'Errors', threshold: 1, evaluationPeriods: 300, snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:t' }],
    });
    expect(problemsOf(byDefault).map((p) => p.path)).toEqual(['functions.api.alarms.0.evaluationPeriods']);
  });
});

describe('plan: limits only the resolved fleet shows (ops’s own additions counted)', () => {
  it('an environment above 4 KB counted as AWS does, with the variables ops adds', () => {
    // 4,040 bytes of the user's own fit; ops's OPS_APP, OPS_STAGE and a param name push it over.
    const big = 'v'.repeat(4_030);
    const fn = fnSpec('api', {
      environment: { OPS_APP: 'tasks', OPS_STAGE: 'dev', OPS_PARAM_DB: '/tasks/dev/db', BIG: big },
      params: [paramUse('db')],
    });
    expect(environmentBytes({ BIG: big })).toBeLessThanOrEqual(AWS_LIMITS.environmentBytes);
    const bytes = environmentBytes(fn.environment);
    expect(bytes).toBe(4_107);
    const problems = limitProblems(fleet([fn]), { fns: [fn] });
    expect(problems.map((p) => p.path)).toEqual(['functions.api.environment']);
    expect(problems[0].message).toMatch(
      /^4,107 bytes, AWS allows 4 KB \(4,096\) for a function's environment, measured as JSON with the variables ops adds/,
    );
    expect(problems[0].message).toContain('largest: BIG 4,030');
    expect(problems[0].message).toContain('move large values to params');
  });

  it('a value resolved at deploy time counts: the same function fits without it and not with it', () => {
    const fn = fnSpec('api', { params: [paramUse('blob', { resolve: true, env: 'OPS_PARAM_VALUE_BLOB' })] });
    const f = fleet([fn]);
    expect(limitProblems(f, { fns: [fn] })).toEqual([]);
    const over = limitProblems(f, { fns: [fn], paramValues: { blob: 'x'.repeat(4_100) } });
    expect(over.map((p) => p.path)).toEqual(['functions.api.environment']);
  });

  it("a reference to the fleet's own API URL counts at the length AWS gives it, also before the API exists", () => {
    const url = 'https://a0b1c2d3e4.execute-api.us-east-1.amazonaws.com';
    const env = { OPS_APP: 'tasks', OPS_STAGE: 'dev' };
    const fill = 'v'.repeat(4_096 - environmentBytes({ ...env, BIG: '', API_URL: url }));
    const fits = fnSpec('api', {
      routes: ['GET /x'],
      environment: { ...env, BIG: fill },
      envRefs: { API_URL: { kind: 'api', field: 'url' } },
    });
    expect(limitProblems(fleet([fits]), { fns: [fits] })).toEqual([]);
    // One byte more: over, though the plan's placeholder for a not-yet-created API is shorter than its URL.
    const over = { ...fits, environment: { ...env, BIG: `${fill}v` } };
    expect(limitProblems(fleet([over]), { fns: [over] }).map((p) => p.path)).toEqual(['functions.api.environment']);
    expect(limitProblems(fleet([over]), { fns: [over], api: { id: 'a0b1c2d3e4', url } }).map((p) => p.path)).toEqual([
      'functions.api.environment',
    ]);
  });

  it('a role policy above 10,240 characters without whitespace, ops’s generated statements included', () => {
    // Custom statements alone under the limit; with OpsLogs (and the param grant) they are over.
    const resource = (i: number) => `arn:aws:s3:::bucket-with-a-long-name-${i}/*`;
    const statement = { Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: Array.from({ length: 225 }, (_, i) => resource(i)) };
    const fn = fnSpec('api', { permissions: [statement], params: [paramUse('db')] });
    const custom = policyChars({ Version: '2012-10-17', Statement: [statement] });
    expect(custom).toBeLessThanOrEqual(AWS_LIMITS.rolePolicyChars);
    const problems = limitProblems(fleet([fn]), { fns: [fn] });
    expect(problems).toEqual([
      {
        path: 'functions.api.permissions',
        message: expect.stringMatching(
          /^the role's inline policy is 10,[2-9]\d\d characters without whitespace \(ops's own statements included\), IAM allows 10,240 per role: /,
        ),
      },
    ]);
    // An existing role: ops writes no policy, so there is nothing to measure.
    const external = { ...fn, role: 'arn:aws:iam::123456789012:role/r' };
    expect(limitProblems(fleet([external]), { fns: [external] })).toEqual([]);
  });

  it('more than 50 tags on a resource once ops adds its own (ops:app, ops:stage, ops:function, markers)', () => {
    const user = Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`t${i}`, 'v']));
    const fits = fnSpec('api', { tags: { ...user, 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:function': 'api' } });
    expect(limitProblems(fleet([fits]), { fns: [fits] })).toEqual([]);
    // The same 47 with async settings: ops adds its ops:async marker, 51 in all.
    const marked = { ...fits, async: { maxRetries: 0 } };
    expect(limitProblems(fleet([marked]), { fns: [marked] })).toEqual([
      {
        path: 'functions.api.tags',
        message: '51 tags once ops adds its own (ops:app, ops:stage, ops:function, ops:async), AWS allows 50 per resource: remove 1',
      },
    ]);
  });

  it('the fleet’s tags on the HTTP API, with ops:app and ops:stage', () => {
    const user = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, 'v']));
    const fn = fnSpec('api', { routes: ['GET /x'] });
    const f = fleet([fn], { tags: { ...user, 'ops:app': 'tasks', 'ops:stage': 'dev' } });
    expect(limitProblems(f, { fns: [fn] }).map((p) => p.path)).toEqual(['tags']);
    expect(limitProblems({ ...f, api: undefined }, { fns: [fn] })).toEqual([]);
  });
});

describe('the limit helpers', () => {
  it('measure as AWS does', () => {
    expect(environmentBytes({ A: 'é' })).toBe('{"A":"é"}'.length + 1); // UTF-8 bytes, not characters
    expect(policyChars({ Statement: [{ Condition: { StringEquals: { 'aws:x': 'a b' } } }] })).toBe(
      '{"Statement":[{"Condition":{"StringEquals":{"aws:x":"ab"}}}]}'.length,
    );
    expect(TAG_PATTERN.test('a b_.:/=+-@')).toBe(true);
    expect(tagProblem('value', '')).toBeUndefined();
    expect(tagProblem('key', '')).toBe('a tag key must not be empty');
    expect(alarmRangeProblem(60, 1_440)).toBeUndefined();
    expect(alarmRangeProblem(60, 1_441)).toContain('at most 1440 periods of 60 s');
  });
});

describe('count: numbers in messages as en-US writes them, without Intl', () => {
  it('matches toLocaleString("en-US") for the figures the messages use', () => {
    for (const n of [0, 7, 999, 1_000, 4_636, 86_400, 604_800, 1_234_567, 10_240, -4_636, 1_234.5, 0.25, 1_234.5678, 8_192.125])
      expect(count(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
