import type { ChalkInstance } from 'chalk';
import { type Aws, preloadDeployClients } from '../aws/clients.js';
import { deleteInventory, readInventory } from '../aws/inventory.js';
import type { Context, InterruptHooks } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import { httpApiUrl, restApiUrl } from '../config/naming.js';
import { overrideStrategy } from '../config/resolve-deploy-strategy.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { ExitCode, Interrupted, UserError } from '../errors.js';
import type { Actual } from '../model/actual.js';
import { isEmptyInventory } from '../model/inventory.js';
import { type Artifact, buildFleet, limitsFor } from '../package/index.js';
import { countChanges, planDeploy, planToJson, renderPlan } from '../plan/index.js';
import type { ArtifactRef, Change, Plan } from '../plan/types.js';
import { domainLine } from '../resources/domain/line.js';
import type { KindRead } from '../resources/kind.js';
import { readActual, verificationRead } from '../resources/read.js';
import { selectionScope } from '../resources/read-selection.js';
import { functionUrlsOf } from '../ui/function-urls.js';
import { createProgress } from '../ui/progress.js';
import { confirm, confirmByTyping } from '../ui/prompt.js';
import { renderApplySummary } from '../ui/summary.js';
import { type ApplyResult, applyPlan, DEFAULT_INTERRUPT_GRACE_MS } from './execute.js';
import { type Lease, type LeasePeek, peekLease, takeStageLease } from './lease.js';
import { namedApiUrls } from './named-api-urls.js';
import { isOwnRelease, lastOwnRelease, rememberRelease } from './own-release.js';
import { startPreflight } from './preflight.js';
import { type ChosenRead, codeWillChange, earlyReadDoubt, epochMoved, nothingOfTheStage, staleRead } from './read-choice.js';

export interface PlanContext {
  fleet: Fleet;
  fns: FunctionSpec[];
  aws: Aws;
  actual: Actual;
  artifacts: Artifact[];
  plan: Plan;
  /** Reads AWS again (what `applied` changed: see verificationRead) and plans with the same inputs: the verification after an apply. */
  replan: (applied?: Change[]) => Promise<Plan>;
}

export interface PrepareOptions {
  functions?: string[];
  destroy?: boolean;
  /** `--allow-data-loss`: see PlanDeployInput.allowDataLoss. */
  allowDataLoss?: boolean;
  /** The stage's lease, for commands that write: looked at before AWS is read, taken once the plan has changes. */
  gate?: LeaseGate;
  /** `--strategy`: every function's traffic-shifting strategy for this run. */
  strategy?: string;
}

/** How `preparePlan` uses the stage's lease (`deployCommand` holds the lease itself, to release it). */
export interface LeaseGate {
  /** One read of the lease and its epoch; writes nothing. */
  peek(aws: Aws, fleet: Fleet): Promise<LeasePeek>;
  /** Takes the lease (waiting while another run holds it) and returns the epoch it moved to. */
  take(fleet: Fleet): Promise<number>;
}

/**
 * Everything up to the plan: load the fleet, build the zips and read AWS (in parallel), check
 * the params the functions read, then plan. Writes nothing to AWS but the stage's lease, which a
 * command that writes takes after the preflight, and only when the plan has changes.
 *
 * The read starts at once when the lease is free, beside the preflight and the build. Taking the lease
 * later moves its epoch on: from the epoch seen before the read to the next one means that no run took
 * the lease (so none wrote) while this one read; any other figure, and AWS is read again under the lease.
 */
