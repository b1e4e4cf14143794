import type { DomainName } from '@aws-sdk/client-apigatewayv2';
import { notOwnedReason, OWNER_APP_TAG, OWNER_STAGE_TAG } from '../config/naming.js';
import type { ReadScope } from '../model/actual.js';
import type { ActualDomain, ActualDomainRecord, ActualDomains } from '../model/domain.js';
import type { Aws } from './clients.js';
import { nameOf, orNotFound } from './errors.js';
import { allPages } from './pool.js';
import type { Lookup } from './preflight.js';
import { read } from './retry.js';

/**
 * Custom domains of the fleet's API: API Gateway v2 DomainNames (regional, TLS 1.2), their API mappings,
 * and the Route 53 alias record of a domain whose hosted zone the config names.
 */

const domainArn = (aws: Aws, name: string) => `arn:${aws.partition}:apigateway:${aws.region}::/domainnames/${name}`;
const apiArn = (aws: Aws, apiId: string) => `arn:${aws.partition}:apigateway:${aws.region}::/apis/${apiId}`;

/** Where the user's DNS points: the domain's regional name and its hosted zone (absent on moto, which fills neither). */
export interface DomainTarget {
  target?: string;
  targetZoneId?: string;
}

function toActual(d: DomainName, owned: boolean): Omit<ActualDomain, 'mappings'> {
  const conf = d.DomainNameConfigurations?.[0] ?? {};
  return {
    name: d.DomainName ?? '',
    owned,
    ...(conf.CertificateArn ? { certificate: conf.CertificateArn } : {}),
    ...(conf.EndpointType ? { endpointType: conf.EndpointType } : {}),
    ...(conf.SecurityPolicy ? { securityPolicy: conf.SecurityPolicy } : {}),
    ...(conf.ApiGatewayDomainName ? { target: conf.ApiGatewayDomainName } : {}),
    ...(conf.HostedZoneId ? { targetZoneId: conf.HostedZoneId } : {}),
    tags: d.Tags ?? {},
  };
}

export interface DomainReadInput {
  /** The names to look at: the config's (with `adopt`) and the one the API's marker tag names. */
  names: { name: string; adopt: boolean }[];
  /** The alias records to look at: the config's hosted zone and the marker's. */
  records: { zoneId: string; name: string }[];
}

/**
 * GetDomainName of each name: ours by the stage's tags; without them, read only when the config adopts it,
 * else reported as not managed by ops. Then the mappings of each domain read, and the records asked for.
 */
export async function readDomains(
  aws: Aws,
  scope: ReadScope,
  input: DomainReadInput,
): Promise<{ domains: ActualDomains; foreign: { type: string; name: string; reason?: string }[] }> {
  const apigw = await aws.apigw();
  const domains: Record<string, ActualDomain> = {};
  const foreign: { type: string; name: string; reason?: string }[] = [];
  await Promise.all(
    input.names.map(async ({ name, adopt }) => {
      const d = await read(aws, () => orNotFound(apigw.getDomainName({ DomainName: name })));
      if (!d) return;
      const reason = notOwnedReason(d.Tags, scope.app, scope.stage);
      if (reason && !adopt) {
        foreign.push({ type: 'custom domain', name, reason });
        return;
      }
      const mappings = await allPages(
        (NextToken) => read(aws, () => apigw.getApiMappings({ DomainName: name, ...(NextToken ? { NextToken } : {}) })),
        (page) => page.Items,
        (page) => page.NextToken,
      );
      domains[name] = {
        ...toActual({ ...d, DomainName: name }, !reason),
        mappings: mappings.map((m) => ({
          id: m.ApiMappingId ?? '',
          apiId: m.ApiId ?? '',
          stage: m.Stage ?? '',
          key: m.ApiMappingKey ?? '',
        })),
      };
    }),
  );
  const records = (await Promise.all(input.records.map((r) => readAliasRecord(aws, r.zoneId, r.name)))).flatMap((r) => (r ? [r] : []));
  return { domains: { domains, records }, foreign };
}

const isConflict = (e: unknown) => nameOf(e) === 'ConflictException';

/**
 * CreateDomainName: regional endpoint, the certificate, TLS 1.2, the stage's tags. A resend after a lost
 * answer meets ConflictException (the name exists): a domain with the stage's tags is the one just made.
 */
