import type { ApplyRun, ChangeWait } from '../apply/run.js';
import { alarm } from './alarm/index.js';
import { apiKeys } from './api-keys/index.js';
import { apiStage } from './api-stage/index.js';
import { bucket } from './bucket/index.js';
import { domain } from './domain/index.js';
import { eventSource } from './event-source/index.js';
import { lambdaFunction } from './function/index.js';
import { functionSettings } from './function-settings/index.js';
import { functionUrl } from './function-url/index.js';
import { httpApi } from './http-api/index.js';
import type { KindChange, ResourceKind } from './kind.js';
import { layer } from './layer/index.js';
import { logGroup } from './log-group/index.js';
import { queue } from './queue/index.js';
import { restApi } from './rest-api/index.js';
import { role } from './role/index.js';
import { s3Notification } from './s3-notification/index.js';
import { schedule } from './schedule/index.js';
import { secret } from './secret/index.js';
import { subscription } from './subscription/index.js';
import { table } from './table/index.js';
import { topic } from './topic/index.js';

/**
 * Every resource kind ops manages, one line each. The reader, the planner, the order and the executor
 * loop over this list; a new kind is its module and one line here.
 */
const KINDS = [
  role,
  table,
  bucket,
  queue,
  topic,
  secret,
  layer,
  lambdaFunction,
  functionSettings,
  logGroup,
  schedule,
  subscription,
  eventSource,
  alarm,
  httpApi,
  restApi,
  apiKeys,
  apiStage,
  domain,
  functionUrl,
  s3Notification,
] as const;

/** Every change of every kind: the union of the modules' own change types. */
type ChangeOf<K> = K extends { plan(...args: never[]): (infer C)[] } ? C : never;
export type Change = ChangeOf<(typeof KINDS)[number]>;
export type ChangeKind = Change['kind'];

type AnyKind = ResourceKind<any>;

/** The kinds in dependency order: each after those it names in `after`; the listing order breaks ties. */
function ordered(kinds: readonly AnyKind[]): AnyKind[] {
  const out: AnyKind[] = [];
  const placed = new Set<string>();
  const pending = [...kinds];
  while (pending.length) {
    const i = pending.findIndex((k) => (k.after ?? []).every((a) => placed.has(a)));
    if (i < 0) throw new Error(`resource kinds: no order satisfies 'after' among ${pending.map((k) => k.kind).join(', ')}`);
    const [next] = pending.splice(i, 1);
    placed.add(next.kind);
    out.push(next);
  }
  return out;
}

/** The registry's kinds, in the order they are planned and read. */
export const RESOURCE_KINDS: readonly AnyKind[] = ordered(KINDS);

const byChangeKind = new Map<string, AnyKind>();
for (const k of RESOURCE_KINDS) {
  for (const c of k.changes) {
    if (byChangeKind.has(c)) throw new Error(`resource kinds: change kind ${c} belongs to ${byChangeKind.get(c)?.kind} and ${k.kind}`);
    byChangeKind.set(c, k);
  }
}

/** Display and tie-break order of change kinds: each kind's changes in kind order, the `trailing` ones last. */
export const CHANGE_ORDER: readonly string[] = [
  ...RESOURCE_KINDS.flatMap((k) => k.changes.filter((c: string) => !k.trailing?.includes(c))),
  ...RESOURCE_KINDS.flatMap((k) => k.trailing ?? []),
];
const rank = new Map(CHANGE_ORDER.map((c, i) => [c, i]));
export const kindRank = (kind: string): number => rank.get(kind) ?? -1;

/** Changes shown and ordered before every function's changes (they wait for them). */
export const isLeading = (kind: string): boolean => byChangeKind.get(kind)?.leading?.includes(kind) ?? false;

/** Changes whose whole effect shows in their function's own read. */
export const isFunctionLocal = (kind: string): boolean => byChangeKind.get(kind)?.functionLocal?.includes(kind) ?? false;

/** Applies one change with its kind's handler; the detail it returns (`version 7`) is shown after the summary. */
export async function applyChange(change: KindChange, run: ApplyRun, wait: ChangeWait): Promise<string | undefined> {
  const kind = byChangeKind.get(change.kind);
  const handler = kind?.apply[change.kind];
  if (!handler) throw new Error(`no resource kind applies ${change.kind}`);
  const detail = await handler(change, run, wait);
  return typeof detail === 'string' ? detail : undefined;
}
