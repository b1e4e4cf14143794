import { ADOPTED_TAG, DOMAIN_MARKER_TAG, DOMAIN_ZONE_TAG } from '../../config/naming.js';
import type { DomainSpec } from '../../config/resolve-domain.js';
import type { ActualDomain, ActualDomainRecord } from '../../model/domain.js';
import type { ChangeBase } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { type MappedApi, mappedApi } from './target.js';

export { HTTP_API_STAGE } from './target.js';

type Base = ChangeBase & { domain: string };
interface Mapping {
  id: string;
  key: string;
}

export type DomainChange =
  /** CreateDomainName (regional, the certificate, TLS 1.2, the stage's tags). */
  | (Base & { kind: 'domain.create'; certificate: string; tags: Record<string, string> })
  /** A domain of that name without the stage's tags, taken over (`adopt: true`): tagged, never recreated. */
  | (Base & { kind: 'domain.adopt'; tags: Record<string, string> })
  /** UpdateDomainName: another certificate, in place (the target DNS name stays). */
  | (Base & { kind: 'domain.update'; certificate: string })
  /**
   * CreateApiMapping to the API's stage under `key` (`rest`: the REST API's); the domain's other mappings are
   * deleted (one with the same key first).
   */
  | (Base & { kind: 'domain.map'; apiId?: string; stage: string; key: string; replaces: Mapping[]; rest?: true })
  /**
   * The marker tags (`ops:domain`, `ops:domain-zone`): set, or removed (`remove`), on the HTTP API, or with
   * `rest` on the REST API's stage `rest.stage` (removed from `rest.removeFrom`, the stage that holds them now).
   */
  | (Base & {
      kind: 'domain.mark';
      apiId?: string;
      tags: Record<string, string>;
      remove: string[];
      rest?: { stage: string; removeFrom?: string };
    })
  /** UPSERT of the Route 53 alias A record: name → the domain's target (from the read, or from this run's create). */
  | (Base & { kind: 'domain.record'; zoneId: string; target?: string; targetZoneId?: string })
  /** DELETE of the alias record ops wrote (the zone and name its marker names), as it is. */
  | (Base & { kind: 'domain.unrecord'; record: Required<ActualDomainRecord> })
  /** DeleteApiMapping of each mapping, then DeleteDomainName (not when `keepDomain`: ops adopted it, did not create it). */
  | (Base & { kind: 'domain.delete'; mappings: string[]; keepDomain?: boolean });

const resource = (name: string) => ({ type: 'api domain', name });
const keyText = (key: string) => (key ? `/${key}` : '/ (root)');

/** The domain the config wants for this plan: none on destroy. */
function wanted(ctx: PlanContext): DomainSpec | undefined {
  return ctx.destroy ? undefined : ctx.fleet.api?.domain;
}

function planDomainItself(ctx: PlanContext, want: DomainSpec, have: ActualDomain | undefined): DomainChange[] {
  const base = { domain: want.name, resource: resource(want.name), dependsOn: [] as string[] };
  if (!have) {
    return [
      {
        ...base,
        kind: 'domain.create',
        id: changeId('domain.create', want.name),
        action: 'create',
        summary: `create the custom domain ${want.name} (regional, TLS 1.2)`,
        fields: [{ field: 'certificate', to: want.certificate }],
        certificate: want.certificate,
        tags: ctx.fleet.tags,
      },
    ];
  }
  const out: DomainChange[] = [];
  if (!have.owned) {
    out.push({
      ...base,
      kind: 'domain.adopt',
      id: changeId('domain.adopt', want.name),
      action: 'update',
      summary: `adopt the custom domain ${want.name} (tag it for ${ctx.fleet.app}/${ctx.fleet.stage}; adopt: true)`,
      fields: [{ field: 'tags', to: `ops:app, ops:stage, ${ADOPTED_TAG}` }],
      // Marked adopted for good: when it leaves the config, ops removes its own mapping and keeps the domain.
      tags: { ...ctx.fleet.tags, [ADOPTED_TAG]: 'true' },
    });
  }
  if (have.certificate !== want.certificate) {
    out.push({
      ...base,
      kind: 'domain.update',
      id: changeId('domain.update', want.name),
      action: 'update',
      summary: `update the certificate of the custom domain ${want.name}`,
      fields: [{ field: 'certificate', ...(have.certificate ? { from: have.certificate } : {}), to: want.certificate }],
      certificate: want.certificate,
    });
  }
  if (have.endpointType && have.endpointType !== 'REGIONAL')
    ctx.warnings.push(`custom domain ${want.name} has a ${have.endpointType} endpoint: ops maps it as it is (it creates REGIONAL ones)`);
  return out;
}

