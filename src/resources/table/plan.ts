import { REMOVAL_TAG } from '../../config/naming.js';
import type { KeySpec, TableIndexSpec, TableSpec } from '../../config/resources.js';
import { UserError } from '../../errors.js';
import type { ActualTable, ActualTableIndex } from '../../model/table.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary } from '../../plan/fields.js';
import type { KindChange } from '../kind.js';
import { assertAdoptable, desiredResourceTags, keptHoldsData, keptTagEdit, type TagEdit } from '../plan-owned.js';

/** What an in-place update does, in the order it is applied (AWS takes one index creation or deletion per UpdateTable). */
export interface TableSteps extends TagEdit {
  /** Indexes deleted first (gone from the config, or changed: an index is rebuilt from the table, no data is lost). */
  removeIndexes: string[];
  /** Billing mode or capacity. */
  billing: boolean;
  /** Kept indexes of a provisioned table whose capacity is not the table's (leaving on-demand: every one, as AWS wants). */
  indexCapacity: string[];
  addIndexes: TableIndexSpec[];
  /** The stream's view type cannot change while it is on: off first, then on with the new one. */
  stream?: { from?: string; to?: string };
  deletionProtection?: boolean;
  ttl?: { from?: string; to?: string };
  pointInTimeRecovery?: boolean;
}

const RESOURCE = 'dynamodb table';

export type TableChange =
  /** CreateTable (keys, billing, indexes, stream, deletion protection, tags), then TTL and PITR once ACTIVE. */
  | (ChangeBase & { kind: 'table.create'; table: TableSpec })
  /** Tags an existing table that had none of ops's (`adopt: true`): from then on it is the stage's; never recreated. */
  | (ChangeBase & { kind: 'table.adopt'; name: string; arn: string } & TagEdit)
  | (ChangeBase & { kind: 'table.update'; name: string; arn: string; table: TableSpec; steps: TableSteps })
  /** DeleteTable then CreateTable: a key-schema change, only with --allow-data-loss. */
  | (ChangeBase & { kind: 'table.replace'; table: TableSpec })
  /** DeleteTable: a table whose tags say `ops:removal = destroy`, gone from the config or destroyed. */
  | (ChangeBase & { kind: 'table.delete'; name: string });

const keyText = (k: KeySpec | undefined) => (k ? `${k.name}:${k.type}` : '(none)');
const keysText = (t: { partitionKey: KeySpec; sortKey?: KeySpec }) =>
  t.sortKey ? `${keyText(t.partitionKey)} + ${keyText(t.sortKey)}` : keyText(t.partitionKey);
const projectionText = (p: TableIndexSpec['projection']) => (Array.isArray(p) ? `INCLUDE ${[...p].sort().join(' ')}` : p);
const indexText = (i: TableIndexSpec | ActualTableIndex) => `${keysText(i)} ${projectionText(i.projection)}`;
const billingText = (t: Pick<TableSpec, 'billing' | 'capacity'>) =>
  t.billing === 'PROVISIONED' ? `provisioned ${t.capacity?.read ?? 0}r/${t.capacity?.write ?? 0}w` : 'on-demand';
const onOff = (b: boolean) => (b ? 'on' : 'off');
const orNone = (s: string | undefined) => s ?? '(none)';

const sameKey = (a: KeySpec | undefined, b: KeySpec | undefined) => a?.name === b?.name && a?.type === b?.type;
const sameIndex = (a: TableIndexSpec, b: ActualTableIndex) => indexText(a) === indexText(b);

const capacityText = (c: { read: number; write: number } | undefined) => (c ? `${c.read}r/${c.write}w` : '(none)');

/** Indexes kept as they are whose capacity differs from the provisioned table's (each gets the table's). */
function indexCapacityDiffs(have: ActualTable, want: TableSpec, removed: string[]): FieldDiff[] {
  const to = capacityText(want.capacity);
  return have.indexes
    .filter((i) => !removed.includes(i.name) && want.indexes.some((w) => w.name === i.name) && capacityText(i.capacity) !== to)
    .map((i) => ({ field: `indexCapacity.${i.name}`, from: capacityText(i.capacity), to }));
}

