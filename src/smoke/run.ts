import type { Aws } from '../aws/clients.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { LocalWorker } from '../invoke/local/index.js';
import { prepareLocalFunction } from '../invoke/local-run.js';
import { invokeRemote } from '../invoke/remote.js';
import { checkExpectation, type Outcome } from './expect.js';
import type { SmokeCase } from './samples.js';

/** One sample's verdict. */
export interface SmokeResult {
  fn: string;
  sample: string;
  ok: boolean;
  durationMs: number;
  /** What missed the expectation, one line per field path (`body.status: expected "ok", got "down"`). */
  diff?: string[];
  /** The function error, or why the sample could not be run at all. */
  error?: string;
}

/** Functions smoked at the same time; the samples of one function run in order, one at a time. */
const PARALLEL_FUNCTIONS = 4;

export function verdict(c: SmokeCase, outcome: Outcome): SmokeResult {
  const diff = checkExpectation(c.expect, outcome);
  return {
    fn: c.fn.key,
    sample: c.sample,
    ok: diff.length === 0,
    durationMs: Math.round(outcome.durationMs * 100) / 100,
    ...(diff.length ? { diff } : {}),
    ...(outcome.error ? { error: `${outcome.error.errorType}: ${outcome.error.errorMessage}` } : {}),
  };
}

function failed(c: SmokeCase, error: unknown): SmokeResult {
  return { fn: c.fn.key, sample: c.sample, ok: false, durationMs: 0, error: error instanceof Error ? error.message : String(error) };
}

/** Groups cases by function (keeping their order) and runs the groups a few at a time. */
export async function byFunction(cases: SmokeCase[], run: (fn: FunctionSpec, cases: SmokeCase[]) => Promise<SmokeResult[]>) {
  const groups = new Map<FunctionSpec, SmokeCase[]>();
  for (const c of cases) groups.set(c.fn, [...(groups.get(c.fn) ?? []), c]);
  const queue = [...groups.entries()];
  const results = new Map<FunctionSpec, SmokeResult[]>();
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) results.set(next[0], await run(next[0], next[1]));
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FUNCTIONS, queue.length) }, lane));
  return [...groups.keys()].flatMap((fn) => results.get(fn) ?? []);
}

export interface LocalSmokeOptions {
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  log?: (msg: string) => void;
  /** Local caveats (a layer left out, another interpreter); default `log`. */
  warn?: (msg: string) => void;
  /** Which of the stage's resources a function's `uses` point it at, one line per function. */
  note?: (msg: string) => void;
}

/** Runs a function's samples in one warm local worker, from its packaged zip. */
export async function runLocalCases(fleet: Fleet, fn: FunctionSpec, cases: SmokeCase[], opts: LocalSmokeOptions): Promise<SmokeResult[]> {
  let worker: LocalWorker;
  try {
    const prepared = await prepareLocalFunction(fleet, fn, {
      env: opts.env,
      endpointUrl: opts.endpointUrl,
      log: opts.log,
      onWarning: opts.warn ?? opts.log,
    });
    if (prepared.uses.note) opts.note?.(prepared.uses.note);
    worker = await LocalWorker.start(prepared.worker);
  } catch (error) {
    return cases.map((c) => failed(c, error));
  }
  try {
    const results: SmokeResult[] = [];
    for (const c of cases) {
      const r = await worker.invoke({ event: c.payload });
      opts.log?.(`smoke ${fn.key}/${c.sample}: ${r.ok ? 'ok' : r.error?.errorType} in ${r.durationMs}ms`);
      results.push(verdict(c, { error: r.error, result: r.result, durationMs: r.durationMs }));
    }
    return results;
  } finally {
    await worker.close();
  }
}

/** Runs a function's samples against a deployed version or alias. */
export async function runRemoteCases(aws: Aws, fn: FunctionSpec, cases: SmokeCase[], qualifier: string, log?: (msg: string) => void) {
  const results: SmokeResult[] = [];
  for (const c of cases) {
    try {
      const r = await invokeRemote(aws, fn, { payload: c.payloadText, qualifier });
      log?.(
        `smoke ${fn.name}:${qualifier}/${c.sample}: status ${r.status}${r.functionError ? ` ${r.functionError}` : ''} in ${r.durationMs}ms`,
      );
      results.push(verdict(c, { error: r.error, result: r.payload, durationMs: r.durationMs }));
    } catch (error) {
      results.push(failed(c, error));
    }
  }
  return results;
}
