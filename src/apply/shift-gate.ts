import { readShiftSignals, setAliasWeight, settleAlias } from '../aws/lambda-shift.js';
import type { Context } from '../cli/context.js';
import { type Clock, systemClock } from '../clock.js';
import type { ShiftSpec } from '../config/deploy-strategy.js';
import type { FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { recoveryOf } from '../shift/recover.js';
import { runShift, type ShiftOutcome } from '../shift/run.js';
import { scheduleOf, strategyName } from '../shift/strategy.js';
import type { PlanContext } from './deploy.js';

/**
 * `ops deploy` with a strategy (issue 17): between publishing a version and moving `live` (the hook the
 * smoke gate uses), `live` shifts to the new version step by step while its signals are watched. Each
 * function's alias.publish runs its own shift, so several shift in parallel, each watched separately.
 */

/** Test knob, never for users: real milliseconds per minute of a schedule (60,000 otherwise). */
export const MS_PER_MINUTE_ENV = 'OPS_TEST_SHIFT_MS_PER_MINUTE';

export interface ShiftResult {
  name: string;
  strategy: string;
  from: string;
  to: string;
  outcome: ShiftOutcome['outcome'] | 'finished (interrupted before)';
  detail: string;
  seconds: number;
}

export interface ShiftGate {
  gate(pc: PlanContext): (name: string, version: string) => Promise<boolean>;
  /** Every shift this run made, for the table at the end. */
  results: ShiftResult[];
}

export function shiftGate(ctx: Context, clock: Clock = systemClock): ShiftGate {
  const results: ShiftResult[] = [];
  const msPerMinute = Number(ctx.env[MS_PER_MINUTE_ENV]) || 60_000;
  const gate = (pc: PlanContext) => {
    refuseAllAtOnceWhereProtected(pc);
    return async (name: string, version: string): Promise<boolean> => {
      const fn = pc.fleet.functions.find((f) => f.name === name);
      const alias = pc.actual.functions[name]?.alias;
      if (!fn?.shift || !alias) return true; // no strategy, or no version to shift from
      const say = (m: string) => ctx.log.info(`${name}: ${m}`);
      const started = clock.now();
      const from = await recoverFirst(pc, fn.shift, name, version, alias, say);
      if (from === undefined) {
        results.push({
          name,
          strategy: strategyName(fn.shift.strategy),
          from: alias.version,
          to: version,
          outcome: 'finished (interrupted before)',
          detail: '',
          seconds: 0,
        });
        return true;
      }
      if (fn.shift.strategy.type === 'all-at-once') return true;
      const outcome = await runShift(
        {
          clock,
          setPercent: (p, next) =>
            setAliasWeight(pc.aws, name, {
              oldVersion: from,
              newVersion: version,
              percent: p,
              note: `${strategyName(fn.shift!.strategy)} from ${from} to ${version}, ${p}% since ${iso(clock.now())}, next step ${iso(next)}`,
            }),
          complete: () => settleAlias(pc.aws, name, version),
          revert: () => settleAlias(pc.aws, name, from),
          readSignals: (since) => readShiftSignals(pc.aws, signalRead(fn, fn.shift!, from, version, since, clock.now())),
          progress: say,
        },
        { steps: scheduleOf(fn.shift.strategy), thresholds: fn.shift.thresholds, msPerMinute },
      );
      const seconds = Math.round((clock.now() - started) / 1000);
      const base = { name, strategy: strategyName(fn.shift.strategy), from, to: version, outcome: outcome.outcome, seconds };
      if (outcome.outcome === 'completed') {
        results.push({ ...base, detail: `${outcome.looks} looks, no breach` });
        say(`live is on version ${version} (100%)`);
        return true;
      }
      const detail =
        outcome.outcome === 'rolled-back'
          ? `${outcome.breach.signal}: ${outcome.breach.detail} at ${outcome.atPercent}%`
          : `stopped at ${outcome.atPercent}%`;
      results.push({ ...base, detail });
      throw new UserError(`${name}: ${detail}: live is back on version ${from} (version ${version} takes no traffic)`, {
        hint: `look at version ${version}'s logs (ops logs ${fn.key}), fix it and deploy again`,
      });
    };
  };
  return { gate, results };
}

/**
 * A shift interrupted in an earlier run: finish it (when the version it was shifting to is the one
 * published now) or move `live` back first, as `deploy.onInterrupt` says. Returns the version the new
 * shift starts from, or undefined when finishing took `live` to the new version already.
 */
async function recoverFirst(
  pc: PlanContext,
  shift: ShiftSpec,
  name: string,
  version: string,
  alias: { version: string; weights?: Record<string, number> },
  say: (m: string) => void,
): Promise<string | undefined> {
  const recovery = recoveryOf(alias, shift.onInterrupt);
  if (!recovery) return alias.version;
  if (recovery.mode === 'finish' && recovery.newVersion === version) {
    say(`finishing the interrupted shift (${recovery.found}): live to version ${version}`);
    await settleAlias(pc.aws, name, version);
    return undefined;
  }
  say(`an interrupted shift left ${recovery.found}: live back on version ${recovery.oldVersion} before shifting again`);
  await settleAlias(pc.aws, name, recovery.oldVersion);
  return recovery.oldVersion;
}

function signalRead(fn: FunctionSpec, shift: ShiftSpec, from: string, to: string, since: number, now: number) {
  return {
    name: fn.name,
    newVersion: to,
    oldVersion: from,
    alarms: shift.alarms,
    p99: shift.thresholds.p99DurationRatio !== undefined,
    // Lambda's metrics come in whole minutes: from the minute the shift began, to a minute past now.
    start: Math.floor(since / 60_000) * 60_000,
    end: now + 60_000,
  };
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** `deploy.protectedStages`: a function whose `live` would move at once there is refused before anything is written. */
function refuseAllAtOnceWhereProtected(pc: PlanContext): void {
  const moving = new Set(pc.plan.changes.filter((c) => c.kind === 'alias.publish').map((c) => (c as { name: string }).name));
  const atOnce = pc.fleet.functions.filter(
    (f) => f.shift?.protectedStage && f.shift.strategy.type === 'all-at-once' && moving.has(f.name) && pc.actual.functions[f.name]?.alias,
  );
  if (!atOnce.length) return;
  throw new UserError(`stage ${pc.fleet.stage} is protected: ${atOnce.map((f) => f.key).join(', ')} would move live all at once`, {
    hint: 'give them deploy.strategy in the config, or run ops deploy --strategy Canary10Percent5Minutes',
  });
}

/** The table at the end of a run that shifted: one row per function. */
export function shiftTable(results: ShiftResult[]): string[] {
  if (!results.length) return [];
  const rows = results.map((r) => [r.name, r.strategy, `${r.from} → ${r.to}`, r.outcome, `${r.seconds}s`, r.detail]);
  const head = ['function', 'strategy', 'versions', 'result', 'took', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

type Gate = (pc: PlanContext) => (name: string, version: string) => Promise<boolean>;

/** The smoke samples first (a version that fails them is never shifted to), then the shift. */
export function bothGates(smoke: Gate | undefined, shift: Gate): Gate {
  return (pc) => {
    const s = smoke?.(pc);
    const h = shift(pc);
    return async (name, version) => (s ? await s(name, version) : true) && h(name, version);
  };
}
