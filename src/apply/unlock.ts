import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor } from '../cli/setup.js';
import { ExitCode } from '../errors.js';
import { confirm } from '../ui/prompt.js';
import { breakLease, describeHolder, readLease } from './lease.js';

/** `ops unlock`: shows who holds the stage's lease and, once confirmed, deletes it. Takes no lease itself. */
export async function unlockCommand(ctx: Context): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const aws = awsFor(ctx, fleet);
  const scope = `${fleet.app}/${fleet.stage}`;
  try {
    const lease = await readLease(aws, fleet);
    if (lease.raw === undefined) {
      ctx.log.info(`stage ${scope} is not locked: nothing to unlock`);
      if (ctx.global.json) ctx.outJson({ name: lease.name, locked: false, removed: false });
      return 0;
    }
    const h = lease.holder;
    const expired = h ? Date.parse(h.expires) < Date.now() : undefined;
    ctx.log.raw(
      h
        ? `stage ${scope} is locked by ${describeHolder(h)}; ${expired ? 'expired' : 'expires'} at ${h.expires.replace(/\.\d{3}Z$/, 'Z')}`
        : `stage ${scope} is locked by a lease ops cannot read (${lease.name})`,
    );
    if (expired === false) ctx.log.warn('that run may still be going: unlocking lets another run change the stage at the same time');
    if (!(await confirm(ctx, `Delete the lease ${lease.name}?`, { refuse: `refusing to unlock ${scope}` }))) {
      ctx.log.info('Nothing changed.');
      throw new ExitCode(1);
    }
    const removed = await breakLease(aws, fleet);
    ctx.log.success(removed ? `stage ${scope} unlocked` : `stage ${scope} was already unlocked`);
    if (ctx.global.json) ctx.outJson({ name: lease.name, locked: true, holder: h, removed });
    return 0;
  } finally {
    aws.destroy();
  }
}
