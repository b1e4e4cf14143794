import { DOMAIN_MARKER_TAG } from '../../config/naming.js';
import type { ActualRestApi } from '../../model/actual.js';
import { changeId, type PlanContext } from '../../plan/context.js';

/** The stage an HTTP API's mapping points at: the one stage ops gives it. */
export const HTTP_API_STAGE = '$default';

/**
 * What the custom domain maps: the HTTP API's `$default` stage, or the REST API's named stage (`rest`). Both
 * through API Gateway v2 API mappings (CreateApiMapping takes a REST API's id and stage on a regional
 * domain), so reading, mapping and unmapping are the same calls for both kinds. The marker that tells a
 * later read which domain ops made lives on the HTTP API's tags, or on the REST API's mapped stage's tags.
 */
export interface MappedApi {
  rest: boolean;
  /** Absent: the API is created by this plan. */
  apiId?: string;
  stage: string;
  /** The marker tags the API (or stage) carries now. */
  markerTags: Record<string, string>;
  /** A REST API: the stage that carries the marker now (another one when the stage was renamed). */
  markerStage?: string;
  /** What makes the API and its stage, when this plan does. */
  dependsOn: string[];
}

/** The REST API's stage that carries the domain marker, if any. */
export const markedRestStage = (api: ActualRestApi | undefined) => api?.stages.find((s) => s.tags?.[DOMAIN_MARKER_TAG] !== undefined);

export function mappedApi(ctx: PlanContext): MappedApi {
  const api = ctx.fleet.api;
  const marked = markedRestStage(ctx.actual.restApi);
  if (api?.type === 'rest' || (!api && !ctx.actual.api && marked)) {
    // A resolved REST API always names its stage ('prod' unless the config says otherwise).
    const stage = api?.stage ?? marked?.name ?? 'prod';
    return {
      rest: true,
      ...(ctx.actual.restApi ? { apiId: ctx.actual.restApi.id } : {}),
      stage,
      markerTags: marked?.tags ?? {},
      ...(marked ? { markerStage: marked.name } : {}),
      dependsOn: api ? [changeId('restapi.create', api.name), changeId('restapi.deploy', stage)] : [],
    };
  }
  return {
    rest: false,
    ...(ctx.actual.api ? { apiId: ctx.actual.api.id } : {}),
    stage: api?.stage ?? HTTP_API_STAGE,
    markerTags: ctx.actual.api?.tags ?? {},
    dependsOn: api ? [changeId('api.create', api.name), changeId('api.stage', api.name)] : [],
  };
}
