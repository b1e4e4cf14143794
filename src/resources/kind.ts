import type { ApplyRun, ChangeWait } from '../apply/run.js';
import type { Aws } from '../aws/clients.js';
import type { Actual, ReadScope } from '../model/actual.js';
import type { ChangeBase } from '../plan/change.js';
import type { PlanContext } from '../plan/context.js';

/** A change of one kind: what every change has, its `kind`, and what the kind's executor needs. */
export type KindChange = ChangeBase & { kind: string };

export type { ReadScope };

/** One kind's part of the actual state, and what it found with our names but not our tags. */
export interface KindRead {
  actual?: Partial<Actual>;
  foreign?: Actual['foreign'];
}

export interface ReadContext {
  /** Per-function reads in flight. */
  readonly concurrency?: number;
  /** Another kind's read: started once, shared by every kind that needs it (log groups need the functions). */
  read(kind: string): Promise<KindRead>;
}

/** How each change kind of a module is applied; a string returned is shown after the summary (`version 7`). */
export type ApplyHandlers<C extends KindChange> = {
  [K in C['kind']]: (change: Extract<C, { kind: K }>, run: ApplyRun, wait: ChangeWait) => Promise<unknown>;
};

/**
 * One kind of resource, everything about it in one place: how to read it, the pure planner, how each of its
 * change kinds is applied, and its place in the order. The reader, the planner, the order and the executor
 * are loops over the registry (src/resources/registry.ts).
 */
export interface ResourceKind<C extends KindChange = KindChange> {
  readonly kind: string;
  /** Kinds whose plan this one reads (and whose changes come first on a tie): the order comes from these. */
  readonly after?: readonly string[];
  /** Its change kinds, in display and tie-break order. */
  readonly changes: readonly C['kind'][];
  /** Change kinds shown before every function's changes, which wait for them (a new layer version). */
  readonly leading?: readonly C['kind'][];
  /** Change kinds ordered after every other kind's (deleting what every other change may still use). */
  readonly trailing?: readonly C['kind'][];
  /** Change kinds whose whole effect shows in their function's own read (verification re-reads just those functions). */
  readonly functionLocal?: readonly C['kind'][];
  /**
   * Marker tags on a function (naming.ts) that stand for some of this kind's changes on it: readers ask about those
   * only on marked functions, so the marker goes on before such a change makes something there and comes off only
   * after such a change removes it (src/plan/markers.ts). Changes name their function in `name`.
   */
  readonly marks?: Readonly<Record<string, readonly C['kind'][]>>;
  /** Reads its actual state through src/aws; owned by tags. */
  read?(aws: Aws, scope: ReadScope, r: ReadContext): Promise<KindRead>;
  /** Pure: desired × actual → changes (and warnings on `ctx`). Called in registry order. */
  plan(ctx: PlanContext): C[];
  /** Dependencies on other kinds' changes, once every kind has planned (a delete waits for what still uses it). */
  link?(ctx: PlanContext, changes: readonly KindChange[]): void;
  readonly apply: ApplyHandlers<C>;
}

/** Types a module: `export const alarm = defineKind<AlarmChange>({ ... })`. */
export const defineKind = <C extends KindChange>(kind: ResourceKind<C>): ResourceKind<C> => kind;
