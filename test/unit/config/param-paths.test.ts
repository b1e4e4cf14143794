import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import { pathNotes } from '../../../src/params/paths.js';
import { paramRows } from '../../../src/params/render.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { desiredRole } from '../../../src/resources/role/plan.js';
import { ACCOUNT, actualFrom, artifactsFor, fleet, fnSpec, kinds } from '../plan/builders.js';

const files = new Set(['src/a/handler.ts', 'src/b/lambda_function.py']);
const env: ValidateEnv = { stage: 'dev', exists: (p) => files.has(p) };
const config = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  app: 'spool',
  functions: {
    api: { handler: 'src/a/handler.ts', params: Object.keys(params), ...extra },
    worker: { handler: 'src/b/lambda_function.lambda_handler' },
  },
  params,
});
const problemsOf = (params: Record<string, unknown>) =>
  Object.fromEntries(validateFleet(config(params), env).problems.map((p) => [p.path, p.message]));

function resolved(params: Record<string, unknown>, stage = 'dev', extra: Record<string, unknown> = {}) {
  const { fleet: parsed, problems } = validateFleet(config(params, extra), { ...env, stage });
  expect(problems).toEqual([]);
  const exists = (p: string) => [...files].some((f) => p.endsWith(f));
  return resolveFleet(parsed!, { stage, root: '/p', configPath: '/p/ops.config.ts', exists });
}

