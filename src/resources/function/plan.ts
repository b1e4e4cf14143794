import { layerArn, logGroupName, pendingLayerVersionArn } from '../../config/naming.js';
import type { Fleet, FunctionSpec } from '../../config/types.js';
import type { ActualFunction, FunctionConfiguration } from '../../model/actual.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext, removedFunctions } from '../../plan/context.js';
import { base64ToHex, compareStrings, diffMaps, fieldsSummary, isSecretKey, listText, quote, shortHex } from '../../plan/fields.js';
import type { ArtifactRef } from '../../plan/input.js';
import { apiRefOf, isPending, refDependencies, refValue } from '../../plan/refs.js';
import { shiftWords } from '../../shift/plan-words.js';
import { recoveryOf } from '../../shift/recover.js';
import { functionTags } from '../function-settings/plan.js';
import { latestLayerVersions } from '../layer/plan.js';
import { resourceEnvironment } from '../links.js';
import { functionRoleArn } from '../role/plan.js';
import {
  type AdoptChange,
  assertClaimable,
  functionTagEdit,
  type InventoryRef,
  inventoryOf,
  isAdopted,
  isForeignVersion,
  planAdopt,
  planRelease,
} from './plan-adopt.js';
import { planOtherSplits, planSplit, type SplitChange } from './plan-split.js';

export type FunctionChange =
  | (ChangeBase & {
      kind: 'function.create';
      name: string;
      config: FunctionConfiguration;
      zipPath: string;
      codeSha256: string;
      tags: Record<string, string>;
      /** A kept name: listed in the stage inventory before the create. */
      inventory?: InventoryRef;
    })
  | (ChangeBase & { kind: 'function.update-code'; name: string; zipPath: string; codeSha256: string })
  /** `config` is the whole desired configuration; `fields` says what differs. */
  | (ChangeBase & { kind: 'function.update-config'; name: string; config: FunctionConfiguration })
  | (ChangeBase & { kind: 'function.tag'; name: string; add: Record<string, string>; remove: string[] })
  /** `inventory`: a kept name, taken out of the stage inventory after the delete. */
  | (ChangeBase & { kind: 'function.delete'; name: string; inventory?: InventoryRef })
  | AdoptChange
  /** Publish a version of $LATEST and point `live` at it (creating the alias if needed). */
  | (ChangeBase & { kind: 'alias.publish'; name: string; codeSha256: string })
  | (ChangeBase & { kind: 'versions.prune'; name: string; versions: string[] })
  | SplitChange;

/** Every deployed function (code, configuration, tags, `live`, old versions), and the owned ones no longer desired. */
export function planFunctions(ctx: PlanContext): FunctionChange[] {
  const out = [...ctx.deploy.flatMap((fn) => planFunction(ctx, fn)), ...planOtherSplits(ctx)];
  for (const fn of removedFunctions(ctx)) {
    // Read only because the config names it (a destroy, `only`): not ours, never deleted.
    if (fn.notOwned || !inScope(ctx, fn.name)) continue;
    // ops did not create an adopted function: it is kept, and only stops being the stage's.
    out.push(isAdopted(fn) ? planRelease(ctx, fn) : planFunctionDelete(ctx, fn));
  }
  return out;
}

/**
 * The configuration Lambda should report for a function, in the shape readers map AWS into.
 * `layerVersions`: the version ARN of each built layer by layer name (planLayers decides them); a
 * layer missing there is named by a pending ARN the executor replaces once it is published.
 * `api`: the fleet's HTTP API when it exists, for references to its URL and id (pending otherwise).
 */
export function desiredConfiguration(
  fleet: Fleet,
  fn: FunctionSpec,
  accountId: string,
  paramValues: Record<string, string> = {},
  layerVersions: Record<string, string> = {},
  api?: { id: string; url: string },
): FunctionConfiguration {
  // The variables `uses` sets ({} without it): validation keeps them apart from those the config sets.
  const environment = { ...fn.environment, ...resourceEnvironment(fleet, fn, accountId) };
  for (const p of fn.params) if (p.resolve && paramValues[p.name] !== undefined) environment[p.env] = paramValues[p.name];
  for (const [key, ref] of Object.entries(fn.envRefs ?? {})) environment[key] = refValue(fleet, { accountId, api, layerVersions }, ref);
  return {
    runtime: fn.runtime,
    handler: fn.handler.lambdaHandler,
    memory: fn.memory,
    timeout: fn.timeout,
    architecture: fn.architecture,
    ephemeralStorage: fn.ephemeralStorage,
    description: fn.description ?? '',
    environment,
    role: functionRoleArn(fleet, fn, accountId),
    layers: fn.layers.map((l) =>
      l.kind === 'arn' ? l.arn : (layerVersions[l.name] ?? pendingLayerVersionArn(layerArn(fleet.region, accountId, l.name))),
    ),
    vpc: fn.vpc,
    tracing: fn.tracing ?? 'PassThrough',
  };
}

