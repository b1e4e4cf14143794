import type { Aws } from '../aws/clients.js';
import type { Actual, ReadScope } from '../model/actual.js';
import type { KindRead, ReadContext } from './kind.js';
import { RESOURCE_KINDS } from './registry.js';

export interface ReadOptions {
  /** Per-function reads in flight (GetFunction, GetAlias, GetPolicy). Default 16. */
  concurrency?: number;
}

/**
 * Everything ops owns for the fleet's app and stage: every kind's read, in parallel (a kind that needs
 * another's read waits for that one only), merged. Resources with our names but not our tags land in
 * `foreign` and nowhere else.
 */
export async function readActual(aws: Aws, scope: ReadScope, opts: ReadOptions = {}): Promise<Actual> {
  const started = new Map<string, Promise<KindRead>>();
  const ctx: ReadContext = {
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    read(kind) {
      let p = started.get(kind);
      if (!p) {
        const k = RESOURCE_KINDS.find((x) => x.kind === kind);
        p = k?.read ? k.read(aws, scope, ctx) : Promise.resolve({});
        // Observed at once: a read may fail while others are still being started.
        p.catch(() => {});
        started.set(kind, p);
      }
      return p;
    },
  };
  const accountId = aws.accountId();
  accountId.catch(() => {});
  const reads = RESOURCE_KINDS.map((k) => ctx.read(k.kind));
  // Every read settles before the first failure is thrown: none is left to reject unobserved.
  const settled = await Promise.allSettled([accountId, ...reads]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const parts = await Promise.all(reads);
  const actual: Actual = { accountId: await accountId, region: aws.region, roles: {}, functions: {}, logGroups: {}, foreign: [] };
  for (const part of parts) {
    Object.assign(actual, part.actual ?? {});
    actual.foreign.push(...(part.foreign ?? []));
  }
  return actual;
}
