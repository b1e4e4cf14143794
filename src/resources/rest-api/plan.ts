import { API_KEY_TAG, functionOfRestUri, restIntegrationUri } from '../../config/naming.js';
import type { ApiSpec, CorsSpec, FunctionSpec } from '../../config/types.js';
import type { ActualRestApi, ActualRestMethod } from '../../model/actual.js';
import type { FieldDiff } from '../../plan/change.js';
import { changeId, inScope, keyOfName, type PlanContext } from '../../plan/context.js';
import { compareStrings, fieldsSummary } from '../../plan/fields.js';
import type { RestApiChange } from './changes.js';
import { plannedRestAuth, planRestAuthorizerGrants, planRestAuthorizers, restAuthDiff } from './plan-authorizers.js';
import { apiKeyDiff, methodKeyFields } from './plan-keys.js';
import { planRestPermissions } from './plan-permissions.js';

export type { RestApiChange };

/** The fleet's REST API: resources and methods from the routes, CORS preflights, a deployment to the stage, permissions. */

const TYPE = 'rest api';
const RESOURCE = 'rest api resource';
const METHOD = 'rest api method';
/** SAM's `Cors` default for `AllowHeaders`. */
const SAM_CORS_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token'];
const ANY_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** `/a/b/c` → `/`, `/a`, `/a/b`, `/a/b/c`. */
export function pathsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}
const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/** Path → method → function: the routes of every desired function. */
function wantedMethods(ctx: PlanContext): Map<string, Map<string, FunctionSpec>> {
  const out = new Map<string, Map<string, FunctionSpec>>();
  for (const fn of ctx.desired) for (const r of fn.routes) out.set(r.path, (out.get(r.path) ?? new Map()).set(r.method, fn));
  return out;
}

/** The preflight's response headers, quoted as API Gateway's integration responses hold them. */
export function corsHeaders(cors: CorsSpec, methods: string[]): Record<string, string> {
  const q = (v: string) => `'${v}'`;
  const allow = cors.allowMethods?.length
    ? cors.allowMethods.map((m) => m.toUpperCase())
    : [...new Set([...methods.flatMap((m) => (m === 'ANY' ? ANY_METHODS : [m])), 'OPTIONS'])];
  return {
    'Access-Control-Allow-Headers': q((cors.allowHeaders?.length ? cors.allowHeaders : SAM_CORS_HEADERS).join(',')),
    'Access-Control-Allow-Methods': q([...new Set(allow)].sort(compareStrings).join(',')),
    'Access-Control-Allow-Origin': q((cors.allowOrigins?.length ? cors.allowOrigins : ['*']).join(',')),
    ...(cors.exposeHeaders?.length ? { 'Access-Control-Expose-Headers': q(cors.exposeHeaders.join(',')) } : {}),
    ...(cors.maxAge !== undefined ? { 'Access-Control-Max-Age': q(String(cors.maxAge)) } : {}),
    ...(cors.allowCredentials ? { 'Access-Control-Allow-Credentials': q('true') } : {}),
  };
}

const PREFIX = 'method.response.header.';
function haveCorsHeaders(m: ActualRestMethod | undefined): Record<string, string> | undefined {
  if (m?.integration?.type !== 'MOCK') return undefined;
  const h = m.integration.responseHeaders ?? {};
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.startsWith(PREFIX) ? k.slice(PREFIX.length) : k, v]));
}

function diffHeaders(from: Record<string, string> | undefined, to: Record<string, string>): FieldDiff[] {
  const keys = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to)])].sort(compareStrings);
  return keys.filter((k) => from?.[k] !== to[k]).map((k) => ({ field: `cors.${k}`, from: from?.[k], to: to[k] }));
}

function diffMethod(have: ActualRestMethod, uri: string, auth: FieldDiff | undefined): FieldDiff[] {
  const i = have.integration;
  const out: FieldDiff[] = auth ? [auth] : [];
  if (i?.type !== 'AWS_PROXY') out.push({ field: 'integration', from: i?.type ?? '(none)', to: 'AWS_PROXY' });
  if (i?.httpMethod !== 'POST') out.push({ field: 'integration.method', from: i?.httpMethod ?? '(none)', to: 'POST' });
  if (i?.uri !== uri) out.push({ field: 'target', from: functionOfRestUri(i?.uri) ?? i?.uri ?? '(none)', to: functionOfRestUri(uri) });
  return out;
}

