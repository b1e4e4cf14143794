import { layerKeyOf } from './naming.js';
import type { ParsedFleet, ParsedFunction } from './schema.js';

/** The list and object fields `defaults` gives every function, which a function may decline one by one. */
export const INHERITED_DEFAULTS = ['params', 'layers', 'permissions', 'vpc', 'root', 'include', 'exclude'] as const;

type Defaults = NonNullable<ParsedFleet['defaults']>;
type Inherited = (typeof INHERITED_DEFAULTS)[number];
type ParamRef = NonNullable<ParsedFunction['params']>[number];
type LayerRef = NonNullable<ParsedFunction['layers']>[number];

const paramName = (p: ParamRef) => (typeof p === 'string' ? p : p.name);
const layerId = (l: LayerRef) => (typeof l === 'string' ? l : `build:${layerKeyOf(l)}`);

/** The `defaults` fields a function takes: all of them unless `ignoreDefaults` declines some. */
export function inheritedFields(fn: Pick<ParsedFunction, 'ignoreDefaults'>): Set<Inherited> {
  const declined = fn.ignoreDefaults === true ? INHERITED_DEFAULTS : (fn.ignoreDefaults ?? []);
  return new Set(INHERITED_DEFAULTS.filter((f) => !declined.includes(f)));
}

/**
 * A function with the fleet's `defaults` merged in. Lists add: the defaults' entries first, then the
 * function's, and a function's param or layer that is also a default replaces it (so a function can
 * resolve a default param); objects and `root` are the function's when it has them. Pure.
 */
export function withDefaults(defaults: Defaults | undefined, fn: ParsedFunction): ParsedFunction {
  if (!defaults) return fn;
  const take = inheritedFields(fn);
  const pick = <K extends Inherited>(k: K) => (take.has(k) ? defaults[k] : undefined);
  const params = mergeBy(pick('params'), fn.params, paramName);
  const layers = mergeBy(pick('layers'), fn.layers, layerId);
  const permissions = concat(pick('permissions'), fn.permissions);
  const include = concat(pick('include'), fn.include);
  const exclude = concat(pick('exclude'), fn.exclude);
  const vpc = fn.vpc ?? pick('vpc');
  const root = fn.root ?? pick('root');
  return {
    ...fn,
    ...(params ? { params } : {}),
    ...(layers ? { layers } : {}),
    ...(permissions ? { permissions } : {}),
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
    ...(vpc ? { vpc } : {}),
    ...(root !== undefined ? { root } : {}),
  };
}

function concat<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] | undefined {
  return a || b ? [...(a ?? []), ...(b ?? [])] : undefined;
}

/** `base` then `own`; an entry of `own` with the id of one in `base` takes that one's place. */
function mergeBy<T>(base: readonly T[] | undefined, own: readonly T[] | undefined, id: (t: T) => string): T[] | undefined {
  if (!base) return own ? [...own] : undefined;
  const mine = new Map((own ?? []).map((t) => [id(t), t]));
  const merged = base.map((t) => mine.get(id(t)) ?? t);
  const inBase = new Set(base.map(id));
  return [...merged, ...(own ?? []).filter((t) => !inBase.has(id(t)))];
}
