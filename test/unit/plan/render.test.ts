import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { planDeploy } from '../../../src/plan/plan.js';
import { planToJson, renderPlan } from '../../../src/plan/render.js';
import type { Plan } from '../../../src/plan/types.js';
import { actualFrom, artifact, artifactsFor, emptyActual, fnSpec, sampleFleet } from './builders.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[/;

const f = sampleFleet();
const artifacts = artifactsFor(f);

/** A plan with creates, updates and deletes: config and code changes, a removed function, a foreign resource. */
function mixedPlan(): Plan {
  const actual = actualFrom({ ...f, functions: [...f.functions, fnSpec('old', { routes: ['GET /old'] })] });
  const api = actual.functions['tasks-dev-api'];
  api.config.memory = 256;
  api.config.timeout = 10;
  api.config.environment = { ...api.config.environment, API_TOKEN: 'super-secret', OLD: 'x' };
  delete actual.logGroups['/aws/lambda/tasks-dev-search'];
  actual.foreign.push({ type: 'lambda function', name: 'tasks-dev-legacy' });
  return planDeploy({ fleet: f, artifacts: { ...artifacts, worker: artifact('worker', 'v2') }, actual });
}

describe('renderPlan', () => {
  it('says so when there is nothing to do', () => {
    const plan = planDeploy({ fleet: f, artifacts, actual: actualFrom(f) });
    expect(renderPlan(plan, plain)).toEqual(['No changes. The fleet matches the config.']);
  });

  it('starts with a header counting creates, updates and deletes', () => {
    const lines = renderPlan(mixedPlan(), plain);
    expect(lines[0]).toBe('Plan for tasks/dev in us-east-1: 1 to create, 4 to update, 4 to delete');
  });

  it('groups changes by function, the api group last, with markers and indented field diffs', () => {
    const lines = renderPlan(mixedPlan(), plain);
    const text = lines.join('\n');
    expect(text).toContain(
      [
        'api',
        '  ~ update configuration of tasks-dev-api: memory 256 → 512, timeout 10 → 30, env -API_TOKEN and 1 more',
        '      memory 256 → 512',
        '      timeout 10 → 30',
        '      env -API_TOKEN',
        '      env -OLD',
        '  ~ publish a version of tasks-dev-api and point live at it',
        '      live version 1 → new version',
      ].join('\n'),
    );
    expect(lines).toContain('  - delete function tasks-dev-old (its log group /aws/lambda/tasks-dev-old is kept)');
    expect(lines).toContain('  - delete route GET /old');
    expect(lines).toContain('  + create log group /aws/lambda/tasks-dev-search (30 days)');
    const codeLine = lines.find((l) => l.startsWith('  ~ update code of tasks-dev-worker: code '));
    expect(codeLine).toMatch(/code [0-9a-f]{8}… → [0-9a-f]{8}…$/);
    // Group headings in order: functions by key, then the rest.
    const headings = lines.filter((l) => /^\S/.test(l)).slice(1);
    expect(headings).toEqual(['api', 'old', 'search', 'worker', 'Warning:']);
    expect(text).not.toContain('super-secret');
  });

  it('puts the warnings at the end', () => {
    const lines = renderPlan(mixedPlan(), plain);
    expect(lines.slice(-2)).toEqual(['Warning:', '  ! lambda function tasks-dev-legacy: not managed by ops (no ops tags): left alone']);
  });

  it('names the api group after the api, last', () => {
    const lines = renderPlan(planDeploy({ fleet: f, artifacts, actual: emptyActual() }), plain);
    const headings = lines.filter((l) => /^\S/.test(l)).slice(1);
    expect(headings).toEqual(['api', 'search', 'worker', 'http api tasks-dev']);
    expect(lines.slice(-2)).toEqual(['  + create http api tasks-dev', '  + create the $default stage of tasks-dev (auto-deploy)']);
  });

  it('uses no colour codes at level 0 and colours by action otherwise', () => {
    const plan = mixedPlan();
    expect(renderPlan(plan, plain).some((l) => ANSI.test(l))).toBe(false);
    const lines = renderPlan(plan, colour);
    expect(lines).toContain(`  ${colour.red('- delete route GET /old')}`);
    expect(lines).toContain(`  ${colour.green('+ create log group /aws/lambda/tasks-dev-search (30 days)')}`);
    expect(lines.some((l) => l.includes(colour.yellow('~ publish a version of tasks-dev-worker and point live at it')))).toBe(true);
  });
});

