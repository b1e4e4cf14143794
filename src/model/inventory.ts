/*
 * The stage inventory (issue 16.3): the physical names ops gave the stage's resources outside its
 * `{app}-{stage}-` prefix (kept names, adopted resources), by kind, so that one that left the config is still
 * found. A name listed is only a place to look: the resource is acted on only if its tags say it is the stage's.
 * Stored as one SSM parameter `/_ops/inventory/{app}/{stage}` holding `{ "function": ["name", ...] }`; other kinds
 * add their own key. Pure: parsing, edits and the stored text.
 */

/** Names by kind (`function`, and whatever kinds add theirs later). */
export type StageInventory = Readonly<Record<string, readonly string[]>>;

/** The parameter's name: under `/_ops/`, which no fleet's params can reach (see leaseParamName). */
export const inventoryParamName = (app: string, stage: string) => `/_ops/inventory/${app}/${stage}`;

/**
 * The inventory in a stored text; an unreadable one is empty (it only tells where to look, and a resource is
 * the stage's by its tags, so ignoring a damaged list loses nothing the tags cannot tell again).
 */
export function parseInventory(text: string | undefined): StageInventory {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, string[]> = {};
  for (const [kind, names] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(names)) out[kind] = names.filter((n): n is string => typeof n === 'string' && n.length > 0);
  }
  return out;
}

/** The names of one kind. */
export const inventoryNames = (inv: StageInventory | undefined, kind: string): readonly string[] => inv?.[kind] ?? [];

/** `names` added to (`add`) or taken out of (`remove`) one kind's list; lists sorted, empty kinds dropped. */
export function editInventory(
  inv: StageInventory,
  kind: string,
  edit: { add?: readonly string[]; remove?: readonly string[] },
): StageInventory {
  const set = new Set(inventoryNames(inv, kind));
  for (const n of edit.add ?? []) set.add(n);
  for (const n of edit.remove ?? []) set.delete(n);
  const { [kind]: _old, ...rest } = inv;
  return set.size ? { ...rest, [kind]: [...set].sort() } : rest;
}

export const isEmptyInventory = (inv: StageInventory) => Object.values(inv).every((names) => names.length === 0);

/** The stored text: kinds and names sorted, so an unchanged inventory is one text. */
export function inventoryText(inv: StageInventory): string {
  const kinds = Object.keys(inv)
    .filter((k) => (inv[k]?.length ?? 0) > 0)
    .sort();
  return JSON.stringify(Object.fromEntries(kinds.map((k) => [k, [...(inv[k] ?? [])].sort()])));
}
