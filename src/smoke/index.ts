import type { Aws } from '../aws/clients.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { byFunction, runLocalCases, runRemoteCases, type SmokeResult } from './run.js';
import { loadSmokeCases } from './samples.js';

export { renderSmokeReport } from '../ui/smoke.js';
export type { Expectation } from './expect.js';
export type { SmokeResult } from './run.js';
export { ExpectationError, type SmokeCase } from './samples.js';

/** Where the samples run: a deployed version or alias, or this machine from the packaged zips. */
export type SmokeTarget =
  | {
      kind: 'remote';
      aws: Aws;
      /** The version (or alias) to invoke for a function: the deploy gate passes the version it just published. */
      qualifierFor(fn: FunctionSpec): string;
    }
  | {
      kind: 'local';
      /** Environment the local functions inherit AWS settings from (default `process.env`). */
      env?: NodeJS.ProcessEnv;
      endpointUrl?: string;
    };

export interface RunSmokeOptions {
  fleet: Fleet;
  fns: FunctionSpec[];
  target: SmokeTarget;
  /** Debug talk: one line per sample run. */
  log?: (msg: string) => void;
  /** Local runs: what differs from Lambda (a layer left out, another interpreter), once per function. */
  warn?: (msg: string) => void;
  /** Local runs: the stage's resources a function's `uses` point it at, once per function. */
  note?: (msg: string) => void;
}

export interface SmokeReport {
  /** True when every sample with expectations passed (also when there was none). */
  passed: boolean;
  results: SmokeResult[];
  /** Samples without expectations: not run. */
  skipped: { fn: string; sample: string }[];
}

/**
 * Runs every sample of `fns` that carries expectations and checks each outcome. Never throws for a
 * failing or unreachable function (that is a failed result); throws `ExpectationError` when an
 * expectation file is malformed, before anything runs.
 */
export async function runSmoke(opts: RunSmokeOptions): Promise<SmokeReport> {
  const { cases, skipped } = await loadSmokeCases(opts.fns, opts.fleet.root);
  const { target } = opts;
  const results =
    target.kind === 'remote'
      ? await byFunction(cases, (fn, group) => runRemoteCases(target.aws, fn, group, target.qualifierFor(fn), opts.log))
      : await byFunction(cases, (fn, group) =>
          runLocalCases(opts.fleet, fn, group, {
            env: target.env ?? process.env,
            endpointUrl: target.endpointUrl,
            log: opts.log,
            warn: opts.warn,
            note: opts.note,
          }),
        );
  return { passed: results.every((r) => r.ok), results, skipped };
}
