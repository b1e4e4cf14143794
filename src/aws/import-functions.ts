import { createHash } from 'node:crypto';
import type { EventSourceMappingConfiguration, GetFunctionResponse } from '@aws-sdk/client-lambda';
import { LIVE_ALIAS } from '../config/naming.js';
import type { ImportedCaller, ImportedFunction, ImportedMapping } from '../import/model.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { parsePolicyDocument } from './map.js';
import { allPages } from './pool.js';
import { read } from './retry.js';

/* `ops import`'s reads of running functions: which ones, their configuration, aliases, mappings, log group, code. */

export type Selection = { prefix: string } | { names: string[] } | { tag: { key: string; value: string } };

async function listFunctionNames(aws: Aws): Promise<{ name: string; arn: string }[]> {
  const lambda = await aws.lambda();
  const all = await allPages(
    (Marker) => read(aws, () => lambda.listFunctions({ MaxItems: 50, ...(Marker ? { Marker } : {}) })),
    (p) => p.Functions,
    (p) => p.NextMarker,
  );
  return all.filter((f) => f.FunctionName && f.FunctionArn).map((f) => ({ name: f.FunctionName ?? '', arn: f.FunctionArn ?? '' }));
}

/**
 * The names selected, sorted; with `names`, also those that do not exist (the caller says so in one line).
 * A tag selection lists the functions and reads each one's tags (Lambda has no filter by tag, and the tagging
 * API answers nothing for Lambda on some emulators).
 */
export async function selectFunctions(aws: Aws, sel: Selection): Promise<{ names: string[]; missing: string[] }> {
  if ('names' in sel) {
    const lambda = await aws.lambda();
    const found = await Promise.all(
      sel.names.map((n) => orNotFound(read(aws, () => lambda.getFunctionConfiguration({ FunctionName: n })))),
    );
    return {
      names: sel.names.filter((_, i) => found[i]).sort(),
      missing: sel.names.filter((_, i) => !found[i]),
    };
  }
  const all = await listFunctionNames(aws);
  if ('prefix' in sel)
    return {
      names: all
        .filter((f) => f.name.startsWith(sel.prefix))
        .map((f) => f.name)
        .sort(),
      missing: [],
    };
  const lambda = await aws.lambda();
  const tagged = await Promise.all(
    all.map(async (f) =>
      (await read(aws, () => lambda.listTags({ Resource: f.arn }))).Tags?.[sel.tag.key] === sel.tag.value ? f.name : undefined,
    ),
  );
  return { names: tagged.filter((n): n is string => !!n).sort(), missing: [] };
}

function mappingOf(m: EventSourceMappingConfiguration): ImportedMapping {
  const arn = m.EventSourceArn ?? '';
  const kind = arn.startsWith('arn:aws:sqs:') || /:sqs:/.test(arn) ? 'sqs' : /:dynamodb:/.test(arn) ? 'dynamodb' : 'other';
  return {
    uuid: m.UUID ?? '',
    sourceArn: arn,
    kind,
    ...(m.BatchSize !== undefined ? { batchSize: m.BatchSize } : {}),
    ...(m.MaximumBatchingWindowInSeconds ? { batchWindow: m.MaximumBatchingWindowInSeconds } : {}),
    ...(m.ScalingConfig?.MaximumConcurrency ? { maxConcurrency: m.ScalingConfig.MaximumConcurrency } : {}),
    reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
  };
}

/** The log group's retention: days, `'never'` for a group without one, undefined when there is no group. */
async function retentionOf(aws: Aws, group: string): Promise<number | 'never' | undefined> {
  const logs = await aws.logs();
  const page = await read(aws, () => logs.describeLogGroups({ logGroupNamePrefix: group }));
  const g = (page.logGroups ?? []).find((x) => x.logGroupName === group);
  return g ? (g.retentionInDays ?? 'never') : undefined;
}

/** Who the function's own (unqualified) resource policy lets invoke it. */
async function callersOf(aws: Aws, name: string): Promise<ImportedCaller[]> {
  const lambda = await aws.lambda();
  const policy = await orNotFound(read(aws, () => lambda.getPolicy({ FunctionName: name })));
  return parsePolicyDocument(policy?.Policy).Statement.map((st) => {
    const p = st.Principal as string | { Service?: string | string[]; AWS?: string | string[] } | undefined;
    const principal = typeof p === 'string' ? p : [p?.Service ?? p?.AWS ?? '*'].flat().join(', ');
    const cond = st.Condition as Record<string, Record<string, string>> | undefined;
    const sourceArn = cond?.ArnLike?.['AWS:SourceArn'] ?? cond?.ArnEquals?.['AWS:SourceArn'] ?? cond?.ArnLike?.['aws:SourceArn'];
    return { sid: String(st.Sid ?? ''), principal, ...(sourceArn ? { sourceArn } : {}) };
  });
}

const roleNameOf = (arn: string | undefined) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined);

