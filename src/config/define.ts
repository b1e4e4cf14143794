import type { FleetConfig } from './schema.js';

export type { FleetConfig, FunctionConfig, Runtime, Statement } from './schema.js';

/** Typed identity for `ops.config.ts`: gives editor completion and type errors while authoring. */
export function defineFleet<const T extends FleetConfig>(config: T): T {
  return config;
}
