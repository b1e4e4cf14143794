import { type HandlerPlace, type Language, looksSecret, toKey } from './keys.js';
import { type Member, objectText, Raw } from './literal.js';
import type { ImportedApi, ImportedFleet, ImportedFunction, ImportedRule } from './model.js';

/*
 * The `ops.config.ts` that `ops import` writes, from what it read: pure, so it is tested as text and loaded
 * through the real config loader. Kept names go under the stage they were read for (`name: { prod: '...' }`)
 * with `adopt: true`; a role is named (ops uses an existing role as it is); what ops cannot keep as it runs is
 * left out of the config and listed, so the first deploy does not touch it.
 */

/** One function that goes into the config. */
export interface PlannedFunction {
  fn: ImportedFunction;
  key: string;
  language: Language;
  place: HandlerPlace;
}

export interface ConfigText {
  text: string;
  /** What the config does not express and ops leaves as it is, one line each. */
  leftAlone: string[];
  /** `key: VAR` of environment variables left out because their names look secret (values never shown). */
  secrets: string[];
}

const OPS_TAG = /^(ops|aws):/;

/** The stage's kept name: `{ prod: 'autorescue-search-flights' }`. */
const kept = (stage: string, name: string) => ({ [stage]: name });

/** APIs whose routes the config can own: every route targets an imported function, with no authorizer. */
function apiKeys(apis: readonly ImportedApi[], used: ReadonlySet<string>): Map<string, string | undefined> {
  const keys = new Map<string, string | undefined>();
  const taken = new Set<string>();
  for (const api of apis.filter((a) => !a.unsupported && used.has(a.id))) {
    if (keys.size === 0) {
      keys.set(api.id, undefined); // the first one is the fleet's default API
      continue;
    }
    let key = toKey(api.name, 20);
    for (let n = 2; taken.has(key); n++) key = `${key.slice(0, 17)}-${n}`;
    taken.add(key);
    keys.set(api.id, key);
  }
  return keys;
}

function apiObject(api: ImportedApi, stage: string): Record<string, unknown> {
  return {
    name: kept(stage, api.name),
    adopt: true,
    ...(api.stage ? { stage: api.stage } : {}),
    ...(api.cors ? { cors: api.cors } : {}),
  };
}

function ruleTrigger(r: ImportedRule, stage: string): Record<string, unknown> {
  return {
    ...(r.schedule ? { schedule: r.schedule } : { eventPattern: r.pattern }),
    ruleName: kept(stage, r.name),
    adopt: true,
    ...(r.description ? { description: r.description } : {}),
    ...(r.enabled ? {} : { enabled: false }),
    ...(r.input === undefined ? {} : { input: r.input }),
  };
}

/** The function's triggers the config keeps, and what it leaves alone. */
function triggersOf(p: PlannedFunction, stage: string, leftAlone: string[]): unknown[] {
  const out: unknown[] = [];
  for (const r of p.fn.rules) {
    if (r.unsupported) leftAlone.push(`${p.key}: EventBridge rule ${r.name}: ${r.unsupported}`);
    else out.push(ruleTrigger(r, stage));
  }
  // ops subscribes `live` and takes no subscription of the bare function over: an `sns` trigger would add a second
  // delivery of every message beside the running one, so the subscription stays as it is until ops can adopt it.
  for (const s of p.fn.sns)
    leftAlone.push(
      `${p.key}: SNS subscription to ${s.topicArn} (kept as it is: an sns trigger would subscribe live beside it, a second delivery)`,
    );
  for (const m of p.fn.mappings) {
    const what = m.kind === 'sqs' ? 'SQS queue' : m.kind === 'dynamodb' ? 'DynamoDB stream' : 'event source';
    leftAlone.push(`${p.key}: ${what} mapping from ${m.sourceArn} (declare the source under resources with name and adopt to manage it)`);
  }
  return out;
}

