import { setTimeout as sleep } from 'node:timers/promises';
import type { Aws } from '../aws/clients.js';
import type { Actual, FunctionConfiguration } from '../model/actual.js';
import * as w from '../aws/write.js';
import { UserError } from '../errors.js';
import { pendingLayerName } from '../plan/arn.js';
import { fillPending } from '../plan/refs.js';
import type { Change, Plan } from '../plan/types.js';

/** What happened to one change. */
export interface ChangeResult {
  change: Change;
  /**
   * `not-started`: the run was interrupted before it began; `unfinished`: it was still running when
   * the grace after an interruption ran out (it may be half-done).
   */
  status: 'done' | 'failed' | 'skipped' | 'not-started' | 'unfinished';
  error?: unknown;
  /** Why it was skipped: the failed change it depended on. */
  blockedBy?: string;
  ms: number;
  /** `version 7` for a publish. */
  detail?: string;
}

export interface ApplyResult {
  results: ChangeResult[];
  failed: ChangeResult[];
  skipped: ChangeResult[];
  /** Set when `signal` stopped the run: what never started and what was still running at the end of the grace. */
  interrupted?: { reason: string; notStarted: ChangeResult[]; unfinished: ChangeResult[] };
  apiId?: string;
  apiEndpoint?: string;
  /** Version `live` points to after this run, by physical function name (only those published). */
  versions: Record<string, string>;
  ms: number;
}

/** Where apply reports what it is doing; `item` is a function key or `api`. */
export interface ApplyReporter {
  step(item: string, text: string): void;
  done(item: string, text: string): void;
  fail(item: string, text: string): void;
  note(item: string, text: string): void;
}

export interface ApplyOptions {
  aws: Aws;
  plan: Plan;
  actual: Actual;
  /** Zips by physical function name, for architecture changes (UpdateFunctionCode carries them). */
  zips?: Record<string, string>;
  /** Changes applied at once; the AWS write limiter still paces the calls. */
  concurrency?: number;
  /** The fleet's `deploy.bucket`: code is staged there. */
  bucket?: string;
  report?: ApplyReporter;
  /**
   * Runs after a publish and before `live` moves (the smoke gate). Returns false to keep `live`
   * where it was. When given, `alias.publish` publishes first and moves the alias only on true.
   */
  beforeAliasMove?: (name: string, version: string) => Promise<boolean>;
  /** Ctrl-C: once aborted no change starts; those running get `graceMs` to finish. */
  signal?: AbortSignal;
  /** How long changes in flight may take to finish after `signal` aborts (default 30 s). */
  graceMs?: number;
  /** Kept current by applyPlan: the changes running now (what a forced stop may leave half-done). */
  inFlight?: Set<Change>;
}

export const DEFAULT_INTERRUPT_GRACE_MS = 30_000;

const silent: ApplyReporter = { step() {}, done() {}, fail() {}, note() {} };

/**
 * Applies a plan's changes in dependency order: a change starts when everything it depends on is
 * done, independent ones run in parallel. When one fails, what depends on it is skipped and the rest
 * still finishes, so a re-run (whose plan reads what was done) converges.
 */
