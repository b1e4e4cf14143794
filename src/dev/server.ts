import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import type { LocalInvokeResult, LocalWorkerOptions } from '../invoke/local/index.js';
import { prepareLocalFunction } from '../invoke/local-run.js';
import { authorize } from './authorizers.js';
import { buildHttpEvent, type DevRequest, gatewayHeaders } from './event.js';
import { buildFunctionUrlEvent, devCors, localFunctionUrl, matchFunctionUrl } from './function-url.js';
import { WorkerPool } from './pool.js';
import { corsPreflight, type DevResponse, gatewayResponses, MAX_REQUEST_BYTES, mapResult, withCors } from './response.js';
import { type RestDevApi, restDevApi } from './rest.js';
import { REST_INTEGRATION_TIMEOUT_MS } from './rest-response.js';
import { compileRoutes, type DevRoute, matchRoute } from './routes.js';
import { affectedFunctions, layerWatchTargets, needsLayerRebuild, type TreeWatcher, watchTree } from './watch.js';

/** One request served, for the access line. */
export interface AccessRecord {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  ms: number;
  /** The function that answered; absent for API Gateway's own answers (404, preflight). */
  fn?: string;
  /** Why the gateway answered for the function: its error, a timeout, an invalid result. */
  note?: string;
}

/** Where the server talks; every callback is optional. */
export interface DevServerHooks {
  access?(record: AccessRecord): void;
  info?(msg: string): void;
  warn?(msg: string): void;
  debug?(msg: string): void;
  /** What a function writes to stdout/stderr, as it writes it. */
  functionLog?(fn: string, chunk: string): void;
}

export interface DevServerOptions {
  fleet: Fleet;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the server is for this machine only. */
  host?: string;
  /** The caller's environment: AWS settings pass through to the functions, as for local invokes. */
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  /** Variables set on every function on top of its configured environment (`--env`). */
  envOverrides?: Record<string, string>;
  /** Rebuild a function when its sources change (default true). */
  watch?: boolean | { poll?: boolean; debounceMs?: number };
  /** Workers per function at most (default 4): concurrent requests beyond it wait. */
  maxWorkersPerFunction?: number;
  /** API Gateway's integration timeout: the wait for a function never exceeds it. Default 30 s. */
  integrationTimeoutMs?: number;
  hooks?: DevServerHooks;
}

export interface DevServer {
  /** The API's URL: the server's root, or `{root}/{stage}` for a REST API (as its invoke URL has the stage). */
  url: string;
  port: number;
  routes: DevRoute[];
  /** For the banner: how a REST API is served (its stage in the URL, API keys); empty for an HTTP API. */
  notes: string[];
  /** Each function with a `url`, served under `/_url/<function>/` (src/dev/function-url.ts). */
  functionUrls: { fn: string; url: string; auth: 'AWS_IAM' | 'NONE' }[];
  /** How the sources are watched, when they are. */
  watchMode?: TreeWatcher['mode'];
  /** Rebuilds functions now, as a change of their sources would (tests, `r` on the console). */
  rebuild(fnKeys?: string[]): Promise<void>;
  close(): Promise<void>;
}

const ACCOUNT_ID = '000000000000';

interface Served {
  fn: FunctionSpec;
  pool: WorkerPool;
  options: LocalWorkerOptions;
}

