import { latestLayerVersions } from '../resources/layer/plan.js';
import { RESOURCE_KINDS } from '../resources/registry.js';
import { createContext, type PlanContext } from './context.js';
import type { PlanDeployInput } from './input.js';
import { assertWithinLimits } from './limits.js';
import { linkMarkers } from './markers.js';
import { orderChanges } from './order.js';
import { apiRefOf } from './refs.js';
import type { Change, Plan } from './types.js';

/**
 * Desired (fleet, artifacts, param values) against actual: the changes that make AWS match,
 * in dependency order. Pure. A deploy where nothing changed gives no changes. Each resource kind
 * plans its own changes, in registry order; then each links what its changes wait for in others.
 */
export function planDeploy(input: PlanDeployInput): Plan {
  const ctx = createContext(input);
  const { fleet, actual } = ctx;
  for (const f of actual.foreign) {
    ctx.warnings.push(`${f.type} ${f.name}: not managed by ops (${f.reason ?? 'no ops tags'}): left alone`);
  }
  warnAboutParams(ctx);
  if (input.destroy && fleet.params.length) {
    // Values people typed in (secrets among them) are not deployment artefacts: they outlive a destroy.
    ctx.warnings.push(
      `parameters under /${fleet.app}/${fleet.stage}/ are kept (${fleet.params.length}): \`ops params unset <name> --stage ${fleet.stage}\` removes one`,
    );
  }

  const changes = RESOURCE_KINDS.flatMap((kind) => kind.plan(ctx)) as Change[];
  for (const kind of RESOURCE_KINDS) kind.link?.(ctx, changes);
  linkMarkers(RESOURCE_KINDS, changes);
  // The final environments (resolved params and references included) are known only here, before any write.
  if (!input.destroy) {
    assertWithinLimits(fleet, {
      fns: ctx.deploy,
      accountId: ctx.accountId,
      paramValues: ctx.paramValues,
      layerVersions: { ...latestLayerVersions(actual), ...ctx.layerVersions },
      api: apiRefOf(fleet, actual),
    });
  }
  return { app: fleet.app, stage: fleet.stage, region: fleet.region, changes: orderChanges(changes), warnings: ctx.warnings };
}

function warnAboutParams(ctx: PlanContext) {
  for (const fn of ctx.deploy) {
    for (const p of fn.params) {
      if (!p.resolve) continue;
      if (ctx.paramValues[p.name] === undefined) {
        ctx.warnings.push(`${fn.key}: param ${p.name} (${p.path}) has no value, so ${p.env} is left out of its environment`);
      } else if (p.secure) {
        ctx.warnings.push(
          `${fn.key}: secure param ${p.name} is put into ${p.env} in plain text (visible to anyone who can read the function's configuration)`,
        );
      }
    }
  }
}
