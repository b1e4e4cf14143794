import {
  ADOPTED_TAG,
  API_KEY_TAG,
  functionNameOfArn,
  integrationTarget,
  LIVE_ALIAS,
  OWNER_APP_TAG,
  OWNER_STAGE_TAG,
  ownerOf,
} from '../../config/naming.js';
import type { ApiSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { ActualApi } from '../../model/actual.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import type { HttpApiChange } from './changes.js';

/*
 * An HTTP API with a kept name that ops did not create (issue 16.2): the read returns it marked `notOwned`. Another
 * stage's or app's stops the plan naming the owner; an untagged one stops unless `adopt: true`, which tags it in
 * place (same id, same URL). On an adopted API ops manages only its own routes and integrations (those calling a
 * `live` alias, or wanted by the config); when it leaves the config its tags go and the API stays.
 */

/** `api` or `apis.<key>`: where the user sets the name and `adopt`. */
const fieldOf = (ctx: PlanContext) => (ctx.namedApi ? `apis.${ctx.namedApi}` : 'api');

/** True when ops took the API over rather than created it. */
export const isAdopted = (have: ActualApi | undefined) => have?.tags[ADOPTED_TAG] === 'true';

/**
 * The API to plan against (undefined: none is ours and none may be claimed) and the adoption change, if any.
 * Throws a UserError, before any write, for an API another stage or app owns or one not adopted.
 */
export function claimApi(
  ctx: PlanContext,
  want: ApiSpec | undefined,
  have: ActualApi | undefined,
): { have?: ActualApi; adopt?: HttpApiChange } {
  if (!have?.notOwned) return { have: have && isAdopted(have) ? adoptedView(ctx, have) : have };
  if (!want) return {};
  const { app, stage } = ownerOf(have.tags);
  const field = fieldOf(ctx);
  if (app !== undefined || stage !== undefined)
    throw new UserError(
      `${field}: http api ${have.name} (${have.id}) is tagged for app ${app ?? '?'} stage ${stage ?? '?'}; nothing was changed`,
      {
        hint: `another stage or app owns that name: give ${field}.name a name per stage ({stage} in it, or one by stage)`,
      },
    );
  if (!want.adopt)
    throw new UserError(`${field}: http api ${have.name} (${have.id}) exists, not managed by ops; nothing was changed`, {
      hint: `set ${field}.adopt: true to take it over (tagged in place: its id and URL stay), or give it another name`,
    });
  const tags = { ...ctx.fleet.tags, [ADOPTED_TAG]: 'true' };
  const adopt: HttpApiChange = {
    kind: 'api.adopt',
    id: changeId('api.adopt', have.name),
    action: 'update',
    resource: { type: 'http api', name: have.name },
    summary: `adopt http api ${have.name} (${have.id}, tag it for ${ctx.fleet.app}/${ctx.fleet.stage}; id and URL kept)`,
    fields: [{ field: 'tags', to: Object.keys(tags).sort().join(', ') }],
    dependsOn: [],
    apiId: have.id,
    tags,
  };
  return { have: adoptedView(ctx, { ...have, tags: { ...have.tags, ...tags } }), adopt };
}

/** An integration ops made: AWS_PROXY to a function's `live` alias (a hand-made one calls the function or another alias). */
function isOpsIntegration(uri: string): boolean {
  const target = integrationTarget(uri);
  return !!functionNameOfArn(target) && target.endsWith(`:${LIVE_ALIAS}`);
}

/**
 * An adopted API as the route planner should see it: the routes the config wants or that call ops's integrations,
 * and the integrations those use or ops made. Anything else was there before ops and is left alone (one line).
 */
export function adoptedView(ctx: PlanContext, have: ActualApi): ActualApi {
  const wanted = new Set(ctx.desired.flatMap((f) => f.routes.map((r) => r.key)));
  const ours = new Set(have.integrations.filter((i) => isOpsIntegration(i.uri)).map((i) => i.id));
  const idOf = (target: string | undefined) => target?.replace(/^integrations\//, '') ?? '';
  const routes = have.routes.filter((r) => wanted.has(r.key) || ours.has(idOf(r.target)));
  const left = have.routes.filter((r) => !routes.includes(r)).map((r) => r.key);
  if (left.length) ctx.warnings.push(`http api ${have.name}: ${left.sort().join(', ')} not ops's (adopted api): left alone`);
  // Integrations ops did not make are never deleted: a route of the config that calls one moves to ops's `live`
  // integration, and the one it called stays, unused, as it was made (seed scripts' integrations of the bare function).
  const handMade = have.integrations.filter((i) => !ours.has(i.id)).map((i) => i.id);
  if (handMade.length)
    ctx.warnings.push(`http api ${have.name}: integrations ${handMade.sort().join(', ')} not ops's (adopted api): left alone`);
  return { ...have, routes, integrations: have.integrations.filter((i) => ours.has(i.id)) };
}

/** An adopted API leaving the config (or a destroy): ops's tags come off, the API stays with what was not ops's. */
export function releaseApi(have: ActualApi, dependsOn: string[]): HttpApiChange {
  const opsTags = [OWNER_APP_TAG, OWNER_STAGE_TAG, ADOPTED_TAG, API_KEY_TAG].filter((k) => k in have.tags);
  return {
    kind: 'api.release',
    id: changeId('api.release', have.name),
    action: 'update',
    resource: { type: 'http api', name: have.name },
    summary: `keep http api ${have.name} (${have.id}): kept (adopted: ops did not create it); ops's tags removed`,
    fields: opsTags.map((k) => ({ field: `tag.${k}`, from: have.tags[k] })),
    dependsOn,
    apiId: have.id,
    removeTags: opsTags,
  };
}