export async function preparePlan(ctx: Context, opts: PrepareOptions): Promise<PlanContext> {
  preloadDeployClients();
  const fleet = await loadFleetFor(ctx);
  if (opts.strategy) overrideStrategy(fleet.functions, opts.strategy);
  const fns = selectFunctions(fleet, opts.functions);
  const only = opts.functions?.length ? fns.map((f) => f.key) : undefined;
  // A selection reads what its plan looks at (src/resources/read-selection.ts), not the whole stage.
  const scope = selectionScope(fleet, only && fns, opts.destroy);
  const aws = awsFor(ctx, fleet);
  // The look at the lease goes first, and the read right beside it (not after it: one round trip less).
  const look = opts.gate?.peek(aws, fleet);
  // Read before the read starts: a release recorded here ended before it (see own-release.ts).
  const own = opts.gate && !opts.destroy ? lastOwnRelease(fleet.root, fleet.app, fleet.stage) : undefined;
  const readFrom = Date.now();
  let functionsRead: Promise<KindRead> | undefined;
  // The stage inventory comes with the look (same call): the read looks at the kept names it lists. Without a look
  // (`ops plan`) it is read on its own, one GetParameter: a config that dropped every kept name still shows them go.
  const inventory = look ? look.then((seen) => seen.inventory) : readInventory(aws, fleet);
  const withLook = { ...scope, inventory };
  const early = readActual(aws, withLook, { onKindRead: (kind, p) => void (kind === 'function' && (functionsRead = p)) });
  early.catch(() => {}); // awaited after the preflight, whose problems come first
  // As soon as the look answers: a lease held means read under it later; an epoch that moved as this read began
  // (a run released the lease just now: back-to-back deploys) means read again at once, after the look, which
  // the epoch check at the take then covers (the early read goes on, unused).
  const reading = (look ?? Promise.resolve(undefined)).then((seen): ChosenRead => {
    if (seen?.held) return { afterLook: true };
    if (isOwnRelease(seen ?? { epoch: 0 }, own))
      ctx.log.debug(`lease epoch ${seen?.epoch}: where this checkout's last run left it as it released the lease`);
    const doubt = seen && earlyReadDoubt(seen, aws.clock.atLeast(readFrom), own);
    if (!doubt) return { actual: early, afterLook: false };
    ctx.log.debug(`${doubt}; reading AWS again now`);
    return { actual: readActual(aws, withLook), afterLook: true };
  });
  reading.then((r) => r.actual?.catch(() => {})).catch(() => {});
  // The read's calls go out before the preflight and the build check take the main thread (both are mostly
  // synchronous: ~80 ms of stat calls and hashing at 200 functions), so AWS answers while they run.
  await aws.sending();
  // Every external reference and each Python handler, checked before any write (the lease is one): all problems in one list.
  const preflight = await startPreflight(aws, fleet, fns, { log: ctx.log, skip: opts.destroy });
  const build = opts.destroy
    ? Promise.resolve([])
    : buildFleet(preflight.buildable, {
        root: fleet.root,
        limits: limitsFor(fleet),
        log: (m) => ctx.log.debug(m),
        notice: (m) => ctx.log.info(m),
      });
  const params = checkParams(aws, fleet, fns, opts);
  const passed = preflight.passed([build, params]);
  passed.catch(() => {}); // awaited below
  // The lease is taken as soon as a write is certain, beside the rest of the read (see codeWillChange).
  let taking: Promise<number> | undefined;
  let decided = false;
  const take = (gate: LeaseGate) => (taking ??= gate.take(fleet));
  if (opts.gate && !opts.destroy && functionsRead) {
    const gate = opts.gate;
    // Only from the read made beside the look, when the plan will be made from it (not held, not doubted).
    Promise.all([reading, functionsRead, build, params, passed])
      .then(([chosen, read, artifacts]) => {
        if (decided || chosen.afterLook || !codeWillChange(fns, artifacts, read.actual?.functions ?? {})) return;
        ctx.log.debug("a function's code differs from what AWS runs: taking the stage lease beside the rest of the read");
        take(gate).catch(() => {});
      })
      .catch(() => {});
  }
  await passed;
  const [artifacts, paramValues] = await Promise.all([build, params]);
  const refs: Record<string, ArtifactRef> = {};
  for (const a of artifacts) refs[a.key] = { codeSha256: a.codeSha256, sha256: a.sha256, zipPath: a.zipPath };
  const planFrom = (actual: Actual) =>
    planDeploy({ fleet, artifacts: refs, actual, only, paramValues, destroy: opts.destroy, allowDataLoss: opts.allowDataLoss });
  const seen = await look;
  const chosen = await reading;
  // Somebody holds the lease: what was read may be half of their writes; read again under the lease.
  let actual = await chosen.actual;
  let plan = actual && planFrom(actual);
  // Nothing to write: no lease to take (a read-only outcome, like `ops plan`), unless it was taken early.
  decided = true;
  if (opts.gate && (!plan || plan.changes.length || taking)) {
    const epoch = await take(opts.gate);
    const why =
      plan &&
      seen &&
      actual &&
      (chosen.afterLook
        ? epochMoved(seen, epoch)
        : staleRead(seen, epoch, aws.clock.atLeast(readFrom), { emptyStage: nothingOfTheStage(actual), own }));
    if (why) {
      ctx.log.debug(`${why}; reading AWS again under the lease`);
      plan = undefined;
    }
  }
  if (!actual || !plan) {
    actual = await readActual(aws, scope);
    plan = planFrom(actual);
  }
  const before = actual;
  const pc: PlanContext = { fleet, fns, aws, actual, artifacts, plan, replan: async () => plan };
  // The verification read is the freshest view of AWS: the summary's Function URLs (made by this run too) come from it.
  pc.replan = async (applied: Change[] = []) => planFrom((pc.actual = await verificationRead(aws, scope, before, applied)));
  return pc;
}

