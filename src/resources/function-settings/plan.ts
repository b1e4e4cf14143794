import {
  ASYNC_MARKER_TAG,
  liveAliasArn,
  POLICY_MARKER_TAG,
  PROVISIONED_MARKER_TAG,
  RESERVED_MARKER_TAG,
  URL_MARKER_TAG,
} from '../../config/naming.js';
import type { FunctionSpec } from '../../config/types.js';
import type { ActualAsyncConfig } from '../../model/actual.js';
import type { ChangeBase, FieldDiff, ResourceType } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { fieldsSummary } from '../../plan/fields.js';

export type SettingsChange =
  | (ChangeBase & { kind: 'reserved.set'; name: string; reserved: number })
  | (ChangeBase & { kind: 'reserved.delete'; name: string })
  /** On the `live` alias. */
  | (ChangeBase & { kind: 'provisioned.set'; name: string; provisioned: number })
  | (ChangeBase & { kind: 'provisioned.delete'; name: string })
  /** The whole asynchronous invocation configuration of `live` (fields left out are Lambda's defaults). */
  | (ChangeBase & { kind: 'async.set'; name: string; config: ActualAsyncConfig })
  | (ChangeBase & { kind: 'async.delete'; name: string });

/** The function's tags: the config's, plus the markers of the `live` settings the reader must look at (naming.ts). */
export function functionTags(fn: FunctionSpec): Record<string, string> {
  return {
    ...fn.tags,
    ...(fn.async ? { [ASYNC_MARKER_TAG]: '1' } : {}),
    ...(fn.provisionedConcurrency !== undefined ? { [PROVISIONED_MARKER_TAG]: '1' } : {}),
    ...(fn.reservedConcurrency !== undefined ? { [RESERVED_MARKER_TAG]: '1' } : {}),
    ...(fn.holdsStatements ? { [POLICY_MARKER_TAG]: '1' } : {}),
    ...(fn.url ? { [URL_MARKER_TAG]: '1' } : {}),
  };
}

/** Lambda's asynchronous invocation defaults: what no configuration means. */
export const ASYNC_DEFAULTS = { maxRetries: 2, maxEventAgeSeconds: 21600 } as const;

/** The asynchronous invocation configuration of `live`: a fleet function named as destination becomes its `live` ARN. */
export function desiredAsyncConfig(ctx: Pick<PlanContext, 'region' | 'accountId'>, fn: FunctionSpec): ActualAsyncConfig | undefined {
  if (!fn.async) return undefined;
  const { onFailure } = fn.async;
  return {
    ...(fn.async.maxRetries !== undefined ? { maxRetries: fn.async.maxRetries } : {}),
    ...(fn.async.maxEventAgeSeconds !== undefined ? { maxEventAgeSeconds: fn.async.maxEventAgeSeconds } : {}),
    ...(onFailure ? { onFailure: onFailure.startsWith('arn:') ? onFailure : liveAliasArn(ctx.region, ctx.accountId, onFailure) } : {}),
  };
}

const asyncFields = (c: ActualAsyncConfig | undefined) => ({
  maxRetries: String(c?.maxRetries ?? ASYNC_DEFAULTS.maxRetries),
  maxEventAge: `${c?.maxEventAgeSeconds ?? ASYNC_DEFAULTS.maxEventAgeSeconds}s`,
  onFailure: c?.onFailure ?? '(none)',
});

/** Differences with Lambda's defaults filled in on both sides: `{}` and no configuration are the same. */
export function diffAsyncConfig(from: ActualAsyncConfig | undefined, to: ActualAsyncConfig | undefined): FieldDiff[] {
  const a = asyncFields(from);
  const b = asyncFields(to);
  return (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]).map((k) => ({ field: k, from: a[k], to: b[k] }));
}

/** Reserved concurrency (the function), provisioned concurrency and asynchronous invocation (`live`) of one deployed function. */
export function planSettings(ctx: PlanContext, fn: FunctionSpec): SettingsChange[] {
  const have = ctx.actual.functions[fn.name];
  const out: SettingsChange[] = [];
  const created = changeId('function.create', fn.name);
  const published = changeId('alias.publish', fn.name);
  const base = (type: ResourceType, suffix = '') => ({ fn: fn.key, resource: { type, name: `${fn.name}${suffix}` } });

  const reserved = fn.reservedConcurrency;
  if (reserved !== undefined && reserved !== have?.reservedConcurrency) {
    const fields = [{ field: 'reserved', from: String(have?.reservedConcurrency ?? '(none)'), to: String(reserved) }];
    out.push({
      ...base('reserved concurrency'),
      kind: 'reserved.set',
      id: changeId('reserved.set', fn.name),
      action: have?.reservedConcurrency === undefined ? 'create' : 'update',
      summary: `reserve concurrency ${reserved} for ${fn.name}${reserved === 0 ? ' (0: every invocation is throttled)' : ''}`,
      fields,
      dependsOn: [created],
      name: fn.name,
      reserved,
    });
  } else if (reserved === undefined && have?.reservedConcurrency !== undefined) {
    out.push({
      ...base('reserved concurrency'),
      kind: 'reserved.delete',
      id: changeId('reserved.delete', fn.name),
      action: 'delete',
      summary: `remove the reserved concurrency of ${fn.name} (${have.reservedConcurrency})`,
      fields: [],
      dependsOn: [],
      name: fn.name,
    });
  }

  const provisioned = fn.provisionedConcurrency;
  if (provisioned !== undefined && provisioned !== have?.provisionedConcurrency) {
    out.push({
      ...base('provisioned concurrency', ':live'),
      kind: 'provisioned.set',
      id: changeId('provisioned.set', fn.name),
      action: have?.provisionedConcurrency === undefined ? 'create' : 'update',
      summary: `provision concurrency ${provisioned} on ${fn.name}:live`,
      fields: [{ field: 'provisioned', from: String(have?.provisionedConcurrency ?? '(none)'), to: String(provisioned) }],
      dependsOn: [created, published],
      name: fn.name,
      provisioned,
    });
  } else if (provisioned === undefined && have?.provisionedConcurrency !== undefined) {
    out.push({
      ...base('provisioned concurrency', ':live'),
      kind: 'provisioned.delete',
      id: changeId('provisioned.delete', fn.name),
      action: 'delete',
      summary: `remove the provisioned concurrency of ${fn.name}:live (${have.provisionedConcurrency})`,
      fields: [],
      dependsOn: [],
      name: fn.name,
    });
  }

  const want = desiredAsyncConfig(ctx, fn);
  const current = have?.asyncConfig;
  if (want) {
    const fields = diffAsyncConfig(current, want);
    if (fields.length) {
      out.push({
        ...base('async invocation', ':live'),
        kind: 'async.set',
        id: changeId('async.set', fn.name),
        action: current ? 'update' : 'create',
        summary: `set asynchronous invocation of ${fn.name}:live: ${fieldsSummary(fields)}`,
        fields,
        dependsOn: [created, published],
        name: fn.name,
        config: want,
      });
    }
  } else if (current) {
    out.push({
      ...base('async invocation', ':live'),
      kind: 'async.delete',
      id: changeId('async.delete', fn.name),
      action: 'delete',
      summary: `remove the asynchronous invocation settings of ${fn.name}:live (back to Lambda's defaults)`,
      fields: diffAsyncConfig(current, undefined),
      dependsOn: [],
      name: fn.name,
    });
  }
  return out;
}
