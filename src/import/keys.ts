import { RUNTIMES } from '../config/runtimes.js';
import { functionDir } from '../scaffold/plan.js';
import type { ImportedFunction } from './model.js';

/* Pure naming rules of `ops import`: config keys from physical names, the app, handlers in ops's form. */

/** A config key ops accepts (lowercase letters, digits, single dashes, starting with a letter), at most `max` long. */
export function toKey(raw: string, max = 40): string {
  const s = raw
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'fn';
}

/** The function's key: its name without the selection's prefix (`autorescue-search-flights` → `search-flights`). */
export function functionKey(name: string, prefix: string | undefined): string {
  const rest = prefix && name.toLowerCase().startsWith(prefix.toLowerCase()) ? name.slice(prefix.length) : name;
  return toKey(rest || name);
}

/** Keys for every function, made unique with a number where two names give the same key. */
export function functionKeys(names: readonly string[], prefix: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    const base = functionKey(name, prefix);
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base.slice(0, 37)}-${n}`;
    used.add(key);
    out.set(name, key);
  }
  return out;
}

/** The app from a prefix (`autorescue-` → `autorescue`, `AutoRescue-` → `auto-rescue`), when it gives one. */
export function appFromPrefix(prefix: string | undefined): string | undefined {
  if (!prefix) return undefined;
  const app = toKey(prefix, 24);
  return app === 'fn' ? undefined : app;
}

/** Environment variable names whose values are taken to be secrets: never written, never printed. */
export const looksSecret = (name: string) => /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL/i.test(name);

export type Language = 'python' | 'node';

/** The function's language, or why ops cannot build it (a container image, a runtime ops does not deploy). */
export function languageOf(fn: ImportedFunction): Language | { unsupported: string } {
  if (fn.packageType === 'Image') return { unsupported: 'a container image' };
  if (!fn.runtime || !(RUNTIMES as readonly string[]).includes(fn.runtime))
    return { unsupported: `runtime ${fn.runtime ?? 'none'} (ops deploys ${RUNTIMES.join(', ')})` };
  return fn.runtime.startsWith('python') ? 'python' : 'node';
}

export interface HandlerPlace {
  /** Where the code is unpacked, relative to the config. */
  dir: string;
  /** The config's `handler`. */
  handler: string;
  /** Python: the zip root when the module is in a package (`app.main.handler`). */
  root?: string;
}

/**
 * Lambda's Handler in ops's form. Python `lambda_function.lambda_handler` → `<dir>/lambda_function.lambda_handler`
 * (the handler's directory is the zip root, so the module name stays); a module in a package keeps its dots by
 * naming the root. Node `index.handler` → `<dir>/index.handler`: ops bundles the .js/.mjs/.cjs file it finds.
 */
export function handlerPlace(key: string, language: Language, lambdaHandler: string): HandlerPlace {
  const dir = functionDir(key, language);
  const dot = lambdaHandler.lastIndexOf('.');
  const module = dot > 0 ? lambdaHandler.slice(0, dot) : lambdaHandler;
  const exportName = dot > 0 ? lambdaHandler.slice(dot + 1) : 'handler';
  if (language === 'python') {
    const file = module.split('.').join('/');
    return { dir, handler: `${dir}/${file}.${exportName}`, ...(module.includes('.') ? { root: dir } : {}) };
  }
  return { dir, handler: `${dir}/${module}.${exportName}` };
}