/** Environment keys whose values are never shown: secret-looking names and secure params resolved into env. */
export function secretMask(fn: FunctionSpec | undefined): (key: string) => boolean {
  const secure = new Set((fn?.params ?? []).filter((p) => p.secure).map((p) => p.env));
  return (key) => secure.has(key) || isSecretKey(key);
}

const sortedIds = (ids: string[] | undefined) => [...(ids ?? [])].sort(compareStrings);
const vpcText = (v: FunctionConfiguration['vpc']) =>
  v && (v.subnetIds.length || v.securityGroupIds.length)
    ? `${listText(sortedIds(v.subnetIds))} / ${listText(sortedIds(v.securityGroupIds))}`
    : '(none)';

/**
 * What a new function gets beyond its summary: layers, VPC, environment keys (values never shown, but
 * for the references only the apply learns: `(known after apply: api.url)`) and tags.
 */
function createFields(config: FunctionConfiguration, tags: Record<string, string>): FieldDiff[] {
  const out: FieldDiff[] = [];
  if (config.layers.length) out.push({ field: 'layers', to: listText(config.layers) });
  if (vpcText(config.vpc) !== '(none)') out.push({ field: 'vpc', to: vpcText(config.vpc) });
  const env = config.environment ?? {};
  out.push(...diffMaps('env', {}, env, (key) => !isPending(env[key] ?? '')));
  out.push(...diffMaps('tag', {}, tags));
  return out;
}

/** Field-by-field differences; no VPC and a VPC config with empty lists are the same. */
export function diffConfiguration(
  from: FunctionConfiguration,
  to: FunctionConfiguration,
  mask: (key: string) => boolean = isSecretKey,
): FieldDiff[] {
  const out: FieldDiff[] = [];
  const scalar = (field: string, a: string | number, b: string | number, show: (v: string | number) => string = String) => {
    if (a !== b) out.push({ field, from: show(a), to: show(b) });
  };
  const q = (v: string | number) => quote(String(v));
  scalar('runtime', from.runtime, to.runtime);
  scalar('handler', from.handler, to.handler);
  scalar('memory', from.memory, to.memory);
  scalar('timeout', from.timeout, to.timeout);
  scalar('architecture', from.architecture, to.architecture);
  scalar('ephemeralStorage', from.ephemeralStorage, to.ephemeralStorage);
  scalar('description', from.description ?? '', to.description ?? '', q);
  scalar('role', from.role, to.role);
  // Layer order matters to Lambda (later layers overwrite earlier files).
  scalar('layers', listText(from.layers), listText(to.layers));
  scalar('vpc', vpcText(from.vpc), vpcText(to.vpc));
  scalar('tracing', from.tracing ?? 'PassThrough', to.tracing ?? 'PassThrough');
  out.push(...diffMaps('env', from.environment ?? {}, to.environment ?? {}, mask));
  return out;
}

const fnResource = (name: string) => ({ type: 'lambda function' as const, name });

/** Why `live` must move, or undefined when it already runs the desired code and configuration. */
function publishReason(have: ActualFunction, codeSha256: string, config: FunctionConfiguration): string | undefined {
  if (!have.alias) return 'live alias missing';
  const live = have.versions.find((v) => v.version === have.alias?.version);
  if (!live) return `live points at version ${have.alias.version}, which is gone`;
  if (live.codeSha256 !== codeSha256) return `live runs version ${live.version} with other code`;
  if (diffConfiguration(live.config, config).length) return `live runs version ${live.version} with another configuration`;
  return undefined;
}

