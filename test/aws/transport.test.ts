import { Readable } from 'node:stream';
import type { HttpResponse } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { toUserError } from '../../src/aws/errors.js';
import { attemptMs, callKind, DEFAULT_TIMEOUTS, notAwsAnswer, type Protocol, timeoutsFrom } from '../../src/aws/transport.js';
import { UsageError, UserError } from '../../src/errors.js';

const response = (statusCode: number, headers: Record<string, string>, body?: string): HttpResponse =>
  ({ statusCode, headers, body: body === undefined ? undefined : Readable.from([Buffer.from(body)]) }) as HttpResponse;

const PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Network login required</body></html>';
const judge = (protocol: Protocol, service: string, operation: string, r: HttpResponse, method = 'POST') =>
  notAwsAnswer(protocol, service, operation, method, r);

describe('is it an AWS answer?', () => {
  it('passes what AWS sends in each protocol, untouched (the body is not read)', async () => {
    const cases: [Protocol, string, string, Record<string, string>][] = [
      ['query', 'iam', 'ListRoles', { 'content-type': 'text/xml' }],
      ['json', 'logs', 'DescribeLogGroups', { 'content-type': 'application/x-amz-json-1.1' }],
      ['json', 'cloudwatch', 'DescribeAlarms', { 'content-type': 'application/x-amz-json-1.0' }],
      ['rest-json', 'lambda', 'ListFunctions', { 'content-type': 'application/json' }],
      ['rest-xml', 's3', 'ListObjectsV2', { 'content-type': 'application/xml' }],
    ];
    for (const [protocol, service, operation, headers] of cases) {
      const r = response(200, headers, '{}');
      expect(await judge(protocol, service, operation, r), `${service}.${operation}`).toBeUndefined();
      expect(r.body).toBeInstanceOf(Readable);
    }
  });

  it("passes moto's answers: good JSON and XML labelled text/html or text, empty answers of writes", async () => {
    const r = response(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '20' }, '{"Functions":[]}');
    expect(await judge('rest-json', 'lambda', 'ListFunctions', r, 'GET')).toBeUndefined();
    // The body was read to judge it and is handed to the SDK as bytes.
    expect(Buffer.from(r.body as Uint8Array).toString()).toBe('{"Functions":[]}');
    expect(
      await judge('json', 'cloudwatch', 'DescribeAlarms', response(200, { 'content-type': 'text' }, '{"MetricAlarms":[]}')),
    ).toBeUndefined();
    expect(
      await judge(
        'json',
        'logs',
        'CreateLogGroup',
        response(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '0' }, ''),
      ),
    ).toBeUndefined();
    expect(
      await judge('rest-json', 'lambda', 'DeleteFunction', response(204, { 'content-type': 'text/html' }, ''), 'DELETE'),
    ).toBeUndefined();
    expect(
      await judge('query', 'iam', 'ListRoles', response(200, { 'content-type': 'text/html' }, '<ListRolesResponse/>')),
    ).toBeUndefined();
  });

  it('rejects an HTML page in every protocol, and an empty answer where AWS always sends a body', async () => {
    for (const [protocol, service, operation] of [
      ['query', 'iam', 'ListRoles'],
      ['query', 'iam', 'DeleteRole'],
      ['json', 'logs', 'DescribeLogGroups'],
      ['rest-json', 'lambda', 'ListFunctions'],
      ['rest-json', 'apigateway', 'CreateApi'],
      ['rest-xml', 's3', 'ListObjectsV2'],
    ] as const) {
      expect(await judge(protocol, service, operation, response(200, { 'content-type': 'text/html; charset=utf-8' }, PAGE))).toBe(
        'text/html',
      );
    }
    expect(await judge('query', 'iam', 'ListRoles', response(502, { 'content-type': 'text/html' }, PAGE))).toBe('text/html');
    expect(await judge('json', 'logs', 'DescribeLogGroups', response(200, { 'content-type': 'text/plain' }, 'OK'))).toBe('text/plain');
    expect(await judge('query', 'iam', 'DeleteRole', response(200, { 'content-length': '0' }, ''))).toBe('an empty body');
    expect(await judge('json', 'ssm', 'GetParametersByPath', response(200, {}, ''))).toBe('an empty body');
    expect(await judge('rest-json', 'lambda', 'GetFunction', response(200, {}, 'not json'), 'GET')).toBe('a body without a content type');
  });

  it('never judges payloads or HEAD answers', async () => {
    expect(await judge('rest-json', 'lambda', 'Invoke', response(200, { 'content-type': 'text/html' }, PAGE))).toBeUndefined();
    expect(await judge('rest-xml', 's3', 'GetObject', response(200, { 'content-type': 'text/html' }, PAGE), 'GET')).toBeUndefined();
    expect(await judge('rest-xml', 's3', 'HeadObject', response(404, { 'content-type': 'text/html' }), 'HEAD')).toBeUndefined();
    expect(
      await judge('json', 'logs', 'StartLiveTail', response(200, { 'content-type': 'application/vnd.amazon.eventstream' }, '')),
    ).toBeUndefined();
  });
});