describe('params at a path of their own (issue 16 item 4)', () => {
  it('a path without {stage} is the same parameter for every stage, shared; the function gets exactly that name', () => {
    for (const stage of ['dev', 'prod']) {
      const f = resolved({ 'openai-api-key': { path: '/spool/openai-api-key', secure: true } }, stage);
      expect(f.params).toEqual([
        expect.objectContaining({ name: 'openai-api-key', path: '/spool/openai-api-key', shared: true, secure: true }),
      ]);
      const api = f.functions.find((fn) => fn.key === 'api')!;
      expect(api.params[0]).toMatchObject({ path: '/spool/openai-api-key', env: 'OPS_PARAM_OPENAI_API_KEY' });
      expect(api.environment.OPS_PARAM_OPENAI_API_KEY).toBe('/spool/openai-api-key');
    }
  });

  it('a path with {stage} is one per stage and not shared; a param without path keeps /{app}/{stage}/{name}', () => {
    const f = resolved({ 'db-url': { path: '/legacy/{stage}/db/url' }, plain: {} }, 'prod');
    expect(f.params.map((p) => [p.path, p.shared ?? false])).toEqual([
      ['/legacy/prod/db/url', false],
      ['/spool/prod/plain', false],
    ]);
    expect(pathNotes(f)).toEqual(['db-url is /legacy/prod/db/url']);
  });

  it('the role reads exactly that parameter ARN (no double slash)', () => {
    const f = resolved({ 'openai-api-key': { path: '/spool/openai-api-key', secure: true } });
    const api = f.functions.find((fn) => fn.key === 'api')!;
    const grant = desiredRole(f, api, ACCOUNT)?.policy.Statement.find((s) => s.Sid === 'OpsParams');
    expect(grant?.Resource).toEqual([`arn:aws:ssm:${f.region}:${ACCOUNT}:parameter/spool/openai-api-key`]);
  });

  it('ops params list rows: the shared param is matched by its own path and marked shared, with a note', () => {
    const f = resolved({ 'openai-api-key': { path: '/spool/openai-api-key', secure: true } });
    const rows = paramRows(f, [{ name: '/spool/openai-api-key', type: 'SecureString', version: 2 }]);
    expect(rows).toEqual([expect.objectContaining({ name: 'openai-api-key', status: 'set', shared: true, version: 2 })]);
    expect(pathNotes(f)).toEqual(['openai-api-key is /spool/openai-api-key, shared by all stages']);
  });

  it('a bad path is one line on params.<name>.path', () => {
    expect(problemsOf({ k: { path: 'spool/openai-api-key' } })).toEqual({
      'params.k.path': "a param path is a full SSM name starting with /, as '/spool/openai-api-key'",
    });
    expect(problemsOf({ k: { path: '/spool//key' } })['params.k.path']).toMatch(/no empty segment/);
    expect(problemsOf({ k: { path: '/spool/key/' } })['params.k.path']).toMatch(/no empty segment/);
    expect(problemsOf({ k: { path: '/spool/a key' } })['params.k.path']).toMatch(/letters, digits/);
    expect(problemsOf({ k: { path: '/_ops/lease/spool/dev' } })['params.k.path']).toMatch(/_ops is reserved/);
    expect(problemsOf({ k: { path: '/aws/reference/secretsmanager/x' } })['params.k.path']).toMatch(/aws is reserved/);
  });

  it("a fixed path inside one of the app's stage trees is one line (every stage would read that stage's value)", () => {
    expect(problemsOf({ k: { path: '/spool/prod/openai-api-key' } })).toEqual({
      'params.k.path': expect.stringMatching(/^\/spool\/prod\/openai-api-key is in stage prod's tree of spool \(\/spool\/prod\/\)/),
    });
    expect(problemsOf({ k: { path: '/spool/key', secret: 'spool/key' } })['params.k.path']).toBe(
      'a param is read from an SSM path or from a secret, not both: keep one',
    );
    // Another app's names, and this app's own {stage} tree, are fine.
    expect(problemsOf({ k: { path: '/spool/{stage}/openai-api-key' }, j: { path: '/other/prod/x' } })).toEqual({});
  });
});

describe("logRetentionDays: 'never' (issue 16 item 6)", () => {
  it("resolves from defaults or the function; an API's access logs keep the day default", () => {
    const f = resolved({}, 'dev', { logRetentionDays: 'never' });
    expect(f.functions.map((fn) => fn.logRetentionDays)).toEqual(['never', 30]);
  });

  const neverFleet = () => fleet([fnSpec('api', { logRetentionDays: 'never' })]);

  it('an existing retention is removed with "retention never (was 30 days)"; none there plans nothing', () => {
    const f = neverFleet();
    const actual = actualFrom(f);
    actual.logGroups['/aws/lambda/tasks-dev-api'].retentionDays = 30;
    const p = planDeploy({ fleet: f, actual, artifacts: artifactsFor(f) });
    expect(kinds(p)).toEqual(['loggroup.retention']);
    expect(p.changes[0]).toMatchObject({ summary: 'remove retention of /aws/lambda/tasks-dev-api: retention never (was 30 days)' });
    expect('retentionDays' in p.changes[0]).toBe(false);
    actual.logGroups['/aws/lambda/tasks-dev-api'].retentionDays = undefined;
    expect(kinds(planDeploy({ fleet: f, actual, artifacts: artifactsFor(f) }))).toEqual([]);
  });

  it('a new group is created without a retention; switching back sets the days', () => {
    const f = neverFleet();
    const actual = actualFrom(f);
    delete actual.logGroups['/aws/lambda/tasks-dev-api'];
    const created = planDeploy({ fleet: f, actual, artifacts: artifactsFor(f) }).changes[0];
    expect(created).toMatchObject({ kind: 'loggroup.create', summary: 'create log group /aws/lambda/tasks-dev-api (never expire)' });
    expect('retentionDays' in created).toBe(false);
    const back = fleet([fnSpec('api', { logRetentionDays: 14 })]);
    const had = actualFrom(back);
    had.logGroups['/aws/lambda/tasks-dev-api'].retentionDays = undefined;
    expect(planDeploy({ fleet: back, actual: had, artifacts: artifactsFor(back) }).changes[0]).toMatchObject({
      kind: 'loggroup.retention',
      retentionDays: 14,
      summary: 'set retention of /aws/lambda/tasks-dev-api: retention never expire → 14 days',
    });
  });
});
