import { describe, expect, it } from 'vitest';
import { functionNameFor, functionNameProblems } from '../../../src/config/function-name.js';

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
    expect(functionNameProblems(raw(fns), 'prod').map((p) => p.message)).toEqual([
      "functions a and b both have the physical name 'shared' in stage prod",
      "functions c and d both have the physical name 'seedapp-prod-d' in stage prod",
    ]);
    expect(functionNameProblems(raw({ a: { name: 'shared' }, b: { name: { prod: 'shared' } } }), 'dev')).toEqual([]);
  });
});
