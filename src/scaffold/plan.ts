import { renderTemplate, type TemplateReader } from './templates.js';

/** A file a scaffold creates, relative to the directory it is written into (POSIX separators). */
export interface FileToWrite {
  path: string;
  contents: string;
  /** Shared by the fleet's functions: written when absent, an existing one is kept. */
  shared?: boolean;
}

/** Sample event (and handler shape) of a new function. */
export const EVENT_KINDS = ['http', 'sns', 'schedule', 'direct', 'sqs', 'dynamodb', 's3', 'eventbridge'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The sample each event kind gets under `events/` (also `ops import`'s samples). */
export const EVENT_FILES: Record<EventKind, string> = {
  http: 'http-api.json',
  sns: 'sns.json',
  schedule: 'schedule.json',
  direct: 'direct.json',
  sqs: 'sqs.json',
  dynamodb: 'dynamodb.json',
  s3: 's3.json',
  eventbridge: 'eventbridge.json',
};

/**
 * What the sample of an event source must give, so `ops smoke --local` runs it from the start: an SQS
 * handler reports no failed message, the others only must not throw.
 */
const EVENT_EXPECTATIONS: Partial<Record<EventKind, object>> = {
  // A route's sample (HTTP or REST) answers 200: `ops init` then `npm test` (`ops smoke --local`) checks the hello.
  http: { statusCode: 200 },
  sqs: { body: { batchItemFailures: [] } },
  dynamodb: { noError: true },
  s3: { noError: true },
  eventbridge: { noError: true },
};

/**
 * The trigger a source needs, written into the new entry as a comment: it names a resource (or a pattern)
 * only the user knows, and a placeholder left live would fail the config until filled in.
 */
const TRIGGER_HINTS: Partial<Record<EventKind, string>> = {
  sqs: "triggers: [{ sqs: '<queue key in resources>' }],",
  dynamodb: "triggers: [{ dynamodb: '<table key in resources>' }],",
  s3: "triggers: [{ s3: '<bucket key in resources>', events: ['s3:ObjectCreated:*'] }],",
  eventbridge: "triggers: [{ eventPattern: { source: ['<source>'], 'detail-type': ['<detail type>'] } }],",
};

/** The shared TypeScript SQS batch helper (a copy of the repo fleet's), and where a fleet keeps it. */
export const NODE_SQS_HELPER = 'functions/typescript/sqs.ts';
export const NODE_SQS_HELPER_PATH = 'src/functions/_shared/sqs.ts';

/** What `ops new function` adds under `functions:` in the config. */
export interface FunctionEntry {
  handler: string;
  runtime?: string;
  routes?: string[];
}

export interface NewFunctionOptions {
  /** The config key, already validated (`send-email`). */
  name: string;
  /** `--runtime`: written into the entry. Without it the entry inherits the fleet's default. */
  runtime?: string;
  /** The fleet's `defaults.runtime`: picks the language when `runtime` is not given. */
  fleetRuntime?: string;
  /** Defaults to `http` when `route` is given, else `direct` (no public endpoint unless asked for). */
  event?: EventKind;
  /** `GET /path`; HTTP functions without one get `GET /<name>`. */
  route?: string;
  /**
   * The fleet's default API, which the route joins: a REST API (`api.type: 'rest'`) sends payload 1.0 events, so the
   * handler and its sample are written in that shape, under the API's stage (`prod` unless `api.stage`).
   */
  api?: { type: 'http' | 'rest'; stage?: string };
  app: string;
  region: string;
}

export interface NewFunctionPlan {
  files: FileToWrite[];
  entry: FunctionEntry;
  /** The function's directory (`src/functions/send_email` for Python). */
  dir: string;
  /** The sample event written, for `ops invoke --event`. */
  eventFile: string;
  event: EventKind;
  language: 'node' | 'python';
  /** A `triggers` line written into the entry commented out, for the user to fill in (event sources). */
  triggerHint?: string;
}

/** The Python twin of the params helper (a copy of the repo fleet's `ops_params.py`), written as it is. */
export const PYTHON_PARAMS_HELPER = 'functions/python/ops_params.py';
/** The TypeScript params helper (a copy of the repo fleet's), and where a fleet keeps it: esbuild bundles it into each function. */
export const NODE_PARAMS_HELPER = 'functions/typescript/params.ts';
export const NODE_PARAMS_HELPER_PATH = 'src/functions/_shared/params.ts';

/** Python directories use underscores: the directory name is an importable module name. */
export function functionDir(name: string, language: 'node' | 'python'): string {
  return `src/functions/${language === 'python' ? name.replace(/-/g, '_') : name}`;
}

/** Skeleton, sample event and config entry of a new function. Pure: templates come from `read`. */
export function planNewFunction(o: NewFunctionOptions, read: TemplateReader): NewFunctionPlan {
  const language = (o.runtime ?? o.fleetRuntime ?? 'nodejs22.x').startsWith('python') ? 'python' : 'node';
  const event: EventKind = o.event ?? (o.route ? 'http' : 'direct');
  if (o.route && event !== 'http') throw new Error(`a route needs an http function, not ${event}`);
  const route = event === 'http' ? (o.route ?? `GET /${o.name}`) : undefined;
  const dir = functionDir(o.name, language);
  const vars = { name: o.name, app: o.app, region: o.region, route: route ?? '' };
  const rest = event === 'http' && o.api?.type === 'rest';
  const suffix = rest ? '.rest' : event === 'http' ? '' : `.${event}`;
  const eventFile = `${dir}/events/${rest ? REST_EVENT_FILE : EVENT_FILES[event]}`;
  const files: FileToWrite[] = [];
  let handler: string;
  if (language === 'python') {
    files.push({ path: `${dir}/lambda_function.py`, contents: renderTemplate(read(`functions/python/lambda_function${suffix}.py`), vars) });
    files.push({ path: `${dir}/requirements.txt`, contents: renderTemplate(read('functions/python/requirements.txt'), vars) });
    // The params helper next to the handler: the zip is the function's directory, so `import ops_params` works there.
    files.push({ path: `${dir}/ops_params.py`, contents: read(PYTHON_PARAMS_HELPER) });
    handler = `${dir}/lambda_function.lambda_handler`;
  } else {
    files.push({ path: `${dir}/handler.ts`, contents: renderTemplate(read(`functions/typescript/handler${suffix}.ts`), vars) });
    files.push({ path: NODE_PARAMS_HELPER_PATH, contents: read(NODE_PARAMS_HELPER), shared: true });
    if (event === 'sqs') files.push({ path: NODE_SQS_HELPER_PATH, contents: read(NODE_SQS_HELPER), shared: true });
    handler = `${dir}/handler.ts`;
  }
  const sample = rest
    ? restSampleEvent(read(`events/${REST_EVENT_FILE}`), vars, route ?? `GET /${o.name}`, o.api?.stage ?? 'prod')
    : sampleEvent(event, read(`events/${EVENT_FILES[event]}`), vars, route);
  files.push({ path: eventFile, contents: sample });
  const expectation = EVENT_EXPECTATIONS[event];
  if (expectation)
    files.push({ path: eventFile.replace(/\.json$/, '.expect.json'), contents: `${JSON.stringify(expectation, null, 2)}\n` });
  const entry: FunctionEntry = { handler };
  if (o.runtime) entry.runtime = o.runtime;
  if (route) entry.routes = [route];
  return { files, entry, dir, eventFile, event, language, triggerHint: TRIGGER_HINTS[event] };
}

export interface InitOptions {
  app: string;
  runtime: string;
  region: string;
}

export interface InitPlan {
  files: FileToWrite[];
  /** The first function's key, directory and sample event. */
  functionName: string;
  functionDir: string;
  eventFile: string;
}

/** A minimal working fleet: config, one HTTP function with a sample event, and a .gitignore. */
export function planInit(o: InitOptions, read: TemplateReader): InitPlan {
  const route = 'GET /hello';
  const fn = planNewFunction({ name: 'hello', runtime: o.runtime, event: 'http', route, app: o.app, region: o.region }, read);
  const config = renderTemplate(read('ops.config.ts'), {
    app: o.app,
    region: o.region,
    runtime: o.runtime,
    handler: fn.entry.handler,
    route,
  });
  return {
    files: [{ path: 'ops.config.ts', contents: config }, { path: '.gitignore', contents: read('gitignore') }, ...fn.files],
    functionName: 'hello',
    functionDir: fn.dir,
    eventFile: fn.eventFile,
  };
}

/** A directory name made into an app name the schema accepts: lowercase, dashes, starts with a letter, ≤ 24. */
export function sanitizeAppName(raw: string): string {
  const s = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  return s || 'app';
}

/** A sample event rendered from its template; HTTP events are fitted to the function's route. */
export function sampleEvent(kind: EventKind, template: string, vars: Record<string, string>, route?: string): string {
  const event = JSON.parse(renderTemplate(template, vars)) as Record<string, any>;
  return `${JSON.stringify(kind === 'http' && route ? fitHttpEvent(event, route) : event, null, 2)}\n`;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The sample of a route on a REST API: payload format 1.0, as its Lambda proxy integration sends it. */
const REST_EVENT_FILE = 'rest-api.json';

/** The 1.0 sample fitted to the route: `resource` the template, `path` a concrete one, the stage in `requestContext.path`. */
export function restSampleEvent(template: string, vars: Record<string, string>, route: string, stage: string): string {
  const event = JSON.parse(renderTemplate(template, vars)) as Record<string, any>;
  const { httpMethod, routePath: resource, path: concrete, params } = sampleRequest(route);
  const body = WITH_BODY.has(httpMethod) ? JSON.stringify({ name: 'ops' }) : null;
  const json = { 'Content-Type': 'application/json', 'Content-Length': String(body?.length) };
  const headers = body ? { ...event.headers, ...json } : event.headers;
  const multiValueHeaders = body
    ? { ...event.multiValueHeaders, ...Object.fromEntries(Object.entries(json).map(([k, v]) => [k, [v]])) }
    : event.multiValueHeaders;
  const requestContext = { ...event.requestContext, resourcePath: resource, httpMethod, path: `/${stage}${concrete}`, stage };
  const fitted = {
    ...event,
    resource,
    path: concrete,
    httpMethod,
    headers,
    multiValueHeaders,
    pathParameters: Object.keys(params).length ? params : null,
    requestContext,
    body,
  };
  return `${JSON.stringify(fitted, null, 2)}\n`;
}

/** The request a sample makes of a route: path parameters get sample values, and ANY is sent as GET. */
function sampleRequest(route: string): { httpMethod: string; routePath: string; path: string; params: Record<string, string> } {
  const [method, routePath] = route === '$default' ? ['GET', '/'] : route.split(' ');
  const params: Record<string, string> = {};
  const path = routePath.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}/g, (_, name: string, greedy: string) => {
    params[name] = greedy ? 'a/b' : `${name}-1`;
    return params[name];
  });
  return { httpMethod: method === 'ANY' ? 'GET' : method, routePath, path, params };
}

// Keys keep API Gateway's order.
function fitHttpEvent(template: Record<string, any>, route: string): Record<string, unknown> {
  const { httpMethod, path: rawPath, params } = sampleRequest(route);
  const body = WITH_BODY.has(httpMethod) ? JSON.stringify({ name: 'ops' }) : undefined;
  const headers = body
    ? { ...template.headers, 'content-length': String(body.length), 'content-type': 'application/json' }
    : template.headers;
  const { isBase64Encoded, requestContext, ...rest } = template;
  return {
    ...rest,
    routeKey: route,
    rawPath,
    headers,
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: { ...requestContext, http: { ...requestContext.http, method: httpMethod, path: rawPath }, routeKey: route },
    ...(body ? { body } : {}),
    isBase64Encoded,
  };
}
