import { describe, expect, it } from 'vitest';
import { functionNameFor, functionNameProblems } from '../../../src/config/function-name.js';
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