/** Params preflight: fail before any write when a function reads a param that is not set for the stage. */
async function checkParams(aws: Aws, fleet: Fleet, fns: FunctionSpec[], opts: PrepareOptions): Promise<Record<string, string>> {
  if (opts.destroy || !fns.some((f) => f.params.length)) return {};
  const { missingParams, paramSetHint, resolveParamValues } = await import('../params/check.js');
  const missing = await missingParams(aws, fleet, fns);
  if (missing.length) {
    const list = missing.map((m) => `${m.name} (${m.secret ? `${m.secret.problem}; ` : ''}read by ${m.readers.join(', ')})`).join(', ');
    throw new UserError(`${missing.length} param${missing.length === 1 ? ' is' : 's are'} not set for stage ${fleet.stage}: ${list}`, {
      hint: missing.map((m) => m.secret?.hint ?? paramSetHint(fleet, m.name)).join('; '),
    });
  }
  return resolveParamValues(aws, fleet, fns);
}

export interface DeployCommandOptions {
  functions?: string[];
  dryRun?: boolean;
  /** `ops plan`: the plan is the command's data (stdout) and the exit code says whether it is empty. */
  planOnly?: boolean;
  destroy?: boolean;
  /** `--allow-data-loss`: a stateful resource may be replaced (see PlanDeployInput.allowDataLoss). */
  allowDataLoss?: boolean;
  /** `signal`: Ctrl-C, for a gate that waits (a traffic shift stops at once and moves `live` back). */
  beforeAliasMove?: (pc: PlanContext, signal?: AbortSignal) => (name: string, version: string) => Promise<boolean | 'split'>;
  /** `--wait <seconds>`: how long to wait for the stage's lease (default: the fleet's `deploy.leaseWaitSeconds`). */
  wait?: string;
  /** `--strategy`: see PrepareOptions.strategy. */
  strategy?: string;
}

/** What a run that writes gets from `deployCommand`: Ctrl-C, and the stage lease. */
interface Guarded {
  signal: AbortSignal;
  hooks: InterruptHooks;
  gate: LeaseGate;
  /** Every write of the apply is done (none interrupted): a deploy's lease goes now, beside the verification read. */
  writesDone(): void;
}

/**
 * `ops deploy`, `ops plan` and `ops destroy`: plan, show, confirm, apply, summarize.
 * Exit codes: 0 done (or nothing to do), 1 a change failed, 2 changes pending (plan / --dry-run).
 */
