import type { ApplyRun } from '../../apply/run.js';
import {
  attachKey,
  createApiKey,
  createUsagePlan,
  deleteApiKey,
  deleteUsagePlan,
  detachKey,
  findNamedRestApi,
  readApiKeys,
  updateApiKey,
  updateUsagePlan,
  usagePlanPatch,
} from '../../aws/api-keys.js';
import type { ActualRestApi } from '../../model/actual.js';
import { defineKind } from '../kind.js';
import type { ApiKeyChange } from './changes.js';
import { planApiKeys } from './plan.js';

/** Ids of the keys and plans created in one apply run, by `key <name>` / `plan <name>` (a key and a plan may share a name). */
const created = new WeakMap<ApplyRun, Map<string, string>>();
const createdIn = (run: ApplyRun) => {
  let m = created.get(run);
  if (!m) created.set(run, (m = new Map()));
  return m;
};

const apiOf = async (run: ApplyRun, c: { apiId?: string; namedApi?: string; want: { tags: Record<string, string> } }) => {
  // A REST API created in this run (this change waits for it): the default one leaves its id on the run; a
  // named one is found by its tags.
  const id = c.apiId ?? (c.namedApi ? await findNamedRestApi(run.aws, c.want.tags, c.namedApi) : run.apiId);
  if (!id) throw new Error('the REST API does not exist (its creation failed or was skipped)');
  return id;
};

/** A key-required method is the marker that keys may exist: a fleet dropping them all still has its plans read once. */
const requiresKeys = (api: ActualRestApi | undefined) =>
  Object.values(api?.resources ?? {}).some((r) => Object.values(r.methods).some((m) => m.apiKeyRequired));

/** A REST API's API keys and usage plans (`api.keys`, `api.usagePlans`), attached to its stage. */
export const apiKeys = defineKind<ApiKeyChange>({
  kind: 'api-keys',
  after: ['rest-api'],
  changes: [
    'apikey.create',
    'apikey.update',
    'usageplan.create',
    'usageplan.update',
    'usageplan.keys',
    'usageplan.delete',
    'apikey.delete',
  ],
  async read(aws, scope, r) {
    // Read when the config declares keys or plans, or the REST API read shows they may be there (a key-required
    // method, or an API the config no longer wants): a fleet with neither makes no call for them.
    const specs = [scope.api, ...(scope.apis ?? [])].filter((a) => a?.type === 'rest');
    let wanted = specs.some((a) => Boolean(a?.keys?.length || a?.usagePlans?.length));
    if (!wanted) {
      const read = (await r.read('rest-api')).actual;
      const apis = [read?.restApi, ...Object.values(read?.restApis ?? {})].filter((a): a is ActualRestApi => Boolean(a));
      // A REST API the config no longer wants (its plans go with it), or one with a key-required method.
      const gone = Object.keys(read?.restApis ?? {}).some((key) => !specs.some((a) => a?.key === key));
      wanted = Boolean(read?.restApi && scope.api?.type !== 'rest') || gone || apis.some(requiresKeys);
    }
    if (!wanted) return {};
    return { actual: { apiKeys: await readApiKeys(aws, scope) } };
  },
  plan: planApiKeys,
  link(_ctx, changes) {
    // API Gateway refuses to delete an API whose stage a usage plan still holds: the plans let go first.
    const detaching = changes.filter((c) => c.kind === 'usageplan.delete' || c.kind === 'usageplan.update').map((c) => c.id);
    for (const c of changes) if (c.kind === 'restapi.delete') c.dependsOn.push(...detaching);
  },
  apply: {
    async 'apikey.create'(c, run) {
      const id = await createApiKey(run.aws, { name: c.name, enabled: c.enabled, description: c.description, tags: c.tags });
      createdIn(run).set(`key ${c.name}`, id);
      return `id ${id}`;
    },
    'apikey.update': (c, run) => updateApiKey(run.aws, c.keyId, { enabled: c.enabled, description: c.description }),
    'apikey.delete': (c, run) => deleteApiKey(run.aws, c.keyId),
    async 'usageplan.create'(c, run) {
      const id = await createUsagePlan(run.aws, { ...c.want, stages: [`${await apiOf(run, c)}:${c.stage}`] });
      createdIn(run).set(`plan ${c.want.name}`, id);
      return `id ${id}`;
    },
    async 'usageplan.update'(c, run) {
      const have = run.opts.actual.apiKeys?.plans.find((p) => p.id === c.planId);
      if (!have) throw new Error(`usage plan ${c.want.name} was not read`);
      await updateUsagePlan(run.aws, c.planId, usagePlanPatch({ ...c.want, stages: [`${await apiOf(run, c)}:${c.stage}`] }, have));
    },
    async 'usageplan.keys'(c, run) {
      const planId = c.planId ?? createdIn(run).get(`plan ${c.plan}`);
      if (!planId) throw new Error(`usage plan ${c.plan} does not exist (its creation failed or was skipped)`);
      for (const k of c.add) {
        const keyId = k.keyId ?? createdIn(run).get(`key ${k.name}`);
        if (!keyId) throw new Error(`api key ${k.name} does not exist (its creation failed or was skipped)`);
        await attachKey(run.aws, planId, keyId);
      }
      for (const id of c.remove) await detachKey(run.aws, planId, id);
    },
    'usageplan.delete': (c, run) => deleteUsagePlan(run.aws, c.planId, c.stages),
  },
});