/** The function's policy statements for callers the config does not express: listed, and kept as they are. */
function otherCallers(p: PlannedFunction, apiIds: ReadonlySet<string>, leftAlone: string[]): void {
  const rules = new Set(p.fn.rules.filter((r) => !r.unsupported).map((r) => r.name));
  const topics = new Set(p.fn.sns.map((s) => s.topicArn));
  for (const c of p.fn.callers) {
    const arn = c.sourceArn ?? '';
    if (c.principal === 'events.amazonaws.com' && rules.has(arn.slice(arn.lastIndexOf('/') + 1))) continue;
    if (c.principal === 'sns.amazonaws.com' && topics.has(arn)) continue;
    if (c.principal === 'apigateway.amazonaws.com' && apiIds.has(/:execute-api:[^:]+:[^:]+:([^/]+)/.exec(arn)?.[1] ?? '')) continue;
    leftAlone.push(
      `${p.key}: ${c.principal} may invoke it${arn ? ` from ${arn}` : ''} (statement ${c.sid}): not in the config, kept as it is`,
    );
  }
}

/** A secret-looking variable becomes a secure param resolved into the same variable at deploy: its value is never written. */
export const secretParamName = (envVar: string) => envVar.toLowerCase().replace(/_/g, '-');

function environmentMembers(p: PlannedFunction, secrets: string[]): { env: Member[]; params: unknown[] } {
  const env: Member[] = [];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(p.fn.environment)) {
    if (!looksSecret(key)) {
      env.push({ key, value });
      continue;
    }
    const name = secretParamName(key);
    secrets.push(`${p.key}: ${key} (param ${name})`);
    params.push({ name, env: key, resolve: true });
  }
  return { env, params };
}

function routesOf(p: PlannedFunction, apis: Map<string, string | undefined>, byId: Map<string, ImportedApi>, leftAlone: string[]) {
  const out: unknown[] = [];
  for (const r of p.fn.routes) {
    if (!apis.has(r.apiId)) {
      const api = byId.get(r.apiId);
      leftAlone.push(`${p.key}: route ${r.routeKey} of API ${api?.name ?? r.apiId}: ${api?.unsupported ?? 'not read'}`);
      continue;
    }
    const key = apis.get(r.apiId);
    out.push(key === undefined ? r.routeKey : { route: r.routeKey, api: key });
  }
  return out.length ? out : undefined;
}

function functionMembers(
  p: PlannedFunction,
  ctx: { stage: string; fleetRole?: string; apis: Map<string, string | undefined>; byId: Map<string, ImportedApi> },
  out: { leftAlone: string[]; secrets: string[] },
): Member[] {
  const fn = p.fn;
  const { env, params } = environmentMembers(p, out.secrets);
  const tags = Object.fromEntries(Object.entries(fn.tags).filter(([k]) => !OPS_TAG.test(k)));
  const triggers = triggersOf(p, ctx.stage, out.leftAlone);
  otherCallers(p, new Set(ctx.apis.keys()), out.leftAlone);
  if (fn.aliases.length) out.leftAlone.push(`${p.key}: aliases ${fn.aliases.join(', ')} (kept as they are; ops adds and moves live)`);
  if (fn.hasUrl) out.leftAlone.push(`${p.key}: its Function URL (on the function as it is; not managed)`);
  if (fn.hasDestinations) out.leftAlone.push(`${p.key}: its asynchronous invocation settings and destinations`);
  return [
    { key: 'name', value: kept(ctx.stage, fn.name) },
    { key: 'adopt', value: true },
    { key: 'handler', value: p.place.handler },
    { key: 'runtime', value: fn.runtime },
    { key: 'memory', value: fn.memory ?? 128 },
    { key: 'timeout', value: fn.timeout ?? 3 },
    { key: 'architecture', value: fn.architecture ?? 'x86_64' },
    { key: 'ephemeralStorage', value: fn.ephemeralStorage && fn.ephemeralStorage !== 512 ? fn.ephemeralStorage : undefined },
    { key: 'description', value: fn.description || undefined },
    { key: 'environment', value: env.length ? new Raw(objectText(env, '      ')) : undefined },
    {
      key: 'params',
      value: params.length ? params : undefined,
      comment: params.length ? 'secret-looking variables: each a secure param, put into the same variable at deploy' : undefined,
    },
    { key: 'tags', value: Object.keys(tags).length ? tags : undefined },
    { key: 'routes', value: routesOf(p, ctx.apis, ctx.byId, out.leftAlone) },
    { key: 'role', value: fn.roleName && fn.roleName !== ctx.fleetRole ? fn.roleName : undefined },
    // No log group yet is what Lambda makes on first use: a group without retention.
    { key: 'logRetentionDays', value: fn.logRetentionDays ?? 'never' },
    { key: 'triggers', value: triggers.length ? triggers : undefined, expand: true },
    { key: 'vpc', value: fn.vpc },
    { key: 'layers', value: fn.layers.length ? fn.layers : undefined },
    { key: 'reservedConcurrency', value: fn.reservedConcurrency },
    { key: 'tracing', value: fn.tracing === 'Active' ? 'Active' : undefined },
    { key: 'root', value: p.place.root },
  ];
}