/** The in-place differences of a table (keys aside), as fields and as the steps that apply them. */
export function diffTable(have: ActualTable, want: TableSpec, tags: Record<string, string>): { fields: FieldDiff[]; steps: TableSteps } {
  const fields: FieldDiff[] = [];
  const wantIndexes = new Map(want.indexes.map((i) => [i.name, i]));
  const haveIndexes = new Map(have.indexes.map((i) => [i.name, i]));
  const removeIndexes = have.indexes.filter((i) => !wantIndexes.has(i.name) || !sameIndex(wantIndexes.get(i.name)!, i)).map((i) => i.name);
  const addIndexes = want.indexes.filter((i) => !haveIndexes.has(i.name) || removeIndexes.includes(i.name));
  for (const name of [...new Set([...removeIndexes, ...addIndexes.map((i) => i.name)])].sort(compareStrings)) {
    const from = haveIndexes.get(name);
    const to = wantIndexes.get(name);
    fields.push({ field: `index.${name}`, ...(from ? { from: indexText(from) } : {}), ...(to ? { to: indexText(to) } : {}) });
  }
  const billing = billingText(have) !== billingText(want);
  if (billing) fields.push({ field: 'billing', from: billingText(have), to: billingText(want) });
  const indexCapacity = want.billing === 'PROVISIONED' ? indexCapacityDiffs(have, want, removeIndexes) : [];
  fields.push(...indexCapacity);
  const steps: TableSteps = {
    removeIndexes,
    billing,
    indexCapacity: indexCapacity.map((f) => f.field.slice(f.field.indexOf('.') + 1)),
    addIndexes,
    addTags: {},
    removeTags: [],
  };
  if (have.stream !== want.stream) {
    steps.stream = { ...(have.stream ? { from: have.stream } : {}), ...(want.stream ? { to: want.stream } : {}) };
    fields.push({ field: 'stream', from: orNone(have.stream), to: orNone(want.stream) });
  }
  if (have.ttlAttribute !== want.ttlAttribute) {
    steps.ttl = { ...(have.ttlAttribute ? { from: have.ttlAttribute } : {}), ...(want.ttlAttribute ? { to: want.ttlAttribute } : {}) };
    fields.push({ field: 'ttl', from: orNone(have.ttlAttribute), to: orNone(want.ttlAttribute) });
  }
  if (have.pointInTimeRecovery !== want.pointInTimeRecovery) {
    steps.pointInTimeRecovery = want.pointInTimeRecovery;
    fields.push({ field: 'pointInTimeRecovery', from: onOff(have.pointInTimeRecovery), to: onOff(want.pointInTimeRecovery) });
  }
  if (have.deletionProtection !== want.deletionProtection) {
    steps.deletionProtection = want.deletionProtection;
    fields.push({ field: 'deletionProtection', from: onOff(have.deletionProtection), to: onOff(want.deletionProtection) });
  }
  const t = keptTagEdit(have.tags, tags);
  fields.push(...t.fields);
  return { fields, steps: { ...steps, addTags: t.addTags, removeTags: t.removeTags } };
}

const base = (name: string) => ({ resource: { type: RESOURCE, name }, dependsOn: [] as string[] });

/** `pk:S + sk:N, on-demand, 2 indexes, stream NEW_IMAGE, ttl expiresAt, PITR, deletion protection`. */
const createText = (t: TableSpec) =>
  [
    keysText(t),
    billingText(t),
    ...(t.indexes.length ? [`${t.indexes.length} ${t.indexes.length === 1 ? 'index' : 'indexes'}`] : []),
    ...(t.stream ? [`stream ${t.stream}`] : []),
    ...(t.ttlAttribute ? [`ttl ${t.ttlAttribute}`] : []),
    ...(t.pointInTimeRecovery ? ['PITR'] : []),
    ...(t.deletionProtection ? ['deletion protection'] : []),
  ].join(', ');

