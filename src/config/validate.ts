import type { z } from 'zod';
import { apiKeyProblems } from './api-keys.js';
import { stageSettingsProblems } from './api-stage.js';
import { authorizerProblems, routeKeyOf } from './authorizers.js';
import { withDefaults } from './defaults.js';
import { didYouMean } from './did-you-mean.js';
import { functionNameProblems, rawFunctionName, roleNameProblems } from './function-name-problems.js';
import { handlerCandidates, isPythonFile } from './handler-files.js';
import { apiNameProblems, keptListNameProblems } from './kept-name-problems.js';
import { knownKeysAt, valueAt } from './known-keys.js';
import { alarmRangeProblem } from './limits.js';
import { layerKeyOf, MAX_NAME_LENGTH, MAX_RULE_NAME_LENGTH, patternRuleSuffix, physicalName, ruleName, shortHash } from './naming.js';
import { paramPathConfigProblems } from './param-paths.js';
import { resolvedSecretUses } from './param-secrets.js';
import { ACCOUNT_PART, parseRef, REF_HELP, REGION_PART } from './refs.js';
import { fleetSchema, type ParsedFleet, type ParsedFunction } from './schema.js';
import { apisProblems, perApiProblems, routeApiKey } from './validate-apis.js';
import { resourceProblems } from './validate-resources.js';
import { restApiProblems } from './validate-rest-api.js';

type ParsedDefaults = NonNullable<ParsedFleet['defaults']>;

export interface Problem {
  path: string;
  message: string;
}

/** Everything `validateFleet` needs from the outside world, so it stays testable. */
export interface ValidateEnv {
  stage: string;
  /** Does this path (relative to the config's directory) exist? */
  exists(relPath: string): boolean;
}

/**
 * Checks a raw config object: the schema, then the rules that span fields (references,
 * files on disk, names per stage). Every problem is returned, each with its field path.
 */
export function validateFleet(raw: unknown, env: ValidateEnv): { fleet?: ParsedFleet; problems: Problem[] } {
  const parsed = fleetSchema.safeParse(raw);
  const problems: Problem[] = parsed.success ? [] : parsed.error.issues.flatMap((issue) => issueToProblems(issue, raw));
  problems.push(
    ...crossFieldProblems(raw, env),
    ...resourceProblems(raw, env.stage),
    ...paramPathConfigProblems(raw),
    ...functionNameProblems(raw, env.stage),
    ...roleNameProblems(raw, env.stage),
    ...apiNameProblems(raw, env.stage),
    ...keptListNameProblems(raw, env.stage),
  );
  const unique = dedupe(problems).sort((a, b) => a.path.localeCompare(b.path));
  return parsed.success && unique.length === 0 ? { fleet: parsed.data, problems: [] } : { problems: unique };
}

