import {
  createApi,
  createIntegration,
  createRoute,
  deleteApi,
  deleteIntegration,
  deleteRoute,
  ensureDefaultStage,
  readApi,
  updateApiCors,
  updateIntegration,
  updateRoute,
} from '../../aws/apigw.js';
import { removePermissions, setApiPermission } from '../../aws/lambda-alias.js';
import { defineKind } from '../kind.js';
import type { HttpApiChange } from './changes.js';
import { planApi } from './plan.js';

/** The stage's HTTP API (API Gateway v2): its `$default` stage, an integration and routes per function, and their permissions. */
export const httpApi = defineKind<HttpApiChange>({
  kind: 'http-api',
  after: ['function'],
  changes: [
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
  ],
  async read(aws, scope) {
    const { api, foreign } = await readApi(aws, scope);
    return { actual: api ? { api } : {}, foreign };
  },
  plan: planApi,
  apply: {
    async 'api.create'(c, run) {
      const api = await createApi(run.aws, { name: c.apiName, cors: c.cors, tags: c.tags });
      run.apiId = api.apiId;
      run.apiEndpoint = api.endpoint;
      return api.endpoint || undefined;
    },
    'api.update': (c, run) => updateApiCors(run.aws, c.apiId, c.cors),
    async 'api.stage'(c, run) {
      await ensureDefaultStage(run.aws, run.api(c));
    },
    'api.delete': (c, run) => deleteApi(run.aws, c.apiId),
    async 'integration.create'(c, run) {
      const { integrationId } = await createIntegration(run.aws, run.api(c), { name: c.name, uri: c.uri });
      run.integrations.set(c.name, integrationId);
    },
    async 'integration.update'(c, run) {
      await updateIntegration(run.aws, run.api(c), c.integrationId, { name: c.name, uri: c.uri });
      run.integrations.set(c.name, c.integrationId);
    },
    'integration.delete': (c, run) => deleteIntegration(run.aws, run.api(c), c.integrationId),
    async 'route.create'(c, run) {
      await createRoute(run.aws, run.api(c), c.routeKey, await run.integrationFor(c.name));
    },
    async 'route.update'(c, run) {
      await updateRoute(run.aws, run.api(c), c.routeId, await run.integrationFor(c.name));
    },
    'route.delete': (c, run) => deleteRoute(run.aws, run.api(c), c.routeId),
    async 'permission.set'(c, run) {
      await setApiPermission(run.aws, {
        name: c.name,
        apiId: c.sourceArn ? undefined : run.api(c),
        sourceArn: c.sourceArn,
        statementId: c.statementId,
        removeStatementIds: c.removeStatementIds,
      });
    },
    'permission.delete': (c, run) => removePermissions(run.aws, c.name, c.statementIds),
  },
});
