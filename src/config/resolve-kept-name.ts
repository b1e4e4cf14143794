import type { KeptName } from './kept-name.js';

/*
 * Kept physical names (issue 16.3) resolved for a stage: `{app}` and `{stage}` filled in. What a kept name is and
 * its schema: src/config/kept-name.ts. Zod-free, so that resolving a validated config loads no schema.
 */

/** A `{name}` placeholder of a template (the schema refuses any but `{app}` and `{stage}`). */
export const PLACEHOLDER = /\{([^}]*)\}/g;

/** `{app}` and `{stage}` filled in. */
export const fillName = (template: string, app: string, stage: string) =>
  template.replace(PLACEHOLDER, (_m, k: string) => (k === 'app' ? app : stage));

/** The kept name for this stage, or `undefined` when the config keeps none for it (ops's derived name applies). */
export function keptNameFor(name: KeptName | undefined, app: string, stage: string): string | undefined {
  if (name === undefined) return undefined;
  const t = typeof name === 'string' ? name : name[stage];
  return t === undefined ? undefined : fillName(t, app, stage);
}

/** True when the name is the same in every stage (no `{stage}`, not by stage): only one stage can hold it. */
export const sharedByStages = (name: KeptName | undefined) => typeof name === 'string' && !name.includes('{stage}');
