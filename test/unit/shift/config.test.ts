import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { overrideStrategy } from '../../../src/config/resolve-deploy-strategy.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import { shiftWords } from '../../../src/shift/plan-words.js';

const files = new Set(['src/a/handler.ts', 'src/b/handler.ts']);
const env: ValidateEnv = { stage: 'prod', exists: (p) => files.has(p) };
const problemsOf = (cfg: unknown) => Object.fromEntries(validateFleet(cfg, env).problems.map((p) => [p.path, p.message]));

function resolved(cfg: Record<string, unknown>, stage = 'prod') {
  const { fleet, problems } = validateFleet({ app: 'shop', ...cfg }, { ...env, stage });
  expect(problems).toEqual([]);
  const exists = (p: string) => [...files].some((f) => p.endsWith(f));
  return resolveFleet(fleet!, { stage, root: '/p', configPath: '/p/ops.config.ts', exists }).functions;
}

describe('deploy: strategy, alarms, thresholds', () => {
  it('a fleet without deploy resolves as before: no shift at all', () => {
    const [a] = resolved({ functions: { a: { handler: 'src/a/handler.ts' } } });
    expect('shift' in a).toBe(false);
    expect(shiftWords(a, '3')).toBe('point live at it');
  });

  it('the function wins over defaults field by field; its own alarm names become full names', () => {
    const [a, b] = resolved({
      defaults: { deploy: { strategy: 'Canary10Percent5Minutes', thresholds: { errors: 2 }, onInterrupt: 'finish' } },
      functions: {
        a: {
          handler: 'src/a/handler.ts',
          alarms: [{ metric: 'Errors', threshold: 1, name: 'errs' }],
          deploy: {
            strategy: { linear: { percent: 25, everyMinutes: 2 } },
            alarms: ['errs', 'other-team-alarm'],
            thresholds: { throttles: 3 },
          },
        },
        b: { handler: 'src/b/handler.ts' },
      },
    });
    expect(a.shift).toEqual({
      strategy: { type: 'linear', percent: 25, everyMinutes: 2 },
      alarms: ['shop-prod-a-errs', 'other-team-alarm'],
      thresholds: { errors: 2, throttles: 3 },
      onInterrupt: 'finish',
    });
    expect(b.shift?.strategy).toEqual({ type: 'canary', percent: 10, minutes: 5 });
    expect(shiftWords(b, '3')).toBe('shift live to it from version 3: 10% for 5 min, then 100% (5 min in all)');
    expect(shiftWords(a, '3')).toBe('shift live to it from version 3: 25% → 50% → 75% → 100%, a step every 2 min (4 steps, 6 min in all)');
    // A new function has no version to shift from.
    expect(shiftWords(b, undefined)).toBe('point live at it');
  });

  it('smokeEachStep: from the defaults or the function; absent unless asked for', () => {
    const [a, b] = resolved({
      defaults: { deploy: { strategy: 'Canary10Percent5Minutes', smokeEachStep: true } },
      functions: { a: { handler: 'src/a/handler.ts' }, b: { handler: 'src/b/handler.ts', deploy: { smokeEachStep: false } } },
    });
    expect(a.shift?.smokeEachStep).toBe(true);
    expect(b.shift).not.toHaveProperty('smokeEachStep');
  });

  it('one line for a bad strategy or figure', () => {
    const cfg = (deploy: unknown) => ({ app: 'shop', functions: { a: { handler: 'src/a/handler.ts', deploy } } });
    expect(problemsOf(cfg({ strategy: 'Canary10Percent' }))['functions.a.deploy.strategy']).toMatch(
      /^unknown strategy 'Canary10Percent': use AllAtOnce, /,
    );
    expect(Object.keys(problemsOf(cfg({ strategy: { canary: { percent: 100, minutes: 5 } } })))).toEqual(['functions.a.deploy.strategy']);
    expect(Object.keys(problemsOf(cfg({ onInterrupt: 'leave' })))).toEqual(['functions.a.deploy.onInterrupt']);
  });

  it('protected stages mark every function there; --strategy overrides the strategy only', () => {
    const cfg = { deploy: { protectedStages: ['prod'] }, functions: { a: { handler: 'src/a/handler.ts', deploy: { alarms: ['x'] } } } };
    const [a] = resolved(cfg);
    expect(a.shift).toMatchObject({ strategy: { type: 'all-at-once' }, protectedStage: true });
    expect(resolved(cfg, 'dev')[0].shift?.protectedStage).toBeUndefined();
    overrideStrategy([a], 'Linear10PercentEvery3Minutes');
    expect(a.shift).toMatchObject({ strategy: { type: 'linear', percent: 10, everyMinutes: 3 }, alarms: ['x'], protectedStage: true });
    expect(() => overrideStrategy([a], 'Fast')).toThrow(/^--strategy Fast: unknown strategy 'Fast'/);
  });
});
