import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Aws } from '../aws/clients.js';
import {
  bumpEpochParameter,
  createLeaseParameter,
  deleteLeaseClaims,
  deleteLeaseParameter,
  listLeaseClaims,
  overwriteLeaseParameter,
  peekLeaseParameters,
  readLeaseClaims,
  readLeaseParameter,
} from '../aws/lease.js';
import type { Context } from '../cli/context.js';
import { awsFor } from '../cli/setup.js';
import { leaseClaimParamName, leaseClaimPrefix, leaseEpochParamName, leaseParamName, ownershipTags } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { Interrupted, UsageError, UserError } from '../errors.js';
import { inventoryParamName, parseInventory, type StageInventory } from '../model/inventory.js';

/** What the lease parameter holds: who runs what on the stage, since when, until when unless renewed. */
export interface LeaseHolder {
  /** Random per run: how a run recognises its own lease. */
  token: string;
  /** `user@host`. */
  who: string;
  pid: number;
  /** `ops deploy`, `ops destroy`, `ops rollback`. */
  command: string;
  /** ISO time the lease was taken. */
  since: string;
  /** ISO time after which another run may take it over (pushed forward by each renewal). */
  expires: string;
}

export interface LeaseScope {
  app: string;
  stage: string;
}

export interface AcquireLeaseOptions {
  /** `ops deploy`: recorded in the lease, shown to whoever waits. */
  command: string;
  /** How long to wait while another run holds the lease; 0 fails at once. */
  waitMs: number;
  /** Lifetime of the lease unless renewed (renewed every third of it). */
  ttlMs?: number;
  /** Time between two looks at a held lease. */
  pollMs?: number;
  /** Lifetime of a claim on taking over an expired lease: past it, a claimant is taken for dead and the next run claims. */
  claimTtlMs?: number;
  /** Ctrl-C: stop waiting (throws `Interrupted`). */
  signal?: AbortSignal;
  /** Told once per holder while waiting (stderr talk). */
  onWait?(holder: LeaseHolder | undefined, waitMs: number): void;
  /** A lease of a run that died on this host (kill -9, a crash) is taken over at once: why (stderr talk). */
  onTakeOver?(why: string): void;
  /** Is this process alive? Injected by tests; default `process.kill(pid, 0)`. */
  isAlive?(pid: number): boolean;
  /** A renewal failed or found the lease taken (stderr talk). */
  onLost?(message: string): void;
  now?: () => number;
}

/** A held lease. `lost` aborts when a renewal finds that another run holds it now. */
export interface Lease {
  readonly name: string;
  readonly holder: LeaseHolder;
  readonly lost: AbortSignal;
  /** The stage's lease epoch after this run took the lease (see `leaseEpochParamName`). */
  readonly epoch: number;
  /**
   * Deletes the lease if this run still holds it; never throws (a failure is reported through `onLost`).
   * `forget`: the stage is gone (a finished destroy), so its epoch parameter goes too.
   */
  release(opts?: { forget?: boolean }): Promise<void>;
  /** After a release that moved the epoch and deleted the lease: the epoch it moved to and the run's token (its value). */
  readonly released?: { epoch: number; token: string };
}

/** What a look at the stage's lease finds, before reading AWS: who holds it, and the epoch then. */
export interface LeasePeek {
  /** Somebody's lease parameter is there (live or expired). */
  held: boolean;
  holder?: LeaseHolder;
  epoch: number;
  /** When the epoch last moved (AWS's clock, ms): a run took or released the lease then. */
  epochMovedAt?: number;
  /** The token of the run that last moved the epoch (the value it wrote). */
  epochBy?: string;
  /** The stage inventory (src/model/inventory.ts), read in the same call (empty when there is none). */
  inventory?: StageInventory;
}

/** One read of the lease and its epoch (no write): lets a run read AWS before it takes the lease. */
export async function peekLease(aws: Aws, scope: LeaseScope): Promise<LeasePeek> {
  const found = await peekLeaseParameters(
    aws,
    leaseParamName(scope.app, scope.stage),
    leaseEpochParamName(scope.app, scope.stage),
    inventoryParamName(scope.app, scope.stage),
  );
  const holder = parseHolder(found.lease?.value);
  return {
    held: found.lease !== undefined,
    inventory: parseInventory(found.inventory),
    ...(holder ? { holder } : {}),
    epoch: found.epoch,
    ...(found.epochMovedAt !== undefined ? { epochMovedAt: found.epochMovedAt } : {}),
    ...(found.epochBy !== undefined ? { epochBy: found.epochBy } : {}),
  };
}

