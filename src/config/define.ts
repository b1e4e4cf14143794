import type { FleetRef, FunctionRefField } from './refs.js';
import type { FleetConfig } from './schema.js';

export type { FleetRef, FunctionRefField } from './refs.js';
export type { FleetConfig, FunctionConfig, Runtime, Statement } from './schema.js';

/** Typed identity for `ops.config.ts`: gives editor completion and type errors while authoring. */
export function defineFleet<const T extends FleetConfig>(config: T): T {
  return config;
}

const r = <T extends FleetRef>(ref: T) => ({ ref });

/**
 * References to the fleet itself for a function's `environment`, resolved by the plan (a value only a
 * create gives, like a new API's URL, is filled in during that same deploy):
 * `{ API_URL: ref.api.url, WORKER_ARN: ref.fn('worker').arn, DEPS: ref.layer('deps').arn }`.
 * The same as writing `{ ref: 'api.url' }`.
 */
export const ref = {
  /** The fleet's HTTP API: its URL (the `$default` stage's invoke URL) and its id. */
  api: { url: r('api.url'), id: r('api.id') },
  /** A function of the fleet (its key in `functions`): its name or ARN, bare or qualified with the `live` alias. */
  fn: <K extends string>(key: K): { [F in FunctionRefField]: { ref: `function.${K}.${F}` } } => ({
    name: r(`function.${key}.name`),
    qualifiedName: r(`function.${key}.qualifiedName`),
    arn: r(`function.${key}.arn`),
    qualifiedArn: r(`function.${key}.qualifiedArn`),
  }),
  /** A layer the fleet builds (its `name`, or its directory's): the version ARN functions attach. */
  layer: <K extends string>(key: K) => ({ arn: r(`layer.${key}.arn`) }),
} as const;