describe('the create line of a function', () => {
  const svc = fnSpec('svc', {
    environment: { OPS_APP: 'tasks', API_TOKEN: 'super-secret', REGION_NAME: 'eu-west-1' },
    tags: { team: 'core', 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:function': 'svc' },
    vpc: { subnetIds: ['subnet-b', 'subnet-a'], securityGroupIds: ['sg-1'] },
    layers: [{ kind: 'arn', arn: 'arn:aws:lambda:us-east-1:123456789012:layer:shared:3' }],
  });
  const g = { ...f, functions: [svc] };
  const lines = renderPlan(planDeploy({ fleet: g, artifacts: artifactsFor(g), actual: emptyActual() }), plain);

  it('shows its layers, VPC, environment keys (never values) and tags under it', () => {
    const at = lines.indexOf('  + create function tasks-dev-svc (nodejs22.x, 256 MB, 30s)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '      layers +arn:aws:lambda:us-east-1:123456789012:layer:shared:3',
      '      vpc +subnet-a, subnet-b / sg-1',
      '      env +API_TOKEN, OPS_APP, REGION_NAME',
      "      tag +ops:app='tasks', ops:function='svc', ops:stage='dev', team='core'",
    ]);
    const text = lines.join('\n');
    expect(text).not.toContain('super-secret');
    expect(text).not.toContain('eu-west-1');
  });
});

describe('planToJson', () => {
  it('has the documented shape and no zip paths, configurations or secret values', () => {
    const plan = mixedPlan();
    const json = planToJson(plan) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['app', 'stage', 'region', 'summary', 'changes', 'warnings']);
    expect(json.summary).toEqual({ create: 1, update: 4, delete: 4 });
    const changes = json.changes as Record<string, unknown>[];
    expect(changes).toHaveLength(plan.changes.length);
    for (const c of changes) expect(Object.keys(c)).toEqual(['id', 'kind', 'action', 'resource', 'summary', 'fields', 'dependsOn', 'fn']);
    expect(changes.find((c) => c.id === 'route.delete:GET /old')).toEqual({
      id: 'route.delete:GET /old',
      kind: 'route.delete',
      action: 'delete',
      resource: { type: 'api route', name: 'GET /old' },
      summary: 'delete route GET /old',
      fields: [],
      dependsOn: [],
      fn: 'old',
    });
    const text = JSON.stringify(json);
    expect(text).not.toContain('.zip');
    expect(text).not.toContain('super-secret');
    expect(text).toContain('"field":"env.API_TOKEN","from":"••••"');
  });

  it('of a create plan carries environment keys but no environment values or code paths', () => {
    const json = planToJson(planDeploy({ fleet: f, artifacts, actual: emptyActual() })) as { changes: Plan['changes'] };
    expect(JSON.stringify(json)).not.toContain('zipPath');
    const create = json.changes.find((c) => c.id === 'function.create:tasks-dev-api');
    const env = create?.fields.filter((x) => x.field.startsWith('env.'));
    expect(env?.map((x) => x.field)).toEqual(['env.OPS_APP', 'env.OPS_PARAM_TABLE_NAME', 'env.OPS_STAGE', 'env.WORKER_FUNCTION_NAME']);
    expect(new Set(env?.map((x) => x.to))).toEqual(new Set(['••••']));
  });
});
