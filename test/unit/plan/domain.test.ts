import { describe, expect, it } from 'vitest';
import { checkDomain } from '../../../src/apply/preflight-domain.js';
import type { Aws } from '../../../src/aws/clients.js';
import type { DomainSpec } from '../../../src/config/resolve-domain.js';
import type { Fleet } from '../../../src/config/types.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import type { Actual } from '../../../src/model/actual.js';
import type { ActualDomain } from '../../../src/model/domain.js';
import { planDeploy } from '../../../src/plan/plan.js';
import { API_ID, actualFrom, artifactsFor, REGION, sampleFleet } from './builders.js';

const NAME = 'api.example.com';
const CERT = `arn:aws:acm:${REGION}:123456789012:certificate/11111111-2222-3333-4444-555555555555`;
const TARGET = 'd-abc123.execute-api.us-east-1.amazonaws.com';
const TARGET_ZONE = 'Z1UJRXOUMOOFQ8';

function withDomain(over: Partial<DomainSpec> = {}): Fleet {
  const f = sampleFleet();
  return { ...f, api: { ...f.api!, domain: { name: NAME, certificate: CERT, basePath: 'v1', adopt: false, ...over } } };
}

/** The domain as a clean deploy leaves it: owned, the certificate, one mapping to the API's $default stage. */
function deployedDomain(over: Partial<ActualDomain> = {}): ActualDomain {
  return {
    name: NAME,
    owned: true,
    certificate: CERT,
    endpointType: 'REGIONAL',
    target: TARGET,
    targetZoneId: TARGET_ZONE,
    tags: { 'ops:app': 'tasks', 'ops:stage': 'dev' },
    mappings: [{ id: 'm1', apiId: API_ID, stage: '$default', key: 'v1' }],
    ...over,
  };
}

/** The read after a deploy of `f` with `domain` in place (and the API's marker tags). */
function actualWith(f: Fleet, domain?: ActualDomain, opts: { zone?: string; record?: boolean } = {}): Actual {
  const actual = actualFrom(f);
  actual.api!.tags = { ...actual.api!.tags, 'ops:domain': NAME, ...(opts.zone ? { 'ops:domain-zone': opts.zone } : {}) };
  const records = opts.record && opts.zone ? [{ zoneId: opts.zone, name: NAME, aliasTarget: TARGET, aliasZoneId: TARGET_ZONE }] : [];
  actual.domains = { domains: domain ? { [NAME]: domain } : {}, records };
  return actual;
}

const plan = (fleet: Fleet, actual: Actual, destroy = false) => planDeploy({ fleet, artifacts: artifactsFor(fleet), actual, destroy });
const domainChanges = (p: ReturnType<typeof plan>) => p.changes.filter((c) => c.kind.startsWith('domain.'));