function createChange(spec: TableSpec, tags: Record<string, string>): TableChange {
  const fields: FieldDiff[] = [
    { field: 'keys', to: keysText(spec) },
    { field: 'billing', to: billingText(spec) },
    ...spec.indexes.map((i) => ({ field: `index.${i.name}`, to: indexText(i) })),
    ...(spec.stream ? [{ field: 'stream', to: spec.stream }] : []),
    ...(spec.ttlAttribute ? [{ field: 'ttl', to: spec.ttlAttribute }] : []),
    ...(spec.pointInTimeRecovery ? [{ field: 'pointInTimeRecovery', to: 'on' }] : []),
    ...(spec.deletionProtection ? [{ field: 'deletionProtection', to: 'on' }] : []),
  ];
  return {
    ...base(spec.physicalName),
    kind: 'table.create',
    id: changeId('table.create', spec.physicalName),
    action: 'create',
    summary: `create table ${spec.physicalName}: ${createText(spec)}`,
    fields,
    table: { ...spec, tags },
  };
}

/** A key change: refused unless the run allows data loss, and never for a table with deletion protection. */
function replaceChange(ctx: PlanContext, have: ActualTable, spec: TableSpec, tags: Record<string, string>): TableChange {
  const what = `table ${spec.physicalName}: keys ${keysText(have)} → ${keysText(spec)}`;
  if (!ctx.allowDataLoss) {
    throw new UserError(`${what} cannot change in place (replace: the data is lost); nothing was changed`, {
      hint: 'keep the keys, or run again with --allow-data-loss to delete the table and create it anew',
    });
  }
  if (have.deletionProtection) {
    throw new UserError(`${what} needs a replace, and the table has deletion protection: ops never deletes it; nothing was changed`, {
      hint: 'set deletionProtection: false and deploy with the old keys first',
    });
  }
  return {
    ...base(spec.physicalName),
    kind: 'table.replace',
    id: changeId('table.replace', spec.physicalName),
    action: 'replace',
    summary: `replace table ${spec.physicalName} (replace: the data is lost): keys ${keysText(have)} → ${keysText(spec)}`,
    fields: [{ field: 'keys', from: keysText(have), to: keysText(spec) }],
    table: { ...spec, tags },
  };
}

/** A declared table: created, adopted, updated in place or (keys changed, data loss allowed) replaced. */
function planDeclared(ctx: PlanContext, spec: TableSpec): TableChange[] {
  const name = spec.physicalName;
  const tags = desiredResourceTags(ctx, spec, { withRemoval: true });
  const unowned = ctx.actual.unownedTables?.[name];
  const have = ctx.actual.tables?.[name] ?? unowned;
  if (!have) return [createChange(spec, tags)];
  const out: TableChange[] = [];
  if (unowned) {
    assertAdoptable('table', spec, unowned.tags);
    if (!sameKey(have.partitionKey, spec.partitionKey) || !sameKey(have.sortKey, spec.sortKey)) {
      throw new UserError(`table ${name}: keys ${keysText(have)}, the config says ${keysText(spec)}; an adopted table is never recreated`, {
        hint: `give resources.${spec.key} the table's keys`,
      });
    }
    const t = keptTagEdit(unowned.tags, tags);
    out.push({
      ...base(name),
      kind: 'table.adopt',
      id: changeId('table.adopt', name),
      action: 'update',
      summary: `adopt table ${name}: tagged for ${ctx.fleet.app}/${ctx.fleet.stage}, never recreated`,
      fields: t.fields,
      name,
      arn: unowned.arn,
      addTags: t.addTags,
      removeTags: t.removeTags,
    });
  } else if (!sameKey(have.partitionKey, spec.partitionKey) || !sameKey(have.sortKey, spec.sortKey)) {
    return [replaceChange(ctx, have, spec, tags)];
  }
  // An adopted table's tags are the adoption's: the update compares the rest.
  const { fields, steps } = diffTable(unowned ? { ...have, tags } : have, spec, tags);
  if (!fields.length) return out;
  if (steps.ttl?.from && steps.ttl.to) {
    ctx.warnings.push(
      `table ${name}: ttl ${steps.ttl.from} → ${steps.ttl.to} may take two runs: AWS refuses a second TTL change within an hour of the first (run ops deploy again then)`,
    );
  }
  out.push({
    ...base(name),
    kind: 'table.update',
    id: changeId('table.update', name),
    action: 'update',
    summary: `update table ${name}: ${fieldsSummary(fields)}`,
    fields,
    dependsOn: out.map((c) => c.id),
    name,
    arn: have.arn,
    table: { ...spec, tags },
    steps,
  });
  return out;
}