export async function createDomain(
  aws: Aws,
  input: { name: string; certificate: string; tags: Record<string, string> },
): Promise<DomainTarget> {
  const apigw = await aws.apigw();
  const made = await aws
    .write(() =>
      apigw.createDomainName({
        DomainName: input.name,
        DomainNameConfigurations: [{ CertificateArn: input.certificate, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
        Tags: input.tags,
      }),
    )
    .catch(async (error: unknown) => {
      if (!isConflict(error)) throw error;
      const found = await read(aws, () => apigw.getDomainName({ DomainName: input.name }));
      if (notOwnedReason(found.Tags, input.tags[OWNER_APP_TAG] ?? '', input.tags[OWNER_STAGE_TAG] ?? '')) throw error;
      return found;
    });
  const { target, targetZoneId } = toActual({ ...made, DomainName: input.name }, true);
  return { target, targetZoneId };
}

/** UpdateDomainName: another certificate (or endpoint settings) in place; the domain and its target stay. */
export async function updateDomainCertificate(aws: Aws, name: string, certificate: string): Promise<void> {
  const apigw = await aws.apigw();
  await aws.write(() =>
    apigw.updateDomainName({
      DomainName: name,
      DomainNameConfigurations: [{ CertificateArn: certificate, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    }),
  );
}

export async function tagDomain(aws: Aws, name: string, tags: Record<string, string>): Promise<void> {
  const apigw = await aws.apigw();
  await aws.write(() => apigw.tagResource({ ResourceArn: domainArn(aws, name), Tags: tags }));
}

/** DeleteDomainName; one already gone is fine. */
export async function deleteDomain(aws: Aws, name: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteDomainName({ DomainName: name })));
}

export async function createMapping(aws: Aws, domain: string, m: { apiId: string; stage: string; key: string }): Promise<string> {
  const apigw = await aws.apigw();
  try {
    const made = await aws.write(() =>
      apigw.createApiMapping({ DomainName: domain, ApiId: m.apiId, Stage: m.stage, ...(m.key ? { ApiMappingKey: m.key } : {}) }),
    );
    return made.ApiMappingId ?? '';
  } catch (error) {
    // A resend after a lost answer meets ConflictException (the key is taken): the mapping it made is read back.
    if (!isConflict(error)) throw error;
    const all = (await read(aws, () => apigw.getApiMappings({ DomainName: domain }))).Items ?? [];
    const same = all.find((x) => x.ApiId === m.apiId && x.Stage === m.stage && (x.ApiMappingKey ?? '') === m.key);
    if (!same?.ApiMappingId) throw error;
    return same.ApiMappingId;
  }
}

export async function deleteMapping(aws: Aws, domain: string, id: string): Promise<void> {
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.deleteApiMapping({ DomainName: domain, ApiMappingId: id })));
}

/** The marker tags on the HTTP API: they tell a later read which domain to look at once the config drops it. */
export async function tagApi(aws: Aws, apiId: string, tags: Record<string, string>): Promise<void> {
  const apigw = await aws.apigw();
  await aws.write(() => apigw.tagResource({ ResourceArn: apiArn(aws, apiId), Tags: tags }));
}

export async function untagApi(aws: Aws, apiId: string, keys: string[]): Promise<void> {
  if (!keys.length) return;
  const apigw = await aws.apigw();
  await orNotFound(aws.write(() => apigw.untagResource({ ResourceArn: apiArn(aws, apiId), TagKeys: keys })));
}

const noDot = (s: string) => s.replace(/\.$/, '');

/** The A record `name` in the zone (ListResourceRecordSets starts at the name: the first answer is it or the next one). */
export async function readAliasRecord(aws: Aws, zoneId: string, name: string): Promise<ActualDomainRecord | undefined> {
  const r53 = await aws.route53();
  const page = await read(aws, () =>
    orNotFound(r53.listResourceRecordSets({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: 'A', MaxItems: 1 })),
  );
  const rec = page?.ResourceRecordSets?.[0];
  if (!rec || noDot(rec.Name ?? '') !== name || rec.Type !== 'A') return undefined;
  const alias = rec.AliasTarget;
  return {
    zoneId,
    name,
    ...(alias?.DNSName ? { aliasTarget: noDot(alias.DNSName).toLowerCase() } : {}),
    ...(alias?.HostedZoneId ? { aliasZoneId: alias.HostedZoneId } : {}),
  };
}

type AliasChange = { zoneId: string; name: string; target: string; targetZoneId: string };

async function changeAlias(aws: Aws, action: 'UPSERT' | 'DELETE', c: AliasChange): Promise<void> {
  const r53 = await aws.route53();
  await aws.write(() =>
    r53.changeResourceRecordSets({
      HostedZoneId: c.zoneId,
      ChangeBatch: {
        Comment: 'ops: custom domain of the API',
        Changes: [
          {
            Action: action,
            ResourceRecordSet: {
              Name: c.name,
              Type: 'A',
              AliasTarget: { DNSName: c.target, HostedZoneId: c.targetZoneId, EvaluateTargetHealth: false },
            },
          },
        ],
      },
    }),
  );
}

/** UPSERT of the alias A record: the domain name → the domain's regional target. */
export const upsertAliasRecord = (aws: Aws, c: AliasChange) => changeAlias(aws, 'UPSERT', c);
/** DELETE names the record exactly as it is (Route 53 refuses anything else). */
export async function deleteAliasRecord(aws: Aws, c: AliasChange): Promise<void> {
  await orNotFound(changeAlias(aws, 'DELETE', c));
}

/** Preflight: the certificate exists (and its status and names). */
export async function lookupCertificate(aws: Aws, arn: string): Promise<Lookup<{ status?: string; names: string[] }>> {
  const acm = await aws.acm();
  try {
    const found = await read(aws, () => acm.describeCertificate({ CertificateArn: arn }));
    const c = found.Certificate;
    return {
      kind: 'found',
      value: { status: c?.Status, names: [c?.DomainName ?? '', ...(c?.SubjectAlternativeNames ?? [])].filter(Boolean) },
    };
  } catch (error) {
    const name = (error as { name?: string })?.name ?? '';
    if (name === 'ResourceNotFoundException' || name === 'ValidationException') return { kind: 'missing' };
    if (/AccessDenied/.test(name)) return { kind: 'unchecked', reason: `access denied (${name})` };
    throw error;
  }
}