describe('domain planner', () => {
  it('a converged domain plans nothing', () => {
    const f = withDomain({ hostedZoneId: 'ZONE1' });
    expect(domainChanges(plan(f, actualWith(f, deployedDomain(), { zone: 'ZONE1', record: true })))).toEqual([]);
  });

  it('a fresh stage: the domain, then the mapping after the API and its stage, the marker, the record after the domain', () => {
    const f = withDomain({ hostedZoneId: 'ZONE1' });
    const actual = actualFrom(f);
    delete actual.api;
    const p = plan(f, actual);
    const byKind = Object.fromEntries(domainChanges(p).map((c) => [c.kind, c]));
    expect(Object.keys(byKind).sort()).toEqual(['domain.create', 'domain.map', 'domain.mark', 'domain.record']);
    expect(byKind['domain.create']).toMatchObject({ certificate: CERT, tags: expect.objectContaining({ 'ops:app': 'tasks' }) });
    expect(byKind['domain.map']).toMatchObject({ stage: '$default', key: 'v1', replaces: [] });
    expect(byKind['domain.map'].dependsOn).toEqual(
      expect.arrayContaining([`domain.create:${NAME}`, 'api.create:tasks-dev', 'api.stage:tasks-dev']),
    );
    expect(byKind['domain.record']).toMatchObject({ zoneId: 'ZONE1', dependsOn: [`domain.create:${NAME}`] });
    expect(byKind['domain.mark']).toMatchObject({ tags: { 'ops:domain': NAME, 'ops:domain-zone': 'ZONE1' }, remove: [] });
  });

  it('another certificate is an update in place, never a new domain', () => {
    const f = withDomain();
    const other = CERT.replace('11111111', '99999999');
    const changes = domainChanges(plan(withDomain({ certificate: other }), actualWith(f, deployedDomain())));
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'domain.update', certificate: other, fields: [{ field: 'certificate', from: CERT, to: other }] }),
    ]);
  });

  it('a new base path replaces the mapping', () => {
    const changes = domainChanges(plan(withDomain({ basePath: 'v2' }), actualWith(withDomain(), deployedDomain())));
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'domain.map', key: 'v2', apiId: API_ID, replaces: [{ id: 'm1', key: 'v1' }] }),
    ]);
  });

  it("another API's mapping on the domain is kept (and said so); one holding the wanted key is replaced", () => {
    const other = { id: 'm9', apiId: 'other1', stage: 'prod', key: 'legacy' };
    const taken = { id: 'm8', apiId: 'other2', stage: 'prod', key: 'v2' };
    const p = plan(
      withDomain({ basePath: 'v2' }),
      actualWith(withDomain(), deployedDomain({ mappings: [{ id: 'm1', apiId: API_ID, stage: '$default', key: 'v1' }, other, taken] })),
    );
    expect(domainChanges(p)).toEqual([
      expect.objectContaining({
        kind: 'domain.map',
        key: 'v2',
        replaces: [
          { id: 'm1', key: 'v1' },
          { id: 'm8', key: 'v2' },
        ],
      }),
    ]);
    expect(p.warnings.join('\n')).toContain('kept the mappings of other APIs (/legacy → other1)');
  });

  it('an untagged domain: left alone unless adopt, then tagged (never created)', () => {
    const f = withDomain();
    const foreign = actualWith(f);
    foreign.foreign.push({ type: 'custom domain', name: NAME, reason: 'no ops:app/ops:stage tags' });
    const p = plan(f, foreign);
    expect(domainChanges(p)).toEqual([]);
    expect(p.warnings.join('\n')).toContain(`custom domain ${NAME} exists but is not managed by ops`);
    const adopted = withDomain({ adopt: true });
    const kinds = domainChanges(plan(adopted, actualWith(adopted, deployedDomain({ owned: false, tags: {} })))).map((c) => c.kind);
    expect(kinds).toEqual(['domain.adopt']);
    const [adopt] = domainChanges(plan(adopted, actualWith(adopted, deployedDomain({ owned: false, tags: {} }))));
    expect(adopt).toMatchObject({ tags: { 'ops:adopted': 'true' } });
  });

  it("an adopted domain that leaves the config (or meets destroy): only this stage's mapping goes, the domain stays", () => {
    const f = sampleFleet();
    const adopted = deployedDomain({
      tags: { 'ops:app': 'tasks', 'ops:stage': 'dev', 'ops:adopted': 'true', team: 'web' },
      mappings: [
        { id: 'm1', apiId: API_ID, stage: '$default', key: 'v1' },
        { id: 'm9', apiId: 'other1', stage: 'prod', key: 'legacy' },
      ],
    });
    for (const destroy of [false, true]) {
      const p = plan(f, actualWith(f, adopted), destroy);
      const del = domainChanges(p).find((c) => c.kind === 'domain.delete');
      expect(del).toMatchObject({ mappings: ['m1'], keepDomain: true });
      expect(del?.summary).toBe(`remove this stage's mapping from the custom domain ${NAME} (adopted: the domain stays)`);
      expect(p.warnings.join('\n')).toContain(`custom domain ${NAME}: kept: ops adopted it, did not create it`);
    }
  });

  it('removed from the config: the record, then mappings and domain, and the marker goes', () => {
    const f = sampleFleet();
    const p = plan(f, actualWith(f, deployedDomain(), { zone: 'ZONE1', record: true }));
    const changes = domainChanges(p);
    expect(changes.map((c) => c.kind).sort()).toEqual(['domain.delete', 'domain.mark', 'domain.unrecord']);
    const del = changes.find((c) => c.kind === 'domain.delete')!;
    expect(del).toMatchObject({ mappings: ['m1'], dependsOn: [`domain.unrecord:ZONE1 ${NAME}`] });
    expect(changes.find((c) => c.kind === 'domain.mark')).toMatchObject({ tags: {}, remove: ['ops:domain', 'ops:domain-zone'] });
  });

  it('destroy deletes the domain before the API; no marker change on an API that goes', () => {
    const f = withDomain();
    const p = plan(f, actualWith(f, deployedDomain()), true);
    expect(domainChanges(p).map((c) => c.kind)).toEqual(['domain.delete']);
    const apiDelete = p.changes.find((c) => c.kind === 'api.delete');
    expect(apiDelete?.dependsOn).toContain(`domain.delete:${NAME}`);
  });

  it('a domain whose AWS answer has no target: the record is not planned, and the plan says why', () => {
    const f = withDomain({ hostedZoneId: 'ZONE1' });
    const p = plan(f, actualWith(f, deployedDomain({ target: undefined, targetZoneId: undefined }), { zone: 'ZONE1' }));
    expect(domainChanges(p)).toEqual([]);
    expect(p.warnings.join('\n')).toContain('AWS gave no target DNS name');
  });
});