interface Scope {
  want: ApiSpec;
  have?: ActualRestApi;
  apiId?: string;
  createId: string;
  /** Authorizer name → id (undefined: created by this plan). */
  authorizers: Map<string, string | undefined>;
}

/** Resources the routes need and lack, parents first. */
function planResources(s: Scope, paths: string[], out: RestApiChange[]): void {
  for (const path of paths.filter((p) => p !== '/' && !s.have?.resources[p])) {
    const parentPath = parentOf(path);
    out.push({
      kind: 'restapi.resource',
      id: changeId('restapi.resource', path),
      action: 'create',
      resource: { type: RESOURCE, name: path },
      summary: `create resource ${path}`,
      fields: [],
      dependsOn: [s.createId, changeId('restapi.resource', parentPath)],
      path,
      parentPath,
      ...(s.apiId ? { apiId: s.apiId } : {}),
      ...(s.have?.resources[parentPath] ? { parentId: s.have.resources[parentPath].id } : {}),
    });
  }
}

/** A method and an integration per route; CORS preflights; deletes of what no route wants, children first. */
function planMethods(
  ctx: PlanContext,
  s: Scope,
  want: Map<string, Map<string, FunctionSpec>>,
  preflights: ReadonlySet<string>,
  out: RestApiChange[],
): void {
  const { have, apiId, createId } = s;
  const ids = (path: string) => ({
    ...(apiId ? { apiId } : {}),
    ...(have?.resources[path] ? { resourceId: have.resources[path].id } : {}),
  });
  for (const [path, methods] of [...want].sort(([a], [b]) => compareStrings(a, b))) {
    const deps = [createId, changeId('restapi.resource', path)];
    for (const [method, fn] of [...methods].sort(([a], [b]) => compareStrings(a, b))) {
      if (!inScope(ctx, fn.name)) continue;
      const uri = restIntegrationUri(ctx.region, ctx.accountId, fn.name);
      const current = have?.resources[path]?.methods[method];
      const route = fn.routes.find((r) => r.path === path && r.method === method);
      const auth = route ? plannedRestAuth(route, s.authorizers) : { type: 'NONE' as const };
      const nameOfId = (id: string) => have?.authorizers?.find((a) => a.id === id)?.name;
      const fields = current ? [...diffMethod(current, uri, restAuthDiff(current, auth, nameOfId)), ...apiKeyDiff(current, route)] : [];
      if (current && !fields.length) continue;
      out.push({
        kind: 'restapi.method',
        id: changeId('restapi.method', `${method} ${path}`),
        action: current ? 'update' : 'create',
        fn: fn.key,
        resource: { type: METHOD, name: `${method} ${path}` },
        summary: current
          ? `update method ${method} ${path}: ${fieldsSummary(fields)}`
          : `create method ${method} ${path} → ${fn.name}:live (AWS_PROXY)${route?.apiKey ? ', api key required' : ''}`,
        fields,
        dependsOn: [...deps, changeId('alias.publish', fn.name), ...(auth.authorizer ? [authorizerCreate(auth.authorizer)] : [])],
        path,
        method,
        name: fn.name,
        uri,
        ...ids(path),
        ...(auth.type !== 'NONE' ? { auth } : {}),
        ...(current?.authorizerId || current?.authorizationScopes
          ? { haveAuth: { authorizerId: current.authorizerId, scopes: current.authorizationScopes } }
          : {}),
        ...methodKeyFields(current, route),
      });
    }
    if (!s.want.cors || !preflights.has(path)) continue;
    const headers = corsHeaders(s.want.cors, [...methods.keys()]);
    const current = have?.resources[path]?.methods.OPTIONS;
    const fields = diffHeaders(haveCorsHeaders(current), headers);
    if (current && !fields.length) continue;
    out.push({
      kind: 'restapi.cors',
      id: changeId('restapi.cors', path),
      action: current ? 'update' : 'create',
      resource: { type: METHOD, name: `OPTIONS ${path}` },
      summary: `${current ? 'update' : 'create'} CORS preflight OPTIONS ${path}`,
      fields: current ? fields : [],
      dependsOn: deps,
      path,
      headers,
      ...ids(path),
    });
  }
  if (have && apiId) planDeletes(ctx, have, apiId, want, s.want.cors !== undefined, out);
}

