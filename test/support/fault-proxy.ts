import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An HTTP proxy in front of the emulator that can make chosen calls fail the way AWS fails them, so
 * the real SDK parses real error responses. Everything else is forwarded untouched (moto does not
 * check SigV4 signatures, so the signature made for the proxy's host is fine).
 */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: use it as the SDK `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly url: string;
  /** Every request seen, in arrival order (empty when started with `keepLog: false`). */
  readonly requests: readonly LoggedRequest[];
  /** How many requests arrived, including faulted ones. */
  readonly requestCount: number;
  /** `service.Operation` of every logged request, e.g. `lambda.UpdateFunctionCode`. */
  operations(filter?: { service?: string }): string[];
  /** Logged calls that may change state: anything not a Get/List/Describe/Head/Filter read. */
  writeCount(filter?: { service?: string }): number;
  addFault(spec: FaultSpec): Fault;
  clearFaults(): void;
  clearLog(): void;
  close(): Promise<void>;
}

/** What the proxy knows about a request when it decides whether a fault applies. */
export interface RequestInfo {
  /** SigV4 signing name from the credential scope: `lambda`, `iam`, `ssm`, `logs`, `apigateway`, `sts`. */
  service: string;
  /** The API operation, e.g. `UpdateFunctionConfiguration`; `METHOD /path` when unknown. */
  operation: string;
  protocol: 'rest-json' | 'query' | 'json' | 'rpcv2-cbor';
  region: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface LoggedRequest {
  service: string;
  operation: string;
  method: string;
  path: string;
  /** HTTP status the client saw; 0 when the connection was dropped. */
  status: number;
  /** Epoch ms when the request arrived. */
  time: number;
  durationMs: number;
  /** Label of the fault that hit this request, if any. */
  fault?: string;
}

export type FaultAction =
  | { kind: 'respond'; status: number; headers: Record<string, string>; body: string }
  /** `request`: the call never reaches the emulator; `response`: it does, and its answer is lost. */
  | { kind: 'drop'; when: 'request' | 'response' }
  /** Waits, then forwards. */
  | { kind: 'delay'; ms: number }
  /** Waits until the promise settles, then forwards. */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Accepts the request and never answers (the socket stays open until the client or `close()` ends it). */
  | { kind: 'silent' };

export interface Responder {
  label: string;
  action(request: RequestInfo): FaultAction;
}

export interface FaultMatch {
  /** Signing name; `apigatewayv2` and `cloudwatch-logs` are accepted as aliases. */
  service?: string;
  operation?: string | readonly string[] | RegExp;
  method?: string;
  path?: string | RegExp;
  when?(request: RequestInfo): boolean;
}

export interface FaultSpec {
  /** Omitted or `{}` matches every request. */
  match?: FaultMatch;
  /** Stop after this many hits. */
  times?: number;
  /** Stop this many ms after the fault is added (e.g. IAM propagation lasting a few seconds). */
  forMs?: number;
  respond: Responder;
}

export interface Fault {
  readonly label: string;
  readonly hits: number;
  readonly active: boolean;
  remove(): void;
}

export interface FaultProxyOptions {
  target: string;
  /** Keep the per-request log (default true); the whole-run counter turns it off. */
  keepLog?: boolean;
}

const MOTO_ACCOUNT = '123456789012';
const READ_PREFIX = /^(Get|List|Describe|Head|Filter)/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);
const SERVICE_ALIASES: Record<string, string> = { apigatewayv2: 'apigateway', 'cloudwatch-logs': 'logs' };

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const keepLog = options.keepLog ?? true;
  const agent = new http.Agent({ keepAlive: false });
  const log: LoggedRequest[] = [];
  let requestCount = 0;
  let faults: FaultState[] = [];

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      console.error(`fault-proxy: ${error.message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fault-proxy: ${error.stack ?? error.message}`);
    });
  });
  // Longer than any SDK agent keeps an idle socket, so a reused socket is never closed under it.
  server.keepAliveTimeout = 120_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const time = Date.now();
    const url = new URL(req.url ?? '/', 'http://proxy');
    // Query-protocol bodies are small and name the operation; everything else (zips) is streamed.
    const body = isForm(req.headers) ? await readAll(req) : undefined;
    const info = identifyRequest(req.method ?? 'GET', url, req.headers, body);
    const { service, operation, method, path } = info;
    const entry: LoggedRequest = { service, operation, method, path, status: 0, time, durationMs: 0 };
    requestCount++;
    if (keepLog) log.push(entry);
    res.once('close', () => (entry.durationMs = Date.now() - time));

    const fault = faults.find((f) => f.isActive() && matches(f.spec.match, info));
    if (fault) {
      fault.hits++;
      entry.fault = fault.spec.respond.label;
    }
    const action = fault?.spec.respond.action(info);
    if (action?.kind === 'delay') await sleep(action.ms);
    if (action?.kind === 'hold') await action.until.catch(() => {});
    if (action?.kind === 'drop' && action.when === 'request') return void req.socket.destroy();
    if (action?.kind === 'silent') return void (body || req.resume());
    if (action?.kind === 'respond') {
      if (!body) await drain(req);
      entry.status = action.status;
      const length = Buffer.byteLength(action.body);
      res.writeHead(action.status, { 'x-amzn-requestid': randomUUID(), 'content-length': length, ...action.headers });
      return void res.end(action.body);
    }
    forward(req, res, entry, body, action?.kind === 'drop');
  }

  function forward(req: http.IncomingMessage, res: http.ServerResponse, entry: LoggedRequest, body: Buffer | undefined, drop: boolean) {
    const { hostname, port } = target;
    const headers = withoutHopByHop(req.rawHeaders);
    const upstream = http.request({ hostname, port, method: req.method, path: req.url, headers, agent }, (answer) => {
      if (drop) {
        answer.resume();
        return void answer.once('end', () => req.socket.destroy());
      }
      entry.status = answer.statusCode ?? 0;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.rawHeaders));
      answer.pipe(res);
    });
    upstream.once('error', (error) => {
      entry.status = 502;
      if (res.headersSent) return void res.destroy(error);
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault-proxy: upstream ${target.origin} failed: ${error.message}`);
    });
    res.once('close', () => res.writableFinished || upstream.destroy());
    if (body) upstream.end(body);
    else req.pipe(upstream);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const logged = (filter?: { service?: string }) => log.filter((r) => !filter?.service || r.service === normalizeService(filter.service));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return log;
    },
    get requestCount() {
      return requestCount;
    },
    operations: (filter) => logged(filter).map((r) => `${r.service}.${r.operation}`),
    writeCount: (filter) => logged(filter).filter((r) => !isRead(r)).length,
    addFault(spec) {
      const state = new FaultState(spec, () => (faults = faults.filter((f) => f !== state)));
      faults.push(state);
      return state;
    },
    clearFaults: () => void (faults = []),
    clearLog: () => void (log.length = 0),
    async close() {
      server.closeAllConnections();
      server.close();
      agent.destroy();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

class FaultState implements Fault {
  hits = 0;
  private removed = false;
  private readonly deadline: number;
  constructor(
    readonly spec: FaultSpec,
    private readonly detach: () => void,
  ) {
    this.deadline = spec.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + spec.forMs;
  }
  get label() {
    return this.spec.respond.label;
  }
  get active() {
    return this.isActive();
  }
  isActive(): boolean {
    return !this.removed && this.hits < (this.spec.times ?? Number.POSITIVE_INFINITY) && Date.now() < this.deadline;
  }
  remove() {
    this.removed = true;
    this.detach();
  }
}

function matches(match: FaultMatch | undefined, info: RequestInfo): boolean {
  if (!match) return true;
  const test = (want: string | readonly string[] | RegExp | undefined, actual: string) =>
    want === undefined || (typeof want === 'string' ? want === actual : want instanceof RegExp ? want.test(actual) : want.includes(actual));
  return (
    test(match.service && normalizeService(match.service), info.service) &&
    test(match.method?.toUpperCase(), info.method) &&
    test(match.operation, info.operation) &&
    test(match.path, info.path) &&
    (match.when?.(info) ?? true)
  );
}

function isRead(r: LoggedRequest): boolean {
  if (r.operation.startsWith(`${r.method} `)) return r.method === 'GET' || r.method === 'HEAD';
  return READ_PREFIX.test(r.operation);
}

const normalizeService = (name: string) => SERVICE_ALIASES[name] ?? name;
const isForm = (headers: http.IncomingHttpHeaders) => String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

// ---------------------------------------------------------------- canned faults

export interface AwsErrorOptions {
  code: string;
  message: string;
  /** Default 400 (500 and up are marked as the service's fault). */
  status?: number;
  /** Extra members of the error body, e.g. Lambda's `Reason`. */
  fields?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Lambda's model spells the message member `message` for these errors and `Message` for the rest. */
const LAMBDA_LOWERCASE_MESSAGE =
  /^(InvalidParameterValue|InvalidRequestContent|ResourceConflict|ResourceNotReady|TooManyRequests|PreconditionFailed|PolicyLengthExceeded|CodeStorageExceeded|RequestTooLarge|UnsupportedMediaType|AliasLimitExceeded|ProvisionedConcurrencyConfigNotFound)Exception$/;
const QUERY_XMLNS: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

/** Builds an error exactly as AWS sends it in the protocol of `request`. */
export function awsErrorResponse(request: RequestInfo, error: AwsErrorOptions): FaultAction {
  const status = error.status ?? 400;
  const requestId = randomUUID();
  const headers = { 'x-amzn-requestid': requestId, ...error.headers };
  switch (request.protocol) {
    case 'query': {
      const xmlns = QUERY_XMLNS[request.service] ? ` xmlns="${QUERY_XMLNS[request.service]}"` : '';
      const body = `<ErrorResponse${xmlns}>\n  <Error>\n    <Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>\n    <Code>${xml(error.code)}</Code>\n    <Message>${xml(error.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
      return { kind: 'respond', status, headers: { 'content-type': 'text/xml', ...headers }, body };
    }
    case 'json': {
      const contentType = String(request.headers['content-type'] ?? 'application/x-amz-json-1.1');
      return {
        kind: 'respond',
        status,
        headers: { 'content-type': contentType, ...headers },
        body: JSON.stringify({ __type: error.code, message: error.message, ...error.fields }),
      };
    }
    case 'rest-json': {
      const members =
        request.service === 'lambda'
          ? { Type: status >= 500 ? 'Service' : 'User', [LAMBDA_LOWERCASE_MESSAGE.test(error.code) ? 'message' : 'Message']: error.message }
          : { message: error.message };
      return {
        kind: 'respond',
        status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, ...headers },
        body: JSON.stringify({ ...members, ...error.fields }),
      };
    }
    default:
      throw new Error(`fault-proxy cannot build ${request.protocol} errors (${request.service}.${request.operation})`);
  }
}

export const faults = {
  /** Any error code, modeled or not, shaped for the protocol of the request it hits. */
  awsError: (error: AwsErrorOptions): Responder => ({ label: error.code, action: (request) => awsErrorResponse(request, error) }),

  /** Lambda 409 while a previous update of the function is still in progress. */
  resourceConflict: (message?: string): Responder =>
    lambdaFault('resourceConflict', (request) => ({
      status: 409,
      code: 'ResourceConflictException',
      message: message ?? `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(request)}`,
    })),

  /** What Lambda answers for a few seconds after its execution role was created. */
  iamRolePropagation: (): Responder =>
    lambdaFault('iamRolePropagation', () => ({
      code: 'InvalidParameterValueException',
      message: 'The role defined for the function cannot be assumed by Lambda.',
    })),

  /** API rate limiting in the request's protocol: Lambda 429 with Retry-After, IAM/STS `Throttling`, JSON `ThrottlingException`. */
  throttling: ({ retryAfterSeconds = 1 } = {}): Responder => ({
    label: 'throttling',
    action(request) {
      if (request.protocol === 'query') return awsErrorResponse(request, { code: 'Throttling', message: 'Rate exceeded' });
      if (request.protocol !== 'rest-json') return awsErrorResponse(request, { code: 'ThrottlingException', message: 'Rate exceeded' });
      const lambda = request.service === 'lambda';
      return awsErrorResponse(request, {
        status: 429,
        code: 'TooManyRequestsException',
        message: lambda ? 'Rate exceeded' : 'Too Many Requests',
        fields: lambda ? { Reason: 'CallerRateLimitExceeded' } : undefined,
        headers: lambda ? { 'retry-after': String(retryAfterSeconds) } : undefined,
      });
    },
  }),

  /** Closes the connection without answering; the emulator never sees the call. */
  dropConnection: (): Responder => ({ label: 'dropConnection', action: () => ({ kind: 'drop', when: 'request' }) }),
  /** Forwards the call, then closes the connection instead of answering: it happened, the client can't know. */
  dropResponse: (): Responder => ({ label: 'dropResponse', action: () => ({ kind: 'drop', when: 'response' }) }),
  /** Waits, then forwards normally. */
  delay: (ms: number): Responder => ({ label: `delay(${ms})`, action: () => ({ kind: 'delay', ms }) }),
  /** Holds the call until `until` settles (the test decides when), then forwards it. */
  hold: (until: Promise<unknown>): Responder => ({ label: 'hold', action: () => ({ kind: 'hold', until }) }),
  /** An endpoint that accepts connections and requests and never answers: only a client timeout ends the call. */
  silent: (): Responder => ({ label: 'silent', action: () => ({ kind: 'silent' }) }),
  /** What a captive portal or a misrouted proxy answers: `200 text/html`, a page that is not any AWS protocol. */
  html: (status = 200): Responder => ({
    label: `html(${status})`,
    action: () => ({
      kind: 'respond',
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!DOCTYPE html>\n<html><head><title>Sign in to continue</title></head><body><h1>Network login required</h1></body></html>\n',
    }),
  }),
  /** Any literal response. */
  raw: (status: number, body: string, headers: Record<string, string> = {}): Responder => ({
    label: `raw(${status})`,
    action: () => ({ kind: 'respond', status, headers, body }),
  }),
};

function lambdaFault(label: string, error: (request: RequestInfo) => AwsErrorOptions): Responder {
  return {
    label,
    action(request) {
      if (request.service !== 'lambda')
        throw new Error(`faults.${label}() is a Lambda fault but matched ${request.service}.${request.operation}; narrow its match`);
      return awsErrorResponse(request, error(request));
    },
  };
}

function functionArn(request: RequestInfo): string {
  const name = decodeURIComponent(request.path.split('/')[3] ?? '');
  return name.startsWith('arn:') ? name : `arn:aws:lambda:${request.region}:${MOTO_ACCOUNT}:function:${name}`;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// ---------------------------------------------------------------- identifying requests

/** Names the service and operation of a signed AWS request, for every protocol ops talks. */
export function identifyRequest(method: string, url: URL, headers: http.IncomingHttpHeaders, body?: Buffer): RequestInfo {
  const scope =
    /Credential=[^/,]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(headers.authorization ?? '')) ??
    /^[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/.exec(url.searchParams.get('X-Amz-Credential') ?? '');
  const path = url.pathname;
  const target = headers['x-amz-target'];
  const guessed = path.startsWith('/v2/') ? 'apigateway' : /^\/\d{4}-\d\d-\d\d\//.test(path) ? 'lambda' : 'unknown';
  const service = scope?.[2] ?? (typeof target === 'string' ? target.split(/[._]/)[0].toLowerCase() : guessed);
  const base = { service, method, path, query: url.searchParams, headers, region: scope?.[1] ?? 'us-east-1' };
  const unknown = `${method} ${path}`;

  if (typeof target === 'string') return { ...base, protocol: 'json', operation: target.slice(target.lastIndexOf('.') + 1) };
  if (isForm(headers) || url.searchParams.has('Action')) {
    const action = new URLSearchParams(body?.toString('utf8') ?? '').get('Action') ?? url.searchParams.get('Action');
    return { ...base, protocol: 'query', operation: action ?? unknown };
  }
  if (headers['smithy-protocol'] === 'rpc-v2-cbor') {
    return { ...base, protocol: 'rpcv2-cbor', operation: /\/operation\/([^/]+)$/.exec(path)?.[1] ?? unknown };
  }
  const operation =
    service === 'lambda' ? lambdaOperation(method, url) : service === 'apigateway' ? apiGatewayV2Operation(method, path) : undefined;
  return { ...base, protocol: 'rest-json', operation: operation ?? unknown };
}

/** `*` is one path segment; a `?key=value` suffix must also be in the query. Values: `METHOD:Operation` pairs. */
const LAMBDA_ROUTES: Record<string, string> = {
  '/2015-03-31/functions': 'POST:CreateFunction GET:ListFunctions',
  '/2015-03-31/functions/*': 'GET:GetFunction DELETE:DeleteFunction',
  '/2015-03-31/functions/*/configuration': 'GET:GetFunctionConfiguration PUT:UpdateFunctionConfiguration',
  '/2015-03-31/functions/*/code': 'PUT:UpdateFunctionCode',
  '/2015-03-31/functions/*/versions': 'POST:PublishVersion GET:ListVersionsByFunction',
  '/2015-03-31/functions/*/aliases': 'POST:CreateAlias GET:ListAliases',
  '/2015-03-31/functions/*/aliases/*': 'GET:GetAlias PUT:UpdateAlias DELETE:DeleteAlias',
  '/2015-03-31/functions/*/policy': 'POST:AddPermission GET:GetPolicy',
  '/2015-03-31/functions/*/policy/*': 'DELETE:RemovePermission',
  '/2015-03-31/functions/*/invocations': 'POST:Invoke',
  '/2014-11-13/functions/*/invoke-async': 'POST:InvokeAsync',
  '/2021-11-15/functions/*/response-streaming-invocations': 'POST:InvokeWithResponseStream',
  '/2017-03-31/tags/*': 'GET:ListTags POST:TagResource DELETE:UntagResource',
  '/2017-10-31/functions/*/concurrency': 'PUT:PutFunctionConcurrency DELETE:DeleteFunctionConcurrency',
  '/2019-09-30/functions/*/concurrency': 'GET:GetFunctionConcurrency',
  '/2019-09-30/functions/*/provisioned-concurrency?List=ALL': 'GET:ListProvisionedConcurrencyConfigs',
  '/2019-09-30/functions/*/provisioned-concurrency':
    'PUT:PutProvisionedConcurrencyConfig GET:GetProvisionedConcurrencyConfig DELETE:DeleteProvisionedConcurrencyConfig',
  '/2021-10-31/functions/*/url':
    'POST:CreateFunctionUrlConfig GET:GetFunctionUrlConfig PUT:UpdateFunctionUrlConfig DELETE:DeleteFunctionUrlConfig',
  '/2021-10-31/functions/*/urls': 'GET:ListFunctionUrlConfigs',
  '/2019-09-25/functions/*/event-invoke-config':
    'PUT:PutFunctionEventInvokeConfig POST:UpdateFunctionEventInvokeConfig GET:GetFunctionEventInvokeConfig DELETE:DeleteFunctionEventInvokeConfig',
  '/2019-09-25/functions/*/event-invoke-config/list': 'GET:ListFunctionEventInvokeConfigs',
  '/2015-03-31/event-source-mappings': 'POST:CreateEventSourceMapping GET:ListEventSourceMappings',
  '/2015-03-31/event-source-mappings/*': 'GET:GetEventSourceMapping PUT:UpdateEventSourceMapping DELETE:DeleteEventSourceMapping',
  '/2018-10-31/layers?find=LayerVersion': 'GET:GetLayerVersionByArn',
  '/2018-10-31/layers': 'GET:ListLayers',
  '/2018-10-31/layers/*/versions': 'POST:PublishLayerVersion GET:ListLayerVersions',
  '/2018-10-31/layers/*/versions/*': 'GET:GetLayerVersion DELETE:DeleteLayerVersion',
  '/2016-08-19/account-settings': 'GET:GetAccountSettings',
  '/2021-07-20/functions/*/runtime-management-config': 'GET:GetRuntimeManagementConfig PUT:PutRuntimeManagementConfig',
  '/2024-08-31/functions/*/recursion-config': 'GET:GetFunctionRecursionConfig PUT:PutFunctionRecursionConfig',
};

function lambdaOperation(method: string, url: URL): string | undefined {
  const segments = url.pathname.replace(/\/+$/, '').split('/');
  for (const [route, operations] of Object.entries(LAMBDA_ROUTES)) {
    const [pattern, required] = route.split('?');
    const parts = pattern.split('/');
    if (parts.length !== segments.length || !parts.every((p, i) => p === '*' || p === segments[i])) continue;
    if (required && ![...new URLSearchParams(required)].every(([k, v]) => url.searchParams.get(k) === v)) continue;
    const found = operations.split(' ').find((pair) => pair.startsWith(`${method}:`));
    if (found) return found.slice(method.length + 1);
  }
  return undefined;
}

/** API Gateway v2 is regular REST, `/v2/{collection}/{id}/{collection}/{id}`, named after the singular noun. */
const APIGW_NOUNS = new Map(
  'Api Route Integration Stage Deployment Authorizer Model IntegrationResponse RouteResponse DomainName ApiMapping VpcLink RoutingRule Portal PortalProduct ProductPage ProductRestEndpointPage'
    .split(' ')
    .map((noun) => [`${noun.toLowerCase()}s`, noun]),
);
const APIGW_LIST_STYLE = new Set(['routingrules', 'portals', 'portalproducts', 'productpages', 'productrestendpointpages']);
const APIGW_SPECIAL: Record<string, string> = {
  'PUT apis': 'ImportApi',
  'PUT apis/*': 'ReimportApi',
  'GET tags/*': 'GetTags',
  'POST tags/*': 'TagResource',
  'DELETE tags/*': 'UntagResource',
};

/** Sub-resources without a noun of their own (cors, exports, route settings…) stay unnamed rather than misnamed. */
function apiGatewayV2Operation(method: string, path: string): string | undefined {
  const segments = path.replace(/^\/v2\/|\/+$/g, '').split('/');
  const special = APIGW_SPECIAL[`${method} ${segments.map((s, i) => (i % 2 ? '*' : s)).join('/')}`];
  if (special) return special;
  const isItem = segments.length % 2 === 0;
  const collection = segments[segments.length - (isItem ? 2 : 1)];
  const noun = APIGW_NOUNS.get(collection);
  if (!noun) return undefined;
  if (isItem) return { GET: `Get${noun}`, PATCH: `Update${noun}`, DELETE: `Delete${noun}`, PUT: `Put${noun}` }[method];
  if (method === 'POST') return `Create${noun}`;
  if (method === 'GET') return `${APIGW_LIST_STYLE.has(collection) ? 'List' : 'Get'}${noun}s`;
  return undefined;
}

// ---------------------------------------------------------------- plumbing

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function drain(req: http.IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  req.resume();
  await once(req, 'end');
}

function withoutHopByHop(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  return out;
}
