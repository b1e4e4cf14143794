import type { ApplyRun } from '../../apply/run.js';
import {
  createDomain,
  createMapping,
  type DomainTarget,
  deleteAliasRecord,
  deleteDomain,
  deleteMapping,
  readDomains,
  tagApi,
  tagDomain,
  untagApi,
  updateDomainCertificate,
  upsertAliasRecord,
} from '../../aws/domains.js';
import { tagRestStage, untagRestStage } from '../../aws/rest-authorizers.js';
import { DOMAIN_MARKER_TAG, DOMAIN_ZONE_TAG } from '../../config/naming.js';
import { defineKind } from '../kind.js';
import { type DomainChange, planDomains } from './plan.js';
import { markedRestStage } from './target.js';

/** The targets of the domains this run created, by name (the record that follows points at them). */
const created = new WeakMap<ApplyRun, Map<string, DomainTarget>>();
const targetsOf = (run: ApplyRun) => {
  let m = created.get(run);
  if (!m) created.set(run, (m = new Map()));
  return m;
};

/** The API a change maps or marks: the REST API's (read, or made in this run) or the HTTP API's. */
const apiOf = (c: DomainChange & { apiId?: string }, run: ApplyRun, rest: boolean) => (rest ? run.restApi(c) : run.api(c));

/** A custom domain of the fleet's API (`api.domain`): the domain, its API mapping, the Route 53 alias record. */
export const domain = defineKind<DomainChange>({
  kind: 'domain',
  after: ['http-api', 'rest-api'],
  changes: [
    'domain.create',
    'domain.adopt',
    'domain.update',
    'domain.map',
    'domain.record',
    'domain.mark',
    'domain.unrecord',
    'domain.delete',
  ],
  async read(aws, scope, r) {
    // Read only when the config names a domain or the API's marker names one ops made (the config
    // dropped it): a fleet with neither makes no call. A REST API's marker is on its mapped stage.
    const want = scope.api?.domain;
    const [http, rest] = await Promise.all([r.read('http-api'), r.read('rest-api')]);
    const restMarked = markedRestStage(rest.actual?.restApi)?.tags;
    const tags = (scope.api?.type === 'rest' ? restMarked : http.actual?.api?.tags) ?? http.actual?.api?.tags ?? restMarked ?? {};
    const marked = tags[DOMAIN_MARKER_TAG];
    if (!want && !marked) return {};
    const names = [
      ...(want ? [{ name: want.name, adopt: want.adopt }] : []),
      ...(marked && marked !== want?.name ? [{ name: marked, adopt: false }] : []),
    ];
    const zones = [
      ...(want?.hostedZoneId ? [{ zoneId: want.hostedZoneId, name: want.name }] : []),
      ...(marked && tags[DOMAIN_ZONE_TAG] && !(marked === want?.name && tags[DOMAIN_ZONE_TAG] === want.hostedZoneId)
        ? [{ zoneId: tags[DOMAIN_ZONE_TAG], name: marked }]
        : []),
    ];
    const { domains, foreign } = await readDomains(aws, scope, { names, records: zones });
    return { actual: { domains }, foreign };
  },
  plan: planDomains,
  link(_ctx, changes) {
    // An API goes only once no domain maps it.
    const deletes = changes.filter((c) => c.kind === 'domain.delete').map((c) => c.id);
    for (const c of changes) if (c.kind === 'api.delete' || c.kind === 'restapi.delete') c.dependsOn.push(...deletes);
  },
  apply: {
    async 'domain.create'(c, run) {
      const made = await createDomain(run.aws, { name: c.domain, certificate: c.certificate, tags: c.tags });
      targetsOf(run).set(c.domain, made);
      return made.target ? `target ${made.target}` : undefined;
    },
    'domain.adopt': (c, run) => tagDomain(run.aws, c.domain, c.tags),
    'domain.update': (c, run) => updateDomainCertificate(run.aws, c.domain, c.certificate),
    async 'domain.map'(c, run) {
      // A mapping with the wanted key must go before the new one (the key is unique on a domain);
      // others go after it, so the old path serves until the new one does.
      const [sameKey, others] = [c.replaces.filter((m) => m.key === c.key), c.replaces.filter((m) => m.key !== c.key)];
      for (const m of sameKey) await deleteMapping(run.aws, c.domain, m.id);
      await createMapping(run.aws, c.domain, { apiId: apiOf(c, run, c.rest === true), stage: c.stage, key: c.key });
      for (const m of others) await deleteMapping(run.aws, c.domain, m.id);
    },
    async 'domain.mark'(c, run) {
      if (c.rest) {
        const apiId = run.restApi(c);
        await untagRestStage(run.aws, apiId, c.rest.removeFrom ?? c.rest.stage, c.remove);
        if (Object.keys(c.tags).length) await tagRestStage(run.aws, apiId, c.rest.stage, c.tags);
        return;
      }
      await untagApi(run.aws, run.api(c), c.remove);
      if (Object.keys(c.tags).length) await tagApi(run.aws, run.api(c), c.tags);
    },
    async 'domain.record'(c, run) {
      const made = targetsOf(run).get(c.domain);
      const target = c.target ?? made?.target;
      const targetZoneId = c.targetZoneId ?? made?.targetZoneId;
      if (!target || !targetZoneId)
        throw new Error(`custom domain ${c.domain}: API Gateway gave no target DNS name, so the alias record was not written`);
      await upsertAliasRecord(run.aws, { zoneId: c.zoneId, name: c.domain, target, targetZoneId });
    },
    'domain.unrecord': (c, run) =>
      deleteAliasRecord(run.aws, {
        zoneId: c.record.zoneId,
        name: c.record.name,
        target: c.record.aliasTarget,
        targetZoneId: c.record.aliasZoneId,
      }),
    async 'domain.delete'(c, run) {
      for (const id of c.mappings) await deleteMapping(run.aws, c.domain, id);
      if (!c.keepDomain) await deleteDomain(run.aws, c.domain);
    },
  },
});
