import {
  createApi,
  createIntegration,
  createRoute,
  deleteApi,
  deleteIntegration,
  deleteRoute,
  ensureDefaultStage,
  updateApiCors,
  updateIntegration,
  updateRoute,
} from '../../aws/apigw.js';
import { deleteStage, readApis } from '../../aws/apigw-apis.js';
import { createAuthorizer, deleteAuthorizer, type RouteAuthInput, updateAuthorizer } from '../../aws/apigw-authorizers.js';
import { tagApi, untagApi } from '../../aws/domains.js';
import { addPermission, removePermissions, setApiPermission } from '../../aws/lambda-alias.js';
import { executeApiArn, httpApiUrl, POLICY_MARKER_TAG } from '../../config/naming.js';
import { defineKind } from '../kind.js';
import { planPerApi } from '../plan-api-views.js';
import { type ApiRunState, apiRun } from './api-run.js';
import type { HttpApiChange, PlannedRouteAuth } from './changes.js';
import { planApi } from './plan.js';

const HTTP_API_CHANGES: HttpApiChange['kind'][] = [
  'api.adopt',
  'api.create',
  'api.update',
  'api.delete',
  'api.stage',
  'integration.create',
  'integration.update',
  'integration.delete',
  'route.create',
  'route.update',
  'route.delete',
  'permission.set',
  'permission.delete',
  'authorizer.create',
  'authorizer.update',
  'authorizer.delete',
  'authorizer.grant',
  'authorizer.revoke',
  'api.unstage',
  'api.release',
];

/** The stage's HTTP API (API Gateway v2): its `$default` stage, an integration and routes per function, and their permissions. */
export const httpApi = defineKind<HttpApiChange>({
  kind: 'http-api',
  after: ['function'],
  changes: HTTP_API_CHANGES,
  marks: { [POLICY_MARKER_TAG]: ['permission.set', 'permission.delete', 'authorizer.grant', 'authorizer.revoke'] },
  async read(aws, scope) {
    const { api, apis, foreign } = await readApis(aws, scope);
    return { actual: { ...(api ? { api } : {}), ...(apis ? { apis } : {}) }, foreign };
  },
  // Once per API (the default one and each of `apis`), each on a view holding its routes only.
  plan: (ctx) => planPerApi(ctx, HTTP_API_CHANGES, planApi),
  apply: {
    async 'api.create'(c, run) {
      const api = await createApi(run.aws, { name: c.apiName, cors: c.cors, tags: c.tags });
      const state = apiRun(run, c);
      state.apiId = api.apiId;
      // What references to the API's URL get: under its named stage when it has one.
      state.apiEndpoint = httpApiUrl(api.endpoint, c.stage);
      return api.endpoint || undefined;
    },
    'api.update': (c, run) => updateApiCors(run.aws, c.apiId, c.cors),
    async 'api.stage'(c, run) {
      await ensureDefaultStage(run.aws, apiRun(run, c).api(c), c.stage ? { stage: c.stage, tags: c.tags } : undefined);
    },
    async 'api.unstage'(c, run) {
      await deleteStage(run.aws, c.apiId, c.stage);
    },
    'api.delete': (c, run) => deleteApi(run.aws, c.apiId),
    'api.adopt': (c, run) => tagApi(run.aws, c.apiId, c.tags),
    'api.release': (c, run) => untagApi(run.aws, c.apiId, c.removeTags),
    async 'integration.create'(c, run) {
      const { integrationId } = await createIntegration(run.aws, apiRun(run, c).api(c), { name: c.name, uri: c.uri });
      apiRun(run, c).integrations.set(c.name, integrationId);
    },
    async 'integration.update'(c, run) {
      await updateIntegration(run.aws, apiRun(run, c).api(c), c.integrationId, { name: c.name, uri: c.uri });
      apiRun(run, c).integrations.set(c.name, c.integrationId);
    },
    'integration.delete': (c, run) => deleteIntegration(run.aws, apiRun(run, c).api(c), c.integrationId),
    async 'route.create'(c, run) {
      await createRoute(
        run.aws,
        apiRun(run, c).api(c),
        c.routeKey,
        await apiRun(run, c).integrationFor(c.name),
        routeAuthInput(c.auth, apiRun(run, c)),
      );
    },
    async 'route.update'(c, run) {
      await updateRoute(
        run.aws,
        apiRun(run, c).api(c),
        c.routeId,
        await apiRun(run, c).integrationFor(c.name),
        routeAuthInput(c.auth, apiRun(run, c)),
      );
    },
    'route.delete': (c, run) => deleteRoute(run.aws, apiRun(run, c).api(c), c.routeId),
    async 'permission.set'(c, run) {
      await setApiPermission(run.aws, {
        name: c.name,
        apiId: c.sourceArn ? undefined : apiRun(run, c).api(c),
        sourceArn: c.sourceArn,
        statementId: c.statementId,
        removeStatementIds: c.removeStatementIds,
        ...(c.stage ? { stage: c.stage } : {}),
      });
    },
    'permission.delete': (c, run) => removePermissions(run.aws, c.name, c.statementIds),
    async 'authorizer.create'(c, run) {
      const { authorizerId } = await createAuthorizer(run.aws, apiRun(run, c).api(c), c.authorizer);
      apiRun(run, c).authorizers.set(c.authorizer.name, authorizerId);
      return authorizerId;
    },
    'authorizer.update': (c, run) => updateAuthorizer(run.aws, apiRun(run, c).api(c), c.authorizerId, c.authorizer),
    'authorizer.delete': (c, run) => deleteAuthorizer(run.aws, apiRun(run, c).api(c), c.authorizerId),
    async 'authorizer.grant'(c, run) {
      const apiId = apiRun(run, c).api(c);
      const sourceArn = `${executeApiArn(run.aws.region, await run.aws.accountId(), apiId)}/authorizers/${authorizerIdOf(c.authorizer, c.authorizerId, apiRun(run, c))}`;
      if (c.replace) await removePermissions(run.aws, c.name, [c.statementId]);
      await addPermission(run.aws, { name: c.name, statementId: c.statementId, principal: 'apigateway.amazonaws.com', sourceArn });
    },
    'authorizer.revoke': (c, run) => removePermissions(run.aws, c.name, c.statementIds),
  },
});

/** The id of an authorizer the plan knew, or of the one created in this run. */
function authorizerIdOf(name: string, known: string | undefined, run: ApiRunState): string {
  const id = known ?? run.authorizers.get(name);
  if (!id) throw new Error(`authorizer ${name} does not exist (its creation failed or was skipped)`);
  return id;
}

function routeAuthInput(auth: PlannedRouteAuth | undefined, run: ApiRunState): RouteAuthInput | undefined {
  if (!auth) return undefined;
  return {
    type: auth.type,
    ...(auth.authorizer ? { authorizerId: authorizerIdOf(auth.authorizer, auth.authorizerId, run) } : {}),
    ...(auth.scopes ? { scopes: auth.scopes } : {}),
  };
}
