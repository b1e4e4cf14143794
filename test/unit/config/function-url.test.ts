import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import { functionUrlDiffs, grantsPublicUrl } from '../../../src/model/function-url.js';

const files = new Set(['src/a/handler.ts', 'src/b/lambda_function.py']);
const env: ValidateEnv = { stage: 'dev', exists: (p) => files.has(p) };
const fleet = (apiUrl: unknown, workerUrl?: unknown) => ({
  app: 'shop',
  functions: {
    api: { handler: 'src/a/handler.ts', url: apiUrl },
    worker: { handler: 'src/b/lambda_function.lambda_handler', ...(workerUrl === undefined ? {} : { url: workerUrl }) },
  },
});
const problemsOf = (cfg: unknown) => Object.fromEntries(validateFleet(cfg, env).problems.map((p) => [p.path, p.message]));

function resolved(apiUrl: unknown) {
  const { fleet: parsed, problems } = validateFleet(fleet(apiUrl), env);
  expect(problems).toEqual([]);
  const exists = (p: string) => [...files].some((f) => p.endsWith(f));
  return resolveFleet(parsed!, { stage: 'dev', root: '/p', configPath: '/p/ops.config.ts', exists }).functions;
}

describe('url: the Function URL of a function', () => {
  it('url: true is AWS_IAM auth, buffered, no CORS: a public URL is never the default', () => {
    const [api, worker] = resolved(true);
    expect(api.url).toEqual({ auth: 'AWS_IAM', invokeMode: 'BUFFERED' });
    expect(worker.url).toBeUndefined();
    expect('url' in worker).toBe(false);
  });

  it('url: false and no url both mean none', () => {
    expect(resolved(false)[0].url).toBeUndefined();
    expect(resolved(undefined)[0].url).toBeUndefined();
  });

  it('an object without auth is AWS_IAM too; NONE is taken when written', () => {
    expect(resolved({})[0].url?.auth).toBe('AWS_IAM');
    expect(resolved({ auth: 'NONE', invokeMode: 'RESPONSE_STREAM' })[0].url).toEqual({ auth: 'NONE', invokeMode: 'RESPONSE_STREAM' });
  });

  it('CORS resolves to the shape UpdateFunctionUrlConfig takes, without the fields equal to Lambda defaults', () => {
    const [api] = resolved({
      auth: 'NONE',
      cors: {
        allowOrigins: ['https://app.example.com', 'http://localhost:5173'],
        allowMethods: ['GET', 'POST'],
        allowHeaders: ['content-type'],
        exposeHeaders: [],
        maxAge: 0,
        allowCredentials: true,
      },
    });
    expect(api.url?.cors).toEqual({
      AllowOrigins: ['https://app.example.com', 'http://localhost:5173'],
      AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['content-type'],
      AllowCredentials: true,
    });
    expect(resolved({ cors: { maxAge: 0, allowCredentials: false } })[0].url).toEqual({ auth: 'AWS_IAM', invokeMode: 'BUFFERED' });
  });

  it('reports every mistake with its field path and what to write', () => {
    expect(
      problemsOf(
        fleet({
          auth: 'PUBLIC',
          invokeMode: 'STREAM',
          cors: {
            allowOrigins: ['https://app.example.com/path', '*'],
            allowMethods: ['GET', 'OPTIONS'],
            maxAge: 90_000,
            allowCredentials: true,
            allowHeader: ['x'],
          },
        }),
      ),
    ).toEqual({
      'functions.api.url.auth': "auth is 'AWS_IAM' (signed requests) or 'NONE' (public)",
      'functions.api.url.invokeMode': "invokeMode is 'BUFFERED' or 'RESPONSE_STREAM'",
      'functions.api.url.cors.allowOrigins.0': "an origin is '*' or scheme://host[:port] with no path (https://app.example.com)",
      'functions.api.url.cors.allowMethods.1': 'a method is one of GET, PUT, HEAD, POST, PATCH, DELETE, *',
      'functions.api.url.cors.maxAge': 'maxAge is 0..86,400 seconds (one day at most)',
      'functions.api.url.cors.allowHeader': "unknown key (did you mean 'allowHeaders'?)",
    });
  });

  it('credentials with origin * are refused: browsers would reject every response', () => {
    expect(problemsOf(fleet({ cors: { allowOrigins: ['*'], allowCredentials: true } }))).toEqual({
      'functions.api.url.cors.allowCredentials': "browsers refuse credentials from origin '*': list the origins, or drop allowCredentials",
    });
  });

  it('a value that is neither boolean nor object says what url takes', () => {
    expect(problemsOf(fleet('yes'))['functions.api.url']).toMatch(/url is true, false or \{ auth/);
  });

  it('response streaming on a Python function is refused (Lambda streams Node.js handlers only)', () => {
    expect(problemsOf(fleet(true, { invokeMode: 'RESPONSE_STREAM' }))).toEqual({
      'functions.worker.url.invokeMode': "response streaming needs a Node.js handler: write 'BUFFERED' or drop it",
    });
  });
});

describe('comparing a Function URL with what AWS holds', () => {
  const desired = {
    auth: 'NONE' as const,
    invokeMode: 'BUFFERED' as const,
    cors: { AllowOrigins: ['https://a.example', 'https://b.example'], AllowHeaders: ['Content-Type'] },
  };

  it('lists compare as sets, header names without case, Lambda defaults as absent', () => {
    const actual = {
      auth: 'NONE' as const,
      invokeMode: 'BUFFERED' as const,
      cors: {
        AllowOrigins: ['https://b.example', 'https://a.example'],
        AllowHeaders: ['content-type'],
        MaxAge: 0,
        AllowCredentials: false,
        ExposeHeaders: [],
      },
    };
    expect(functionUrlDiffs(desired, actual)).toEqual([]);
  });

  it('names each field that differs', () => {
    expect(functionUrlDiffs(desired, { auth: 'AWS_IAM', invokeMode: 'RESPONSE_STREAM' })).toEqual(['auth', 'cors', 'invokeMode']);
    expect(functionUrlDiffs({ ...desired, cors: undefined }, { auth: 'NONE', invokeMode: 'BUFFERED', cors: { MaxAge: 5 } })).toEqual([
      'cors',
    ]);
  });

  it("public statements count only with the condition that limits them to the URL (AWS's Condition shape)", () => {
    const url = {
      Sid: 'ops-function-url',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunctionUrl',
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    };
    const invoke = {
      Sid: 'ops-function-url-invoke',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    };
    expect(grantsPublicUrl(url, 'url')).toBe(true);
    expect(grantsPublicUrl(invoke, 'invoke')).toBe(true);
    expect(grantsPublicUrl({ ...invoke, Condition: undefined }, 'invoke')).toBe(false);
    expect(grantsPublicUrl({ ...url, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } }, 'url')).toBe(false);
    expect(grantsPublicUrl({ ...url, Principal: { AWS: '123456789012' } }, 'url')).toBe(false);
    expect(grantsPublicUrl({ ...url, Effect: 'Deny' }, 'url')).toBe(false);
  });
});
