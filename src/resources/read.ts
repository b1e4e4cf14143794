import type { Aws } from '../aws/clients.js';
import { readFunction } from '../aws/lambda-read.js';
import type { Actual, ReadScope } from '../model/actual.js';
import type { Change } from '../plan/types.js';
import type { KindRead, ReadContext } from './kind.js';
import { isFunctionLocal, RESOURCE_KINDS } from './registry.js';

export interface ReadOptions {
  /** Per-function reads in flight (GetFunction, GetAlias, GetPolicy). Default 16. */
  concurrency?: number;
  /** Told of each kind's read as it starts: a caller may act on one kind's answer before the whole read ends. */
  onKindRead?: (kind: string, read: Promise<KindRead>) => void;
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
        opts.onKindRead?.(kind, p);
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

/**
 * AWS as it is after an apply. When every change applied was to one function's own code, configuration,
 * tags, alias or versions (a code change, the usual deploy), only those functions are read again; the rest
 * of the stage is as it was read before the apply, under the lease, which no other run held until this run's
 * writes were done (a run that writes after them is after this one, whose summary is about its own apply).
 * Anything else, or a function gone or no longer ours, and the whole stage is read again.
 */
export async function verificationRead(aws: Aws, fleet: ReadScope, before: Actual, applied: Change[]): Promise<Actual> {
  const local = applied.length > 0 && applied.every((c) => isFunctionLocal(c.kind));
  if (!local) return readActual(aws, fleet);
  const names = [...new Set(applied.map((c) => (c as { name: string }).name))];
  const fresh = await Promise.all(names.map((name) => readFunction(aws, name, fleet, { ours: true })));
  const functions = { ...before.functions };
  for (const f of fresh) {
    if (!f || 'reason' in f) return readActual(aws, fleet);
    // Provisioned concurrency and async settings are read beside the stage's other settings; none of these changes touched them.
    const had = before.functions[f.name];
    functions[f.name] = {
      ...f,
      ...(had?.provisionedConcurrency !== undefined ? { provisionedConcurrency: had.provisionedConcurrency } : {}),
      ...(had?.asyncConfig ? { asyncConfig: had.asyncConfig } : {}),
      ...(!f.url && had?.url ? { url: had.url } : {}),
    };
  }
  return { ...before, functions };
}
