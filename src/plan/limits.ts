import path from 'node:path';
import { AWS_LIMITS, count, environmentBytes, policyChars } from '../config/limits.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { desiredConfiguration } from '../resources/function/plan.js';
import { functionTags } from '../resources/function-settings/plan.js';
import { desiredRole } from '../resources/role/plan.js';

/** A config field whose final value (ops's own additions included) AWS would refuse. */
export interface LimitProblem {
  path: string;
  message: string;
}

export interface LimitInputs {
  /** The functions about to be deployed. */
  fns: readonly FunctionSpec[];
  /** Twelve digits; before STS is asked any twelve digits measure the same. */
  accountId?: string;
  /** Values of `resolve: true` params; before they are read they count as absent. */
  paramValues?: Record<string, string>;
  layerVersions?: Record<string, string>;
  /** The fleet's HTTP API, once it exists; before, an id and URL of the length AWS gives them. */
  api?: { id: string; url: string };
}

const PLACEHOLDER_ACCOUNT = '000000000000';
const PLACEHOLDER_API_ID = 'a0b1c2d3e4';

/**
 * Limits that only the resolved fleet shows: the environment, the role's inline policy and the
 * tag count as ops will send them, its own variables, statements and tags included. Pure.
 */
export function limitProblems(fleet: Fleet, inputs: LimitInputs): LimitProblem[] {
  const accountId = inputs.accountId ?? PLACEHOLDER_ACCOUNT;
  // A reference to an API created in this deploy is a placeholder in the plan: measure a real-length one.
  const api = inputs.api ?? { id: PLACEHOLDER_API_ID, url: `https://${PLACEHOLDER_API_ID}.execute-api.${fleet.region}.amazonaws.com` };
  const out: LimitProblem[] = [];
  for (const fn of inputs.fns) {
    const config = desiredConfiguration(fleet, fn, accountId, inputs.paramValues, inputs.layerVersions, api);
    out.push(...environmentProblems(fn, config.environment ?? {}));
    const role = desiredRole(fleet, fn, accountId);
    if (role) out.push(...policyProblems(fn, role.policy));
    out.push(...tagCountProblems(`functions.${fn.key}.tags`, functionTags(fn)));
  }
  if (fleet.api) out.push(...tagCountProblems('tags', fleet.tags));
  return out;
}

/** Throws every limit problem as one config error (nothing has been written when this runs). */
export function assertWithinLimits(fleet: Fleet, inputs: LimitInputs): void {
  const problems = limitProblems(fleet, inputs);
  if (problems.length) throw new ConfigError(path.basename(fleet.configPath), problems);
}

function environmentProblems(fn: FunctionSpec, env: Record<string, string>): LimitProblem[] {
  const bytes = environmentBytes(env);
  if (bytes <= AWS_LIMITS.environmentBytes) return [];
  const largest = Object.entries(env)
    .sort(([, a], [, b]) => b.length - a.length)
    .slice(0, 2)
    .map(([k, v]) => `${k} ${count(v.length)}`);
  return [
    {
      path: `functions.${fn.key}.environment`,
      message:
        `${count(bytes)} bytes, AWS allows 4 KB (${count(AWS_LIMITS.environmentBytes)}) for a function's environment, ` +
        `measured as JSON with the variables ops adds (OPS_*, param names, invoke targets); largest: ${largest.join(', ')}: move large values to params`,
    },
  ];
}

function policyProblems(fn: FunctionSpec, policy: unknown): LimitProblem[] {
  const chars = policyChars(policy);
  if (chars <= AWS_LIMITS.rolePolicyChars) return [];
  return [
    {
      path: `functions.${fn.key}.permissions`,
      message:
        `the role's inline policy is ${count(chars)} characters without whitespace (ops's own statements included), ` +
        `IAM allows ${count(AWS_LIMITS.rolePolicyChars)} per role: merge statements, use wildcards, or name an existing role`,
    },
  ];
}

function tagCountProblems(at: string, tags: Record<string, string>): LimitProblem[] {
  const n = Object.keys(tags).length;
  if (n <= AWS_LIMITS.tagsPerResource) return [];
  const own = Object.keys(tags).filter((k) => k.startsWith('ops:'));
  return [
    {
      path: at,
      message:
        `${n} tags once ops adds its own (${own.join(', ')}), AWS allows ${AWS_LIMITS.tagsPerResource} per resource: ` +
        `remove ${n - AWS_LIMITS.tagsPerResource}`,
    },
  ];
}