function planMapping(want: DomainSpec, have: ActualDomain | undefined, target: MappedApi, ctx: PlanContext): DomainChange[] {
  const { apiId, stage } = target;
  const mappings = have?.mappings ?? [];
  const keep = mappings.find((m) => apiId && m.apiId === apiId && m.stage === stage && m.key === want.basePath);
  // A mapping is ops's through the API it maps (or it holds the wanted key, which must be freed): one of
  // another API on an adopted domain stays, and is said so.
  const ours = mappings.filter((m) => m !== keep && (m.key === want.basePath || m.apiId === apiId));
  const others = mappings.filter((m) => m !== keep && !ours.includes(m));
  if (others.length)
    ctx.warnings.push(
      `custom domain ${want.name}: kept the mappings of other APIs (${others.map((m) => `${keyText(m.key)} → ${m.apiId}`).join(', ')})`,
    );
  const replaces = ours.map((m) => ({ id: m.id, key: m.key }));
  if (keep && !replaces.length) return [];
  const from = [...(keep ? [keep] : []), ...ours].map((m) => keyText(m.key)).join(', ');
  return [
    {
      domain: want.name,
      resource: resource(want.name),
      kind: 'domain.map',
      id: changeId('domain.map', want.name),
      action: mappings.length ? 'update' : 'create',
      summary: `map ${want.name}${keyText(want.basePath)} to the ${target.rest ? 'REST ' : ''}API's ${stage} stage`,
      fields: [{ field: 'mapping', ...(from ? { from } : {}), to: keyText(want.basePath) }],
      // The API and its stage come first when this run makes them; a new domain too.
      dependsOn: [...target.dependsOn, changeId('domain.create', want.name), changeId('domain.adopt', want.name)],
      ...(apiId ? { apiId } : {}),
      stage,
      ...(target.rest ? { rest: true as const } : {}),
      key: want.basePath,
      replaces,
    },
  ];
}

/** The marker tags the API (an HTTP API, or a REST API's stage) should carry, and those it carries now. */
function planMarker(ctx: PlanContext, want: DomainSpec | undefined, target: MappedApi): DomainChange[] {
  const name = ctx.fleet.api?.name;
  // Destroy, `api: false`: the API goes, and its tags with it.
  if (ctx.destroy || !name) return [];
  const tags: Record<string, string> = want
    ? { [DOMAIN_MARKER_TAG]: want.name, ...(want.hostedZoneId ? { [DOMAIN_ZONE_TAG]: want.hostedZoneId } : {}) }
    : {};
  const have = target.markerTags;
  const moved = target.rest && target.markerStage !== undefined && target.markerStage !== target.stage;
  const remove = [DOMAIN_MARKER_TAG, DOMAIN_ZONE_TAG].filter((k) => have[k] !== undefined && (moved || tags[k] === undefined));
  const differs = Object.entries(tags).some(([k, v]) => moved || have[k] !== v);
  if (!differs && !remove.length) return [];
  const domainName = want?.name ?? have[DOMAIN_MARKER_TAG] ?? '';
  const what = target.rest ? `REST API ${name}'s stage ${target.stage}` : `HTTP API ${name}`;
  return [
    {
      domain: domainName,
      resource: { type: target.rest ? 'rest api stage' : 'http api', name: target.rest ? `${name} ${target.stage}` : name },
      kind: 'domain.mark',
      id: changeId('domain.mark', name),
      action: 'update',
      summary: want ? `tag the ${what} with its custom domain ${want.name}` : `untag the custom domain from the ${what}`,
      fields: [
        { field: DOMAIN_MARKER_TAG, ...(have[DOMAIN_MARKER_TAG] ? { from: have[DOMAIN_MARKER_TAG] } : {}), to: want?.name ?? '(none)' },
      ],
      dependsOn: [...target.dependsOn, changeId('domain.map', domainName), changeId('domain.delete', domainName)],
      ...(target.apiId ? { apiId: target.apiId } : {}),
      tags,
      remove,
      ...(target.rest ? { rest: { stage: target.stage, ...(moved ? { removeFrom: target.markerStage } : {}) } } : {}),
    },
  ];
}