function dedupe(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.path}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : typeof v} ${String(v)}`;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/**
 * "is required" only when the field is really missing; otherwise what was expected and what was
 * given, with the fix when it is obvious (`must be a string; write '8080'`). A message the schema
 * wrote itself wins over zod's generic one.
 */
function typeProblem(issue: z.core.$ZodIssue & { code: 'invalid_type' }, given: unknown): string {
  if (given === undefined) return 'is required';
  if (!issue.message.startsWith('Invalid input')) return `${issue.message} (got ${describeValue(given)})`;
  const expected = String(issue.expected);
  const fix = expected === 'string' && (typeof given === 'number' || typeof given === 'boolean') ? `; write '${String(given)}'` : '';
  return `must be ${article(expected)}, not ${describeValue(given)}${fix}`;
}

/** `base`: where `raw` sits in the config, for an issue inside a union (its path is relative to the union). */
function issueToProblems(issue: z.core.$ZodIssue, raw: unknown, base: string[] = []): Problem[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type') return [{ path, message: typeProblem(issue, valueAt(raw, issue.path)) }];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt([...base, ...issue.path.map(String)], base.length ? undefined : raw);
    return issue.keys.map((k) => {
      const guess = didYouMean(k, known);
      return { path: path ? `${path}.${k}` : k, message: `unknown key${guess ? ` (did you mean '${guess}'?)` : ''}` };
    });
  }
  if (issue.code === 'invalid_key') {
    // A record key failed its schema: the key itself is the field, its own issues say why.
    return issue.issues.map((inner) => ({ path, message: inner.message }));
  }
  if (issue.code === 'invalid_union') {
    // Report the branch that got furthest rather than "invalid input".
    const here = valueAt(raw, issue.path);
    // A branch refused for its type or value alone (`true | {...}` or `false | {...}` given an object) got nowhere:
    // a branch that looked inside wins.
    const typeOnly = (errs: z.core.$ZodIssue[]) =>
      errs.every((e) => (e.code === 'invalid_type' || e.code === 'invalid_value') && e.path.length === 0);
    const inside = issue.errors.filter((errs) => !typeOnly(errs));
    const tried = isObj(here) && inside.length ? inside : issue.errors;
    const branches = tried.map((errs) => errs.flatMap((e) => issueToProblems(e, here, [...base, ...issue.path.map(String)])));
    const best = branches.sort((a, b) => a.length - b.length)[0];
    if (best?.length) return best.map((p) => ({ path: [path, p.path].filter(Boolean).join('.'), message: p.message }));
  }
  return [{ path, message: issue.message }];
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function crossFieldProblems(raw: unknown, env: ValidateEnv): Problem[] {
  if (!isObj(raw) || !isObj(raw.functions)) return [];
  const out: Problem[] = [];
  const fns = raw.functions as Record<string, any>;
  const declared = isObj(raw.params) ? Object.keys(raw.params) : [];
  const routeOwner = new Map<string, string>();
  const app = typeof raw.app === 'string' ? raw.app : '';
  const layerPaths = new Map<string, { path: string; at: string }>();
  const rules = new Map<string, { key: string; i: number }>();
  out.push(
    ...perApiProblems(raw, (view) => [
      ...restApiProblems(view),
      ...authorizerProblems(view),
      ...apiKeyProblems(view),
      ...stageSettingsProblems(view),
    ]),
    ...apisProblems(raw),
  );
  const defaults = isObj(raw.defaults) ? raw.defaults : undefined;
  if (defaults)
    out.push(
      ...undeclaredParams(defaults.params, 'defaults', declared),
      ...resolvedSecretUses(defaults.params, 'defaults', raw.params),
      ...layerProblems(defaults, 'defaults', env, layerPaths),
    );
  for (const [key, fn] of Object.entries(fns)) {
    if (!isObj(fn)) continue;
    const at = `functions.${key}`;
    const layerCount = mergedLayerCount(defaults, fn);
    if (layerCount > 5 && !(Array.isArray(fn.layers) && fn.layers.length > 5))
      out.push({
        path: `${at}.layers`,
        message: `${layerCount} layers with defaults.layers: a function can use at most 5 (ignoreDefaults: ['layers'] declines them)`,
      });
    const name = physicalName(app, env.stage, key);
    // A kept name's length is functionNameProblems' line.
    if (app && name.length > MAX_NAME_LENGTH && rawFunctionName(app, env.stage, key, fn) === name) {
      out.push({
        path: at,
        message: `physical name '${name}' is ${name.length} characters; Lambda allows ${MAX_NAME_LENGTH} (shorten app, stage or function name)`,
      });
    }
    if (typeof fn.handler === 'string') {
      const { files } = handlerCandidates(fn.handler);
      const found = files.find((f) => env.exists(f));
      if (files.length === 0) {
        out.push({
          path: `${at}.handler`,
          message: `'${fn.handler}' is neither a file (handler.ts, lambda_function.py) nor 'path/module.export'`,
        });
      } else if (!found) {
        out.push({
          path: `${at}.handler`,
          message: `no file for '${fn.handler}' (looked for ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`,
        });
      } else {
        const runtime = typeof fn.runtime === 'string' ? fn.runtime : raw.defaults?.runtime;
        const py = isPythonFile(found);
        if (typeof runtime === 'string' && runtime.startsWith('python') !== py && fn.runtime !== undefined) {
          out.push({
            path: `${at}.runtime`,
            message: `${runtime} cannot run ${found} (a ${py ? 'Python' : 'JavaScript/TypeScript'} file)`,
          });
        }
        if (!py && (fn.root !== undefined || fn.requirements !== undefined)) {
          out.push({ path: `${at}.${fn.root !== undefined ? 'root' : 'requirements'}`, message: 'only applies to Python functions' });
        }
        if (py && isObj(fn.url) && fn.url.invokeMode === 'RESPONSE_STREAM')
          out.push({ path: `${at}.url.invokeMode`, message: "response streaming needs a Node.js handler: write 'BUFFERED' or drop it" });
        // A Node zip is one bundle: nothing to pick files from (defaults' globs apply to Python functions only).
        for (const f of ['include', 'exclude'] as const)
          if (!py && fn[f] !== undefined)
            out.push({ path: `${at}.${f}`, message: 'only applies to Python functions (a Node zip is its bundle)' });
      }
    }
    if (typeof fn.requirements === 'string' && !env.exists(fn.requirements)) {
      out.push({ path: `${at}.requirements`, message: `file not found: ${fn.requirements}` });
    }
    out.push(...undeclaredParams(fn.params, at, declared), ...resolvedSecretUses(fn.params, at, raw.params));
    if (Array.isArray(fn.invokes)) {
      fn.invokes.forEach((entry: unknown, i: number) => {
        const target = isObj(entry) ? entry.function : entry;
        if (typeof target === 'string' && !(target in fns)) {
          const guess = didYouMean(target, Object.keys(fns));
          out.push({
            path: `${at}.invokes.${i}${isObj(entry) ? '.function' : ''}`,
            message: `no function '${target}' in this fleet${guess ? ` (did you mean '${guess}'?)` : ''}`,
          });
        }
      });
    }
    if (Array.isArray(fn.routes)) {
      if (raw.api === false && fn.routes.some((r: unknown) => !routeApiKey(r)))
        out.push({ path: `${at}.routes`, message: 'routes need an HTTP API, but the config says api: false' });
      fn.routes.forEach((entry: unknown, i: number) => {
        const r = routeKeyOf(entry);
        if (r === undefined) return;
        // One route key per API: the same route on two APIs is fine.
        const norm = `${routeApiKey(entry)} ${normalizeRouteKey(r)}`;
        const owner = routeOwner.get(norm);
        if (owner) out.push({ path: `${at}.routes.${i}`, message: `'${r}' is already a route of '${owner}'` });
        else routeOwner.set(norm, key);
      });
    }
    if (
      typeof fn.provisionedConcurrency === 'number' &&
      typeof fn.reservedConcurrency === 'number' &&
      fn.provisionedConcurrency > fn.reservedConcurrency
    ) {
      out.push({ path: `${at}.provisionedConcurrency`, message: `must not exceed reservedConcurrency (${fn.reservedConcurrency})` });
    }
    out.push(...triggerProblems(app, env.stage, key, fn, rules), ...layerProblems(fn, at, env, layerPaths), ...alarmRangeProblems(fn, at));
    const onFailure = isObj(fn.async) ? fn.async.onFailure : undefined;
    if (typeof onFailure === 'string' && !ASYNC_DESTINATION.test(onFailure) && !(onFailure in fns)) {
      out.push({
        path: `${at}.async.onFailure`,
        message: `'${onFailure}' is neither an SQS, SNS, Lambda or EventBridge ARN nor a function of this fleet`,
      });
    }
    out.push(...refProblems(raw, fn.environment, `${at}.environment`));
  }
  out.push(...refProblems(raw, defaults?.environment, 'defaults.environment'));
  return out;
}

/** Each `{ ref }` in an environment names something the fleet has: a function, a layer it builds, its HTTP API. */
function refProblems(raw: Record<string, any>, environment: unknown, at: string): Problem[] {
  if (!isObj(environment)) return [];
  const fns = raw.functions as Record<string, any>;
  const layerLists = [raw.defaults?.layers, ...Object.values(fns).map((f) => (isObj(f) ? f.layers : undefined))];
  const layers = new Set(
    layerLists.flatMap((list) =>
      Array.isArray(list) ? list.filter((l: unknown) => isObj(l) && typeof l.path === 'string').map((l: any) => layerKeyOf(l)) : [],
    ),
  );
  const hasApi = raw.api !== false && Object.values(fns).some((f) => isObj(f) && Array.isArray(f.routes) && f.routes.length > 0);
  const out: Problem[] = [];
  for (const [name, value] of Object.entries(environment)) {
    if (!isObj(value) || typeof value.ref !== 'string') continue;
    const path = `${at}.${name}.ref`;
    const ref = parseRef(value.ref);
    if (!ref) out.push({ path, message: `'${value.ref}' is not a reference: ${REF_HELP}` });
    else if (ref.kind === 'function' && !(ref.key in fns)) {
      const guess = didYouMean(ref.key, Object.keys(fns));
      out.push({ path, message: `no function '${ref.key}' in this fleet${guess ? ` (did you mean '${guess}'?)` : ''}` });
    } else if (ref.kind === 'layer' && !layers.has(ref.key)) {
      const known = layers.size ? `built layers: ${[...layers].join(', ')}` : 'no function has a built layer';
      out.push({ path, message: `no built layer '${ref.key}' in this fleet (${known})` });
    } else if (ref.kind === 'api' && !hasApi) {
      const why = raw.api === false ? 'the config says api: false' : 'no function has routes';
      out.push({ path, message: `this fleet has no HTTP API (${why})` });
    }
  }
  return out;
}

/** Params a function (or `defaults`, at `at`) reads that the fleet does not declare. */
function undeclaredParams(params: unknown, at: string, declared: string[]): Problem[] {
  if (!Array.isArray(params)) return [];
  return params.flatMap((p: unknown, i: number) => {
    const pname = typeof p === 'string' ? p : isObj(p) ? p.name : undefined;
    if (typeof pname !== 'string' || declared.includes(pname)) return [];
    const guess = didYouMean(pname, declared);
    return [{ path: `${at}.params.${i}`, message: `'${pname}' is not declared under params${guess ? ` (did you mean '${guess}'?)` : ''}` }];
  });
}

/** How many layers a function ends up with once `defaults.layers` is merged in (0 when either list is malformed). */
function mergedLayerCount(defaults: Record<string, any> | undefined, fn: Record<string, any>): number {
  const valid = (l: unknown) =>
    l === undefined || (Array.isArray(l) && l.every((x) => typeof x === 'string' || (isObj(x) && typeof x.path === 'string')));
  if (
    !valid(defaults?.layers) ||
    !valid(fn.layers) ||
    !(fn.ignoreDefaults === undefined || Array.isArray(fn.ignoreDefaults) || fn.ignoreDefaults === true)
  )
    return 0;
  return withDefaults(defaults as ParsedDefaults, fn as ParsedFunction).layers?.length ?? 0;
}

/** Where Lambda can send the events a function failed to process. */
const ASYNC_DESTINATION = new RegExp(`^arn:aws[a-z-]*:(sqs|sns|lambda|events):${REGION_PART}:${ACCOUNT_PART}:.+$`);

/**
 * No two schedules of the fleet may share a rule name: within a function, or across functions whose
 * names are cut to fit EventBridge's 64 characters (the plan would hold two changes for one rule).
 * A topic is subscribed once per function.
 */
function triggerProblems(
  app: string,
  stage: string,
  key: string,
  fn: Record<string, any>,
  rules: Map<string, { key: string; i: number }>,
): Problem[] {
  if (!Array.isArray(fn.triggers)) return [];
  const out: Problem[] = [];
  const topics = new Map<string, number>();
  fn.triggers.forEach((t: unknown, i: number) => {
    if (!isObj(t)) return;
    const at = `functions.${key}.triggers.${i}`;
    // A pattern rule's name is built like a schedule's (event-triggers.ts): the two share the rule names.
    const hashed =
      typeof t.schedule === 'string'
        ? shortHash(t.schedule)
        : isObj(t.eventPattern)
          ? patternRuleSuffix(typeof t.bus === 'string' ? t.bus : 'default', t.eventPattern)
          : undefined;
    if (hashed !== undefined) {
      const name = ruleName(app, stage, key, typeof t.name === 'string' ? t.name : hashed);
      const first = rules.get(name);
      if (first?.key === key) {
        out.push({ path: at, message: `gives the same rule name as triggers.${first.i} (${name}): give the schedules different names` });
      } else if (first) {
        out.push({
          path: at,
          message:
            `gives the same EventBridge rule name as functions.${first.key}.triggers.${first.i} (${name}: ` +
            `names are cut to ${MAX_RULE_NAME_LENGTH} characters): give one of the schedules a 'name', or shorten the function names`,
        });
      } else rules.set(name, { key, i });
    } else if (typeof t.sns === 'string') {
      const first = topics.get(t.sns);
      if (first !== undefined) out.push({ path: `${at}.sns`, message: `'${t.sns}' is already triggers.${first}` });
      else topics.set(t.sns, i);
    }
  });
  return out;
}

/** CloudWatch's evaluation range, from what the config says (the schema's defaults: 300 s, 1 period). */
function alarmRangeProblems(fn: Record<string, any>, at: string): Problem[] {
  if (!Array.isArray(fn.alarms)) return [];
  return fn.alarms.flatMap((a: unknown, i: number) => {
    if (!isObj(a)) return [];
    const period = a.periodSeconds ?? 300;
    const periods = a.evaluationPeriods ?? 1;
    if (!Number.isInteger(period) || !Number.isInteger(periods) || period < 1 || periods < 1) return [];
    const problem = alarmRangeProblem(period, periods);
    return problem ? [{ path: `${at}.alarms.${i}.evaluationPeriods`, message: problem }] : [];
  });
}

/** Built layers: their directory and requirements exist, and one name means one directory across the fleet. */
function layerProblems(fn: Record<string, any>, at: string, env: ValidateEnv, seen: Map<string, { path: string; at: string }>): Problem[] {
  if (!Array.isArray(fn.layers)) return [];
  const out: Problem[] = [];
  fn.layers.forEach((l: unknown, i: number) => {
    if (!isObj(l) || typeof l.path !== 'string') return;
    const where = `${at}.layers.${i}`;
    if (!env.exists(l.path)) out.push({ path: `${where}.path`, message: `directory not found: ${l.path}` });
    if (typeof l.requirements === 'string' && !env.exists(l.requirements)) {
      out.push({ path: `${where}.requirements`, message: `file not found: ${l.requirements}` });
    }
    const key = layerKeyOf({ path: l.path, name: typeof l.name === 'string' ? l.name : undefined });
    const other = seen.get(key);
    const norm = l.path.replace(/\/+$/, '').replace(/^\.\//, '');
    if (other && other.path !== norm) {
      out.push({ path: where, message: `layer '${key}' is already built from ${other.path} (${other.at}): give this one another name` });
    } else if (!other) seen.set(key, { path: norm, at: where });
  });
  return out;
}

/** API Gateway treats `{id}` and `{taskId}` in the same place as the same route. */
export function normalizeRouteKey(route: string): string {
  return route.replace(/\{[^}+]+\}/g, '{}').replace(/\{[^}]+\+\}/g, '{+}');
}
