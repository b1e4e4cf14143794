import * as z from 'zod';

/*
 * Params at a path of their own (`params: { 'openai-api-key': { path: '/spool/openai-api-key' } }`): a fleet moving
 * onto ops keeps reading its parameters where its scripts stored them. A path with `{stage}` is per stage; without it
 * the one parameter is shared by every stage of the fleet (and ops never deletes it: `params unset` refuses). The
 * schema and its rules; a param's SSM name for a stage: src/config/resolve-param-paths.ts.
 */

/** SSM's own trees (names starting `aws` or `ssm` are refused by PutParameter) and ops' lease tree. */
const RESERVED = [/^\/_ops(\/|$)/, /^\/aws/i, /^\/ssm/i];
/** SSM allows at most 15 levels in a parameter hierarchy. */
const MAX_LEVELS = 15;
/** SSM's limit on a parameter's full name (ARN prefix excluded). */
const MAX_CHARS = 1011;
const SEGMENT = /^([A-Za-z0-9_.-]|\{stage\})+$/;

/** Why `path` cannot be a param's SSM path, or undefined when it can. Pure. */
export function paramPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `a param path is a full SSM name starting with /, as '/${path}'`;
  if (path.length > MAX_CHARS) return `a param path has at most ${MAX_CHARS} characters`;
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '')) return 'a param path has no empty segment (// or a trailing /)';
  if (segments.some((s) => !SEGMENT.test(s) || /^\.+$/.test(s))) {
    return 'a param path is segments of letters, digits, _ . - (and {stage}) separated by /';
  }
  if (segments.length > MAX_LEVELS) return `SSM allows at most ${MAX_LEVELS} levels in a parameter path`;
  if (RESERVED.some((r) => r.test(path)))
    return `${path.split('/')[1]} is reserved (ops' leases live under /_ops/, AWS's under /aws and /ssm)`;
  return undefined;
}

export const paramPathSchema = z.string().superRefine((p, ctx) => {
  const problem = paramPathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * A path this app's stage trees own (`/{app}/{stage}/...`, the default home of params): a fixed path there other
 * than the stage's own would read or write another stage's value, which is never what a `path` means. `{stage}` in
 * it is fine (that is the stage's own tree). Pure.
 */
export function underOwnStageTree(app: string, path: string): boolean {
  const [first, second, ...rest] = path.slice(1).split('/');
  return first === app && rest.length > 0 && second !== undefined && !second.includes('{stage}');
}

/**
 * The config lines a param's `path` gives beyond its own shape: `path` beside `secret` (two sources), a fixed path
 * inside one of this app's stage trees (`/{app}/prod/x` declared for every stage). `raw` is the unvalidated config.
 */
export function paramPathConfigProblems(raw: unknown): { path: string; message: string }[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { app, params } = raw as { app?: unknown; params?: unknown };
  if (typeof app !== 'string' || typeof params !== 'object' || params === null) return [];
  const out: { path: string; message: string }[] = [];
  for (const [name, p] of Object.entries(params as Record<string, unknown>)) {
    const path = (p as { path?: unknown } | null)?.path;
    if (typeof path === 'string' && (p as { secret?: unknown }).secret !== undefined) {
      out.push({ path: `params.${name}.path`, message: 'a param is read from an SSM path or from a secret, not both: keep one' });
      continue;
    }
    if (typeof path !== 'string' || paramPathProblem(path) || !underOwnStageTree(app, path)) continue;
    const stage = path.split('/')[2];
    out.push({
      path: `params.${name}.path`,
      message: `${path} is in stage ${stage}'s tree of ${app} (/${app}/${stage}/): every stage would read stage ${stage}'s value; write /${app}/{stage}/... for one per stage, or a path outside /${app}/<stage>/ to share one`,
    });
  }
  return out;
}