function planDeletes(
  ctx: PlanContext,
  have: ActualRestApi,
  apiId: string,
  want: Map<string, Map<string, FunctionSpec>>,
  cors: boolean,
  out: RestApiChange[],
): void {
  const deleted = new Map<string, string[]>();
  let kept = new Set<string>();
  for (const [path, r] of Object.entries(have.resources).sort(([a], [b]) => compareStrings(a, b))) {
    for (const method of Object.keys(r.methods).sort(compareStrings)) {
      const wanted = want.get(path)?.has(method) || (method === 'OPTIONS' && cors && want.has(path));
      const owner = functionOfRestUri(r.methods[method].integration?.uri);
      if (wanted || (ctx.scope && !(owner && inScope(ctx, owner)))) {
        kept.add(path);
        continue;
      }
      const id = changeId('restapi.method.delete', `${method} ${path}`);
      out.push({
        kind: 'restapi.method.delete',
        id,
        action: 'delete',
        ...(owner ? { fn: keyOfName(ctx, owner) } : {}),
        resource: { type: METHOD, name: `${method} ${path}` },
        summary: `delete method ${method} ${path}`,
        fields: [],
        dependsOn: [],
        path,
        method,
        apiId,
        resourceId: r.id,
      });
      deleted.set(path, [...(deleted.get(path) ?? []), id]);
    }
  }
  // A resource stays while a route or a kept method needs it, or anything under it does.
  kept = new Set([...kept, ...want.keys()].flatMap(pathsOf));
  const gone = Object.keys(have.resources)
    .filter((p) => p !== '/' && !kept.has(p))
    .sort((a, b) => b.length - a.length || compareStrings(a, b));
  for (const path of gone) {
    const children = gone.filter((p) => parentOf(p) === path).map((p) => changeId('restapi.resource.delete', p));
    out.push({
      kind: 'restapi.resource.delete',
      id: changeId('restapi.resource.delete', path),
      action: 'delete',
      resource: { type: RESOURCE, name: path },
      summary: `delete resource ${path}`,
      fields: [],
      dependsOn: [...(deleted.get(path) ?? []), ...children],
      path,
      apiId,
      resourceId: have.resources[path].id,
    });
  }
}

/** A new deployment when routes or integrations change (or the stage lacks one); else variables, leftover deployments. */
function planStage(s: Scope, routeChanges: RestApiChange[], out: RestApiChange[], selection: boolean): void {
  const { want, have, apiId, createId } = s;
  const stageName = want.stage ?? 'prod';
  const stage = have?.stages.find((x) => x.name === stageName);
  const resource = { type: 'api stage', name: `${want.name} ${stageName}` };
  if (routeChanges.length || !stage?.deploymentId) {
    out.push({
      kind: 'restapi.deploy',
      id: changeId('restapi.deploy', stageName),
      action: stage ? 'update' : 'create',
      resource,
      summary: stage
        ? `deploy ${want.name} to stage ${stageName} (new deployment)`
        : `create stage ${stageName} of ${want.name} with a deployment`,
      fields: [{ field: 'deployment', from: stage?.deploymentId ?? '(none)', to: '(new)' }],
      dependsOn: [createId, ...routeChanges.map((c) => c.id)],
      stage: stageName,
      ...(want.stageVariables ? { variables: want.stageVariables } : {}),
      ...(apiId ? { apiId } : {}),
    });
    return;
  }
  // The stage's variables and old deployments are the whole API's: not a selection's (`ops deploy fn`) to change.
  if (!apiId || selection) return;
  const fields = diffHeaders(stage.variables, want.stageVariables ?? {}).map((f) => ({
    ...f,
    field: f.field.replace(/^cors\./, 'variables.'),
  }));
  if (fields.length) {
    out.push({
      kind: 'restapi.stage',
      id: changeId('restapi.stage', stageName),
      action: 'update',
      resource,
      summary: `update stage ${stageName} of ${want.name}: ${fieldsSummary(fields)}`,
      fields,
      dependsOn: [],
      stage: stageName,
      ...(want.stageVariables ? { variables: want.stageVariables } : {}),
      ...(stage.variables ? { haveVariables: stage.variables } : {}),
      apiId,
    });
  }
  const used = new Set(have?.stages.map((x) => x.deploymentId));
  const stale = (have?.deployments ?? []).filter((d) => !used.has(d.id));
  if (stale.length) {
    out.push({
      kind: 'restapi.prune',
      id: changeId('restapi.prune', want.name),
      action: 'delete',
      resource: { type: 'api deployments', name: want.name },
      summary: `delete ${stale.length} deployment(s) of ${want.name} no stage uses`,
      fields: stale.map((d) => ({ field: 'deployment', from: d.id })),
      dependsOn: [],
      apiId,
    });
  }
}

