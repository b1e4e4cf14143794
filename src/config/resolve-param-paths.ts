import { paramPath } from './naming.js';

/* A declared param's SSM name for a stage (the schema and rules of `path`: src/config/param-paths.ts). Zod-free. */

/** The SSM name of a declared param for `stage`: its own path with `{stage}` filled in, else `/{app}/{stage}/{name}`. */
export function paramPathFor(app: string, stage: string, name: string, declaredPath?: string): string {
  return declaredPath === undefined ? paramPath(app, stage, name) : declaredPath.replaceAll('{stage}', stage);
}

/** A param whose path has no `{stage}`: one parameter read by every stage. */
export const isSharedPath = (declaredPath?: string) => declaredPath !== undefined && !declaredPath.includes('{stage}');
