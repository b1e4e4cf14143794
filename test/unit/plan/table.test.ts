import { describe, expect, it } from 'vitest';
import type { TableSpec } from '../../../src/config/resources.js';
import type { Fleet } from '../../../src/config/types.js';
import { UserError } from '../../../src/errors.js';
import type { Actual } from '../../../src/model/actual.js';
import type { ActualTable } from '../../../src/model/table.js';
import { planDeploy } from '../../../src/plan/plan.js';
import type { Plan } from '../../../src/plan/types.js';
import type { TableChange } from '../../../src/resources/table/plan.js';
import { ACCOUNT, APP, actualFrom, artifactsFor, expectOrder, fnSpec, REGION, STAGE, sampleFleet } from './builders.js';

/** A resolved table as the config resolution gives it: `{app}-{stage}-{key}`, on-demand, ops's tags. */
function tableSpec(key: string, over: Partial<TableSpec> = {}): TableSpec {
  return {
    type: 'table',
    key,
    physicalName: `${APP}-${STAGE}-${key}`,
    removal: 'retain',
    adopt: false,
    tags: { team: 'core', 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': key },
    partitionKey: { name: 'pk', type: 'S' },
    billing: 'PAY_PER_REQUEST',
    indexes: [],
    pointInTimeRecovery: false,
    deletionProtection: false,
    ...over,
  };
}

/** What the read gives of a table deployed from `spec` (its tags as ops wrote them). */
function deployed(spec: TableSpec, over: Partial<ActualTable> = {}): ActualTable {
  return {
    name: spec.physicalName,
    arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${spec.physicalName}`,
    status: 'ACTIVE',
    partitionKey: spec.partitionKey,
    ...(spec.sortKey ? { sortKey: spec.sortKey } : {}),
    billing: spec.billing,
    ...(spec.capacity ? { capacity: spec.capacity } : {}),
    indexes: spec.indexes.map((i) => ({ ...i, status: 'ACTIVE', ...(spec.capacity ? { capacity: spec.capacity } : {}) })),
    ...(spec.ttlAttribute ? { ttlAttribute: spec.ttlAttribute } : {}),
    ...(spec.stream ? { stream: spec.stream } : {}),
    pointInTimeRecovery: spec.pointInTimeRecovery,
    deletionProtection: spec.deletionProtection,
    tags: { ...spec.tags, ...(spec.removal === 'destroy' ? { 'ops:removal': 'destroy' } : {}) },
    ...over,
  };
}

const withTables = (tables: TableSpec[]): Fleet => ({ ...sampleFleet(), resources: tables });

function plan(
  f: Fleet,
  tables: { owned?: ActualTable[]; unowned?: ActualTable[] } = {},
  opts: { destroy?: boolean; allowDataLoss?: boolean; only?: string[] } = {},
): Plan {
  const actual: Actual = actualFrom(f);
  if (tables.owned?.length) actual.tables = Object.fromEntries(tables.owned.map((t) => [t.name, t]));
  if (tables.unowned?.length) actual.unownedTables = Object.fromEntries(tables.unowned.map((t) => [t.name, t]));
  return planDeploy({ fleet: f, artifacts: artifactsFor(f), actual, ...opts });
}

const tableChanges = (p: Plan) => p.changes.filter((c) => c.kind.startsWith('table.')) as TableChange[];
const thrown = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('no UserError thrown');
};

const full = tableSpec('alerts', {
  sortKey: { name: 'sk', type: 'N' },
  indexes: [{ name: 'byStatus', partitionKey: { name: 'status', type: 'S' }, projection: 'ALL' }],
  ttlAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  pointInTimeRecovery: true,
});

describe('table plan', () => {
  it('creates a declared table that does not exist, with every setting in its fields and the removal tag only when destroy', () => {
    const p = plan(withTables([full, tableSpec('scratch', { removal: 'destroy' })]));
    const [alerts, scratch] = tableChanges(p);
    expect(alerts).toMatchObject({ kind: 'table.create', id: 'table.create:tasks-dev-alerts', action: 'create' });
    expect(alerts.summary).toBe(
      'create table tasks-dev-alerts: pk:S + sk:N, on-demand, 1 index, stream NEW_AND_OLD_IMAGES, ttl expiresAt, PITR',
    );
    expect(alerts.fields).toEqual([
      { field: 'keys', to: 'pk:S + sk:N' },
      { field: 'billing', to: 'on-demand' },
      { field: 'index.byStatus', to: 'status:S ALL' },
      { field: 'stream', to: 'NEW_AND_OLD_IMAGES' },
      { field: 'ttl', to: 'expiresAt' },
      { field: 'pointInTimeRecovery', to: 'on' },
    ]);
    if (alerts.kind !== 'table.create' || scratch.kind !== 'table.create') throw new Error('creates expected');
    expect(alerts.table.tags).toEqual({ team: 'core', 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': 'alerts' });
    expect(scratch.table.tags['ops:removal']).toBe('destroy');
  });

  it('plans nothing for a table as deployed, and no table call for a fleet without tables', () => {
    expect(tableChanges(plan(withTables([full]), { owned: [deployed(full)] }))).toEqual([]);
    expect(plan(withTables([full]), { owned: [deployed(full)] }).warnings).toEqual([]);
    expect(tableChanges(plan(sampleFleet()))).toEqual([]);
  });

  it('updates capacity, an added index, stream, TTL, PITR, deletion protection and tags in place, field by field', () => {
    const want = tableSpec('alerts', {
      ...full,
      billing: 'PROVISIONED',
      capacity: { read: 5, write: 2 },
      indexes: [...full.indexes, { name: 'byOwner', partitionKey: { name: 'owner', type: 'S' }, projection: ['title'] }],
      stream: 'NEW_IMAGE',
      ttlAttribute: undefined,
      pointInTimeRecovery: false,
      deletionProtection: true,
      tags: { ...full.tags, team: 'ops' },
    });
    const [c] = tableChanges(plan(withTables([want]), { owned: [deployed(full)] }));
    expect(c).toMatchObject({ kind: 'table.update', action: 'update' });
    expect(c.fields).toEqual([
      { field: 'index.byOwner', to: 'owner:S INCLUDE title' },
      { field: 'billing', from: 'on-demand', to: 'provisioned 5r/2w' },
      { field: 'indexCapacity.byStatus', from: '(none)', to: '5r/2w' },
      { field: 'stream', from: 'NEW_AND_OLD_IMAGES', to: 'NEW_IMAGE' },
      { field: 'ttl', from: 'expiresAt', to: '(none)' },
      { field: 'pointInTimeRecovery', from: 'on', to: 'off' },
      { field: 'deletionProtection', from: 'off', to: 'on' },
      { field: 'tag.team', from: "'core'", to: "'ops'" },
    ]);
    if (c.kind !== 'table.update') throw new Error('update expected');
    expect(c.steps).toEqual({
      removeIndexes: [],
      addIndexes: [want.indexes[1]],
      billing: true,
      indexCapacity: ['byStatus'],
      stream: { from: 'NEW_AND_OLD_IMAGES', to: 'NEW_IMAGE' },
      ttl: { from: 'expiresAt' },
      pointInTimeRecovery: false,
      deletionProtection: true,
      addTags: { team: 'ops' },
      removeTags: [],
    });
  });

  it('a provisioned table whose capacity changes gives its kept indexes the same (an added one is created with it)', () => {
    const index = (name: string) => ({ name, partitionKey: { name, type: 'S' as const }, projection: 'ALL' as const });
    const have = tableSpec('alerts', { billing: 'PROVISIONED', capacity: { read: 5, write: 5 }, indexes: [index('a')] });
    const want = { ...have, capacity: { read: 10, write: 5 }, indexes: [index('a'), index('b')] };
    const [c] = tableChanges(plan(withTables([want]), { owned: [deployed(have)] }));
    if (c.kind !== 'table.update') throw new Error('update expected');
    expect(c.fields).toEqual([
      { field: 'index.b', to: 'b:S ALL' },
      { field: 'billing', from: 'provisioned 5r/5w', to: 'provisioned 10r/5w' },
      { field: 'indexCapacity.a', from: '5r/5w', to: '10r/5w' },
    ]);
    expect(c.steps).toMatchObject({ billing: true, indexCapacity: ['a'], addIndexes: [index('b')] });
    expect(tableChanges(plan(withTables([want]), { owned: [deployed(want)] }))).toEqual([]);
  });

  it('warns that a TTL attribute change may take two runs', () => {
    const have = tableSpec('alerts', { ttlAttribute: 'a' });
    const p = plan(withTables([{ ...have, ttlAttribute: 'b' }]), { owned: [deployed(have)] });
    expect(p.warnings.find((w) => w.startsWith('table tasks-dev-alerts: ttl a → b'))).toMatch(/two runs/);
  });

  it('rebuilds a changed index (removed, then added) and removes one that left the config', () => {
    const have = tableSpec('alerts', {
      indexes: [
        { name: 'a', partitionKey: { name: 'x', type: 'S' }, projection: 'ALL' },
        { name: 'b', partitionKey: { name: 'y', type: 'S' }, projection: 'ALL' },
      ],
    });
    const want = tableSpec('alerts', { indexes: [{ name: 'a', partitionKey: { name: 'x', type: 'N' }, projection: 'KEYS_ONLY' }] });
    const [c] = tableChanges(plan(withTables([want]), { owned: [deployed(have)] }));
    if (c.kind !== 'table.update') throw new Error('update expected');
    expect(c.steps.removeIndexes).toEqual(['a', 'b']);
    expect(c.steps.addIndexes.map((i) => i.name)).toEqual(['a']);
    expect(c.fields).toEqual([
      { field: 'index.a', from: 'x:S ALL', to: 'x:N KEYS_ONLY' },
      { field: 'index.b', from: 'y:S ALL' },
    ]);
  });

  it('refuses a key change without --allow-data-loss, and replaces the table with it', () => {
    const want = tableSpec('alerts', { partitionKey: { name: 'id', type: 'S' } });
    const have = deployed(tableSpec('alerts'));
    const e = thrown(() => plan(withTables([want]), { owned: [have] }));
    expect(e.message).toBe(
      'table tasks-dev-alerts: keys pk:S → id:S cannot change in place (replace: the data is lost); nothing was changed',
    );
    expect(e.hint).toMatch(/--allow-data-loss/);
    const [c] = tableChanges(plan(withTables([want]), { owned: [have] }, { allowDataLoss: true }));
    expect(c).toMatchObject({ kind: 'table.replace', action: 'replace', fields: [{ field: 'keys', from: 'pk:S', to: 'id:S' }] });
    expect(c.summary).toContain('replace: the data is lost');
  });

  it('never replaces a table with deletion protection, even with --allow-data-loss', () => {
    const want = tableSpec('alerts', { sortKey: { name: 'sk', type: 'S' }, deletionProtection: true });
    const have = deployed(tableSpec('alerts', { deletionProtection: true }));
    const e = thrown(() => plan(withTables([want]), { owned: [have] }, { allowDataLoss: true }));
    expect(e.message).toMatch(/deletion protection: ops never deletes it/);
  });

  it('stops before any write on a declared name held by a table without the stage tags', () => {
    const spec = tableSpec('alerts');
    const theirs = deployed(spec, { tags: { owner: 'bash' } });
    const e = thrown(() => plan(withTables([spec]), { unowned: [theirs] }));
    expect(e.message).toMatch(/^table alerts: tasks-dev-alerts exists, not managed by ops/);
    expect(e.hint).toMatch(/adopt: true/);
    // Another stage's table is not taken even with adopt.
    const other = deployed(spec, { tags: { 'ops:app': APP, 'ops:stage': 'prod' } });
    expect(thrown(() => plan(withTables([{ ...spec, adopt: true }]), { unowned: [other] })).hint).toMatch(/another stage or app owns it/);
  });

  it('adopts an untagged table with adopt: true (tagged, then updated in place), and never replaces it', () => {
    const spec = tableSpec('alerts', { adopt: true, pointInTimeRecovery: true });
    const theirs = deployed(tableSpec('alerts'), { tags: { owner: 'bash' } });
    const [adopt, update] = tableChanges(plan(withTables([spec]), { unowned: [theirs] }));
    if (adopt.kind !== 'table.adopt') throw new Error('adopt expected');
    expect(adopt.arn).toBe(theirs.arn);
    expect(adopt.addTags).toEqual({ team: 'core', 'ops:app': APP, 'ops:stage': STAGE, 'ops:resource': 'alerts' });
    // A tag put on by hand is neither ops's nor named by the config: adoption keeps it (no removal, no field).
    expect(adopt.removeTags).toEqual([]);
    expect(adopt.fields.map((f) => f.field)).not.toContain('tag.owner');
    expect(update).toMatchObject({
      kind: 'table.update',
      dependsOn: [adopt.id],
      fields: [{ field: 'pointInTimeRecovery', from: 'off', to: 'on' }],
    });
    const rekeyed = { ...spec, partitionKey: { name: 'id', type: 'S' as const } };
    expect(thrown(() => plan(withTables([rekeyed]), { unowned: [theirs] }, { allowDataLoss: true })).message).toMatch(
      /an adopted table is never recreated/,
    );
  });

  it('keeps an owned table that left the config, with a warning, unless its tags say removal destroy', () => {
    const kept = deployed(tableSpec('old'));
    const p = plan(withTables([]), { owned: [kept] });
    expect(tableChanges(p)).toEqual([]);
    expect(p.warnings).toContain(
      "table tasks-dev-old: kept (holds data): no longer in the config and its removal is 'retain' (`aws dynamodb delete-table --table-name tasks-dev-old` removes it if it is not needed)",
    );
    const doomed = deployed(tableSpec('old', { removal: 'destroy' }));
    const [c] = tableChanges(plan(withTables([]), { owned: [doomed] }));
    expect(c).toMatchObject({ kind: 'table.delete', action: 'delete', id: 'table.delete:tasks-dev-old' });
  });

  it('on destroy keeps every table but those tagged removal destroy without deletion protection', () => {
    const specs = [
      tableSpec('a'),
      tableSpec('b', { removal: 'destroy' }),
      tableSpec('c', { removal: 'destroy', deletionProtection: true }),
    ];
    const p = plan(withTables(specs), { owned: specs.map((s) => deployed(s)) }, { destroy: true });
    expect(tableChanges(p).map((c) => c.id)).toEqual(['table.delete:tasks-dev-b']);
    expect(p.warnings).toContain(
      "table tasks-dev-a: kept (holds data): its removal is 'retain' (removal: 'destroy' in the config, deployed, lets ops destroy delete it)",
    );
    expect(p.warnings.find((w) => w.startsWith('table tasks-dev-c'))).toMatch(/deletion protection/);
    // The delete comes after every function's.
    expect(p.changes.at(-1)?.kind).toBe('table.delete');
  });

  it('with --only, creates declared tables but deletes none; a destroy with --only touches no table', () => {
    const doomed = deployed(tableSpec('old', { removal: 'destroy' }));
    const p = plan(withTables([tableSpec('new')]), { owned: [doomed] }, { only: ['api'] });
    expect(tableChanges(p).map((c) => c.id)).toEqual(['table.create:tasks-dev-new']);
    expect(tableChanges(plan(withTables([]), { owned: [doomed] }, { only: ['api'], destroy: true }))).toEqual([]);
  });

  it('a function that uses a table is created after the table; one that does not is not held back', () => {
    const uses = [{ resource: 'alerts', type: 'table' as const, access: 'readwrite' as const, env: 'ALERTS_TABLE' }];
    const f: Fleet = { ...sampleFleet(), functions: [fnSpec('reader', { uses }), fnSpec('other')], resources: [tableSpec('alerts')] };
    const p = planDeploy({ fleet: f, artifacts: artifactsFor(f), actual: actualFrom({ ...f, functions: [] }) });
    const reader = p.changes.find((c) => c.id === 'function.create:tasks-dev-reader');
    const other = p.changes.find((c) => c.id === 'function.create:tasks-dev-other');
    expect(reader?.dependsOn).toContain('table.create:tasks-dev-alerts');
    expect(other?.dependsOn).not.toContain('table.create:tasks-dev-alerts');
    expectOrder(p, 'table.create:tasks-dev-alerts', 'function.create:tasks-dev-reader');
  });
});
