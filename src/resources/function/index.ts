import {
  createFunction,
  deleteFunction,
  deleteVersions,
  tagFunction,
  untagFunction,
  updateFunctionCode,
  updateFunctionConfiguration,
} from '../../aws/lambda.js';
import { publishVersionAndMoveAlias } from '../../aws/lambda-alias.js';
import { readFunctions } from '../../aws/lambda-read.js';
import { settleAlias } from '../../aws/lambda-shift.js';
import { releaseLogGroup } from '../../aws/logs-release.js';
import { logGroupName, ownerOf } from '../../config/naming.js';
import { UserError } from '../../errors.js';
import { defineKind } from '../kind.js';
import { dropFromInventory, inventoryFunctions, listInInventory } from './inventory.js';
import { type FunctionChange, planFunctions } from './plan.js';
import { markShifting, needsStageFunctions, readSelectedFunctions, shiftingNames } from './read-selected.js';

/** The Lambda function: code, configuration, tags, the `live` alias and the versions it keeps. */
export const lambdaFunction = defineKind<FunctionChange>({
  kind: 'function',
  after: ['role', 'layer'],
  changes: [
    'function.create',
    'function.update-code',
    'function.update-config',
    'function.adopt',
    'function.tag',
    'function.delete',
    'function.release',
    'alias.publish',
    'alias.settle',
    'alias.shift',
    'versions.prune',
  ],
  functionLocal: [
    'function.update-code',
    'function.update-config',
    'function.tag',
    'alias.publish',
    'alias.settle',
    'alias.shift',
    'versions.prune',
  ],
  async read(aws, scope, r) {
    if (scope.only && !needsStageFunctions(scope)) {
      const { only } = scope;
      const { items, foreign, shifting } = await readSelectedFunctions(aws, { ...scope, only }, r.concurrency);
      if (!needsStageFunctions(scope, items)) return { actual: { functions: items, shifting }, foreign };
    }
    const also = inventoryFunctions(aws, scope);
    // Which functions are shifting, as a selection's read knows it: its plan then resolves the same splits whatever
    // was read (a selection of a fleet with S3 triggers reads the whole stage). Only from an inventory already asked for.
    const listed = scope.only || scope.inventory ? shiftingNames(aws, scope) : undefined;
    listed?.catch(() => {}); // awaited below
    const { items, foreign } = await readFunctions(aws, scope, { concurrency: r.concurrency, ...(also ? { also } : {}) });
    const shifting = await listed;
    return { actual: { functions: items, ...(shifting ? { shifting } : {}) }, foreign };
  },
  plan: planFunctions,
  link(_ctx, changes) {
    // Routes, schedules, subscriptions and alarms of the function go first (their permissions are on it).
    const parts = new Set(['route.delete', 'schedule.delete', 'subscription.delete', 'alarm.delete']);
    const apiDelete = changes.filter((c) => c.kind === 'api.delete').map((c) => c.id);
    for (const c of changes) {
      // A release (an adopted function kept) waits for the same: they are what ops made on it.
      if (c.kind !== 'function.delete' && c.kind !== 'function.release') continue;
      c.dependsOn.push(...apiDelete, ...changes.filter((r) => parts.has(r.kind) && r.fn === c.fn).map((r) => r.id));
    }
  },
  apply: {
    async 'function.create'(c, run, wait) {
      // Listed before it exists: a run that dies right after the create still finds it.
      if (c.inventory) await listInInventory(run.aws, c.inventory, c.name);
      await createFunction(
        run.aws,
        { name: c.name, config: run.withLateValues(c.config), zipPath: c.zipPath, tags: c.tags, bucket: run.opts.bucket },
        wait,
      );
    },
    async 'function.adopt'(c, run) {
      await listInInventory(run.aws, c.inventory, c.name);
      await untagFunction(run.aws, c.name, c.removeTags);
      await tagFunction(run.aws, c.name, c.addTags);
    },
    async 'function.release'(c, run) {
      await untagFunction(run.aws, c.name, c.remove);
      // Its log group is kept with it (planLogGroupDeletes), and stops being the stage's too.
      await releaseLogGroup(run.aws, logGroupName(c.name));
      await dropFromInventory(run.aws, c.inventory, c.name);
      return "kept, no longer the stage's";
    },
    'function.update-code': (c, run, wait) =>
      updateFunctionCode(run.aws, { name: c.name, zipPath: c.zipPath, codeSha256: c.codeSha256, bucket: run.opts.bucket }, wait),
    async 'function.update-config'(c, run, wait) {
      // UpdateFunctionConfiguration cannot change the architecture: UpdateFunctionCode does, with the code.
      const zip = run.opts.zips?.[c.name];
      if (zip && c.fields.some((f) => f.field === 'architecture')) {
        await updateFunctionCode(
          run.aws,
          { name: c.name, zipPath: zip, architecture: c.config.architecture, bucket: run.opts.bucket },
          wait,
        );
      }
      await updateFunctionConfiguration(run.aws, c.name, run.withLateValues(c.config), wait);
    },
    async 'function.tag'(c, run) {
      await untagFunction(run.aws, c.name, c.remove);
      await tagFunction(run.aws, c.name, c.add);
    },
    async 'function.delete'(c, run, wait) {
      await deleteFunction(run.aws, c.name, wait);
      if (c.inventory) await dropFromInventory(run.aws, c.inventory, c.name);
    },
    async 'alias.publish'(c, run, wait) {
      const gate = run.opts.beforeAliasMove;
      const r = await publishVersionAndMoveAlias(run.aws, c.name, c.codeSha256, {
        ...wait,
        ...(gate ? { beforeMove: (v: string) => gate(c.name, v) } : {}),
      });
      // Started with --no-wait: published and taking a share of live's traffic.
      if (r.split) return `version ${r.version}, shifting (not watched)`;
      if (!r.moved) {
        throw new UserError(`version ${r.version} failed its smoke samples: live stays on ${r.previous ?? 'no version'}`, {
          hint: `fix the handler and deploy again (version ${r.version} is published but takes no traffic)`,
        });
      }
      run.versions[c.name] = r.version;
      return `version ${r.version}`;
    },
    async 'alias.settle'(c, run) {
      await settleAlias(run.aws, c.name, c.to);
      // Its stage, from the tags that make it ours (an unsplit live is no longer listed as shifting).
      const { app, stage } = ownerOf(run.opts.actual.functions[c.name]?.tags);
      if (app && stage) await markShifting(run.aws, { app, stage }, c.name, false);
      return `live on version ${c.to}`;
    },
    async 'alias.shift'(c, run) {
      // The shift gate watches and moves live; ops deploy always has one.
      const gate = run.opts.beforeAliasMove;
      if (!gate) throw new Error(`alias.shift of ${c.name} needs the shift gate`);
      const go = await gate(c.name, c.to);
      if (go === 'split') return `version ${c.to}: still shifting (not watched)`;
      if (go) {
        // true means "move live", as for a publish: the gate's own completion made this a no-op already.
        await settleAlias(run.aws, c.name, c.to);
        return `live on version ${c.to}`;
      }
      // The smoke samples (--smoke) refused the version before the shift went on.
      await settleAlias(run.aws, c.name, c.from);
      throw new UserError(`version ${c.to} failed its smoke samples: live is back on version ${c.from}`, {
        hint: `fix the handler and deploy again (version ${c.to} takes no traffic)`,
      });
    },
    async 'versions.prune'(c, run) {
      await deleteVersions(run.aws, c.name, c.versions);
      return `${c.versions.length} removed`;
    },
  },
});
