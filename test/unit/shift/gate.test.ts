import { describe, expect, it } from 'vitest';
import type { PlanContext } from '../../../src/apply/deploy.js';
import { shiftGate, shiftTable } from '../../../src/apply/shift-gate.js';
import type { Aws } from '../../../src/aws/clients.js';
import { retryPolicy } from '../../../src/aws/retry.js';
import type { Context } from '../../../src/cli/context.js';
import type { FunctionSpec } from '../../../src/config/types.js';
import { inventoryParamName } from '../../../src/model/inventory.js';
import { formatNote } from '../../../src/shift/note.js';
import { FakeClock } from '../../logs/fakes.js';

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
    fleet: { app: 'shop', stage: 'prod', functions: fns },
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

/** An Aws whose UpdateAlias calls are recorded and whose CloudWatch has no data points (a quiet new version). */
function recordingAws() {
  const aliases: { FunctionVersion: string; weights: Record<string, number>; Description: string }[] = [];
  const lambda = {
    updateAlias: async (i: {
      FunctionVersion: string;
      Description: string;
      RoutingConfig: { AdditionalVersionWeights: Record<string, number> };
    }) => {
      aliases.push({ FunctionVersion: i.FunctionVersion, weights: i.RoutingConfig.AdditionalVersionWeights, Description: i.Description });
      return {};
    },
  };
  const cloudwatch = { getMetricData: async () => ({ MetricDataResults: [] }) };
  // The stage inventory's parameter (the shift lists its function there while live is split), by name.
  const params = new Map<string, string>();
  const ssm = {
    getParameter: async (i: { Name: string }) => {
      const Value = params.get(i.Name);
      if (Value === undefined) throw Object.assign(new Error('not found'), { name: 'ParameterNotFound' });
      return { Parameter: { Name: i.Name, Value, Type: 'String', Version: 1 } };
    },
    putParameter: async (i: { Name: string; Value: string }) => params.set(i.Name, i.Value) && {},
    addTagsToResource: async () => ({}),
    deleteParameter: async (i: { Name: string }) => params.delete(i.Name) && {},
  };
  const retry = retryPolicy({ sleep: async () => {}, jitter: (ms) => ms, readyPollMs: [1], readyTimeoutMs: 1_000 });
  const aws = {
    lambda: async () => lambda,
    cloudwatch: async () => cloudwatch,
    ssm: async () => ssm,
    write: (f: () => Promise<unknown>) => f(),
    retry,
  };
  const shifting = () => JSON.parse(params.get(inventoryParamName('shop', 'prod')) ?? '{}').split ?? [];
  return { aws: aws as unknown as Aws, aliases, shifting };
}

describe('the shift gate at apply', () => {
  const canary = { ...atOnce, strategy: { type: 'canary' as const, percent: 10, minutes: 5 }, protectedStage: undefined };
  const withAws = (p: PlanContext, aws: Aws, alias: Record<string, unknown> = { version: '1' }) => {
    Object.assign(p, { aws, actual: { functions: { 'shop-prod-api': { alias } } } });
    return p;
  };

  it('--no-wait: the first weight with a note saying nobody watches, and live is left split', async () => {
    const { aws, aliases, shifting } = recordingAws();
    const gate = shiftGate(ctx, { noWait: true, clock: new FakeClock() });
    const hook = gate.gate(withAws(pc([fn('api', canary)], ['shop-prod-api'], []), aws));
    await expect(hook('shop-prod-api', '2')).resolves.toBe('split');
    expect(aliases).toEqual([
      {
        FunctionVersion: '1',
        weights: { '2': 0.1 },
        Description: expect.stringMatching(
          /^ops shift: Canary10Percent5Minutes from 1 to 2, 10% .*, not watched: ops deploy carries it on$/,
        ),
      },
    ]);
    expect(gate.results).toMatchObject([{ outcome: 'started', detail: '10%, not watched' }]);
    // Listed as shifting before live was split: `ops deploy <another function>` reads it and carries it on.
    expect(shifting()).toEqual(['shop-prod-api']);
  });

  it('Ctrl-C while a step bakes: live back on the old version at once, one line, nothing left split', async () => {
    const { aws, aliases, shifting } = recordingAws();
    const stop = new AbortController();
    const clock = new FakeClock({ auto: false });
    const hook = shiftGate(ctx, { clock }).gate(withAws(pc([fn('api', canary)], ['shop-prod-api'], []), aws), stop.signal);
    const r = hook('shop-prod-api', '2');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(aliases).toHaveLength(1); // 10 % set, now waiting a (virtual) minute that never passes
    expect(shifting()).toEqual(['shop-prod-api']);
    stop.abort('SIGINT');
    await expect(r).rejects.toThrow('shop-prod-api: interrupted at 10%: live is back on version 1 (version 2 takes no traffic)');
    expect(aliases.at(-1)).toEqual({ FunctionVersion: '1', weights: {}, Description: '' });
    expect(shifting()).toEqual([]);
  });

  it('a --no-wait shift is carried on from its note, even for a function whose config has no deploy any more', async () => {
    const { aws, aliases } = recordingAws();
    const clock = new FakeClock();
    const note = formatNote({
      strategy: 'Canary10Percent5Minutes',
      from: '1',
      to: '2',
      percent: 10,
      since: clock.now() - 6 * 60_000,
      next: clock.now() - 60_000,
      unwatched: true,
    });
    const split = { version: '1', weights: { '2': 0.1 }, shift: note };
    const gate = shiftGate(ctx, { clock });
    await expect(gate.gate(withAws(pc([fn('api')], [], []), aws, split))('shop-prod-api', '2')).resolves.toBe(true);
    // The bake is over: one look over it (quiet), then live on 2 alone.
    expect(aliases).toEqual([{ FunctionVersion: '2', weights: {}, Description: '' }]);
    expect(gate.results).toMatchObject([{ from: '1', to: '2', outcome: 'completed', detail: '1 looks, no breach' }]);
  });
});