/** The whole `ops.config.ts`. */
export function configText(fleet: ImportedFleet, planned: readonly PlannedFunction[]): ConfigText {
  const leftAlone: string[] = [];
  const secrets: string[] = [];
  const roles = new Set(planned.map((p) => p.fn.roleName));
  const fleetRole = roles.size === 1 ? [...roles][0] : undefined;
  const byId = new Map(fleet.apis.map((a) => [a.id, a]));
  const apis = apiKeys(fleet.apis, new Set(planned.flatMap((p) => p.fn.routes.map((r) => r.apiId))));
  const functions = planned.map((p) => ({
    key: p.key,
    value: new Raw(objectText(functionMembers(p, { stage: fleet.stage, fleetRole, apis, byId }, { leftAlone, secrets }), '    ')),
  }));
  const named = [...apis].filter(([, k]) => k !== undefined);
  const first = [...apis].find(([, k]) => k === undefined)?.[0];
  const members: Member[] = [
    { key: 'app', value: fleet.app },
    { key: 'region', value: fleet.region },
    {
      key: 'role',
      value: fleetRole,
      comment: fleetRole ? 'an existing role: ops uses it as it is and never changes it' : undefined,
    },
    { key: 'api', value: first ? apiObject(byId.get(first) as ImportedApi, fleet.stage) : undefined },
    {
      key: 'apis',
      value: named.length
        ? Object.fromEntries(named.map(([id, k]) => [k, apiObject(byId.get(id) as ImportedApi, fleet.stage)]))
        : undefined,
    },
    { key: 'params', value: paramsOf(secrets) },
    { key: 'functions', value: new Raw(objectText(functions, '  ')) },
  ];
  const text = [
    `// Written by ops import from ${fleet.region}: the running functions of stage ${fleet.stage}, kept by name and adopted.`,
    `// Review it, then: ops plan --stage ${fleet.stage} (adoptions and the moves to live: nothing created or deleted), ops deploy --stage ${fleet.stage}.`,
    "import { defineFleet } from 'opsfleet';",
    '',
    `export default defineFleet(${objectText(members, '')});`,
    '',
  ].join('\n');
  return { text, leftAlone, secrets };
}

/** The secure params that the secret-looking variables became (`fn: VAR (param name)`), declared once each. */
function paramsOf(secrets: readonly string[]): Record<string, unknown> | undefined {
  const names = [...new Set(secrets.map((s) => /\(param ([^)]+)\)$/.exec(s)?.[1]).filter((n): n is string => !!n))].sort();
  if (!names.length) return undefined;
  return Object.fromEntries(
    names.map((n) => [
      n,
      { secure: true, plaintextEnv: true, description: 'the value the running function has (it reads it from its environment)' },
    ]),
  );
}
