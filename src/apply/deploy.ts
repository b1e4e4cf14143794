import type { Aws } from '../aws/clients.js';
import { readActual } from '../aws/read.js';
import type { Actual } from '../aws/types.js';
import { type Artifact, buildFleet, limitsFor } from '../build/index.js';
import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../commands/shared.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { ExitCode, UserError } from '../errors.js';
import { countChanges, planDeploy, planToJson, renderPlan } from '../plan/index.js';
import type { ArtifactRef, Plan } from '../plan/types.js';
import { createProgress } from '../ui/progress.js';
import { confirm, confirmByTyping } from '../ui/prompt.js';
import { renderApplySummary } from '../ui/summary.js';
import { type ApplyResult, applyPlan } from './execute.js';
import { startPreflight } from './preflight.js';

export interface PlanContext {
  fleet: Fleet;
  fns: FunctionSpec[];
  aws: Aws;
  actual: Actual;
  artifacts: Artifact[];
  plan: Plan;
}

export interface PrepareOptions {
  functions?: string[];
  destroy?: boolean;
}

/**
 * Everything up to the plan: load the fleet, build the zips and read AWS (in parallel), check
 * the params the functions read, then plan. Writes nothing to AWS.
 */
export async function preparePlan(ctx: Context, opts: PrepareOptions): Promise<PlanContext> {
  const fleet = await loadFleetFor(ctx);
  const fns = selectFunctions(fleet, opts.functions);
  const only = opts.functions?.length ? fns.map((f) => f.key) : undefined;
  const aws = awsFor(ctx, fleet);
  // Every external reference and each Python handler, checked before any write (the lease is one): all problems in one list.
  const preflight = await startPreflight(aws, fleet, fns, { log: ctx.log, skip: opts.destroy });
  const build = opts.destroy
    ? Promise.resolve([])
    : buildFleet(preflight.buildable, { root: fleet.root, limits: limitsFor(fleet), log: (m) => ctx.log.debug(m) });
  const params = checkParams(aws, fleet, fns, opts);
  await preflight.passed([build, params]);
  const [artifacts, actual, paramValues] = await Promise.all([build, readActual(aws, fleet), params]);
  const refs: Record<string, ArtifactRef> = {};
  for (const a of artifacts) refs[a.key] = { codeSha256: a.codeSha256, sha256: a.sha256, zipPath: a.zipPath };
  const plan = planDeploy({ fleet, artifacts: refs, actual, only, paramValues, destroy: opts.destroy });
  return { fleet, fns, aws, actual, artifacts, plan };
}

/** Params preflight: fail before any write when a function reads a param that is not set for the stage. */
async function checkParams(aws: Aws, fleet: Fleet, fns: FunctionSpec[], opts: PrepareOptions): Promise<Record<string, string>> {
  if (opts.destroy || !fns.some((f) => f.params.length)) return {};
  const { missingParams, paramSetHint, resolveParamValues } = await import('../params/check.js');
  const missing = await missingParams(aws, fleet, fns);
  if (missing.length) {
    const list = missing.map((m) => `${m.name} (read by ${m.readers.join(', ')})`).join(', ');
    throw new UserError(`${missing.length} param${missing.length === 1 ? ' is' : 's are'} not set for stage ${fleet.stage}: ${list}`, {
      hint: missing.map((m) => paramSetHint(fleet, m.name)).join('; '),
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
  beforeAliasMove?: (pc: PlanContext) => (name: string, version: string) => Promise<boolean>;
}

/**
 * `ops deploy`, `ops plan` and `ops destroy`: plan, show, confirm, apply, summarize.
 * Exit codes: 0 done (or nothing to do), 1 a change failed, 2 changes pending (plan / --dry-run).
 */
export async function deployCommand(ctx: Context, opts: DeployCommandOptions): Promise<number> {
  const started = Date.now();
  const pc = await preparePlan(ctx, { functions: opts.functions, destroy: opts.destroy });
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
    if (ctx.global.json) ctx.outJson({ ...planToJson(plan), applied: [], failed: [], url: apiUrl(pc) });
    pc.aws.destroy();
    return 0;
  }
  const n = countChanges(plan);
  const what = `${n.create + n.update + n.delete} changes to ${plan.app}/${plan.stage}`;
  const ok = opts.destroy
    ? await confirmByTyping(
        ctx,
        plan.stage,
        `Type the stage name (${plan.stage}) to destroy everything ops deployed for it`,
        `refusing to destroy ${plan.app}/${plan.stage}`,
      )
    : await confirm(ctx, `Apply ${what}?`, { refuse: `refusing to apply ${what}` });
  if (!ok) {
    ctx.log.info('Nothing applied.');
    throw new ExitCode(1);
  }
  const progress = await createProgress(ctx, plan.changes.length);
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
      beforeAliasMove: opts.beforeAliasMove?.(pc),
    });
  } finally {
    progress.stop();
    pc.aws.destroy();
  }
  const url = result.apiEndpoint ?? apiUrl(pc);
  if (ctx.global.json) {
    ctx.outJson({
      ...planToJson(plan),
      applied: result.results.filter((r) => r.status === 'done').map((r) => ({ id: r.change.id, detail: r.detail, ms: r.ms })),
      failed: result.failed.map((r) => ({ id: r.change.id, error: (r.error as Error)?.message ?? String(r.error) })),
      skipped: result.skipped.map((r) => ({ id: r.change.id, blockedBy: r.blockedBy })),
      versions: result.versions,
      url: opts.destroy ? undefined : url,
      ms: Date.now() - started,
    });
  } else {
    for (const l of renderApplySummary(result, {
      url: opts.destroy ? undefined : url,
      ms: Date.now() - started,
      color: ctx.color,
      destroy: opts.destroy,
    })) {
      ctx.log.raw(l);
    }
  }
  return result.failed.length || result.skipped.length ? 1 : 0;
}

function apiUrl(pc: PlanContext): string | undefined {
  return pc.actual.api?.endpoint || undefined;
}
