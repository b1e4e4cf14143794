import * as z from 'zod';
import { PLACEHOLDER } from './resolve-kept-name.js';

/*
 * Kept physical names (issue 16.3): a function, API, rule, alarm or resource may set the name it has on AWS
 * instead of the `{app}-{stage}-…` name ops derives, so a fleet that ops takes over keeps
 * `autorescue-search-flights`. The name is a template with `{app}` and `{stage}`, or one per stage:
 *
 *   name: 'autorescue-search-flights'                 every stage (only one stage can hold it: the plan refuses a
 *                                                      name another stage or app owns, by its tags)
 *   name: '{app}-{stage}-search'                      one per stage
 *   name: { prod: 'autorescue-search-flights' }       prod keeps the old name; other stages get the derived one
 *
 * Pure: the schema here, the resolver in src/config/resolve-kept-name.ts; ownership and adoption are each kind's
 * (src/resources/<kind>).
 */

const KNOWN = new Set(['app', 'stage']);

const template = z
  .string()
  .min(1, 'a name must not be empty')
  .superRefine((s, ctx) => {
    for (const m of s.matchAll(PLACEHOLDER))
      if (!KNOWN.has(m[1] ?? ''))
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {${m[1]}} in a name: only {app} and {stage}` });
  });

/** The schema of a kept name: a template, or templates by stage (stages not listed get ops's derived name). */
export const keptNameSchema = z.union([
  template,
  z
    .record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'a stage name is letters, digits, - and _'), template)
    .refine((r) => Object.keys(r).length > 0, 'name by stage lists at least one stage'),
]);

export type KeptName = z.output<typeof keptNameSchema>;
