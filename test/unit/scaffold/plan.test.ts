import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  NODE_PARAMS_HELPER,
  NODE_PARAMS_HELPER_PATH,
  PYTHON_PARAMS_HELPER,
  planInit,
  planNewFunction,
  sampleEvent,
  sanitizeAppName,
} from '../../../src/scaffold/plan.js';
import { packageTemplates, renderTemplate, templatesDir } from '../../../src/scaffold/templates.js';

const root = path.resolve(import.meta.dirname, '../../..');
const read = packageTemplates();
const base = { app: 'shop', region: 'eu-west-1' };
const paths = (files: { path: string }[]) => files.map((f) => f.path);

describe('planInit', () => {
  it('writes a config, a .gitignore and one TypeScript HTTP function', () => {
    const plan = planInit({ ...base, runtime: 'nodejs22.x' }, read);
    expect(paths(plan.files)).toEqual([
      'ops.config.ts',
      '.gitignore',
      'src/functions/hello/handler.ts',
      'src/functions/_shared/params.ts',
      'src/functions/hello/events/http-api.json',
      'src/functions/hello/events/http-api.expect.json',
    ]);
    expect(plan.files.at(-1)?.contents).toBe('{\n  "statusCode": 200\n}\n');
    const config = plan.files[0].contents;
    expect(config).toContain("import { defineFleet } from 'opsfleet';");
    expect(config).toContain("app: 'shop'");
    expect(config).toContain("region: 'eu-west-1'");
    expect(config).toContain("runtime: 'nodejs22.x'");
    expect(config).toContain("handler: 'src/functions/hello/handler.ts'");
    expect(config).toContain("routes: ['GET /hello']");
    expect(plan.files[1].contents.split('\n')).toEqual(expect.arrayContaining(['.ops/', 'node_modules/', '.env.*']));
    expect(plan.eventFile).toBe('src/functions/hello/events/http-api.json');
    for (const f of plan.files) expect(f.contents).not.toMatch(/\{\{\w+\}\}/);
  });

  it('writes a Python function with its requirements file', () => {
    const plan = planInit({ ...base, runtime: 'python3.12' }, read);
    expect(paths(plan.files)).toContain('src/functions/hello/lambda_function.py');
    expect(paths(plan.files)).toContain('src/functions/hello/requirements.txt');
    expect(plan.files[0].contents).toContain("handler: 'src/functions/hello/lambda_function.lambda_handler'");
    expect(plan.files[0].contents).toContain("runtime: 'python3.12'");
  });

  it("writes the params helper next to a Python handler, the repo fleet's own copy (issue 12.13)", () => {
    const plan = planInit({ ...base, runtime: 'python3.12' }, read);
    const helper = plan.files.find((f) => f.path === 'src/functions/hello/ops_params.py');
    expect(helper?.contents).toBe(readFileSync(path.join(root, 'src/functions/search_flights/ops_params.py'), 'utf8'));
    expect(read(PYTHON_PARAMS_HELPER)).toBe(helper?.contents);
    // TypeScript functions get no Python file.
    expect(paths(planInit({ ...base, runtime: 'nodejs22.x' }, read).files).some((p) => p.endsWith('.py'))).toBe(false);
  });

  it("writes the TypeScript params helper once for the fleet, the repo fleet's own copy, kept when there is one", () => {
    const helper = planInit({ ...base, runtime: 'nodejs22.x' }, read).files.find((f) => f.path === NODE_PARAMS_HELPER_PATH);
    expect(helper).toEqual({
      path: 'src/functions/_shared/params.ts',
      contents: readFileSync(path.join(root, 'src/functions/_shared/params.ts'), 'utf8'),
      shared: true,
    });
    expect(read(NODE_PARAMS_HELPER)).toBe(helper?.contents);
  });
});