/** Not longer than the default wait: a re-run after a killed one outwaits the dead run's lease. */
export const DEFAULT_LEASE_TTL_MS = 120_000;
export const DEFAULT_LEASE_WAIT_SECONDS = 120;
/** Far longer than a take-over's four calls, even behind a busy endpoint. */
export const DEFAULT_LEASE_CLAIM_TTL_MS = 30_000;
/** Claim generations looked at in one GetParameters call (its limit); all of them taken needs `ops unlock`. */
const MAX_CLAIM_GENERATIONS = 10;

/**
 * Takes the stage's lease (an SSM parameter created only if absent), waiting up to `waitMs` while
 * another run holds it, then renews it every ttl/3 until released. SSM has no conditional write, so an
 * expired lease (its holder died without releasing, or died on this host) is taken over through a claim: a
 * parameter named after the expired holder's token (`leaseClaimParamName`), created only if absent. Only the
 * run whose claim create succeeds deletes the lease, after a read that still shows that holder, and creates its
 * own (only if absent: a run that found the lease gone meanwhile holds it legitimately); the others wait while
 * the claim is live, as for a held lease. A claim whose run died expires after `claimTtlMs`, and the next run
 * claims the next generation. What remains unguarded: a claimant's delete held back at AWS longer than the
 * claim's lifetime, or an expired holder that comes back to life between that read and the delete; the
 * removed holder's next renewal (at ttl/3) sees the lease lost and starts no new change.
 */
export async function acquireLease(aws: Aws, scope: LeaseScope, opts: AcquireLeaseOptions): Promise<Lease> {
  const name = leaseParamName(scope.app, scope.stage);
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const token = randomUUID();
  const started = now();
  const deadline = started + opts.waitMs;
  const tags = ownershipTags(scope.app, scope.stage);
  const claimTtlMs = opts.claimTtlMs ?? DEFAULT_LEASE_CLAIM_TTL_MS;
  const isDeadHereLocally = (h: LeaseHolder) =>
    h.who === whoAmI() && h.pid > 0 && h.pid !== process.pid && !(opts.isAlive ?? isProcessAlive)(h.pid);
  const fresh = (): LeaseHolder => ({
    token,
    who: whoAmI(),
    pid: process.pid,
    command: opts.command,
    since: new Date(now()).toISOString(),
    expires: new Date(now() + ttlMs).toISOString(),
  });
  // Every run that takes the lease moves the epoch on before it reads or writes anything else.
  const held = async (holder: LeaseHolder): Promise<Lease> => {
    const lease = holdLease(aws, name, holder, ttlMs, opts, now);
    try {
      const epoch = await bumpEpochParameter(aws, leaseEpochParamName(scope.app, scope.stage), holder.token, tags);
      return withEpoch(lease, epoch, aws, scope);
    } catch (error) {
      await lease.release();
      throw error;
    }
  };
  // The claim on taking over the expired lease of holder `expired`: ours (`names`: every generation up to ours,
  // to delete once done) or, while it lives, another run's (`claimant`).
  const claimTakeOver = async (
    expired: string,
  ): Promise<{ names: string[]; until: number; claimant?: undefined } | { claimant: LeaseHolder }> => {
    const names = Array.from({ length: MAX_CLAIM_GENERATIONS }, (_, i) => leaseClaimParamName(scope.app, scope.stage, expired, i + 1));
    const until = now() + claimTtlMs;
    const claim = JSON.stringify({ ...fresh(), expires: new Date(until).toISOString() });
    const description = 'ops stage lease claim: the run taking over an expired lease';
    for (let n = 1; ; ) {
      if (await createLeaseParameter(aws, names[n - 1]!, claim, tags, description)) return { names: names.slice(0, n), until };
      const found = await readLeaseClaims(aws, names);
      const last = names.findLastIndex((c) => found.has(c)) + 1;
      if (last === 0) continue; // deleted meanwhile (its run finished): claim generation n again
      const by = parseHolder(found.get(names[last - 1]!));
      const live = by !== undefined && Date.parse(by.expires) >= now();
      // Our own create, retried by the SDK after its answer was lost (our own expired claim is anybody's).
      if (live && by.token === token) return { names: names.slice(0, last), until: Date.parse(by.expires) };
      if (live) return { claimant: by };
      if (last === MAX_CLAIM_GENERATIONS) {
        throw new UserError(`stage ${scope.app}/${scope.stage}: ${last} runs claimed its expired lease and none took it over`, {
          hint: `ops unlock --stage ${scope.stage} removes the lease and its claims`,
        });
      }
      n = last + 1;
    }
  };
  let shown: string | undefined;
  for (;;) {
    if (opts.signal?.aborted) throw new Interrupted('nothing applied (stopped while waiting for the stage lease)');
    const mine = fresh();
    if (await createLeaseParameter(aws, name, JSON.stringify(mine), tags)) return held(mine);
    const current = await readLeaseParameter(aws, name);
    if (!current) continue; // released between the two calls: try again at once
    let holder = parseHolder(current.value);
    // Our own create, retried by the SDK after its answer was lost.
    if (holder?.token === token) return held(holder);
    const gone = holder && Date.parse(holder.expires) >= now() && isDeadHereLocally(holder) ? holder : undefined;
    if (holder && (gone || Date.parse(holder.expires) < now())) {
      const claim = await claimTakeOver(holder.token);
      if (!claim.claimant) {
        if (gone) opts.onTakeOver?.(`the run holding it (${describeHolder(gone)}) is no longer running on this host`);
        if (await takeOver(aws, name, holder.token, mine, claim, tags, now)) return held(mine);
        continue;
      }
      // Another run is taking it over: waited for (and named) like a holder, until its claim expires.
      holder = claim.claimant;
    }
    // Said before the deadline is checked: on a slow endpoint the first look may already end the wait.
    const key = holder?.token ?? current.value;
    if (key !== shown && opts.waitMs > 0) opts.onWait?.(holder, opts.waitMs);
    shown = key;
    if (now() >= deadline) throw heldError(scope, holder, opts.waitMs);
    try {
      await sleep(Math.max(1, Math.min(opts.pollMs ?? 2_000, deadline - now())), undefined, { signal: opts.signal });
    } catch {
      throw new Interrupted('nothing applied (stopped while waiting for the stage lease)');
    }
  }
}

