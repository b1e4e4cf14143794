import type { ApplyRun } from '../../apply/run.js';
import type { Aws } from '../../aws/clients.js';
import { addPermission, removePermissions } from '../../aws/lambda-alias.js';
import {
  createResource,
  createRestApi,
  deleteMethod,
  deleteResource,
  deleteRestApi,
  deployStage,
  pruneDeployments,
  putCorsMethod,
  putRouteMethod,
  updateStageVariables,
} from '../../aws/rest-api.js';
import { readRestApis } from '../../aws/rest-api-named.js';
import { readRestAuthorizers } from '../../aws/rest-authorizers.js';
import { isNamedRestSid, POLICY_MARKER_TAG, REST_API_PERMISSION_PREFIX, restApiUrl, restRouteSourceArn } from '../../config/naming.js';
import type { ApiSpec } from '../../config/types.js';
import type { ActualRestApi, ReadScope } from '../../model/actual.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { planPerApi } from '../plan-api-views.js';
import {
  applyAuthorizerCreate,
  applyAuthorizerDelete,
  applyAuthorizerGrant,
  applyAuthorizerRevoke,
  applyAuthorizerUpdate,
  methodAuth,
} from './apply-authorizers.js';
import type { RestApiChange } from './changes.js';
import { planRestApi } from './plan.js';
import { REST_AUTHORIZER_SID_PREFIX } from './plan-authorizers.js';

/** What one apply run learns about the REST API: its id once created, the ids of resources created (by path). */
interface RestRun {
  apiId?: string;
  resources: Map<string, string>;
}
/** One per API of the run: the default one (key '') and each named one (`apis.<key>`). */
const runs = new WeakMap<ApplyRun, Map<string, RestRun>>();
function restRun(run: ApplyRun, key?: string): RestRun {
  let byKey = runs.get(run);
  if (!byKey) runs.set(run, (byKey = new Map()));
  let r = byKey.get(key ?? '');
  if (!r) {
    const have = key ? run.opts.actual.restApis?.[key] : run.opts.actual.restApi;
    r = { apiId: have?.id, resources: new Map(Object.entries(have?.resources ?? {}).map(([p, x]) => [p, x.id])) };
    byKey.set(key ?? '', r);
  }
  return r;
}

const apiOf = (run: ApplyRun, c: { apiId?: string; namedApi?: string }) => {
  const id = c.apiId ?? restRun(run, c.namedApi).apiId;
  if (!id) throw new Error('the REST API does not exist (its creation failed or was skipped)');
  return id;
};
const resourceOf = (run: ApplyRun, path: string, known?: string, key?: string) => {
  const id = known ?? restRun(run, key).resources.get(path);
  if (!id) throw new Error(`the REST API has no resource ${path} (its creation failed or was skipped)`);
  return id;
};

/** The API's config declares authorizers, or one of its routes names one (a REST fleet without them makes no GetAuthorizers call). */
const wantsAuthorizers = (scope: ReadScope, spec: ApiSpec | undefined, key: string | undefined) =>
  Boolean(spec?.authorizers?.length) ||
  Boolean(scope.functions?.some((f) => f.routes.some((r) => r.api === key && r.auth && r.auth.type !== 'iam')));

/** An API's authorizers, read only when its config wants some or one of its methods still names one (so they can be let go of). */
async function readAuthorizersOf(aws: Aws, scope: ReadScope, api: ActualRestApi, key?: string): Promise<void> {
  const spec = key ? scope.apis?.find((a) => a.key === key) : scope.api;
  const named = Object.values(api.resources).some((r) => Object.values(r.methods).some((m) => m.authorizerId));
  if (wantsAuthorizers(scope, spec, key) || named) api.authorizers = await readRestAuthorizers(aws, api.id);
}

const REST_API_CHANGES: RestApiChange['kind'][] = [
  'restapi.create',
  'restapi.authorizer.create',
  'restapi.authorizer.update',
  'restapi.resource',
  'restapi.method',
  'restapi.cors',
  'restapi.method.delete',
  'restapi.resource.delete',
  'restapi.deploy',
  'restapi.stage',
  'restapi.prune',
  'restapi.authorizer.delete',
  'restapi.authorizer.grant',
  'restapi.authorizer.revoke',
  'restapi.permit',
  'restapi.delete',
];

