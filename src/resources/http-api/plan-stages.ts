import { OWNER_APP_TAG } from '../../config/naming.js';
import type { ApiSpec } from '../../config/types.js';
import type { ActualApi } from '../../model/actual.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import type { HttpApiChange } from './changes.js';

/**
 * An HTTP API's stage: `$default` (the URL is the endpoint), or the stage the config names (`api.stage`: the URL
 * is `{endpoint}/{stage}`), with auto-deploy so every route change is live without CreateDeployment. When the
 * name changes the new stage is made and the old one deleted: its URL stops answering, and the plan says so.
 */

const DEFAULT_STAGE = '$default';

/** Stages ops made: `$default`, and the named ones it tagged; a stage someone else added is left alone. */
const isOurs = (s: ActualApi['stages'][number]) => s.name === DEFAULT_STAGE || s.tags?.[OWNER_APP_TAG] !== undefined;

export function planStages(ctx: PlanContext, want: ApiSpec, have: ActualApi | undefined, createId: string): HttpApiChange[] {
  const out: HttpApiChange[] = [];
  const name = want.stage ?? DEFAULT_STAGE;
  const stage = have?.stages.find((s) => s.name === name);
  const stageId = changeId('api.stage', want.name);
  if (!stage?.autoDeploy) {
    out.push({
      kind: 'api.stage',
      id: stageId,
      action: stage ? 'update' : 'create',
      resource: { type: 'api stage', name: `${want.name} ${name}` },
      summary: stage
        ? `turn on auto-deploy of the ${name} stage of ${want.name}`
        : `create the ${name} stage of ${want.name} (auto-deploy)`,
      fields: [],
      dependsOn: [createId],
      apiName: want.name,
      apiId: have?.id,
      ...(want.stage ? { stage: want.stage, tags: ctx.fleet.tags } : {}),
    });
  }
  if (!have || ctx.scope) return out;
  for (const old of have.stages.filter((s) => s.name !== name && isOurs(s))) {
    const url = old.name === DEFAULT_STAGE ? have.endpoint : `${have.endpoint}/${old.name}`;
    out.push({
      kind: 'api.unstage',
      id: changeId('api.unstage', `${want.name} ${old.name}`),
      action: 'delete',
      resource: { type: 'api stage', name: `${want.name} ${old.name}` },
      summary: `delete the ${old.name} stage of ${want.name}: clients of ${url || 'its URL'} break (the API now serves ${name})`,
      fields: [{ field: 'stage', from: old.name, to: name }],
      // The new stage answers first, and the functions' permissions have moved to it.
      dependsOn: [stageId, ...ctx.deploy.map((f) => changeId('permission.set', f.name))],
      apiId: have.id,
      stage: old.name,
    });
  }
  return out;
}