/**
 * With the claim on the expired holder `expired` taken (live `until`): deletes the lease if a read still shows that
 * holder and creates this run's (true when created), then deletes the claims. No read-back: only a live claimant
 * deletes a lease, and while this run's claim lives nobody else claims it; a create whose answer was lost reads as
 * false here, and the caller's next look finds its own token.
 */
async function takeOver(
  aws: Aws,
  name: string,
  expired: string,
  mine: LeaseHolder,
  claim: { names: readonly string[]; until: number },
  tags: Record<string, string>,
  now: () => number,
): Promise<boolean> {
  const still = parseHolder((await readLeaseParameter(aws, name))?.value)?.token === expired;
  // Slowed down past the claim's lifetime (a throttled endpoint): another run may hold the next generation by now.
  if (still && now() >= claim.until) return false;
  let created = false;
  if (still) {
    await deleteLeaseParameter(aws, name);
    created = await createLeaseParameter(aws, name, JSON.stringify(mine), tags);
  }
  // The expired holder's lease is gone either way: its claims guard nothing any more.
  await deleteLeaseClaims(aws, claim.names).catch(() => {});
  return created;
}

/** The held lease with its epoch; a release that forgets the stage deletes the epoch parameter first. */
function withEpoch(lease: HeldLease, epoch: number, aws: Aws, scope: LeaseScope): Lease {
  let released: Lease['released'];
  return {
    get released() {
      return released;
    },
    name: lease.name,
    get holder() {
      return lease.holder;
    },
    lost: lease.lost,
    epoch,
    async release(opts) {
      const epochName = leaseEpochParamName(scope.app, scope.stage);
      if (opts?.forget) {
        await Promise.all([deleteLeaseParameter(aws, epochName).catch(() => false), forgetStaleClaims(aws, scope, lease.holder.token)]);
        await lease.release();
        return;
      }
      // The epoch moves on as the lease goes too, so that its date tells a run that read AWS before its
      // look at the lease whether this run's writes could have landed during that read (preparePlan).
      // Should the move fail, the lease stays until it expires: safer than a date that says nothing.
      let moved: number | undefined;
      const token = lease.holder.token;
      const deleted = await lease.release(async () => {
        moved = await bumpEpochParameter(aws, epochName, token, ownershipTags(scope.app, scope.stage));
      });
      if (deleted && moved !== undefined) released = { epoch: moved, token };
    },
  };
}

