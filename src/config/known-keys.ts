import { fleetSchema } from './schema.js';

/* What validate.ts reads off the raw config and the schema to word its messages: the value the user wrote at a path, the keys accepted there. */

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `path` inside `root` (the raw config): what the user actually wrote there. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

// Walks the schema along a path to list the keys an object there accepts. With the config (`root`), a
// discriminated union (a resource's `type`) is followed to the branch the value names, not the first one.
export function knownKeysAt(path: string[], root?: unknown): string[] {
  let s: any = fleetSchema;
  let here = root;
  const branch = (d: any) =>
    d.discriminator && isObj(here)
      ? d.options.find((o: any) =>
          o._zod?.def?.shape?.[d.discriminator]?._zod?.def?.values?.includes((here as Record<string, unknown>)[d.discriminator]),
        )
      : undefined;
  const unwrap = () => {
    for (let i = 0; i < 10 && s; i++) {
      const d = s._zod?.def;
      if (!d) return;
      if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable') s = d.innerType;
      else if (d.type === 'pipe') s = d.in;
      else if (d.type === 'union') s = branch(d) ?? d.options.find((o: any) => o._zod?.def?.type === 'object') ?? d.options[0];
      else return;
    }
  };
  for (const seg of path) {
    unwrap();
    here = valueAt(here, [seg]);
    const d = s?._zod?.def;
    if (!d) return [];
    if (d.type === 'object') s = d.shape[seg];
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'array') s = d.element;
    else return [];
  }
  unwrap();
  const d = s?._zod?.def;
  return d?.type === 'object' ? Object.keys(d.shape) : [];
}