describe('timeouts', () => {
  it('reads and idempotent writes get three tries in the budget; other writes one; uploads and invokes the long budget', () => {
    expect(callKind('iam', 'ListRoles')).toBe('read');
    expect(callKind('logs', 'PutRetentionPolicy')).toBe('idempotent');
    expect(callKind('apigateway', 'CreateApi')).toBe('write');
    expect(callKind('lambda', 'PublishVersion')).toBe('write');
    expect(callKind('lambda', 'UpdateFunctionCode')).toBe('upload');
    expect(callKind('lambda', 'CreateFunction')).toBe('upload');
    expect(callKind('s3', 'PutObject')).toBe('upload');
    expect(callKind('lambda', 'Invoke')).toBe('long');
    expect(callKind('logs', 'StartLiveTail')).toBe('stream');
    const t = DEFAULT_TIMEOUTS;
    expect(attemptMs('read', 30_000, t)).toBe(10_000);
    expect(attemptMs('read', 4_000, t)).toBe(4_000); // what is left of the budget
    expect(attemptMs('write', 30_000, t)).toBe(30_000);
    expect(attemptMs('read', 60_000, { ...t, requestMs: 60_000 })).toBe(20_000);
    expect(attemptMs('read', 5_000, { ...t, requestMs: 5_000 })).toBe(5_000); // never under minAttemptMs
  });

  it('--timeout wins over OPS_AWS_TIMEOUT; a bad value is a usage error', () => {
    expect(timeoutsFrom({})).toEqual(DEFAULT_TIMEOUTS);
    expect(timeoutsFrom({ OPS_AWS_TIMEOUT: '90' }).requestMs).toBe(90_000);
    expect(timeoutsFrom({ OPS_AWS_TIMEOUT: '90' }, '2')).toMatchObject({ requestMs: 2_000, connectMs: 2_000 });
    expect(() => timeoutsFrom({}, 'soon')).toThrow(UsageError);
    expect(() => timeoutsFrom({ OPS_AWS_TIMEOUT: '-1' })).toThrow(/invalid OPS_AWS_TIMEOUT '-1'/);
  });

  it('a timeout of the SDK becomes one line naming the endpoint and the operation', () => {
    const connect = Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms.',
      ),
      { name: 'TimeoutError', $opsTarget: 'https://iam.amazonaws.com', $opsOperation: 'iam.ListRoles' },
    );
    const e1 = toUserError(connect) as UserError;
    expect(e1).toBeInstanceOf(UserError);
    expect(e1.message).toBe('cannot reach https://iam.amazonaws.com (iam.ListRoles): no connection within 5 s');
    const silence = Object.assign(new Error('a request has exceeded the configured 10000 ms requestTimeout.'), {
      name: 'TimeoutError',
      $opsTarget: 'http://127.0.0.1:9',
      $opsBudgetSeconds: 30,
      $opsOperation: 'lambda.ListFunctions',
    });
    const e2 = toUserError(silence, { endpointUrl: 'http://127.0.0.1:9' }) as UserError;
    expect(e2.message).toBe('cannot reach http://127.0.0.1:9 (lambda.ListFunctions): no answer within 30 s');
    expect(e2.hint).toMatch(/--endpoint-url.*--timeout <seconds>/);
  });
});

describe('AWS 5xx errors', () => {
  const sdkError = (name: string, status: number, message = 'We encountered an internal error. Please try again.') =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: 'server' });

  it('name the service, the operation and the status, and say to retry', () => {
    const e = toUserError(sdkError('ServiceException', 500), { operation: 'lambda.CreateFunction' }) as UserError;
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe(
      'AWS failed: lambda.CreateFunction answered HTTP 500 (ServiceException: We encountered an internal error. Please try again.)',
    );
    expect(e.hint).toMatch(/run the command again/);
    expect((e as unknown as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
  });

  it('throttling answered as a 5xx stays throttling (our retry and the limiter act on it)', () => {
    const slowDown = sdkError('SlowDown', 503, 'Please reduce your request rate.');
    expect(toUserError(slowDown, { operation: 's3.PutObject' })).toBe(slowDown);
  });
});
