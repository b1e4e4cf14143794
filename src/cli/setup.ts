import type { Aws } from '../aws/clients.js';
import { didYouMean } from '../config/did-you-mean.js';
import { loadFleet } from '../config/load.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { UsageError } from '../errors.js';
import { awsForRegion } from './aws-for.js';
import type { Context } from './context.js';

/**
 * Loads the fleet for the context's stage, config path and region. A fleet AWS would refuse whatever
 * the account holds (an environment over 4 KB, a role policy or tag count over AWS's limit) is a config
 * error here, before any command builds a client; the plan checks again with resolved values.
 * `limits: false` skips that check for a command that only reads what runs (`ops logs tail`): the
 * check and the planners it imports are loaded only when asked for, so such a command never loads them.
 */
export async function loadFleetFor(ctx: Context, opts: { limits?: boolean } = {}): Promise<Fleet> {
  const fleet = await loadFleet({
    cwd: ctx.cwd,
    stage: ctx.global.stage,
    config: ctx.global.config,
    region: ctx.global.region,
    env: ctx.env,
  });
  if (opts.limits === false) return fleet;
  const { assertWithinLimits } = await import('../plan/limits.js');
  assertWithinLimits(fleet, { fns: fleet.functions });
  return fleet;
}

/** The functions named on the command line (all when none), or a usage error naming the unknown one. */
export function selectFunctions(fleet: Fleet, names: string[] | undefined): FunctionSpec[] {
  if (!names || names.length === 0) return fleet.functions;
  return names.map((n) => {
    const fn = fleet.functions.find((f) => f.key === n || f.name === n);
    if (!fn) {
      const guess = didYouMean(
        n,
        fleet.functions.map((f) => f.key),
      );
      throw new UsageError(`no function '${n}' in ${fleet.app}`, {
        hint: guess ? `did you mean '${guess}'?` : `functions: ${fleet.functions.map((f) => f.key).join(', ')}`,
      });
    }
    return fn;
  });
}

/** The AWS clients for a command on this fleet: region from the fleet, profile and endpoint from flags or env. */
export function awsFor(ctx: Context, fleet: Fleet): Aws {
  return awsForRegion(ctx, fleet.region);
}

/** Runs `fn` with the fleet's AWS clients, closed after it whatever happens. */
export async function withAws<T>(ctx: Context, fleet: Fleet, fn: (aws: Aws) => Promise<T>): Promise<T> {
  const aws = awsFor(ctx, fleet);
  try {
    return await fn(aws);
  } finally {
    aws.destroy();
  }
}
