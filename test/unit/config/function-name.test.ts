import { describe, expect, it } from 'vitest';
import { functionNameFor, roleNameFor } from '../../../src/config/function-name.js';
import { functionNameProblems, roleNameProblems } from '../../../src/config/function-name-problems.js';
import { validateFleet } from '../../../src/config/validate.js';

const raw = (functions: Record<string, unknown>) => ({ app: 'seedapp', functions });

describe('function kept names', () => {
  it('resolve per stage, other stages keeping the derived name', () => {
    const fns = { search: { name: { prod: 'autorescue-search-flights' } }, api: {} };
    expect(functionNameFor('seedapp', 'prod', fns, 'search')).toBe('autorescue-search-flights');
    expect(functionNameFor('seedapp', 'dev', fns, 'search')).toBe('seedapp-dev-search');
    expect(functionNameFor('seedapp', 'dev', { x: { name: '{app}-{stage}-x1' } }, 'x')).toBe('seedapp-dev-x1');
  });

  it('are one config line each when Lambda would refuse them', () => {
    const long = 'a'.repeat(65);
    const ps = functionNameProblems(raw({ a: { name: long }, b: { name: 'has space' }, c: { name: { prod: 'ok-name' } } }), 'prod');
    expect(ps).toEqual([
      { path: 'functions.a.name', message: `kept name '${long}' is 65 characters; Lambda allows 64` },
      { path: 'functions.b.name', message: "kept name 'has space' has characters Lambda refuses (letters, digits, - and _ only)" },
    ]);
  });

  it('refuse two functions with one physical name in a stage (a kept name equal to another derived one included)', () => {
    const fns = { a: { name: 'shared' }, b: { name: { prod: 'shared' } }, c: { name: 'seedapp-prod-d' }, d: {} };
    expect(functionNameProblems(raw(fns), 'prod')).toEqual([
      { path: 'functions.b.name', message: "physical name 'shared' is also functions.a.name's: two functions cannot share one name" },
      { path: 'functions.d', message: "physical name 'seedapp-prod-d' is also functions.c.name's: two functions cannot share one name" },
    ]);
    expect(functionNameProblems(raw({ a: { name: 'shared' }, b: { name: { prod: 'shared' } } }), 'dev')).toEqual([]);
  });

  it('reach the config check (one problem each, with its path) and pass when the names are fine', () => {
    const cfg = (functions: Record<string, unknown>) => ({ app: 'seedapp', functions });
    const env = { stage: 'prod', exists: () => true };
    const h = 'src/functions/a/handler.ts';
    const bad = validateFleet(
      cfg({ a: { handler: h, name: 'x y' }, b: { handler: h, name: 'same' }, c: { handler: h, name: 'same' } }),
      env,
    );
    expect(bad.problems.map((p) => p.path)).toEqual(['functions.a.name', 'functions.c.name']);
    const ok = validateFleet(cfg({ a: { handler: h, name: { prod: 'autorescue-a' }, adopt: true }, b: { handler: h } }), env);
    expect(ok.problems).toEqual([]);
  });
});

describe('kept role names (roleName: the role ops makes for a function)', () => {
  it('resolve per stage, other stages keeping the derived name', () => {
    expect(roleNameFor('seedapp', 'prod', 'search', { prod: 'AutoRescueSearchRole' })).toBe('AutoRescueSearchRole');
    expect(roleNameFor('seedapp', 'dev', 'search', { prod: 'AutoRescueSearchRole' })).toBe('seedapp-dev-search');
    expect(roleNameFor('seedapp', 'dev', 'search', '{app}-{stage}-search-role')).toBe('seedapp-dev-search-role');
  });
  it('are one config line each: a name IAM refuses, roleName beside role, two functions with one role', () => {
    const fns = {
      a: { roleName: 'has space' },
      b: { roleName: 'Shared', role: 'arn:aws:iam::123456789012:role/x' },
      c: { roleName: 'Shared' },
      d: { roleName: { prod: 'Shared' } },
      e: { role: 'arn:aws:iam::123456789012:role/x' },
    };
    expect(roleNameProblems(raw(fns), 'prod')).toEqual([
      { path: 'functions.a.roleName', message: "role name 'has space' is not one IAM takes (64 letters, digits and +=,.@_- at most)" },
      {
        path: 'functions.b.roleName',
        message: 'roleName names the role ops makes; with role (an existing role) there is none: keep one of them',
      },
      { path: 'functions.d.roleName', message: "physical name 'Shared' is also functions.c.roleName's: two roles cannot share one name" },
    ]);
    expect(roleNameProblems(raw({ c: { roleName: 'Shared' }, d: { roleName: { prod: 'Shared' } } }), 'dev')).toEqual([]);
    // A fleet-level role is every function's that names none: a roleName beside it would name nothing.
    expect(roleNameProblems({ ...raw({ c: { roleName: 'Mine' } }), role: 'Legacy' }, 'prod')).toEqual([
      {
        path: 'functions.c.roleName',
        message: 'roleName names the role ops makes; with role (an existing role) there is none: keep one of them',
      },
    ]);
  });
});
