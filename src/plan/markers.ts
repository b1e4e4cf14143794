import type { KindChange, ResourceKind } from '../resources/kind.js';

type TagChange = KindChange & { name: string; add: Record<string, string>; remove: string[] };

/**
 * Orders each function's marker tags (ResourceKind.marks) around what they stand for: a `function.tag` that adds a
 * marker goes before the changes it marks that make something on that function, and one that removes a marker goes
 * after those that remove something. A statement or setting on an unmarked function would be invisible to the next
 * read, a failed or interrupted run's included. Pure.
 */
export function linkMarkers(kinds: readonly ResourceKind[], changes: readonly KindChange[]): void {
  const marked = new Map<string, Set<string>>();
  for (const kind of kinds)
    for (const [marker, kindsOf] of Object.entries(kind.marks ?? {}))
      marked.set(marker, new Set([...(marked.get(marker) ?? []), ...kindsOf]));
  const after = (c: KindChange, id: string) => {
    if (!c.dependsOn.includes(id)) c.dependsOn.push(id);
  };
  for (const change of changes) {
    if (change.kind !== 'function.tag') continue;
    const tag = change as TagChange;
    for (const [marker, kindsOf] of marked) {
      const adds = marker in tag.add;
      const removes = tag.remove.includes(marker);
      if (!adds && !removes) continue;
      for (const c of changes) {
        if (!kindsOf.has(c.kind) || (c as { name?: string }).name !== tag.name) continue;
        if (adds && c.action !== 'delete') after(c, tag.id);
        if (removes && c.action === 'delete') after(tag, c.id);
      }
    }
  }
}
