import type { ApiSpec, FunctionSpec } from './types.js';

/** Triggers whose source invokes `live` through a statement on its policy (queues and streams use the role instead). */
const STATEMENT_TRIGGERS = new Set(['schedule', 'eventbridge', 'sns', 's3']);

/**
 * The functions whose `live` policy holds statements ops adds: those with routes, statement triggers or a URL, and
 * the Lambda authorizers of the fleet's APIs. Each is flagged `holdsStatements`: the plan tags it with
 * POLICY_MARKER_TAG (functionTags), so the reader knows whose policy to ask for, also once the config has dropped what
 * the statement was for. Pure.
 */
export function withPolicyMarkers(functions: FunctionSpec[], apis: (ApiSpec | undefined)[]): FunctionSpec[] {
  const authorizers = new Set(apis.flatMap((a) => a?.authorizers ?? []).flatMap((a) => (a.type === 'lambda' ? [a.functionName] : [])));
  return functions.map((fn) => {
    const holds =
      fn.routes.length > 0 || fn.triggers.some((t) => STATEMENT_TRIGGERS.has(t.kind)) || fn.url !== undefined || authorizers.has(fn.name);
    return holds ? { ...fn, holdsStatements: true as const } : fn;
  });
}