/** Starts `ops dev`: the fleet's HTTP API routes on a local server, each function in warm local workers. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const { fleet } = opts;
  const given = opts.hooks ?? {};
  // Every worker reports the same local caveats (node version, memory): say each once.
  const warned = new Set<string>();
  const hooks: DevServerHooks = {
    ...given,
    warn: (msg) => {
      if (warned.has(msg)) return;
      warned.add(msg);
      given.warn?.(msg);
    },
  };
  // A Lambda authorizer's function is served too (it runs before the routes it guards).
  const authorizerFns = new Set((fleet.api?.authorizers ?? []).flatMap((a) => (a.type === 'lambda' ? [a.function] : [])));
  // The default API is served; a named API's routes (`apis`) are not (said once), so that one route on two APIs never collides.
  const named = (fleet.apis ?? []).map((a) => a.key);
  if (named.length)
    hooks.warn?.(
      `ops dev serves the default API: the routes of apis ${named.join(', ')} are not served here (ops dev --api ${named[0]} --port <another> serves one)`,
    );
  const fns = fleet.functions
    .map((f) => (named.length ? { ...f, routes: f.routes.filter((r) => !r.api) } : f))
    .filter((f) => f.routes.length > 0 || f.url || authorizerFns.has(f.key));
  if (fns.length === 0) {
    throw new UserError(`no function of ${fleet.app} has routes or a url: there is no HTTP endpoint to serve`, {
      hint: "add routes to a function in ops.config.ts, e.g. routes: ['GET /hello'], or url: true",
    });
  }
  const urlFns = new Set(fns.filter((f) => f.url).map((f) => f.key));
  const routes = compileRoutes(fns);
  const served = new Map<string, Served>();
  const rest = fleet.api?.type === 'rest';
  const integrationTimeoutMs = opts.integrationTimeoutMs ?? (rest ? REST_INTEGRATION_TIMEOUT_MS : 30_000);
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    void handle(req, res);
  });
  // Listening first: a port in use is said before anything is built, and a function that names the
  // fleet's API (ref.api.url) gets this server's URL.
  server.listen(opts.port ?? 3000, opts.host ?? '127.0.0.1');
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UserError(`port ${opts.port ?? 3000} is in use`, { hint: 'pass --port <n>, or --port 0 for any free port' });
    }
    throw error;
  }
  const address = server.address() as AddressInfo;
  const port = address.port;
  const baseUrl = `http://${address.address}:${port}`;
  // A REST API is served under its stage (src/dev/rest.ts), so its URL (and ref.api.url) is the invoke URL's shape.
  const restApi: RestDevApi | undefined =
    rest && fleet.api
      ? restDevApi({
          api: fleet.api,
          fns,
          region: fleet.region,
          accountId: ACCOUNT_ID,
          port,
          env: opts.env,
          invoke: (key, event) => invokeWithin(served.get(key)!.pool, event, integrationTimeoutMs),
          warn: (m) => hooks.warn?.(m),
        })
      : undefined;
  const apiUrl = restApi ? `${baseUrl}/${restApi.stage}` : baseUrl;
  const prepare = async (fn: FunctionSpec) => {
    const { worker, params, uses } = await prepareLocalFunction(fleet, fn, {
      env: opts.env,
      endpointUrl: opts.endpointUrl,
      apiUrl,
      log: hooks.debug,
      onLog: (chunk) => hooks.functionLog?.(fn.key, chunk),
      onWarning: hooks.warn,
    });
    Object.assign(worker.env, opts.envOverrides);
    return { worker, params, uses };
  };

  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.all(
    fns.map(async (fn) => {
      const { worker, params, uses } = await prepare(fn);
      // Once, at start: a rebuild points at the same resources.
      if (uses.note) hooks.info?.(uses.note);
      if (params.missing.length) {
        const where = params.source ? `in ${params.source}` : `(no .env.${fleet.stage} file)`;
        hooks.warn?.(`${fn.key} reads ${params.missing.join(', ')}, not set ${where}: the handler will look them up in SSM`);
      }
      served.set(fn.key, { fn, options: worker, pool: new WorkerPool(worker, opts.maxWorkersPerFunction ?? 4) });
    }),
  ).catch(async (error) => {
    await closeServer();
    throw error;
  });
  try {
    await Promise.all([...served.values()].map((s) => s.pool.warm()));
  } catch (error) {
    await Promise.all([...served.values()].map((s) => s.pool.close({ force: true })));
    await closeServer();
    throw error;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    // API Gateway's request ids look like `Xk2sQjM2oAMEVbQ=`.
    const requestId = `${randomBytes(10).toString('base64').replace(/[+/=]/g, '').slice(0, 15)}=`;
    const record: AccessRecord = { method, url, status: 0, ms: 0 };
    let response: DevResponse;
    try {
      response = await answer(req, method, url, requestId, record);
    } catch (error) {
      record.note = `ops dev: ${(error as Error).message}`;
      response = gatewayResponses.functionError();
    }
    const headers: Record<string, string | string[]> = { ...response.headers, 'apigw-requestid': requestId };
    headers['content-length'] = String(response.body.length);
    res.writeHead(response.status, headers);
    res.end(method === 'HEAD' ? undefined : response.body);
    record.status = response.status;
    record.ms = performance.now() - started;
    hooks.access?.(record);
  }

  async function answer(
    req: http.IncomingMessage,
    method: string,
    url: string,
    requestId: string,
    record: AccessRecord,
  ): Promise<DevResponse> {
    const body = await readBody(req);
    if (!body) return gatewayResponses.tooLarge();
    const { headers } = gatewayHeaders(req.rawHeaders);
    const viaUrl = matchFunctionUrl(url, urlFns);
    if (viaUrl)
      return answerUrl(served.get(viaUrl.fn)!, { ...request(req, method, url, body), rawPath: viaUrl.rawPath }, requestId, record);
    if (restApi) return restApi.answer(request(req, method, url, body), requestId, record);
    const preflight = corsPreflight(fleet.api?.cors, method, headers);
    if (preflight) return preflight;
    const q = url.indexOf('?');
    const match = matchRoute(routes, method, q < 0 ? url : url.slice(0, q));
    if (!match) return withCors(gatewayResponses.notFound(), fleet.api?.cors, headers.origin);
    const target = served.get(match.route.fn)!;
    record.fn = target.fn.key;
    const now = new Date();
    const event = buildHttpEvent(request(req, method, url, body), match, {
      requestId,
      now,
      accountId: ACCOUNT_ID,
      apiId: 'local',
      domainName: headers.host ?? `127.0.0.1:${port}`,
      port,
      traceId: traceId(now),
    });
    const invoke = (key: string, e: unknown) => invokeWithin(served.get(key)!.pool, e, integrationTimeoutMs);
    const auth = { auth: match.route.auth, authorizers: fleet.api?.authorizers, region: fleet.region, now, invoke };
    const verdict = await authorize({ ...auth, event, note: (m) => hooks.warn?.(m) });
    if ('response' in verdict) return withCors(verdict.response, fleet.api?.cors, headers.origin);
    const result = await invokeWithin(target.pool, event, integrationTimeoutMs);
    return withCors(toResponse(result, record), fleet.api?.cors, headers.origin);
  }

  /** Through a Function URL: Lambda answers the preflight, and waits as long as the function's own timeout. */
  async function answerUrl(target: Served, req: DevRequest & { rawPath: string }, requestId: string, record: AccessRecord) {
    const spec = target.fn.url!;
    const cors = devCors(spec.cors);
    const { headers } = gatewayHeaders(req.rawHeaders);
    const preflight = corsPreflight(cors, req.method, headers);
    if (preflight) return preflight;
    record.fn = target.fn.key;
    const now = new Date();
    const event = buildFunctionUrlEvent(
      req,
      { rawPath: req.rawPath, auth: spec.auth },
      {
        requestId,
        now,
        accountId: ACCOUNT_ID,
        urlId: `local${target.fn.key.replace(/[^a-z0-9]/g, '')}`,
        region: fleet.region,
        traceId: traceId(now),
      },
    );
    const result = await invokeWithin(target.pool, event, target.fn.timeout * 1000 + 5_000);
    return withCors(toResponse(result, record), cors, headers.origin);
  }

  function toResponse(result: LocalInvokeResult | 'integration-timeout', record: AccessRecord): DevResponse {
    if (result === 'integration-timeout') {
      record.note = `no answer within API Gateway's ${integrationTimeoutMs / 1000}s integration timeout`;
      return gatewayResponses.timeout();
    }
    if (result.timedOut) {
      record.note = result.error?.errorMessage;
      return gatewayResponses.timeout();
    }
    if (!result.ok) {
      record.note = `${result.error?.errorType}: ${result.error?.errorMessage}`;
      return gatewayResponses.functionError();
    }
    const mapped = mapResult(result.result);
    if ('invalid' in mapped) {
      record.note = `invalid response: ${mapped.invalid}`;
      return gatewayResponses.functionError();
    }
    return mapped.response;
  }

  // Rebuilds run one after another; a change arriving during one is picked up by the next.
  let rebuilding: Promise<void> = Promise.resolve();
  const rebuild = (keys?: string[]): Promise<void> => {
    const next = rebuilding.then(() => rebuildNow(keys));
    rebuilding = next.catch(() => undefined);
    return next;
  };
  async function rebuildNow(keys?: string[]): Promise<void> {
    for (const s of served.values()) {
      if (keys && !keys.includes(s.fn.key)) continue;
      const t0 = performance.now();
      try {
        const { worker } = await prepare(s.fn);
        const changed =
          worker.codeDir !== s.options.codeDir ||
          worker.optDir !== s.options.optDir ||
          JSON.stringify(worker.env) !== JSON.stringify(s.options.env);
        if (!changed) {
          hooks.debug?.(`${s.fn.key}: unchanged`);
          continue;
        }
        s.options = worker;
        s.pool.replace(worker);
        hooks.info?.(`rebuilt ${s.fn.key} in ${Math.round(performance.now() - t0)}ms: the next request runs the new code`);
      } catch (error) {
        given.warn?.(`${s.fn.key} did not build, still serving the previous build: ${(error as Error).message}`);
      }
    }
  }

  const watchOpts = opts.watch === false ? undefined : opts.watch === true || opts.watch === undefined ? {} : opts.watch;
  let watcher: TreeWatcher | undefined;
  const layerWatchers: TreeWatcher[] = [];
  if (watchOpts) {
    const dir = sourcesDir(fleet);
    watcher = watchTree(
      dir,
      (files) => {
        const keys = affectedFunctions(fleet.functions, files)
          .map((f) => f.key)
          .filter((k) => served.has(k));
        if (keys.length) void rebuild(keys);
      },
      watchOpts,
    );
    for (const target of layerWatchTargets(
      [...served.values()].map((s) => s.fn),
      dir,
    )) {
      layerWatchers.push(watchTree(target.dir, () => void rebuild(target.keys), { ...watchOpts, accept: needsLayerRebuild }));
    }
  }
  const closeWatchers = () => {
    watcher?.close();
    for (const w of layerWatchers) w.close();
  };

  return {
    url: apiUrl,
    port,
    routes: restApi?.routes ?? routes,
    notes: restApi?.notes ?? [],
    functionUrls: fns.filter((f) => f.url).map((f) => ({ fn: f.key, url: localFunctionUrl(baseUrl, f), auth: f.url!.auth })),
    watchMode: watcher?.mode,
    rebuild,
    async close() {
      closeWatchers();
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([...served.values()].map((s) => s.pool.close({ force: true })));
      await closing;
    },
  };
}

const traceId = (now: Date) => `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

function request(req: http.IncomingMessage, method: string, url: string, body: Buffer): DevRequest {
  return {
    method,
    url,
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    httpVersion: req.httpVersion,
  };
}

/** The function's answer, or `integration-timeout` when API Gateway would have stopped waiting. */
async function invokeWithin(pool: WorkerPool, event: unknown, timeoutMs: number): Promise<LocalInvokeResult | 'integration-timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'integration-timeout'>((resolve) => {
    timer = setTimeout(() => resolve('integration-timeout'), timeoutMs);
  });
  try {
    return await Promise.race([pool.invoke({ event, requestId: randomUUID() }), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** The body, or undefined past API Gateway's 10 MB payload limit. */
async function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `src/functions` when the fleet has one, else the directory holding every handler. */
export function sourcesDir(fleet: Fleet): string {
  const conventional = path.join(fleet.root, 'src', 'functions');
  if (existsSync(conventional)) return conventional;
  const dirs = fleet.functions.map((f) => f.handler.root);
  let common = dirs[0] ?? fleet.root;
  for (const d of dirs) while (!(d === common || d.startsWith(common + path.sep))) common = path.dirname(common);
  return common;
}