function planRecords(
  ctx: PlanContext,
  want: DomainSpec | undefined,
  have: ActualDomain | undefined,
  markTags: Record<string, string>,
): DomainChange[] {
  const out: DomainChange[] = [];
  const records = ctx.actual.domains?.records ?? [];
  const zone = want?.hostedZoneId;
  if (want && zone) {
    const rec = records.find((r) => r.zoneId === zone && r.name === want.name);
    const target = have?.target?.toLowerCase();
    if (have && !target) {
      ctx.warnings.push(`custom domain ${want.name}: AWS gave no target DNS name, so the alias record in ${zone} is not written`);
    } else if (!rec || !target || rec.aliasTarget !== target || rec.aliasZoneId !== have?.targetZoneId) {
      out.push({
        domain: want.name,
        resource: resource(want.name),
        kind: 'domain.record',
        id: changeId('domain.record', want.name),
        action: rec ? 'update' : 'create',
        summary: `point the Route 53 record ${want.name} (A, alias) in ${zone} at the custom domain`,
        fields: [{ field: 'alias', ...(rec?.aliasTarget ? { from: rec.aliasTarget } : {}), to: target ?? '(the new domain)' }],
        dependsOn: [changeId('domain.create', want.name)],
        zoneId: zone,
        ...(target ? { target } : {}),
        ...(have?.targetZoneId ? { targetZoneId: have.targetZoneId } : {}),
      });
    }
  }
  // The record ops wrote (named by the API's marker) goes when its domain or zone is no longer wanted.
  const [oldName, oldZone] = [markTags[DOMAIN_MARKER_TAG], markTags[DOMAIN_ZONE_TAG]];
  const old = records.find((r) => r.zoneId === oldZone && r.name === oldName);
  if (old?.aliasTarget && old.aliasZoneId && !(want?.name === oldName && zone === oldZone)) {
    out.push({
      domain: old.name,
      resource: resource(old.name),
      kind: 'domain.unrecord',
      id: changeId('domain.unrecord', `${old.zoneId} ${old.name}`),
      action: 'delete',
      summary: `delete the Route 53 record ${old.name} (A, alias) in ${old.zoneId}`,
      fields: [{ field: 'alias', from: old.aliasTarget }],
      dependsOn: [],
      record: old as Required<ActualDomainRecord>,
    });
  }
  return out;
}

/** The custom domain of the fleet's HTTP API: the domain, its mapping, the API's marker, the alias record; what is no longer wanted goes. */
export function planDomains(ctx: PlanContext): DomainChange[] {
  const want = wanted(ctx);
  const domains = ctx.actual.domains?.domains ?? {};
  const have = want ? domains[want.name] : undefined;
  const out: DomainChange[] = [];
  // A domain of that name that is not ours (the read reports it as not managed by ops) is left alone.
  if (want && !have && ctx.actual.foreign.some((f) => f.type === 'custom domain' && f.name === want.name)) {
    ctx.warnings.push(`custom domain ${want.name} exists but is not managed by ops: nothing is mapped (adopt: true takes it over)`);
    return [];
  }
  const target = mappedApi(ctx);
  if (want) out.push(...planDomainItself(ctx, want, have), ...planMapping(want, have, target, ctx));
  out.push(...planRecords(ctx, want, have, target.markerTags), ...planMarker(ctx, want, target));
  const unrecords = out.filter((c) => c.kind === 'domain.unrecord').map((c) => c.id);
  for (const d of Object.values(domains)) {
    if (!d.owned || d.name === want?.name) continue;
    // Someone else made it (ops adopted it): only this stage's mapping goes, the domain and other mappings stay.
    const adopted = d.tags[ADOPTED_TAG] === 'true';
    const mappings = adopted ? d.mappings.filter((m) => m.apiId === target.apiId) : d.mappings;
    if (adopted)
      ctx.warnings.push(`custom domain ${d.name}: kept: ops adopted it, did not create it (only this stage's mapping is removed)`);
    if (adopted && !mappings.length) continue;
    const n = mappings.length;
    out.push({
      domain: d.name,
      resource: resource(d.name),
      kind: 'domain.delete',
      id: changeId('domain.delete', d.name),
      action: 'delete',
      summary: adopted
        ? `remove this stage's mapping from the custom domain ${d.name} (adopted: the domain stays)`
        : `delete the custom domain ${d.name}${n ? ` and its ${n === 1 ? 'mapping' : `${n} mappings`}` : ''}`,
      fields: d.target && !adopted ? [{ field: 'target', from: d.target }] : [],
      // DNS first: no record is left pointing at a deleted domain.
      dependsOn: unrecords,
      mappings: mappings.map((m) => m.id),
      ...(adopted ? { keepDomain: true } : {}),
    });
  }
  return out;
}
