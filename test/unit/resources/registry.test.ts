import { describe, expect, it } from 'vitest';
import { CHANGE_ORDER, isFunctionLocal, isLeading, RESOURCE_KINDS } from '../../../src/resources/registry.js';

describe('the resource registry', () => {
  it('orders change kinds from the modules as the hand-kept table before issue 13 did', () => {
    // The table src/plan/order.ts held before the registry: the derived order must not move a plan line.
    const before = [
      'role.create',
      'role.update',
      'role.delete',
      'layer.publish',
      'function.create',
      'function.update-code',
      'function.update-config',
      'function.tag',
      'function.delete',
      'alias.publish',
      'versions.prune',
      'reserved.set',
      'reserved.delete',
      'provisioned.set',
      'provisioned.delete',
      'async.set',
      'async.delete',
      'loggroup.create',
      'loggroup.retention',
      'loggroup.delete',
      'schedule.create',
      'schedule.update',
      'schedule.delete',
      'subscription.create',
      'subscription.update',
      'subscription.delete',
      'alarm.set',
      'alarm.delete',
      'api.create',
      'api.update',
      'api.delete',
      'api.stage',
      'integration.create',
      'integration.update',
      'integration.delete',
      'route.create',
      'route.update',
      'route.delete',
      'permission.set',
      'permission.delete',
      'layer.delete',
    ];
    // New kinds may come in between; the kinds there were keep their relative order.
    expect(CHANGE_ORDER.filter((k) => before.includes(k))).toEqual(before);
    expect(CHANGE_ORDER.at(-1)).toBe('layer.delete');
    expect(new Set(CHANGE_ORDER).size).toBe(CHANGE_ORDER.length);
  });

  it('places every kind after the kinds it names, and gives every change kind a handler', () => {
    const seen = new Set<string>();
    for (const k of RESOURCE_KINDS) {
      for (const a of k.after ?? []) expect(seen.has(a), `${k.kind} after ${a}`).toBe(true);
      seen.add(k.kind);
      for (const c of k.changes) expect(typeof k.apply[c], `${c} handler`).toBe('function');
      expect(Object.keys(k.apply).sort()).toEqual([...k.changes].sort());
    }
  });

  it('knows which changes lead and which a function read shows', () => {
    expect(isLeading('layer.publish')).toBe(true);
    expect(isLeading('function.create')).toBe(false);
    expect(isFunctionLocal('function.update-code')).toBe(true);
    expect(isFunctionLocal('function.create')).toBe(false);
    expect(isFunctionLocal('route.create')).toBe(false);
  });
});