describe('planNewFunction', () => {
  it('makes a directly invoked function when neither route nor event is given', () => {
    const plan = planNewFunction({ ...base, name: 'send-email' }, read);
    expect(plan.event).toBe('direct');
    expect(plan.entry).toEqual({ handler: 'src/functions/send-email/handler.ts' });
    expect(paths(plan.files)).toEqual([
      'src/functions/send-email/handler.ts',
      'src/functions/_shared/params.ts',
      'src/functions/send-email/events/direct.json',
    ]);
  });

  it('an SQS consumer: the batch helper shared like the params helper, a sample with its expectation, the trigger as a hint', () => {
    const plan = planNewFunction({ ...base, name: 'jobs', event: 'sqs' }, read);
    expect(paths(plan.files)).toEqual([
      'src/functions/jobs/handler.ts',
      'src/functions/_shared/params.ts',
      'src/functions/_shared/sqs.ts',
      'src/functions/jobs/events/sqs.json',
      'src/functions/jobs/events/sqs.expect.json',
    ]);
    expect(plan.files[0].contents).toContain("import { sqsBatch } from '../_shared/sqs.js';");
    expect(plan.files[2]).toEqual({
      path: 'src/functions/_shared/sqs.ts',
      contents: readFileSync(path.join(root, 'src/functions/_shared/sqs.ts'), 'utf8'),
      shared: true,
    });
    expect(plan.entry).toEqual({ handler: 'src/functions/jobs/handler.ts' });
    expect(plan.triggerHint).toBe("triggers: [{ sqs: '<queue key in resources>' }],");
    // Python returns batchItemFailures itself: no TypeScript helper in its zip.
    const py = planNewFunction({ ...base, name: 'jobs', event: 'sqs', runtime: 'python3.12' }, read);
    expect(paths(py.files).filter((p) => p.includes('_shared'))).toEqual([]);
    expect(py.files[0].contents).toContain('return {"batchItemFailures": failures}');
  });

  it('other event sources: a sample shaped as AWS sends it, expected not to throw', () => {
    const s3 = planNewFunction({ ...base, name: 'uploads', event: 's3' }, read);
    const sample = JSON.parse(s3.files.find((f) => f.path.endsWith('events/s3.json'))?.contents ?? '{}');
    expect(sample.Records[0].s3).toMatchObject({
      bucket: { name: 'shop-dev-uploads' },
      object: { key: 'reports/March+report+%282025%29.csv' },
    });
    expect(s3.files.find((f) => f.path.endsWith('s3.expect.json'))?.contents).toBe('{\n  "noError": true\n}\n');
    const ddb = JSON.parse(planNewFunction({ ...base, name: 'changes', event: 'dynamodb' }, read).files.at(-2)?.contents ?? '{}');
    expect(ddb.Records.map((r: any) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(ddb.Records[1].dynamodb.Keys).toEqual({ pk: { S: 'item-101' } });
    const eb = JSON.parse(planNewFunction({ ...base, name: 'orders', event: 'eventbridge' }, read).files.at(-2)?.contents ?? '{}');
    expect(Object.keys(eb)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(planNewFunction({ ...base, name: 'send-email' }, read).triggerHint).toBeUndefined();
  });

  it('makes an HTTP function for a route, and a default route for --event http', () => {
    expect(planNewFunction({ ...base, name: 'users', route: 'GET /users/{id}' }, read).entry.routes).toEqual(['GET /users/{id}']);
    const plan = planNewFunction({ ...base, name: 'users', event: 'http' }, read);
    expect(plan.entry.routes).toEqual(['GET /users']);
    expect(plan.files[0].contents).toContain('APIGatewayProxyEventV2');
  });

  it('writes the runtime only when it is asked for, and picks the language from it or the fleet default', () => {
    expect(planNewFunction({ ...base, name: 'a', runtime: 'nodejs20.x' }, read).entry.runtime).toBe('nodejs20.x');
    const py = planNewFunction({ ...base, name: 'nightly-report', fleetRuntime: 'python3.12', event: 'schedule' }, read);
    expect(py.entry).toEqual({ handler: 'src/functions/nightly_report/lambda_function.lambda_handler' });
    expect(py.language).toBe('python');
    expect(paths(py.files)).toEqual([
      'src/functions/nightly_report/lambda_function.py',
      'src/functions/nightly_report/requirements.txt',
      'src/functions/nightly_report/ops_params.py',
      'src/functions/nightly_report/events/schedule.json',
    ]);
    expect(py.files[0].contents).toContain('nightly-report: scheduled run');
    expect(planNewFunction({ ...base, name: 'b', fleetRuntime: 'python3.12', runtime: 'nodejs22.x' }, read).language).toBe('node');
  });

  it.each(['http', 'sns', 'schedule', 'direct'] as const)('renders every template for %s, in both languages', (event) => {
    for (const runtime of ['nodejs22.x', 'python3.13']) {
      const plan = planNewFunction({ ...base, name: 'fn', runtime, event }, read);
      for (const f of plan.files) expect(f.contents, f.path).not.toMatch(/\{\{\w+\}\}/);
      expect(() => JSON.parse(plan.files[plan.files.length - 1].contents)).not.toThrow();
    }
  });

  it('a route on a REST API (api.type rest): the 1.0 handler and sample, fitted to the route and the stage, in both languages', () => {
    for (const runtime of ['nodejs22.x', 'python3.13']) {
      const plan = planNewFunction({ ...base, name: 'fn', runtime, route: 'ANY /api/{proxy+}', api: { type: 'rest' } }, read);
      for (const f of plan.files) expect(f.contents, f.path).not.toMatch(/\{\{\w+\}\}/);
      expect(plan.files[0].contents).toContain('REST API (payload format 1.0)');
      expect(plan.eventFile).toMatch(/\/events\/rest-api\.json$/);
      const sample = JSON.parse(plan.files.find((f) => f.path === plan.eventFile)?.contents ?? '');
      expect(sample).toMatchObject({
        resource: '/api/{proxy+}',
        path: '/api/a/b',
        httpMethod: 'GET',
        pathParameters: { proxy: 'a/b' },
        requestContext: { path: '/prod/api/a/b', stage: 'prod', domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com' },
      });
    }
    const post = planNewFunction({ ...base, name: 'fn', route: 'POST /notes', api: { type: 'rest', stage: 'v1' } }, read);
    const sample = JSON.parse(post.files.find((f) => f.path === post.eventFile)?.contents ?? '');
    expect(sample).toMatchObject({ body: '{"name":"ops"}', headers: { 'Content-Type': 'application/json', 'Content-Length': '14' } });
    expect(sample.multiValueHeaders['Content-Type']).toEqual(['application/json']);
    expect(sample.requestContext).toMatchObject({ path: '/v1/notes', stage: 'v1' });
    // An HTTP API (the default) keeps the 2.0 sample.
    expect(planNewFunction({ ...base, name: 'fn', route: 'GET /x', api: { type: 'http' } }, read).eventFile).toMatch(/http-api\.json$/);
  });

  it('fills app and region into sample events', () => {
    const plan = planNewFunction({ ...base, name: 'fn', event: 'sns' }, read);
    const sns = JSON.parse(plan.files.find((f) => f.path === plan.eventFile)?.contents ?? '');
    expect(sns.Records[0].Sns.TopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:shop-events');
  });
});

describe('sampleEvent for HTTP routes', () => {
  const http = (route: string) => JSON.parse(sampleEvent('http', read('events/http-api.json'), { region: 'us-east-1' }, route));

  it('fills path parameters with sample values', () => {
    const e = http('GET /tasks/{id}');
    expect(e).toMatchObject({ version: '2.0', routeKey: 'GET /tasks/{id}', rawPath: '/tasks/id-1', pathParameters: { id: 'id-1' } });
    expect(e.requestContext).toMatchObject({ routeKey: 'GET /tasks/{id}', http: { method: 'GET', path: '/tasks/id-1' } });
    expect(e.body).toBeUndefined();
  });

  it('handles greedy paths, ANY, $default and bodies', () => {
    expect(http('ANY /api/{proxy+}')).toMatchObject({
      rawPath: '/api/a/b',
      pathParameters: { proxy: 'a/b' },
      requestContext: { http: { method: 'GET' } },
    });
    expect(http('$default')).toMatchObject({ routeKey: '$default', rawPath: '/' });
    const post = http('POST /tasks');
    expect(JSON.parse(post.body)).toEqual({ name: 'ops' });
    expect(post.headers['content-type']).toBe('application/json');
    expect(Object.keys(post).slice(-2)).toEqual(['body', 'isBase64Encoded']);
  });
});

describe('sanitizeAppName', () => {
  it.each([
    ['my-app', 'my-app'],
    ['My Cool App!', 'my-cool-app'],
    ['2024_orders--API', 'orders-api'],
    ['a-really-long-directory-name-for-an-app', 'a-really-long-directory'],
    ['___', 'app'],
    ['123', 'app'],
  ])('%s → %s', (input, out) => {
    expect(sanitizeAppName(input)).toBe(out);
    expect(out).toMatch(/^[a-z][a-z0-9-]{0,23}$/);
  });
});

describe('templates', () => {
  it('renders placeholders in one pass and refuses unknown ones', () => {
    expect(renderTemplate('{{a}}-{{b}}', { a: '{{b}}', b: 'x' })).toBe('{{b}}-x');
    expect(() => renderTemplate('{{nope}}', {})).toThrow('{{nope}}');
  });

  it('finds templates/ from src/ and from a bundled chunk in dist/chunks/', () => {
    expect(templatesDir()).toBe(path.join(root, 'templates'));
    expect(templatesDir(pathToFileURL(path.join(root, 'dist/chunks/scaffold-abc.js')).href)).toBe(path.join(root, 'templates'));
    expect(() => templatesDir(pathToFileURL('/nowhere/x.js').href)).toThrow('templates/');
  });

  it('has every sample event', () => {
    expect(readdirSync(path.join(root, 'templates/events')).sort()).toEqual([
      'direct.json',
      'dynamodb.json',
      'eventbridge.json',
      'http-api.json',
      'rest-api.json',
      's3.json',
      'schedule.json',
      'sns.json',
      'sqs.json',
    ]);
  });
});
