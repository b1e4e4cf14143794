import { OWNER_APP_TAG, OWNER_STAGE_TAG, ownerOf, REMOVAL_TAG, RESOURCE_KEY_TAG } from '../config/naming.js';
import type { ResourceSpec } from '../config/resources.js';
import { UserError } from '../errors.js';
import type { FieldDiff } from '../plan/change.js';
import type { PlanContext } from '../plan/context.js';
import { diffMaps, userTags } from '../plan/fields.js';

/* Pure helpers the topic and secret planners share: the tags a declared resource carries, and the stop on one that is not ours. */

export interface TagEdit {
  addTags: Record<string, string>;
  removeTags: string[];
}

/**
 * The config's tags with ops's: ownership, the key, and `ops:removal = destroy` only while the config says so
 * (`withRemoval`: kinds that hold data; a resource that left the config is deleted only when its tag says so).
 */
export function desiredResourceTags(ctx: PlanContext, spec: ResourceSpec, opts: { withRemoval: boolean }): Record<string, string> {
  const { [REMOVAL_TAG]: _removal, ...rest } = spec.tags;
  return {
    ...rest,
    [OWNER_APP_TAG]: ctx.fleet.app,
    [OWNER_STAGE_TAG]: ctx.fleet.stage,
    [RESOURCE_KEY_TAG]: spec.key,
    ...(opts.withRemoval && spec.removal === 'destroy' ? { [REMOVAL_TAG]: 'destroy' } : {}),
  };
}

/** The tag diffs (AWS's own `aws:*` tags aside) and the writes that make `have` into `want`. */
export function tagEdit(have: Record<string, string>, want: Record<string, string>): TagEdit & { fields: FieldDiff[] } {
  const current = userTags(have);
  return {
    fields: diffMaps('tag', current, want),
    addTags: Object.fromEntries(Object.entries(want).filter(([k, v]) => current[k] !== v)),
    removeTags: Object.keys(current).filter((k) => !(k in want)),
  };
}

/** ops's own tags (`ops:app`, `ops:removal`, ...): the plan sets and removes them. */
const isOpsTag = (key: string) => key.startsWith('ops:');

/**
 * The tag edit of a declared table, queue, topic or secret: tags the config names and ops's own are set (and an
 * ops tag no longer wanted removed); any other tag was put there by someone else (a `cost-center` on an adopted
 * table) and is kept, neither shown as a change nor removed.
 */
export function keptTagEdit(have: Record<string, string>, want: Record<string, string>): TagEdit & { fields: FieldDiff[] } {
  const managed = Object.fromEntries(Object.entries(userTags(have)).filter(([k]) => k in want || isOpsTag(k)));
  return tagEdit(managed, want);
}

/**
 * An existing resource with a declared name that ops does not own: the plan stops before any write, unless the
 * config says `adopt: true` and no other stage or app owns it (then the caller plans the adoption).
 */
export function assertAdoptable(type: string, spec: ResourceSpec, tags: Record<string, string>): void {
  const { app, stage } = ownerOf(tags);
  const owner = app !== undefined || stage !== undefined ? `tagged for app ${app ?? '?'} stage ${stage ?? '?'}` : undefined;
  if (spec.adopt && !owner) return;
  throw new UserError(
    `${type} ${spec.key}: ${spec.physicalName} exists, not managed by ops (${owner ?? 'no ops:app/ops:stage tags'}); nothing was changed`,
    {
      hint: owner
        ? `another stage or app owns it: give resources.${spec.key} another name`
        : `set adopt: true on resources.${spec.key} to take it over (it is tagged, never recreated), or give it another name`,
    },
  );
}

/**
 * Why a resource that holds data (a table, bucket, queue, secret) and leaves the config, or meets `ops destroy`,
 * stays: its removal is 'retain'. `removeBy`: the AWS CLI command that removes it by hand, named when it left the config.
 */
export function keptHoldsData(ctx: PlanContext, kind: string, name: string, removeBy?: string): string {
  return ctx.destroy
    ? `${kind} ${name}: kept (holds data): its removal is 'retain' (removal: 'destroy' in the config, deployed, lets ops destroy delete it)`
    : `${kind} ${name}: kept (holds data): no longer in the config and its removal is 'retain'${removeBy ? ` (\`${removeBy}\` removes it if it is not needed)` : ''}`;
}