describe('api.domain config', () => {
  const env: ValidateEnv = { stage: 'dev', exists: () => true };
  const problemsOf = (domain: unknown) =>
    validateFleet(
      { app: 'shop', api: { domain }, functions: { a: { handler: 'src/a/handler.ts', routes: ['GET /a'] } } },
      env,
    ).problems.map((p) => `${p.path}: ${p.message}`);

  it('one line per bad field', () => {
    expect(problemsOf({ name: 'https://api.example.com', certificate: CERT })).toEqual([
      expect.stringMatching(/^api\.domain\.name: a domain name is/),
    ]);
    expect(problemsOf({ name: NAME, certificate: 'arn:aws:iam::123456789012:role/x' })).toEqual([
      expect.stringMatching(/^api\.domain\.certificate: an ACM certificate ARN/),
    ]);
    expect(problemsOf({ name: NAME, certificate: CERT, basePath: '/v1' })).toEqual([
      expect.stringMatching(/^api\.domain\.basePath: a base path/),
    ]);
    expect(problemsOf({ name: NAME, certificate: CERT, hostedZoneId: '/hostedzone/Z123' })).toEqual([
      expect.stringMatching(/^api\.domain\.hostedZoneId: a Route 53 hosted zone id/),
    ]);
    expect(problemsOf({ name: NAME, certificate: CERT, basePath: 'api/v1', hostedZoneId: 'Z123' })).toEqual([]);
  });

  it('the preflight refuses a certificate of another region (an HTTP or a REST API alike) before asking AWS anything', async () => {
    const noAws = {} as Aws; // any call would throw: none is made
    const f = withDomain({ certificate: CERT.replace(`:${REGION}:`, ':eu-west-1:') });
    const r = await checkDomain(noAws, f);
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^api\.domain\.certificate: certificate \S+ is in eu-west-1: a regional custom domain in us-east-1 needs/),
    ]);
    const rest = withDomain({ certificate: CERT.replace(`:${REGION}:`, ':eu-west-1:') });
    rest.api!.type = 'rest';
    expect((await checkDomain(noAws, rest)).problems.map((p) => p.path)).toEqual(['api.domain.certificate']);
    expect(await checkDomain(noAws, sampleFleet())).toEqual({ problems: [], warnings: [] });
  });
});
