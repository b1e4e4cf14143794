import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/execute.js';
import type { Aws } from '../../../src/aws/clients.js';
import type { Actual } from '../../../src/model/actual.js';
import type { Change, Plan } from '../../../src/plan/types.js';
import { renderApplySummary } from '../../../src/ui/summary.js';

/** A retention change on log group `g`, after `dependsOn`. */
const retention = (g: string, dependsOn: string[] = []): Change => ({
  id: `loggroup.retention:${g}`,
  kind: 'loggroup.retention',
  action: 'update',
  resource: { type: 'log group', name: g },
  summary: `set retention of ${g}`,
  fields: [],
  dependsOn,
  logGroup: g,
  retentionDays: 7,
});

/** An Aws whose PutRetentionPolicy calls wait until the test lets them go, recording each. */
function heldLogs() {
  const calls: string[] = [];
  const waiting = new Map<string, () => void>();
  const logs = {
    putRetentionPolicy: (input: { logGroupName: string }) =>
      new Promise<void>((resolve) => {
        calls.push(input.logGroupName);
        waiting.set(input.logGroupName, resolve);
      }),
  };
  const aws = { logs: async () => logs, write: (fn: () => Promise<unknown>) => fn() } as unknown as Aws;
  const release = (name: string) => waiting.get(name)?.();
  const releaseAll = () => {
    for (const r of waiting.values()) r();
  };
  return { aws, calls, release, releaseAll, started: () => calls.length };
}

const plan = (changes: Change[]): Plan => ({ app: 'tasks', stage: 'dev', region: 'us-east-1', changes, warnings: [] });
const actual = {} as Actual;
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('applyPlan interrupted by its signal', () => {
  it('aborted before it starts: nothing is called, every change is not-started', async () => {
    const { aws, calls } = heldLogs();
    const stop = new AbortController();
    stop.abort('SIGINT');
    const r = await applyPlan({ aws, plan: plan([retention('a'), retention('b')]), actual, signal: stop.signal });
    expect(calls).toEqual([]);
    expect(r.results.map((x) => x.status)).toEqual(['not-started', 'not-started']);
    expect(r.interrupted).toMatchObject({ reason: 'SIGINT', unfinished: [] });
    expect(r.interrupted?.notStarted).toHaveLength(2);
  });

  it('aborted mid-way: what runs finishes, what waits never starts (and is not reported as skipped)', async () => {
    const held = heldLogs();
    const stop = new AbortController();
    const changes = [retention('a'), retention('b'), retention('c', ['loggroup.retention:a']), retention('d')];
    const inFlight = new Set<Change>();
    const run = applyPlan({ aws: held.aws, plan: plan(changes), actual, signal: stop.signal, concurrency: 2, inFlight });
    while (held.started() < 2) await tick();
    expect([...inFlight].map((c) => (c as { logGroup: string }).logGroup)).toEqual(['a', 'b']);
    stop.abort('SIGTERM');
    await tick();
    held.releaseAll();
    const r = await run;
    expect(held.calls).toEqual(['a', 'b']); // c (after a) and d (no room) never started
    expect(r.results.map((x) => `${(x.change as { logGroup: string }).logGroup}:${x.status}`)).toEqual([
      'a:done',
      'b:done',
      'c:not-started',
      'd:not-started',
    ]);
    expect(r.skipped).toEqual([]);
    expect(r.interrupted?.reason).toBe('SIGTERM');
    expect(inFlight.size).toBe(0);
  });

  it('a change still running when the grace runs out is reported unfinished, and applyPlan returns', async () => {
    const held = heldLogs();
    const stop = new AbortController();
    const run = applyPlan({
      aws: held.aws,
      plan: plan([retention('a'), retention('b', ['loggroup.retention:a'])]),
      actual,
      signal: stop.signal,
      graceMs: 50,
    });
    while (held.started() < 1) await tick();
    stop.abort('SIGINT');
    const t0 = Date.now();
    const r = await run;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(r.results.map((x) => x.status)).toEqual(['unfinished', 'not-started']);
    expect(r.interrupted?.unfinished.map((x) => x.change.id)).toEqual(['loggroup.retention:a']);
    held.releaseAll();
  });
});

describe('renderApplySummary of an interrupted run', () => {
  it('says why, counts, and lists what was applied, what was not and what may be half-done', async () => {
    const held = heldLogs();
    const stop = new AbortController();
    const run = applyPlan({
      aws: held.aws,
      plan: plan([retention('a'), retention('b', ['loggroup.retention:a']), retention('c')]),
      actual,
      signal: stop.signal,
      concurrency: 2,
      graceMs: 100,
    });
    while (held.started() < 2) await tick();
    // a finishes within the grace; c is still running when it ends; b (after a) never starts.
    stop.abort('SIGINT');
    held.release('a');
    const r = await run;
    const lines = renderApplySummary(r, { ms: 1_500, color: new Chalk({ level: 0 }) });
    const text = lines.join('\n');
    expect(text).toContain('Interrupted (SIGINT) after 1.5s: 1 of 3 changes applied, 1 not applied, 1 still running.');
    expect(text).toContain('  applied:\n    ✔ set retention of a\n  not applied:\n    - set retention of b');
    expect(text).toContain('  still running when ops stopped waiting (may be half-done):\n    ? set retention of c');
    expect(text).toContain('run the same command again to finish');
    held.releaseAll();
  });
});