/** An owned table no declared table keeps: deleted only when its own tags say so, and never with deletion protection. */
function planLeft(ctx: PlanContext, have: ActualTable): TableChange[] {
  const name = have.name;
  if (have.tags[REMOVAL_TAG] !== 'destroy') {
    ctx.warnings.push(keptHoldsData(ctx, 'table', name, `aws dynamodb delete-table --table-name ${name}`));
    return [];
  }
  if (have.deletionProtection) {
    ctx.warnings.push(`table ${name}: kept: it has deletion protection, and ops never deletes such a table (turn it off first)`);
    return [];
  }
  return [
    {
      ...base(name),
      kind: 'table.delete',
      id: changeId('table.delete', name),
      action: 'delete',
      summary: `delete table ${name} (removal: destroy): its items are lost`,
      fields: [],
      name,
    },
  ];
}

/**
 * The fleet's declared tables against the stage's (owned by tags). Every refusal (a name taken by a table that is
 * not ours, a key change without --allow-data-loss) throws before any write. A `--only` run leaves tables that
 * left the config alone; a destroy declares none.
 */
export function planTables(ctx: PlanContext): TableChange[] {
  const specs = ctx.destroy ? [] : ctx.fleet.resources.filter((r): r is TableSpec => r.type === 'table');
  if (ctx.destroy && ctx.scope) return [];
  const out = specs.flatMap((spec) => planDeclared(ctx, spec));
  if (ctx.scope) return out;
  const kept = new Set(specs.map((s) => s.physicalName));
  const left = Object.values(ctx.actual.tables ?? {})
    .filter((t) => !kept.has(t.name))
    .sort((a, b) => compareStrings(a.name, b.name));
  return [...out, ...left.flatMap((t) => planLeft(ctx, t))];
}

/** The function changes after which a function sees a table it uses (its environment names it). */
const SEES_TABLES = new Set(['function.create', 'function.update-config']);

/**
 * A function that uses a declared table waits for the table's creation (or adoption, or replacement) before it is
 * created or reconfigured with the table's name: its first invocation finds the table there.
 */
export function linkTableUsers(ctx: PlanContext, changes: readonly KindChange[]): void {
  const made = new Map(
    changes
      .filter((c) => c.kind === 'table.create' || c.kind === 'table.adopt' || c.kind === 'table.replace')
      .map((c) => [c.resource.name, c.id]),
  );
  if (!made.size) return;
  const physical = new Map(ctx.fleet.resources.filter((r) => r.type === 'table').map((r) => [r.key, r.physicalName]));
  for (const c of changes) {
    if (!c.fn || !SEES_TABLES.has(c.kind)) continue;
    const uses = ctx.fleet.functions.find((f) => f.key === c.fn)?.uses ?? [];
    for (const u of uses) {
      const id = u.type === 'table' ? made.get(physical.get(u.resource) ?? '') : undefined;
      if (id && !c.dependsOn.includes(id)) c.dependsOn.push(id);
    }
  }
}