export async function deployCommand(ctx: Context, opts: DeployCommandOptions): Promise<number> {
  if (opts.planOnly || opts.dryRun) return deployOrPlan(ctx, opts);
  const hooks: InterruptHooks = {};
  return ctx.interrupts.guard(async (interrupt) => {
    // Stops the apply on Ctrl-C / SIGTERM, and when a renewal finds that another run took the lease.
    const stop = new AbortController();
    interrupt.addEventListener('abort', () => stop.abort(interrupt.reason), { once: true });
    let lease: Lease | undefined;
    let forgetInventory: (() => Promise<boolean>) | undefined;
    let locking: Promise<Lease> | undefined;
    let leased: Fleet | undefined;
    const gate: LeaseGate = {
      peek: async (aws, fleet) => {
        const seen = await peekLease(aws, fleet);
        // A destroy that converges deletes the stage inventory too (as the epoch): only when there was one.
        if (seen.inventory && !isEmptyInventory(seen.inventory)) forgetInventory = () => deleteInventory(aws, fleet);
        return seen;
      },
      take: async (fleet) => {
        leased = fleet;
        const command = `ops ${opts.destroy ? 'destroy' : 'deploy'}`;
        locking = takeStageLease(ctx, fleet, { command, wait: opts.wait, signal: stop.signal });
        lease = await locking;
        lease.lost.addEventListener('abort', () => stop.abort('the stage lease was lost'), { once: true });
        return lease.epoch;
      },
    };
    let code: number | undefined;
    try {
      // The verification after the apply only reads: the lease protects writes, so a deploy releases it as the read
      // starts (a destroy keeps it: whether its epoch goes too depends on what the read finds).
      const writesDone = () => void (opts.destroy ? undefined : lease?.release());
      code = await deployOrPlan(ctx, opts, { signal: stop.signal, hooks, gate, writesDone });
      return code;
    } finally {
      // An interruption can end the run while the lease is being taken: let that finish, then release.
      await locking?.catch(() => {});
      // A destroy that converged leaves nothing of the stage, the lease's epoch and the inventory included.
      if (lease && opts.destroy && code === 0) await forgetInventory?.().catch(() => false);
      await lease?.release({ forget: opts.destroy && code === 0 });
      if (lease?.released && leased) await rememberRelease(leased.root, leased.app, leased.stage, lease.released);
    }
  }, hooks);
}

