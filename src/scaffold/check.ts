import path from 'node:path';
import { fleetSchema, ROUTE_PATTERN } from '../config/schema.js';
import { type Problem, validateFleet } from '../config/validate.js';
import { UsageError } from '../errors.js';
import type { FunctionEntry } from './plan.js';

const functionKey = fleetSchema.shape.functions.keyType;

/** The schema's own message when `name` is not a valid function key. */
export function functionNameProblem(name: string): string | undefined {
  return functionKey.safeParse(name).error?.issues[0]?.message;
}

/** The schema's own message when `name` is not a valid app name. */
export function appNameProblem(name: string): string | undefined {
  return fleetSchema.shape.app.safeParse(name).error?.issues[0]?.message;
}

/** `get /users/{id}` → `GET /users/{id}`; a usage error when it is not a route API Gateway accepts. */
export function normalizeRoute(route: string): string {
  const r = route.trim().replace(/^([a-z]+)(?= )/i, (m) => m.toUpperCase());
  if (!ROUTE_PATTERN.test(r) || /\+\}./.test(r)) {
    throw new UsageError(`invalid route '${route}'`, {
      hint: 'a route is "METHOD /path" (GET /tasks/{id}, ANY /api/{proxy+}) or "$default"',
    });
  }
  return r;
}

/**
 * What would be wrong with the fleet once `key` is added (a taken route, a physical name
 * over 64 characters ...), judged by the same validation as every command. Only problems
 * of the new function count: the rest of the config is the author's business.
 */
export function newFunctionProblems(
  raw: unknown,
  key: string,
  entry: FunctionEntry,
  env: { stage: string; exists(relPath: string): boolean; planned: string[] },
): Problem[] {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { functions?: unknown }).functions !== 'object') return [];
  const cfg = raw as { functions: Record<string, unknown> };
  const withNew = { ...cfg, functions: { ...cfg.functions, [key]: entry } };
  const planned = new Set(env.planned.map((p) => path.posix.normalize(p)));
  const exists = (p: string) => planned.has(path.posix.normalize(p)) || env.exists(p);
  const at = `functions.${key}`;
  return validateFleet(withNew, { stage: env.stage, exists }).problems.filter((p) => p.path === at || p.path.startsWith(`${at}.`));
}