/** Versions to delete: all but the newest `keep` (the one about to be published counts) and the one `live` points to. */
export function versionsToPrune(have: ActualFunction, keepVersions: number, publishing: boolean): string[] {
  const newestFirst = have.versions.map((v) => v.version).sort((a, b) => Number(b) - Number(a));
  const keep = Math.max(0, keepVersions - (publishing ? 1 : 0));
  return (
    newestFirst
      .slice(keep)
      // A version live sends a share of its traffic to (a shift) is in use as much as live's own.
      .filter((v) => v !== have.alias?.version && !have.alias?.weights?.[v] && !isForeignVersion(have, v))
      .sort((a, b) => Number(a) - Number(b))
  );
}

/** Function, alias, versions and log group changes for one deployed function. */
export function planFunction(ctx: PlanContext, fn: FunctionSpec): FunctionChange[] {
  const { fleet, actual } = ctx;
  // A layer a reference names may be one no function deployed now attaches: its latest version then.
  const layerVersions = { ...latestLayerVersions(actual), ...ctx.layerVersions };
  const api = apiRefOf(fleet, actual);
  const config = desiredConfiguration(fleet, fn, ctx.accountId, ctx.paramValues, layerVersions, api);
  const artifact: ArtifactRef | undefined = ctx.artifacts[fn.key];
  const have = actual.functions[fn.name];
  // A new layer version is published before the configuration that names it.
  const roleDeps = [
    changeId('role.create', fn.roleName),
    changeId('role.update', fn.roleName),
    ...fn.layers.flatMap((l) => (l.kind === 'build' ? [changeId('layer.publish', l.name)] : [])),
    // What the environment names and this plan creates (the API, a layer version) comes first.
    ...refDependencies(fleet, fn),
  ];
  const base = { fn: fn.key, resource: fnResource(fn.name) };
  const out: FunctionChange[] = [];
  const writes: string[] = [];
  let reason: string | undefined;

  if (!have) {
    if (!artifact) throw new Error(`planDeploy: no artifact for function ${fn.key}, which must be created`);
    const id = changeId('function.create', fn.name);
    out.push({
      ...base,
      kind: 'function.create',
      id,
      action: 'create',
      summary: `create function ${fn.name} (${fn.runtime}, ${fn.memory} MB, ${fn.timeout}s)`,
      fields: createFields(config, functionTags(fn)),
      dependsOn: [...roleDeps],
      name: fn.name,
      config,
      zipPath: artifact.zipPath,
      codeSha256: artifact.codeSha256,
      tags: functionTags(fn),
      ...withInventory(ctx, fn.name),
    });
    writes.push(id);
    reason = 'new function';
  } else {
    assertClaimable(ctx, fn, have);
    // Adopted in place: tagged first, then the usual updates (which wait for it).
    const adopt = have.notOwned ? planAdopt(ctx, fn, have) : undefined;
    if (adopt) out.push(adopt);
    reason = planFunctionUpdates(fn, have, { config, artifact, roleDeps, out, writes });
    // Tagged before anything else is written: a run stopped half-way leaves a function the next run sees as ours.
    if (adopt) for (const c of out) if (c !== adopt) c.dependsOn.push(adopt.id);
  }

  // A split live this plan does not publish over is finished, moved back or carried on (plan-split.ts).
  const split =
    have && !writes.length && !have.notOwned
      ? planSplit(ctx, fn, have, {
          publishing: reason !== undefined,
          runsDesired: (v) => !publishReason({ ...have, alias: { version: v } }, artifact?.codeSha256 ?? have.codeSha256, config),
        })
      : undefined;
  if (split) out.push(split);
  const publishing = split?.kind !== 'alias.shift' && (writes.length > 0 || reason !== undefined);
  if (publishing) {
    const id = changeId('alias.publish', fn.name);
    const liveNow = have?.alias?.version;
    out.push({
      ...base,
      kind: 'alias.publish',
      id,
      action: liveNow ? 'update' : 'create',
      resource: { type: 'lambda alias', name: `${fn.name}:live` },
      summary: `publish a version of ${fn.name} and ${shiftWords(fn, liveNow)}${reason && reason !== 'new function' ? ` (${reason})` : ''}`,
      // A split live (an interrupted shift, which the shift gate resolves first) shows as it is.
      fields: liveNow
        ? [{ field: 'live', from: recoveryOf(have?.alias, 'rollback')?.found ?? `version ${liveNow}`, to: 'new version' }]
        : [],
      dependsOn: writes,
      name: fn.name,
      codeSha256: artifact?.codeSha256 ?? have?.codeSha256 ?? '',
    });
  }
  const prune = have ? versionsToPrune(have, fleet.keepVersions, publishing) : [];
  if (prune.length) {
    out.push({
      ...base,
      kind: 'versions.prune',
      id: changeId('versions.prune', fn.name),
      action: 'delete',
      resource: { type: 'lambda version', name: fn.name },
      summary: `delete ${prune.length} old version${prune.length === 1 ? '' : 's'} of ${fn.name} (${prune.join(', ')}), keeping ${fleet.keepVersions}`,
      fields: prune.map((v) => ({ field: 'version', from: v })),
      dependsOn: publishing ? [changeId('alias.publish', fn.name)] : [],
      name: fn.name,
      versions: prune,
    });
  }
  return out;
}