/**
 * A finished destroy leaves nothing of the stage: the claims a taker that died mid take-over left behind go too.
 * They are claims on leases that are gone (this run holds the stage's lease), so they guard nothing; a claim on
 * this run's own lease is left alone (a run taking it over believes it expired and is deciding by that claim).
 * Best effort, like the epoch's delete: a claim left over is harmless, and `ops unlock` removes it.
 */
async function forgetStaleClaims(aws: Aws, scope: LeaseScope, ownToken: string): Promise<void> {
  // `…/{own token}-`: every generation of a claim on this run's own lease (generation 0 is never made; its `0` is cut).
  const ownClaims = leaseClaimParamName(scope.app, scope.stage, ownToken, 0).slice(0, -1);
  try {
    const names = await listLeaseClaims(aws, leaseClaimPrefix(scope.app, scope.stage));
    await deleteLeaseClaims(
      aws,
      names.filter((name) => !name.startsWith(ownClaims)),
    );
  } catch {
    // Not allowed to list (ssm:GetParametersByPath), or SSM failing: the claims stay, harmless.
  }
}

/** Its release resolves to whether this run's lease was deleted (never throws). */
type HeldLease = Omit<Lease, 'epoch' | 'release' | 'released'> & { release(beforeDelete?: () => Promise<unknown>): Promise<boolean> };

