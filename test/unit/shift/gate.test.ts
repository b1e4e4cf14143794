import { describe, expect, it } from 'vitest';
import type { PlanContext } from '../../../src/apply/deploy.js';
import { shiftGate, shiftTable } from '../../../src/apply/shift-gate.js';
import type { Context } from '../../../src/cli/context.js';
import type { FunctionSpec } from '../../../src/config/types.js';

const ctx = { env: {}, log: { info() {} } } as unknown as Context;
const fn = (key: string, shift?: FunctionSpec['shift']) => ({ key, name: `shop-prod-${key}`, ...(shift ? { shift } : {}) });
const atOnce = {
  strategy: { type: 'all-at-once' as const },
  alarms: [],
  thresholds: {},
  onInterrupt: 'rollback' as const,
  protectedStage: true,
};

/** A plan context with only what the gate reads: the fleet's functions, the alias read, the planned publishes. */
function pc(fns: ReturnType<typeof fn>[], publishing: string[], live: string[]): PlanContext {
  return {
    fleet: { stage: 'prod', functions: fns },
    actual: { functions: Object.fromEntries(live.map((n) => [n, { alias: { version: '3' } }])) },
    plan: { changes: publishing.map((name) => ({ kind: 'alias.publish', name })) },
  } as unknown as PlanContext;
}

describe('the shift gate on a protected stage', () => {
  it('refuses moving live all at once where it has a version, before anything is written', () => {
    const p = pc([fn('api', atOnce), fn('worker', atOnce)], ['shop-prod-api', 'shop-prod-worker'], ['shop-prod-api']);
    expect(() => shiftGate(ctx).gate(p)).toThrow('stage prod is protected: api would move live all at once');
  });

  it('lets through a new function, one not publishing, and one with a strategy', () => {
    const canary = { ...atOnce, strategy: { type: 'canary' as const, percent: 10, minutes: 5 } };
    const p = pc(
      [fn('api', canary), fn('worker', atOnce), fn('cron', atOnce)],
      ['shop-prod-api', 'shop-prod-worker'],
      ['shop-prod-api', 'shop-prod-cron'],
    );
    expect(typeof shiftGate(ctx).gate(p)).toBe('function');
  });

  it('a function without a shift spec goes at once without any AWS call', async () => {
    const hook = shiftGate(ctx).gate(pc([fn('api')], ['shop-prod-api'], ['shop-prod-api']));
    await expect(hook('shop-prod-api', '4')).resolves.toBe(true);
  });
});

describe('the result table', () => {
  it('one row per function, nothing when no function shifted', () => {
    expect(shiftTable([])).toEqual([]);
    expect(
      shiftTable([
        {
          name: 'shop-prod-api',
          strategy: 'Canary10Percent5Minutes',
          from: '3',
          to: '4',
          outcome: 'completed',
          detail: '5 looks, no breach',
          seconds: 301,
        },
        {
          name: 'shop-prod-worker',
          strategy: 'Linear10PercentEvery1Minute',
          from: '7',
          to: '8',
          outcome: 'rolled-back',
          detail: 'Errors: 1 error',
          seconds: 62,
        },
      ]),
    ).toEqual([
      'function          strategy                     versions  result       took  detail',
      'shop-prod-api     Canary10Percent5Minutes      3 → 4     completed    301s  5 looks, no breach',
      'shop-prod-worker  Linear10PercentEvery1Minute  7 → 8     rolled-back  62s   Errors: 1 error',
    ]);
  });
});