/** `function.delete` for an owned function no longer desired. Its log group stays unless destroying. */
export function planFunctionDelete(ctx: PlanContext, have: ActualFunction): FunctionChange {
  const logGroup = logGroupName(have.name);
  const logs = ctx.destroy ? '' : ` (its log group ${logGroup} is kept)`;
  return {
    kind: 'function.delete',
    id: changeId('function.delete', have.name),
    action: 'delete',
    fn: keyOfName(ctx, have.name),
    resource: fnResource(have.name),
    summary: `delete function ${have.name}${logs}`,
    fields: [],
    dependsOn: [],
    name: have.name,
    ...withInventory(ctx, have.name),
  };
}

/** What planFunction decided for one function and shares with the parts it plans. */
interface FunctionPlanParts {
  config: FunctionConfiguration;
  artifact: ArtifactRef | undefined;
  roleDeps: string[];
  out: FunctionChange[];
  /** Ids of the code and configuration writes planned (the publish waits for them). */
  writes: string[];
}

/** Code, configuration and tag updates of a function that exists; why `live` must move when nothing is written. */
function planFunctionUpdates(fn: FunctionSpec, have: ActualFunction, parts: FunctionPlanParts): string | undefined {
  const { config, artifact, roleDeps, out, writes } = parts;
  const base = { fn: fn.key, resource: fnResource(fn.name) };
  if (artifact && artifact.codeSha256 !== have.codeSha256) {
    const id = changeId('function.update-code', fn.name);
    const fields = [{ field: 'code', from: shortHex(base64ToHex(have.codeSha256)), to: shortHex(artifact.sha256) }];
    out.push({
      ...base,
      kind: 'function.update-code',
      id,
      action: 'update',
      summary: `update code of ${fn.name}: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: [],
      name: fn.name,
      zipPath: artifact.zipPath,
      codeSha256: artifact.codeSha256,
    });
    writes.push(id);
  }
  const fields = diffConfiguration(have.config, config, secretMask(fn));
  if (fields.length) {
    const id = changeId('function.update-config', fn.name);
    // Lambda refuses a configuration update while a code update is in progress: code first.
    out.push({
      ...base,
      kind: 'function.update-config',
      id,
      action: 'update',
      summary: `update configuration of ${fn.name}: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: [...roleDeps, ...writes],
      name: fn.name,
      config,
    });
    writes.push(id);
  }
  // An adoption sets the tags itself.
  const edit = have.notOwned ? undefined : functionTagEdit(fn, have);
  const tagFields = edit?.fields ?? [];
  if (edit && tagFields.length) {
    out.push({
      ...base,
      kind: 'function.tag',
      id: changeId('function.tag', fn.name),
      action: 'update',
      summary: `update tags of ${fn.name}: ${fieldsSummary(tagFields)}`,
      fields: tagFields,
      dependsOn: [],
      name: fn.name,
      add: edit.addTags,
      remove: edit.removeTags,
    });
  }
  const codeSha256 = artifact?.codeSha256 ?? have.codeSha256;
  return writes.length ? undefined : publishReason(have, codeSha256, config);
}

/** `inventory` on a change of a function named outside the stage's prefix (a kept name). */
function withInventory(ctx: PlanContext, name: string): { inventory?: InventoryRef } {
  const inventory = inventoryOf(ctx, name);
  return inventory ? { inventory } : {};
}
