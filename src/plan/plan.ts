import { logGroupName } from '../config/naming.js';
import { planAlarms } from './alarms.js';
import { planApi } from './api.js';
import { changeId, createContext, inScope, type PlanContext, removedFunctions } from './context.js';
import { planFunction, planFunctionDelete, planLogGroupDeletes } from './function.js';
import { latestLayerVersions, planLayers } from './layers.js';
import { assertWithinLimits } from './limits.js';
import { orderChanges } from './order.js';
import { planRole, planRoleDeletes, warnAboutExternalRoles } from './role.js';
import { planSettings } from './settings.js';
import { planTriggers } from './triggers.js';
import type { Change, Plan, PlanDeployInput } from './types.js';

/**
 * Desired (fleet, artifacts, param values) against actual: the changes that make AWS match,
 * in dependency order. Pure. A deploy where nothing changed gives no changes.
 */
export function planDeploy(input: PlanDeployInput): Plan {
  const ctx = createContext(input);
  const { fleet, actual } = ctx;
  for (const f of actual.foreign) {
    ctx.warnings.push(`${f.type} ${f.name}: not managed by ops (${f.reason ?? 'no ops tags'}): left alone`);
  }
  warnAboutParams(ctx);
  warnAboutExternalRoles(ctx);
  if (input.destroy && fleet.params.length) {
    // Values people typed in (secrets among them) are not deployment artefacts: they outlive a destroy.
    ctx.warnings.push(
      `parameters under /${fleet.app}/${fleet.stage}/ are kept (${fleet.params.length}): \`ops params unset <name> --stage ${fleet.stage}\` removes one`,
    );
  }

  // Layers first: they decide the layer versions the functions' configurations name.
  const changes: Change[] = planLayers(ctx);
  for (const fn of ctx.deploy) changes.push(...planRole(ctx, fn), ...planFunction(ctx, fn), ...planSettings(ctx, fn));
  for (const fn of removedFunctions(ctx)) if (inScope(ctx, fn.name)) changes.push(planFunctionDelete(ctx, fn));
  changes.push(...planRoleDeletes(ctx), ...planLogGroupDeletes(ctx), ...planApi(ctx), ...planTriggers(ctx), ...planAlarms(ctx));
  linkDeletes(ctx, changes);
  // The final environments (resolved params and references included) are known only here, before any write.
  if (!input.destroy) {
    assertWithinLimits(fleet, {
      fns: ctx.deploy,
      accountId: ctx.accountId,
      paramValues: ctx.paramValues,
      layerVersions: { ...latestLayerVersions(actual), ...ctx.layerVersions },
      ...(actual.api ? { api: { id: actual.api.id, url: actual.api.endpoint } } : {}),
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

/** Dependencies that cross planners: deletions wait for whatever still uses what they delete. */
function linkDeletes(ctx: PlanContext, changes: Change[]) {
  const ids = (pred: (c: Change) => boolean) => changes.filter(pred).map((c) => c.id);
  const apiDelete = ids((c) => c.kind === 'api.delete');
  for (const c of changes) {
    if (c.kind === 'function.delete') {
      // Routes, schedules, subscriptions and alarms of the function go first (their permissions are on it).
      const parts = new Set(['route.delete', 'schedule.delete', 'subscription.delete', 'alarm.delete']);
      c.dependsOn.push(...apiDelete, ...ids((r) => parts.has(r.kind) && r.fn === c.fn));
    } else if (c.kind === 'role.delete') {
      const arn = ctx.actual.roles[c.roleName]?.arn;
      const users = Object.values(ctx.actual.functions).filter((f) => f.config.role === arn);
      // `live` still runs a version published with the old role until it moves.
      for (const u of users) {
        c.dependsOn.push(...['function.delete', 'function.update-config', 'alias.publish'].map((k) => changeId(k, u.name)));
      }
    } else if (c.kind === 'loggroup.delete') {
      const owner = Object.keys(ctx.actual.functions).find((n) => logGroupName(n) === c.logGroup);
      if (owner) c.dependsOn.push(changeId('function.delete', owner));
    }
  }
}