/** The stage's REST API (API Gateway v1, `api: { type: 'rest' }`): resources, methods, CORS, deployments, permissions. */
export const restApi = defineKind<RestApiChange>({
  kind: 'rest-api',
  after: ['function'],
  changes: REST_API_CHANGES,
  marks: { [POLICY_MARKER_TAG]: ['restapi.permit', 'restapi.authorizer.grant', 'restapi.authorizer.revoke'] },
  async read(aws, scope, r) {
    // Read when the config wants a REST API, or a `live` alias still lets one invoke it (the config moved
    // away from it): a fleet with neither makes no API Gateway v1 call.
    let wanted = scope.api?.type === 'rest' || Boolean(scope.apis?.some((a) => a.type === 'rest'));
    if (!wanted) {
      const { items } = await functionsOf(r);
      // A named REST API's statements are `ops-api-{key}.{hash}`.
      const ours = (sid?: string) =>
        sid?.startsWith(REST_API_PERMISSION_PREFIX) || sid?.startsWith(REST_AUTHORIZER_SID_PREFIX) || isNamedRestSid(sid);
      wanted = Object.values(items).some((f) => f.aliasPolicy?.some((s) => ours(s.Sid)));
    }
    if (!wanted) return {};
    const { restApi: api, restApis, foreign } = await readRestApis(aws, scope);
    await Promise.all([
      ...(api ? [readAuthorizersOf(aws, scope, api)] : []),
      ...Object.entries(restApis ?? {}).map(([key, a]) => readAuthorizersOf(aws, scope, a, key)),
    ]);
    return { actual: { ...(api ? { restApi: api } : {}), ...(restApis ? { restApis } : {}) }, foreign };
  },
  // Once per API (the default one and each of `apis`), each on a view holding its routes only.
  plan: (ctx) => planPerApi(ctx, REST_API_CHANGES, planRestApi),
  apply: {
    async 'restapi.create'(c, run) {
      const made = await createRestApi(run.aws, { name: c.apiName, tags: c.tags });
      const r = restRun(run, c.namedApi);
      r.apiId = made.apiId;
      r.resources.set('/', made.rootId);
      if (c.namedApi) return made.apiId;
      // What references to the API (`ref.api.url`, `ref.api.id`) planned as pending are filled in with.
      run.apiId = made.apiId;
      run.restApiId = made.apiId;
      run.apiEndpoint = restApiUrl(made.apiId, run.aws.region, c.stage);
      return made.apiId;
    },
    async 'restapi.resource'(c, run) {
      const id = await createResource(run.aws, apiOf(run, c), resourceOf(run, c.parentPath, c.parentId, c.namedApi), c.path);
      restRun(run, c.namedApi).resources.set(c.path, id);
    },
    'restapi.method': (c, run) =>
      putRouteMethod(
        run.aws,
        apiOf(run, c),
        resourceOf(run, c.path, c.resourceId, c.namedApi),
        c.method,
        c.uri,
        { ...methodAuth(run, c.auth), apiKey: c.keyRequired },
        { ...c.haveAuth, apiKey: c.haveKeyRequired },
      ),
    'restapi.authorizer.create': (c, run) => applyAuthorizerCreate(c, run, apiOf(run, c)),
    'restapi.authorizer.update': applyAuthorizerUpdate,
    'restapi.authorizer.delete': applyAuthorizerDelete,
    'restapi.authorizer.grant': (c, run) => applyAuthorizerGrant(c, run, apiOf(run, c)),
    'restapi.authorizer.revoke': applyAuthorizerRevoke,
    'restapi.cors': (c, run) => putCorsMethod(run.aws, apiOf(run, c), resourceOf(run, c.path, c.resourceId, c.namedApi), c.headers),
    'restapi.method.delete': (c, run) => deleteMethod(run.aws, c.apiId, c.resourceId, c.method),
    'restapi.resource.delete': (c, run) => deleteResource(run.aws, c.apiId, c.resourceId),
    async 'restapi.deploy'(c, run) {
      const { deploymentId } = await deployStage(run.aws, apiOf(run, c), { stage: c.stage, variables: c.variables });
      return `deployment ${deploymentId}`;
    },
    'restapi.stage': (c, run) =>
      updateStageVariables(run.aws, c.apiId, { stage: c.stage, variables: c.variables, haveVariables: c.haveVariables }),
    'restapi.prune': (c, run) => pruneDeployments(run.aws, c.apiId),
    async 'restapi.permit'(c, run) {
      await removePermissions(run.aws, c.name, c.remove);
      if (!c.add.length) return;
      const apiId = apiOf(run, c);
      const accountId = await run.aws.accountId();
      for (const a of c.add) {
        const sourceArn = restRouteSourceArn(run.aws.region, accountId, apiId, a.method, a.path);
        await addPermission(run.aws, { name: c.name, statementId: a.sid, principal: 'apigateway.amazonaws.com', sourceArn });
      }
    },
    'restapi.delete': (c, run) => deleteRestApi(run.aws, c.apiId),
  },
});