async function deployOrPlan(ctx: Context, opts: DeployCommandOptions, guarded?: Guarded): Promise<number> {
  const started = Date.now();
  const signal = guarded?.signal;
  const pc = await untilAborted(
    preparePlan(ctx, {
      functions: opts.functions,
      destroy: opts.destroy,
      allowDataLoss: opts.allowDataLoss,
      gate: guarded?.gate,
      strategy: opts.strategy,
    }),
    signal,
  );
  const { plan } = pc;
  const planOnly = opts.planOnly || opts.dryRun;
  const lines = renderPlan(plan, ctx.color);
  if (ctx.global.json && planOnly) {
    ctx.outJson(planToJson(plan));
  } else if (!ctx.global.json) {
    // The plan is `ops plan`'s data; for deploy and destroy it is what they are about to do.
    for (const l of lines) planOnly ? ctx.out(l) : ctx.log.raw(l);
  }
  if (planOnly) return plan.changes.length ? 2 : 0;
  if (!plan.changes.length) {
    if (ctx.global.json)
      ctx.outJson({ ...planToJson(plan), applied: [], failed: [], url: apiUrl(pc), functionUrls: functionUrlsOf(pc.fleet, pc.actual) });
    pc.aws.destroy();
    return 0;
  }
  const n = countChanges(plan);
  const what = `${n.create + n.update + n.delete} changes to ${plan.app}/${plan.stage}`;
  const ok = await untilAborted(
    opts.destroy
      ? confirmByTyping(
          ctx,
          plan.stage,
          `Type the stage name (${plan.stage}) to destroy everything ops deployed for it`,
          `refusing to destroy ${plan.app}/${plan.stage}`,
        )
      : confirm(ctx, `Apply ${what}?`, { refuse: `refusing to apply ${what}` }),
    signal,
  ).finally(() => signal?.aborted && pc.aws.destroy());
  if (!ok) {
    ctx.log.info('Nothing applied.');
    throw new ExitCode(1);
  }
  const progress = await createProgress(ctx, plan.changes.length);
  const inFlight = new Set<Change>();
  if (guarded) {
    guarded.hooks.onFirst = (sig) =>
      ctx.log.warn(
        `${sig === 'SIGINT' ? 'Ctrl-C' : sig}: starting no new change; the ${inFlight.size} in flight may take up to ${DEFAULT_INTERRUPT_GRACE_MS / 1000}s to finish (Ctrl-C again to stop at once)`,
      );
    guarded.hooks.onForce = () => {
      progress.stop();
      for (const l of forcedStopLines(plan, [...inFlight], opts.destroy)) ctx.log.raw(l);
    };
  }
  let result: ApplyResult;
  try {
    result = await applyPlan({
      aws: pc.aws,
      plan,
      actual: pc.actual,
      zips: Object.fromEntries(pc.artifacts.map((a) => [a.name, a.zipPath])),
      concurrency: pc.fleet.concurrency,
      ...(pc.fleet.bucket ? { bucket: pc.fleet.bucket } : {}),
      report: progress,
      beforeAliasMove: opts.beforeAliasMove?.(pc, signal),
      signal,
      inFlight,
    });
  } catch (error) {
    pc.aws.destroy();
    throw error;
  } finally {
    progress.stop();
  }
  if (!result.interrupted) guarded?.writesDone();
  // The clients stay open for the verification read and are closed after it (closing them here rebuilt every one).
  // After an interrupted apply there is nothing to verify (and the summary must still be printed).
  const remaining = await untilAborted(
    verifyApplied(pc, result),
    result.interrupted ? undefined : signal,
    'the changes were applied; their verification read was stopped (ops plan shows what is left)',
  ).finally(() => pc.aws.destroy());
  const url = pc.fleet.api?.type === 'rest' || pc.fleet.api?.stage ? apiUrl(pc, result) : (result.apiEndpoint ?? apiUrl(pc));
  const namedUrls = namedApiUrls(pc.fleet, pc.actual, result.results);
  if (ctx.global.json) {
    ctx.outJson({
      ...planToJson(plan),
      applied: result.results.filter((r) => r.status === 'done').map((r) => ({ id: r.change.id, detail: r.detail, ms: r.ms })),
      failed: result.failed.map((r) => ({ id: r.change.id, error: (r.error as Error)?.message ?? String(r.error) })),
      skipped: result.skipped.map((r) => ({ id: r.change.id, blockedBy: r.blockedBy })),
      ...(result.interrupted
        ? {
            interrupted: {
              reason: result.interrupted.reason,
              notApplied: result.interrupted.notStarted.map((r) => r.change.id),
              unfinished: result.interrupted.unfinished.map((r) => r.change.id),
            },
          }
        : {}),
      versions: result.versions,
      ...(remaining?.changes.length ? { remaining: (planToJson(remaining) as { changes: unknown[] }).changes } : {}),
      url: opts.destroy ? undefined : url,
      apis: opts.destroy ? undefined : namedUrls,
      functionUrls: opts.destroy ? undefined : functionUrlsOf(pc.fleet, pc.actual),
      domain: opts.destroy ? undefined : deployedDomain(pc, result),
      ms: Date.now() - started,
    });
  } else {
    for (const l of renderApplySummary(result, {
      url: opts.destroy ? undefined : url,
      apis: opts.destroy ? undefined : namedUrls,
      functionUrls: opts.destroy ? [] : functionUrlsOf(pc.fleet, pc.actual),
      domain: opts.destroy ? undefined : deployedDomain(pc, result),
      ms: Date.now() - started,
      color: ctx.color,
      destroy: opts.destroy,
    })) {
      ctx.log.raw(l);
    }
  }
  if (result.interrupted) return /^SIG/.test(result.interrupted.reason) ? 130 : 1;
  if (remaining?.changes.length) {
    if (!ctx.global.json) for (const l of unverifiedLines(remaining, ctx.color)) ctx.log.raw(l);
    throw new UserError(
      `the ${opts.destroy ? 'destroy' : 'deploy'} did not converge: ${remaining.changes.length === 1 ? '1 change remains' : `${remaining.changes.length} changes remain`} after it`,
      { hint: `run \`${rerunCommand(plan, opts)}\` again: the plan picks up from what is there` },
    );
  }
  return result.failed.length || result.skipped.length ? 1 : 0;
}

