import { describe, expect, it } from 'vitest';
import {
  editInventory,
  inventoryNames,
  inventoryParamName,
  inventoryText,
  isEmptyInventory,
  parseInventory,
} from '../../../src/model/inventory.js';

describe('stage inventory', () => {
  it('lives under /_ops/, out of any fleet param tree', () => {
    expect(inventoryParamName('tasks', 'prod')).toBe('/_ops/inventory/tasks/prod');
  });

  it('reads a stored text by kind, keeping other kinds and dropping what is not a name', () => {
    const inv = parseInventory('{"function":["b","a",3,""],"rule":["r1"],"bad":"x"}');
    expect(inventoryNames(inv, 'function')).toEqual(['b', 'a']);
    expect(inventoryNames(inv, 'rule')).toEqual(['r1']);
    expect(inventoryNames(inv, 'alarm')).toEqual([]);
  });

  it('treats a missing or damaged text as empty (the tags decide, the list only says where to look)', () => {
    for (const t of [undefined, '', 'not json', '[1]', 'null']) expect(isEmptyInventory(parseInventory(t))).toBe(true);
  });

  it('adds and removes names of one kind, sorted, and drops a kind left empty', () => {
    const added = editInventory({ rule: ['r'] }, 'function', { add: ['seedapp-z', 'seedapp-a', 'seedapp-z'] });
    expect(added).toEqual({ rule: ['r'], function: ['seedapp-a', 'seedapp-z'] });
    const removed = editInventory(added, 'function', { remove: ['seedapp-a', 'seedapp-z'] });
    expect(removed).toEqual({ rule: ['r'] });
    expect(isEmptyInventory(editInventory(removed, 'rule', { remove: ['r'] }))).toBe(true);
  });

  it('stores one text for one content whatever the order', () => {
    expect(inventoryText({ function: ['b', 'a'], alarm: ['x'] })).toBe(inventoryText({ alarm: ['x'], function: ['a', 'b'] }));
    expect(parseInventory(inventoryText({ function: ['a'] }))).toEqual({ function: ['a'] });
  });
});