function fromGetFunction(
  g: GetFunctionResponse,
): Omit<ImportedFunction, 'aliases' | 'mappings' | 'rules' | 'sns' | 'routes' | 'hasUrl' | 'hasDestinations' | 'callers'> {
  const c = g.Configuration ?? {};
  const subnets = c.VpcConfig?.SubnetIds ?? [];
  return {
    name: c.FunctionName ?? '',
    arn: c.FunctionArn ?? '',
    packageType: c.PackageType === 'Image' ? 'Image' : 'Zip',
    runtime: c.Runtime,
    handler: c.Handler,
    memory: c.MemorySize,
    timeout: c.Timeout,
    architecture: c.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    description: c.Description,
    ephemeralStorage: c.EphemeralStorage?.Size,
    tracing: c.TracingConfig?.Mode === 'Active' ? 'Active' : 'PassThrough',
    environment: { ...(c.Environment?.Variables ?? {}) },
    roleName: roleNameOf(c.Role),
    layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
    ...(subnets.length ? { vpc: { subnetIds: [...subnets], securityGroupIds: [...(c.VpcConfig?.SecurityGroupIds ?? [])] } } : {}),
    tags: { ...(g.Tags ?? {}) },
    ...(g.Concurrency?.ReservedConcurrentExecutions !== undefined
      ? { reservedConcurrency: g.Concurrency.ReservedConcurrentExecutions }
      : {}),
    codeLocation: g.Code?.Location,
    codeSha256: c.CodeSha256,
    logRetentionDays: undefined,
  };
}

/** One function as import needs it; its triggers from EventBridge, SNS and API Gateway are read elsewhere. */
export async function readFunctionForImport(aws: Aws, name: string): Promise<ImportedFunction> {
  const lambda = await aws.lambda();
  const g = await read(aws, () => lambda.getFunction({ FunctionName: name }));
  const base = fromGetFunction(g);
  const [aliases, mappings, url, invokeConfig, retention, callers] = await Promise.all([
    allPages(
      (Marker) => read(aws, () => lambda.listAliases({ FunctionName: name, ...(Marker ? { Marker } : {}) })),
      (p) => p.Aliases,
      (p) => p.NextMarker,
    ),
    allPages(
      (Marker) => read(aws, () => lambda.listEventSourceMappings({ FunctionName: name, ...(Marker ? { Marker } : {}) })),
      (p) => p.EventSourceMappings,
      (p) => p.NextMarker,
    ),
    orNotFound(read(aws, () => lambda.getFunctionUrlConfig({ FunctionName: name }))),
    orNotFound(read(aws, () => lambda.getFunctionEventInvokeConfig({ FunctionName: name }))),
    retentionOf(aws, g.Configuration?.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`),
    callersOf(aws, name),
  ]);
  return {
    ...base,
    aliases: aliases.map((a) => a.Name ?? '').filter((a) => a && a !== LIVE_ALIAS),
    mappings: mappings.map(mappingOf),
    rules: [],
    sns: [],
    routes: [],
    logRetentionDays: retention,
    hasUrl: !!url,
    hasDestinations: !!invokeConfig,
    callers,
  };
}

/** Lambda's own bucket and key in an S3 URL (`https://<bucket>.s3.<region>.amazonaws.com/<key>`), when it is one. */
export function s3ObjectOf(location: string): { bucket: string; key: string } | undefined {
  const m = /^https?:\/\/([^/]+)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com\/([^?]+)/.exec(location);
  return m?.[1] && m[3] ? { bucket: m[1], key: decodeURIComponent(m[3]) } : undefined;
}

/**
 * The zip at Code.Location. On AWS a presigned HTTPS URL into Lambda's bucket, fetched as it is. With a custom
 * endpoint (LocalStack, moto) that URL names AWS's host, so the object is read through the endpoint with the
 * command's S3 client instead, as every other call goes.
 */
async function fetchCode(aws: Aws, location: string, signal?: AbortSignal): Promise<Buffer> {
  const object = aws.endpointUrl ? s3ObjectOf(location) : undefined;
  if (object) {
    const s3 = await aws.s3();
    const got = await s3.getObject({ Bucket: object.bucket, Key: object.key }, { abortSignal: signal });
    return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
  }
  const response = await fetch(location, { signal });
  if (!response.ok) throw new Error(`downloading its code: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The function's deployed zip, checked against its CodeSha256. Throws a plain Error saying why not. */
export async function downloadFunctionCode(
  aws: Aws,
  fn: Pick<ImportedFunction, 'codeLocation' | 'codeSha256'>,
  signal?: AbortSignal,
): Promise<Buffer> {
  if (!fn.codeLocation || !/^https?:\/\//.test(fn.codeLocation))
    throw new Error(`no downloadable code location (${fn.codeLocation ?? 'none'})`);
  const zip = await fetchCode(aws, fn.codeLocation, signal);
  if (fn.codeSha256 && createHash('sha256').update(zip).digest('base64') !== fn.codeSha256)
    throw new Error('the downloaded code does not match its CodeSha256');
  return zip;
}