/** Waits before reading again when the verification still sees changes: IAM and others list what was just made late. */
const VERIFY_DELAYS_MS = [1_000, 3_000];

/**
 * The verification read after an apply that finished without a failure: AWS read again and planned
 * again. A write that reported success but left something else (a duplicate made by a lost answer, a
 * lying endpoint) shows up as changes; `undefined` when there is nothing to verify.
 */
async function verifyApplied(pc: PlanContext, result: ApplyResult): Promise<Plan | undefined> {
  if (result.interrupted || result.failed.length || result.skipped.length) return undefined;
  const applied = result.results.filter((r) => r.status === 'done').map((r) => r.change);
  // A shift left running by --no-wait is the next run's to carry on, not a change this one failed to make.
  const replan = async () => {
    const p = await pc.replan(applied);
    return { ...p, changes: p.changes.filter((c) => c.kind !== 'alias.shift') };
  };
  let plan = await replan();
  for (const ms of VERIFY_DELAYS_MS) {
    if (!plan.changes.length) break;
    await pc.aws.retry.sleep(ms);
    plan = await replan();
  }
  return plan;
}

function unverifiedLines(remaining: Plan, color: ChalkInstance): string[] {
  // The plan's warnings were shown before the apply: only the changes left, here.
  return ['', 'The verification read after applying still finds changes:', ...renderPlan({ ...remaining, warnings: [] }, color)];
}

function rerunCommand(plan: Plan, opts: DeployCommandOptions): string {
  return [`ops ${opts.destroy ? 'destroy' : 'deploy'}`, ...(opts.functions ?? []), `--stage ${plan.stage}`].join(' ');
}

/**
 * Rejects with `Interrupted` as soon as `signal` aborts (Ctrl-C while reading AWS or at the prompt:
 * nothing was written yet), and turns a Ctrl-C at an inquirer prompt into the same.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, said = 'nothing applied'): Promise<T> {
  const quiet = work.catch((error: unknown) => {
    throw (error as Error)?.name === 'ExitPromptError' ? new Interrupted(said) : error;
  });
  if (!signal) return quiet;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted(said));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    quiet.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** What a second Ctrl-C leaves behind: the changes that were running, and how to converge. */
function forcedStopLines(plan: Plan, inFlight: Change[], destroy?: boolean): string[] {
  const command = `ops ${destroy ? 'destroy' : 'deploy'} --stage ${plan.stage}`;
  return [
    '',
    `Stopped at once: ${inFlight.length ? `${inFlight.length} change${inFlight.length === 1 ? ' was' : 's were'} in flight and may be half-done:` : 'no change was in flight.'}`,
    ...inFlight.map((c) => `  ? ${c.summary}`),
    `Run \`${command}\` again: the plan picks up from what is there. The stage lease stays until it expires (at most 2 minutes), or \`ops unlock --stage ${plan.stage}\`.`,
  ];
}

/** The custom domain and its DNS target: from this run's create when it made the domain, else as read. */
function deployedDomain(pc: PlanContext, result: ApplyResult) {
  const created = result.results.find((r) => r.change.kind === 'domain.create' && r.status === 'done')?.detail;
  return domainLine(pc.fleet, pc.actual, created);
}

/** The HTTP API's endpoint, or a REST API's stage URL (its id from this run's create when it made one). */
function apiUrl(
  pc: PlanContext,
  result?: { results: { change: { kind: string }; status: string; detail?: string }[] },
): string | undefined {
  const api = pc.fleet.api;
  // The default API's create, not a named one's (`apis`).
  const createdBy = (kind: string) =>
    result?.results.find((r) => r.change.kind === kind && r.status === 'done' && !(r.change as { namedApi?: string }).namedApi)?.detail;
  if (api?.type !== 'rest') return httpApiUrl(createdBy('api.create') ?? pc.actual.api?.endpoint, api?.stage) || undefined;
  const created = createdBy('restapi.create');
  const id = created ?? pc.actual.restApi?.id;
  return id ? restApiUrl(id, pc.aws.region, api.stage ?? 'prod') : undefined;
}