function holdLease(aws: Aws, name: string, held: LeaseHolder, ttlMs: number, opts: AcquireLeaseOptions, now: () => number): HeldLease {
  const lost = new AbortController();
  let holder = held;
  let renewing: Promise<void> | undefined;
  const renew = async () => {
    try {
      const current = parseHolder((await readLeaseParameter(aws, name))?.value);
      if (current?.token !== holder.token) {
        clearInterval(timer);
        opts.onLost?.(
          `the stage lease was taken by ${current ? describeHolder(current) : 'nobody (it was deleted)'}; starting no new change`,
        );
        lost.abort(new Error('lease lost'));
        return;
      }
      const next = { ...holder, expires: new Date(now() + ttlMs).toISOString() };
      await overwriteLeaseParameter(aws, name, JSON.stringify(next));
      holder = next;
    } catch (error) {
      // The next renewal tries again; the lease stays valid until `expires`.
      opts.onLost?.(`could not renew the stage lease: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(
    () => {
      renewing ??= renew().finally(() => (renewing = undefined));
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  let released: Promise<boolean> | undefined;
  return {
    name,
    get holder() {
      return holder;
    },
    lost: lost.signal,
    release(beforeDelete) {
      released ??= (async () => {
        clearInterval(timer);
        // A renewal landing after the delete would put the lease back.
        await renewing;
        try {
          // The read back and the write before the delete go together (one round trip less at the end of every
          // deploy that wrote): a write made for a lease that turns out to be another run's only moves the epoch
          // on, which makes later runs read again, never less.
          const [current, before] = await Promise.allSettled([readLeaseParameter(aws, name), beforeDelete?.()]);
          if (current.status === 'rejected') throw current.reason;
          if (parseHolder(current.value?.value)?.token === held.token) {
            if (before.status === 'rejected') throw before.reason;
            await deleteLeaseParameter(aws, name);
            return true;
          }
        } catch (error) {
          opts.onLost?.(
            `could not release the stage lease ${name} (${(error as Error).message}); it expires at ${holder.expires}, or run ops unlock`,
          );
        }
        return false;
      })();
      return released;
    },
  };
}

/** The holder in a lease parameter's value, or `undefined` when it is not one of ours. */
export function parseHolder(value: string | undefined): LeaseHolder | undefined {
  if (!value) return undefined;
  try {
    const v = JSON.parse(value) as Partial<LeaseHolder>;
    if (typeof v.token !== 'string' || typeof v.expires !== 'string' || Number.isNaN(Date.parse(v.expires))) return undefined;
    return {
      token: v.token,
      who: String(v.who ?? 'unknown'),
      pid: Number(v.pid ?? 0),
      command: String(v.command ?? 'ops'),
      since: String(v.since ?? v.expires),
      expires: v.expires,
    };
  } catch {
    return undefined;
  }
}

/** `alice@build-7 (ops deploy, pid 4242) since 2026-05-01T10:00:00Z`. */
export function describeHolder(h: LeaseHolder): string {
  return `${h.who} (${h.command}, pid ${h.pid}) since ${h.since.replace(/\.\d{3}Z$/, 'Z')}`;
}

function heldError(scope: LeaseScope, holder: LeaseHolder | undefined, waitMs: number): UserError {
  const by = holder ? describeHolder(holder) : 'a lease ops cannot read';
  const waited = waitMs > 0 ? `, waited ${Math.round(waitMs / 1000)}s` : '';
  const expires = holder ? ` (it expires at ${holder.expires.replace(/\.\d{3}Z$/, 'Z')} unless renewed)` : '';
  return new UserError(`stage ${scope.app}/${scope.stage} is locked by ${by}${waited}`, {
    hint: `wait for that run to end${expires}; if it is gone, ops unlock --stage ${scope.stage}`,
  });
}

/**
 * Whether a process of this host is running. EPERM means it runs under another user. A recycled pid
 * reads as alive, which only means waiting for the lease to expire, as for a holder elsewhere.
 */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function whoAmI(): string {
  let user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's name will do.
  }
  return `${user}@${hostname()}`;
}

/** Shows who holds the stage's lease, without taking it (`ops unlock`). */
export async function readLease(aws: Aws, scope: LeaseScope): Promise<{ name: string; raw?: string; holder?: LeaseHolder }> {
  const name = leaseParamName(scope.app, scope.stage);
  const stored = await readLeaseParameter(aws, name);
  return { name, ...(stored ? { raw: stored.value, holder: parseHolder(stored.value) } : {}) };
}

/** Breaks the stage's lease whoever holds it, and any claims on taking it over (`ops unlock`); false when there was no lease. */
export async function breakLease(aws: Aws, scope: LeaseScope): Promise<boolean> {
  const removed = await deleteLeaseParameter(aws, leaseParamName(scope.app, scope.stage));
  // Under a path only ops writes (`_` starts no app name), and ending in `/`: `dev` never reaches `dev-x`'s.
  await deleteLeaseClaims(aws, await listLeaseClaims(aws, leaseClaimPrefix(scope.app, scope.stage)));
  return removed;
}

export interface StageLeaseOptions {
  /** `ops deploy`. */
  command: string;
  /** `--wait <seconds>` as typed; the fleet's `deploy.leaseWaitSeconds` (or 120) when absent. */
  wait?: string;
  signal?: AbortSignal;
}

/**
 * The lease of the context's stage for a command that writes, with its own SSM client (so the
 * command's clients can be closed before it is released), talking on stderr while it waits.
 */
export async function takeStageLease(ctx: Context, fleet: Fleet, opts: StageLeaseOptions): Promise<Lease> {
  const waitSeconds = opts.wait === undefined ? (fleet.leaseWaitSeconds ?? DEFAULT_LEASE_WAIT_SECONDS) : parseWait(opts.wait);
  const aws = awsFor(ctx, fleet);
  try {
    const lease = await acquireLease(aws, fleet, {
      command: opts.command,
      waitMs: waitSeconds * 1000,
      signal: opts.signal,
      onWait: (h) =>
        ctx.log.info(
          `stage ${fleet.app}/${fleet.stage} is locked by ${h ? describeHolder(h) : 'a lease ops cannot read'}; waiting up to ${waitSeconds}s (--wait)`,
        ),
      onLost: (message) => ctx.log.warn(message),
      onTakeOver: (why) => ctx.log.info(`taking over the lease of stage ${fleet.app}/${fleet.stage}: ${why}`),
    });
    ctx.log.debug(`lease ${lease.name} taken (expires ${lease.holder.expires}, epoch ${lease.epoch})`);
    return {
      name: lease.name,
      get holder() {
        return lease.holder;
      },
      lost: lease.lost,
      epoch: lease.epoch,
      get released() {
        return lease.released;
      },
      async release(opts) {
        await lease.release(opts);
        aws.destroy();
      },
    };
  } catch (error) {
    aws.destroy();
    throw error;
  }
}

function parseWait(text: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new UsageError(`--wait ${text}: a number of seconds`, { hint: '--wait 0 fails at once when the stage is locked' });
  return Number(text.trim());
}