const authorizerCreate = (name: string) => changeId('restapi.authorizer.create', name);

/** What the stage's deployment holds: a change to any of these needs a new one. */
const ROUTE_KINDS = new Set([
  'restapi.resource',
  'restapi.method',
  'restapi.cors',
  'restapi.method.delete',
  'restapi.resource.delete',
  'restapi.authorizer.create',
  'restapi.authorizer.update',
]);

/** The stage's REST API when the config asks for one (`api.type: 'rest'`); deleted when it no longer does. */
export function planRestApi(ctx: PlanContext): RestApiChange[] {
  const have = ctx.actual.restApi;
  const want = !(ctx.destroy && !ctx.scope) && ctx.fleet.api?.type === 'rest' ? ctx.fleet.api : undefined;
  if (!want) return have && !ctx.scope ? planRestApiDelete(ctx, have) : [];
  // A function deployed alone that has routes, or names the API's URL or id, needs the API.
  const needed = ctx.deploy.some((f) => f.routes.length || Object.values(f.envRefs ?? {}).some((r) => r.kind === 'api'));
  if (!have && ctx.scope && !needed) return [];
  const createId = changeId('restapi.create', want.name);
  const authorizers = planRestAuthorizers(ctx, want, have, createId);
  const s: Scope = { want, have, apiId: have?.id, createId, authorizers: authorizers.ids };
  const out: RestApiChange[] = [];
  if (!have) {
    out.push({
      kind: 'restapi.create',
      id: s.createId,
      action: 'create',
      resource: { type: TYPE, name: want.name },
      summary: `create rest api ${want.name} (regional)`,
      fields: [],
      dependsOn: [],
      apiName: want.name,
      stage: want.stage ?? 'prod',
      tags: ctx.fleet.tags,
    });
  }
  const methods = wantedMethods(ctx);
  // A selection makes the resources (and preflights) of its own methods only: the others' come with their deploys.
  const ours = ctx.scope
    ? [...methods].filter(([, m]) => [...m.values()].some((f) => inScope(ctx, f.name))).map(([p]) => p)
    : [...methods.keys()];
  const paths = [...new Set(ours.flatMap(pathsOf))].sort((a, b) => a.length - b.length || compareStrings(a, b));
  out.push(...authorizers.changes);
  planResources(s, paths, out);
  planMethods(ctx, s, methods, new Set(ours), out);
  planStage(
    s,
    out.filter((c) => ROUTE_KINDS.has(c.kind)),
    out,
    ctx.scope !== undefined,
  );
  // An authorizer goes once no method (nor the stage's deployment) names it.
  const users = out.filter((c) => c.kind === 'restapi.method' || c.kind === 'restapi.method.delete' || c.kind === 'restapi.deploy');
  out.push(...authorizers.deletes.map((c) => ({ ...c, dependsOn: users.map((u) => u.id) })));
  out.push(...planRestAuthorizerGrants(ctx, want, s.apiId, authorizers.ids));
  out.push(...planRestPermissions(ctx, true, s.apiId, [s.createId]));
  for (const dup of ctx.scope ? [] : (have?.duplicates ?? []))
    out.push(
      deleteChange(
        `${want.name} (${dup})`,
        dup,
        out.map((c) => c.id),
      ),
    );
  return out;
}

function deleteChange(name: string, apiId: string, dependsOn: string[]): RestApiChange {
  return {
    kind: 'restapi.delete',
    id: changeId('restapi.delete', name),
    action: 'delete',
    resource: { type: TYPE, name },
    summary: `delete rest api ${name} with its resources, stages and deployments`,
    fields: [],
    dependsOn,
    apiId,
  };
}

/** No REST API in the config: delete the owned one (and newer duplicates), and the functions' REST permissions. */
function planRestApiDelete(ctx: PlanContext, have: ActualRestApi): RestApiChange[] {
  const main = deleteChange(`${have.name} (${have.id})`, have.id, []);
  return [
    main,
    ...(have.duplicates ?? []).map((d) => deleteChange(`${have.name} (${d})`, d, [])),
    ...planRestPermissions(ctx, false, have.id, [main.id]),
    ...planRestAuthorizerGrants(ctx, undefined, undefined, new Map(), have.tags[API_KEY_TAG]).map((c) => ({ ...c, dependsOn: [main.id] })),
  ];
}