export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const started = Date.now();
  const report = opts.report ?? silent;
  const state = new ApplyState(opts);
  const byId = new Map(opts.plan.changes.map((c) => [c.id, c]));
  const results = new Map<string, ChangeResult>();
  const pending = new Set(opts.plan.changes.map((c) => c.id));
  const running = new Map<string, Promise<void>>();
  const limit = Math.max(1, opts.concurrency ?? 8);
  const signal = opts.signal;
  const stopped = signal ? abortedPromise(signal) : undefined;
  let graceEnds: number | undefined;

  const blockerOf = (c: Change): string | undefined =>
    c.dependsOn.find((d) => byId.has(d) && results.get(d) !== undefined && results.get(d)!.status !== 'done');
  const ready = (c: Change) => c.dependsOn.every((d) => !byId.has(d) || results.has(d));

  while (pending.size > 0 || running.size > 0) {
    if (signal?.aborted) {
      // Interrupted: start nothing more, let what runs finish within the grace.
      for (const id of pending) results.set(id, { change: byId.get(id)!, status: 'not-started', ms: 0 });
      pending.clear();
      if (running.size === 0) break;
      graceEnds ??= Date.now() + (opts.graceMs ?? DEFAULT_INTERRUPT_GRACE_MS);
      if (!(await settledWithin([...running.values()], graceEnds - Date.now()))) {
        for (const id of running.keys()) results.set(id, { change: byId.get(id)!, status: 'unfinished', ms: 0 });
        break;
      }
      continue;
    }
    let progressed = false;
    for (const id of [...pending]) {
      const change = byId.get(id)!;
      if (!ready(change)) continue;
      const blocker = blockerOf(change);
      if (blocker) {
        pending.delete(id);
        results.set(id, { change, status: 'skipped', blockedBy: blocker, ms: 0 });
        progressed = true;
        continue;
      }
      if (running.size >= limit) break;
      pending.delete(id);
      progressed = true;
      const item = change.fn ?? (change.resource.type === 'lambda layer' ? 'layers' : 'api');
      report.step(item, change.summary);
      opts.inFlight?.add(change);
      const t0 = Date.now();
      const run = state
        .apply(change, (reason) => report.note(item, reason))
        .then(
          (detail) => {
            results.set(id, { change, status: 'done', ms: Date.now() - t0, detail });
            report.done(item, detail ? `${change.summary} (${detail})` : change.summary);
          },
          (error) => {
            results.set(id, { change, status: 'failed', error, ms: Date.now() - t0 });
            report.fail(item, `${change.summary}: ${(error as Error)?.message ?? String(error)}`);
          },
        )
        .finally(() => {
          running.delete(id);
          opts.inFlight?.delete(change);
        });
      running.set(id, run);
    }
    if (running.size > 0) await Promise.race([...running.values(), ...(stopped ? [stopped] : [])]);
    else if (!progressed && pending.size > 0) {
      // Only reachable with a dependency cycle, which the planner never produces.
      for (const id of pending) results.set(id, { change: byId.get(id)!, status: 'skipped', blockedBy: 'a dependency cycle', ms: 0 });
      pending.clear();
    }
  }
  const ordered = opts.plan.changes.map((c) => results.get(c.id)!);
  const notStarted = ordered.filter((r) => r.status === 'not-started');
  const unfinished = ordered.filter((r) => r.status === 'unfinished');
  return {
    results: ordered,
    failed: ordered.filter((r) => r.status === 'failed'),
    skipped: ordered.filter((r) => r.status === 'skipped'),
    ...(signal?.aborted ? { interrupted: { reason: reasonOf(signal), notStarted, unfinished } } : {}),
    apiId: state.apiId,
    apiEndpoint: state.apiEndpoint,
    versions: state.versions,
    ms: Date.now() - started,
  };
}

function abortedPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** True when every promise settled within `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  const timer = new AbortController();
  const all = Promise.allSettled(promises).then(() => true);
  const late = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  try {
    return await Promise.race([all, late]);
  } finally {
    timer.abort();
  }
}

function reasonOf(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return typeof r === 'string' ? r : r instanceof Error ? r.message : 'interrupted';
}

/** Ids known only once something is created (the API, integrations), shared by the changes of one run. */
class ApplyState {
  apiId?: string;
  apiEndpoint?: string;
  readonly versions: Record<string, string> = {};
  private readonly integrations = new Map<string, string>();
  private integrationsByUri?: Map<string, string>;
  /** Layer version ARNs published in this run, by layer name. */
  private readonly layerVersions = new Map<string, string>();

  constructor(private readonly opts: ApplyOptions) {
    this.apiId = opts.actual.api?.id;
    this.apiEndpoint = opts.actual.api?.endpoint;
  }

  private api(change: { apiId?: string }): string {
    const id = change.apiId ?? this.apiId;
    if (!id) throw new Error('the HTTP API does not exist (its creation failed or was skipped)');
    return id;
  }

  /** The integration calling function `name`: created in this run, or found by its `live` alias URI. */
  private async integrationFor(name: string): Promise<string> {
    const created = this.integrations.get(name);
    if (created) return created;
    if (!this.integrationsByUri) {
      this.integrationsByUri = new Map((this.opts.actual.api?.integrations ?? []).map((i) => [i.uri, i.id]));
    }
    const id = this.integrationsByUri.get(await w.liveAliasArn(this.opts.aws, name));
    if (!id) throw new Error(`no integration for ${name} (its creation failed or was skipped)`);
    return id;
  }

  /** A pending layer version replaced by the version published in this run; anything else as it is. */
  private layerVersion(arn: string): string {
    const name = pendingLayerName(arn);
    if (!name) return arn;
    const published = this.layerVersions.get(name);
    if (!published) throw new Error(`layer ${name} has no new version (its publish failed or was skipped)`);
    return published;
  }

  /** An environment value with what the plan left pending (the API's URL or id, a new layer version) filled in. */
  private envValue(value: string): string {
    return fillPending(value, {
      api: (field) => {
        const known = field === 'url' ? this.apiEndpoint : this.apiId;
        if (!known) throw new Error(`the HTTP API's ${field} is not known (its creation failed or was skipped)`);
        return known;
      },
      layer: (arn) => this.layerVersion(arn),
    });
  }

  /** The configuration with what only this run learns filled in: new layer versions, the new API's URL and id. */
  private withLateValues(config: FunctionConfiguration): FunctionConfiguration {
    const layers = config.layers.map((arn) => this.layerVersion(arn));
    const environment = config.environment && Object.fromEntries(Object.entries(config.environment).map(([k, v]) => [k, this.envValue(v)]));
    return { ...config, layers, ...(environment ? { environment } : {}) };
  }

  async apply(c: Change, onWait: (reason: string) => void): Promise<string | undefined> {
    const aws = this.opts.aws;
    const wait = { onWait };
    switch (c.kind) {
      case 'role.create':
        await w.createRole(aws, c.role);
        return;
      case 'role.update':
        await w.updateRole(aws, c.role, { trust: c.trust, policy: c.policy, tags: c.tags, removeTags: c.removeTags });
        return;
      case 'role.delete':
        await w.deleteRole(aws, c.roleName);
        return;
      case 'function.create':
        await w.createFunction(
          aws,
          { name: c.name, config: this.withLateValues(c.config), zipPath: c.zipPath, tags: c.tags, bucket: this.opts.bucket },
          wait,
        );
        return;
      case 'function.update-code':
        await w.updateFunctionCode(aws, { name: c.name, zipPath: c.zipPath, codeSha256: c.codeSha256, bucket: this.opts.bucket }, wait);
        return;
      case 'function.update-config': {
        // UpdateFunctionConfiguration cannot change the architecture: UpdateFunctionCode does, with the code.
        const zip = this.opts.zips?.[c.name];
        if (zip && c.fields.some((f) => f.field === 'architecture')) {
          await w.updateFunctionCode(
            aws,
            { name: c.name, zipPath: zip, architecture: c.config.architecture, bucket: this.opts.bucket },
            wait,
          );
        }
        await w.updateFunctionConfiguration(aws, c.name, this.withLateValues(c.config), wait);
        return;
      }
      case 'function.tag':
        await w.untagFunction(aws, c.name, c.remove);
        await w.tagFunction(aws, c.name, c.add);
        return;
      case 'function.delete':
        await w.deleteFunction(aws, c.name, wait);
        return;
      case 'alias.publish': {
        const gate = this.opts.beforeAliasMove;
        const r = await w.publishVersionAndMoveAlias(aws, c.name, c.codeSha256, {
          ...wait,
          ...(gate ? { beforeMove: (v: string) => gate(c.name, v) } : {}),
        });
        if (!r.moved) {
          throw new UserError(`version ${r.version} failed its smoke samples: live stays on ${r.previous ?? 'no version'}`, {
            hint: `fix the handler and deploy again (version ${r.version} is published but takes no traffic)`,
          });
        }
        this.versions[c.name] = r.version;
        return `version ${r.version}`;
      }
      case 'versions.prune':
        await w.deleteVersions(aws, c.name, c.versions);
        return `${c.versions.length} removed`;
      case 'loggroup.create':
        await w.createLogGroup(aws, c.logGroup, c.retentionDays, c.tags);
        return;
      case 'loggroup.retention':
        await w.putRetention(aws, c.logGroup, c.retentionDays);
        return;
      case 'loggroup.delete':
        await w.deleteLogGroup(aws, c.logGroup);
        return;
      case 'api.create': {
        const api = await w.createApi(aws, { name: c.apiName, cors: c.cors, tags: c.tags });
        this.apiId = api.apiId;
        this.apiEndpoint = api.endpoint;
        return api.endpoint || undefined;
      }
      case 'api.update':
        await w.updateApiCors(aws, c.apiId, c.cors);
        return;
      case 'api.stage':
        await w.ensureDefaultStage(aws, this.api(c));
        return;
      case 'api.delete':
        await w.deleteApi(aws, c.apiId);
        return;
      case 'integration.create': {
        const { integrationId } = await w.createIntegration(aws, this.api(c), { name: c.name, uri: c.uri });
        this.integrations.set(c.name, integrationId);
        return;
      }
      case 'integration.update':
        await w.updateIntegration(aws, this.api(c), c.integrationId, { name: c.name, uri: c.uri });
        this.integrations.set(c.name, c.integrationId);
        return;
      case 'integration.delete':
        await w.deleteIntegration(aws, this.api(c), c.integrationId);
        return;
      case 'route.create':
        await w.createRoute(aws, this.api(c), c.routeKey, await this.integrationFor(c.name));
        return;
      case 'route.update':
        await w.updateRoute(aws, this.api(c), c.routeId, await this.integrationFor(c.name));
        return;
      case 'route.delete':
        await w.deleteRoute(aws, this.api(c), c.routeId);
        return;
      case 'permission.set':
        await w.setApiPermission(aws, {
          name: c.name,
          apiId: c.sourceArn ? undefined : this.api(c),
          sourceArn: c.sourceArn,
          statementId: c.statementId,
          removeStatementIds: c.removeStatementIds,
        });
        return;
      case 'permission.delete':
        await w.removePermissions(aws, c.name, c.statementIds);
        return;
      case 'layer.publish': {
        const { versionArn, version } = await w.publishLayer(aws, {
          name: c.layerName,
          zipPath: c.zipPath,
          codeSha256: c.codeSha256,
          description: c.description,
          compatibleRuntimes: c.compatibleRuntimes,
          compatibleArchitectures: c.compatibleArchitectures,
          bucket: this.opts.bucket,
        });
        this.layerVersions.set(c.layerName, versionArn);
        return `version ${version}`;
      }
      case 'layer.delete': {
        const n = await w.deleteLayer(aws, c.layerName);
        return `${n} version${n === 1 ? '' : 's'} deleted`;
      }
      case 'reserved.set':
        await w.putReservedConcurrency(aws, c.name, c.reserved);
        return;
      case 'reserved.delete':
        await w.deleteReservedConcurrency(aws, c.name);
        return;
      case 'provisioned.set':
        await w.putProvisionedConcurrency(aws, c.name, c.provisioned);
        return;
      case 'provisioned.delete':
        await w.deleteProvisionedConcurrency(aws, c.name);
        return;
      case 'async.set':
        await w.putAsyncConfig(aws, c.name, c.config);
        return;
      case 'async.delete':
        await w.deleteAsyncConfig(aws, c.name);
        return;
      case 'schedule.create':
        await w.createSchedule(aws, c.schedule);
        return;
      case 'schedule.update':
        await w.updateSchedule(aws, c.schedule, {
          rule: c.rule,
          target: c.target,
          permission: c.permission,
          removeTargetIds: c.removeTargetIds,
          addTags: c.addTags,
          removeTags: c.removeTags,
        });
        return;
      case 'schedule.delete':
        await w.deleteSchedule(aws, { ruleName: c.ruleName, targetIds: c.targetIds, functionName: c.name, statementId: c.statementId });
        return;
      case 'subscription.create':
        await w.subscribeFunction(aws, {
          topicArn: c.topicArn,
          endpoint: c.endpoint,
          filterPolicy: c.filterPolicy,
          functionName: c.name,
          statementId: c.statementId,
        });
        return;
      case 'subscription.update':
        await w.updateSubscription(aws, c.subscriptionArn, {
          filter: c.filter,
          ...(c.permission ? { permission: { functionName: c.name, statementId: c.statementId, topicArn: c.topicArn } } : {}),
        });
        return;
      case 'subscription.delete':
        await w.unsubscribeFunction(aws, { subscriptionArn: c.subscriptionArn, functionName: c.name, statementId: c.statementId });
        return;
      case 'alarm.set':
        await w.putAlarm(aws, c.alarm, { createTags: c.createTags, addTags: c.addTags, removeTags: c.removeTags });
        return;
      case 'alarm.delete':
        await w.deleteAlarms(aws, [c.alarmName]);
        return;
    }
  }
}
