import {
  deleteAsyncConfig,
  deleteProvisionedConcurrency,
  deleteReservedConcurrency,
  putAsyncConfig,
  putProvisionedConcurrency,
  putReservedConcurrency,
  readFunctionSettings,
} from '../../aws/settings.js';
import { ASYNC_MARKER_TAG, PROVISIONED_MARKER_TAG, RESERVED_MARKER_TAG } from '../../config/naming.js';
import { functionsOf } from '../function/read.js';
import { defineKind } from '../kind.js';
import { planSettings, type SettingsChange } from './plan.js';

/** A function's reserved concurrency, and the provisioned concurrency and asynchronous invocation settings of `live`. */
export const functionSettings = defineKind<SettingsChange>({
  kind: 'function-settings',
  after: ['function'],
  changes: ['reserved.set', 'reserved.delete', 'provisioned.set', 'provisioned.delete', 'async.set', 'async.delete'],
  marks: {
    [RESERVED_MARKER_TAG]: ['reserved.set', 'reserved.delete'],
    [PROVISIONED_MARKER_TAG]: ['provisioned.set', 'provisioned.delete'],
    [ASYNC_MARKER_TAG]: ['async.set', 'async.delete'],
  },
  async read(aws, scope, r) {
    // Filled into the functions read (provisionedConcurrency, asyncConfig): only where the config or a marker tag asks.
    const { items } = await functionsOf(r);
    const desired = scope.functions ?? [];
    await readFunctionSettings(
      aws,
      items,
      {
        async: new Set(desired.filter((f) => f.async).map((f) => f.name)),
        provisioned: new Set(desired.filter((f) => f.provisionedConcurrency !== undefined).map((f) => f.name)),
      },
      r.concurrency,
    );
    return {};
  },
  plan: (ctx) => ctx.deploy.flatMap((fn) => planSettings(ctx, fn)),
  apply: {
    'reserved.set': (c, run) => putReservedConcurrency(run.aws, c.name, c.reserved),
    'reserved.delete': (c, run) => deleteReservedConcurrency(run.aws, c.name),
    'provisioned.set': (c, run) => putProvisionedConcurrency(run.aws, c.name, c.provisioned),
    'provisioned.delete': (c, run) => deleteProvisionedConcurrency(run.aws, c.name),
    'async.set': (c, run) => putAsyncConfig(run.aws, c.name, c.config),
    'async.delete': (c, run) => deleteAsyncConfig(run.aws, c.name),
  },
});
