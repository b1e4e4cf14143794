import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import {
  ApiGatewayV2Client,
  CreateApiMappingCommand,
  CreateDomainNameCommand,
  DeleteApiMappingCommand,
  DeleteDomainNameCommand,
  GetApiMappingsCommand,
  GetApisCommand,
  GetDomainNameCommand,
} from '@aws-sdk/client-apigatewayv2';
import { CreateHostedZoneCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDomain, createMapping, deleteDomain } from '../../src/aws/domains.js';
import { awsFor } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

/**
 * Custom domains of the fleet's HTTP API (issue 15 item 6) on moto: the domain (regional, the certificate,
 * TLS 1.2, the stage's tags) and its mapping to the API's $default stage, read back with the SDK; an empty
 * second plan; a new base path replaces the mapping; the Route 53 alias record with a hosted zone; removal
 * deletes the record, the mapping and the domain. The certificate is checked before any write.
 */
describe('ops deploy: custom domain', () => {
  const emu = useEmulator();
  const app = uniqueApp('dom');
  const stage = 'dev';
  const name = `api.${app}.example.com`;
  let dir: string;
  let certificate: string;
  let zoneId: string;
  const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
  const apigw = () => new ApiGatewayV2Client(emu.clientConfig);
  const r53 = () => new Route53Client(emu.clientConfig);
  const planIds = async () => {
    const p = await ops(['plan', '--json']);
    return (JSON.parse(p.stdout).changes as { id: string }[]).map((c) => c.id).sort();
  };
  const domain = () =>
    apigw()
      .send(new GetDomainNameCommand({ DomainName: name }))
      .catch((e: Error) => (e.name === 'NotFoundException' ? undefined : Promise.reject(e)));
  const mappings = async () => (await apigw().send(new GetApiMappingsCommand({ DomainName: name }))).Items ?? [];
  const apiId = async () => (await apigw().send(new GetApisCommand({}))).Items?.find((a) => a.Name === `${app}-${stage}`)?.ApiId;
  const aRecord = async () =>
    (await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets?.find(
      (r) => r.Type === 'A' && r.Name?.replace(/\.$/, '') === name,
    );
  const domainConfig = (extra = '') => `  api: { domain: { name: '${name}', certificate: '${certificate}', basePath: 'v1'${extra} } },`;
  const body = (api: string) => `${api}
  functions: {
    hello: { handler: 'src/hello/handler.ts', routes: ['GET /hello'] },
  },`;

  beforeAll(async () => {
    const acm = new ACMClient(emu.clientConfig);
    certificate = (await acm.send(new RequestCertificateCommand({ DomainName: name }))).CertificateArn!;
    const zone = await r53().send(new CreateHostedZoneCommand({ Name: `${app}.example.com`, CallerReference: app }));
    zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
    dir = await fleetDir(
      app,
      { 'src/hello/handler.ts': 'export const handler = async () => ({ statusCode: 200, body: "hi" });\n' },
      body(domainConfig()),
    );
  });

  it('stops before any write on a certificate of another region or one that does not exist: one line each', async () => {
    const elsewhere = certificate.replace(':us-east-1:', ':eu-west-1:');
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(certificate, elsewhere));
    const wrongRegion = await ops(['deploy', '--yes']);
    expect(wrongRegion.code).not.toBe(0);
    expect(wrongRegion.stderr).toMatch(
      /api\.domain\.certificate: certificate \S+ is in eu-west-1: a regional custom domain in us-east-1 needs a certificate of us-east-1/,
    );
    const missing = `${certificate.slice(0, certificate.lastIndexOf('/'))}/00000000-0000-0000-0000-000000000000`;
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(elsewhere, missing));
    const notThere = await ops(['deploy', '--yes']);
    expect(notThere.code).not.toBe(0);
    expect(notThere.stderr).toMatch(/api\.domain\.certificate: certificate \S+ does not exist/);
    expect(await apiId()).toBeUndefined(); // nothing was written
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(missing, certificate));
  });

  it('creates the domain and maps it to the API, prints the URL, and plans nothing after', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain(`Domain: https://${name}/v1`);
    const got = await domain();
    expect(got?.DomainNameConfigurations?.[0]).toMatchObject({
      CertificateArn: certificate,
      EndpointType: 'REGIONAL',
      SecurityPolicy: 'TLS_1_2',
    });
    expect(got?.Tags).toMatchObject({ 'ops:app': app, 'ops:stage': stage });
    const id = await apiId();
    expect(await mappings()).toEqual([expect.objectContaining({ ApiId: id, Stage: '$default', ApiMappingKey: 'v1' })]);
    expect(await planIds()).toEqual([]);
  });

  it('a new base path replaces the mapping (and only that)', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("basePath: 'v1'", "basePath: 'v2'"));
    expect(await planIds()).toEqual([`domain.map:${name}`]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect((await mappings()).map((m) => m.ApiMappingKey)).toEqual(['v2']);
    expect(await planIds()).toEqual([]);
  });

  it('with hostedZoneId, upserts the alias A record to the domain target', async () => {
    // moto fills neither ApiGatewayDomainName nor HostedZoneId in a domain's configuration, which AWS always
    // returns: the domain is made again here as AWS answers it (same tags and mapping), so ops reads a target.
    const target = `d-abc123.execute-api.us-east-1.amazonaws.com`;
    const [old] = await mappings();
    await apigw().send(new DeleteApiMappingCommand({ DomainName: name, ApiMappingId: old.ApiMappingId }));
    await apigw().send(new DeleteDomainNameCommand({ DomainName: name }));
    await apigw().send(
      new CreateDomainNameCommand({
        DomainName: name,
        DomainNameConfigurations: [
          {
            CertificateArn: certificate,
            EndpointType: 'REGIONAL',
            SecurityPolicy: 'TLS_1_2',
            ApiGatewayDomainName: target,
            HostedZoneId: 'Z1UJRXOUMOOFQ8',
          },
        ],
        Tags: { 'ops:app': app, 'ops:stage': stage },
      }),
    );
    await apigw().send(new CreateApiMappingCommand({ DomainName: name, ApiId: await apiId(), Stage: '$default', ApiMappingKey: 'v2' }));
    await edit(`${dir}/ops.config.ts`, (t) => t.replace("basePath: 'v2'", `basePath: 'v2', hostedZoneId: '${zoneId}'`));
    expect(await planIds()).toEqual([`domain.mark:${app}-${stage}`, `domain.record:${name}`]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain(target);
    expect((await aRecord())?.AliasTarget).toMatchObject({
      DNSName: expect.stringMatching(new RegExp(`^${target}\\.?$`)),
      HostedZoneId: 'Z1UJRXOUMOOFQ8',
    });
    const status = await ops(['status']);
    expect(status.stdout).toContain(`Domain: https://${name}/v2`);
    expect(status.stdout).toContain(target);
    expect(await planIds()).toEqual([]);
  });

  it('removing the domain deletes the record, the mapping and the domain', async () => {
    await edit(`${dir}/ops.config.ts`, (t) => t.replace(/ {2}api: \{ domain: .*\n/, ''));
    expect(await planIds()).toEqual([`domain.delete:${name}`, `domain.mark:${app}-${stage}`, `domain.unrecord:${zoneId} ${name}`]);
    const d = await ops(['deploy', '--yes']);
    expect(d.code, d.stderr).toBe(0);
    expect(await domain()).toBeUndefined();
    expect(await aRecord()).toBeUndefined();
    expect(await apiId()).toBeDefined(); // the API stays
    expect(await planIds()).toEqual([]);
    // The marker went with the domain: a fleet without a domain asks API Gateway, Route 53 and ACM nothing about one.
    const proxy = await emu.proxy();
    const plain = await runCli(['plan'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(plain.code, plain.stderr).toBe(0);
    expect(proxy.requests.filter((r) => /domainnames/.test(r.path) || ['route53', 'acm'].includes(r.service))).toEqual([]);
    expect(proxy.requests.length).toBeGreaterThan(0);
  });

  it('a lost CreateDomainName or CreateApiMapping answer: the resend meets ConflictException, what was made is read back', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const lost = `lost.${app}.example.com`;
    const domainPosts = () => proxy.requests.filter((r) => r.method === 'POST' && r.path === '/v2/domainnames');
    proxy.addFault({ match: { service: 'apigateway', method: 'POST', path: '/v2/domainnames' }, times: 1, respond: faults.dropResponse() });
    await createDomain(aws, { name: lost, certificate, tags: { 'ops:app': app, 'ops:stage': stage } });
    expect(domainPosts()).toHaveLength(2); // the resend met moto's ConflictException, as AWS answers
    // moto takes a second mapping with the same key (it overwrites); AWS refuses it: the proxy answers as AWS does.
    const mappingPath = `/v2/domainnames/${lost}/apimappings`;
    proxy.addFault({ match: { service: 'apigateway', method: 'POST', path: mappingPath }, times: 1, respond: faults.dropResponse() });
    proxy.addFault({
      match: { service: 'apigateway', method: 'POST', path: mappingPath },
      times: 1,
      respond: faults.awsError({ code: 'ConflictException', message: 'ApiMapping key already exists for this domain name', status: 409 }),
    });
    const id = await createMapping(aws, lost, { apiId: (await apiId())!, stage: '$default', key: 'x' });
    const all = (await apigw().send(new GetApiMappingsCommand({ DomainName: lost }))).Items ?? [];
    expect(all.map((m) => m.ApiMappingId)).toEqual([id]);
    expect(proxy.requests.filter((r) => r.method === 'POST' && r.path === mappingPath)).toHaveLength(2);
    await deleteDomain(aws, lost);
    aws.destroy();
  });
});
