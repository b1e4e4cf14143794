import { type Aws, createAws } from '../aws/clients.js';
import { timeoutsFrom } from '../aws/transport.js';
import type { Context } from './context.js';

/**
 * The AWS clients for a command in a region: profile and endpoint from flags or env. Apart from
 * setup.ts (which loads the config) so a command can build them before the config is loaded
 * (`ops logs tail`'s early read).
 */
export function awsForRegion(ctx: Context, region: string): Aws {
  return createAws({
    region,
    profile: ctx.global.profile,
    endpointUrl: ctx.global.endpointUrl,
    env: ctx.env,
    timeouts: timeoutsFrom(ctx.env, ctx.global.timeout),
    debug: ctx.global.debug ? (m) => ctx.log.debug(m) : undefined,
  });
}
