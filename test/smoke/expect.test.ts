import { describe, expect, it } from 'vitest';
import { checkExpectation, parseExpectation, subsetDiff } from '../../src/smoke/expect.js';

const http = (statusCode: number, body: unknown, base64 = false) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: base64 ? Buffer.from(JSON.stringify(body)).toString('base64') : JSON.stringify(body),
  ...(base64 ? { isBase64Encoded: true } : {}),
});
const check = (raw: unknown, outcome: Parameters<typeof checkExpectation>[1]) => checkExpectation(parseExpectation(raw).expect!, outcome);

describe('expectations', () => {
  it('parses with noError on by default, and reports every problem with its field', () => {
    expect(parseExpectation({ statusCode: 200 })).toEqual({ expect: { noError: true, statusCode: 200 }, problems: [] });
    expect(parseExpectation({ noError: false, body: null }).expect).toEqual({ noError: false, body: null });
    expect(parseExpectation({ status: 200, statusCode: '200', noError: 'yes', maxDurationMs: -1 }).problems).toEqual([
      { field: 'status', message: 'unknown expectation; known: noError, statusCode, body, maxDurationMs' },
      { field: 'noError', message: 'must be true or false' },
      { field: 'statusCode', message: 'must be an HTTP status 100..599' },
      { field: 'maxDurationMs', message: 'must be a positive number' },
    ]);
    expect(parseExpectation([]).problems[0].field).toBe('');
  });

  it('an HTTP result passes on status and a JSON subset of its (base64) body', () => {
    const expectation = { statusCode: 200, body: { status: 'ok', items: [{ id: 1 }] } };
    const body = { status: 'ok', version: 3, items: [{ id: 1, name: 'x' }] };
    expect(check(expectation, { result: http(200, body), durationMs: 3 })).toEqual([]);
    expect(check(expectation, { result: http(200, body, true), durationMs: 3 })).toEqual([]);
  });

  it('a miss gives one line per field path, expected vs actual', () => {
    const diff = check(
      { statusCode: 200, body: { status: 'ok', items: [{ id: 1 }], meta: { 'x-y': true } }, maxDurationMs: 100 },
      { result: http(503, { status: 'down', items: [{ id: 2 }] }), durationMs: 250.4 },
    );
    expect(diff).toEqual([
      'statusCode: expected 200, got 503',
      'body.status: expected "ok", got "down"',
      'body.items[0].id: expected 1, got 2',
      'body.meta: expected {"x-y":true}, got nothing (missing)',
      'duration: expected at most 100 ms, took 250 ms',
    ]);
  });

  it('a plain (non-HTTP) result is matched as a whole, statusCode included when it has one', () => {
    const result = { statusCode: 400, error: 'invalid_request', details: ['a', 'b'] };
    expect(check({ statusCode: 400, body: { error: 'invalid_request', details: ['a', 'b'] } }, { result, durationMs: 1 })).toEqual([]);
    expect(check({ body: { details: ['a'] } }, { result, durationMs: 1 })).toEqual(['body.details: expected 1 items, got 2: ["a","b"]']);
    expect(check({ body: { checked: 0 } }, { result: { checked: 0, ok: 0 }, durationMs: 1 })).toEqual([]);
  });

  it('a function error fails noError (the default) and every result expectation', () => {
    const outcome = { error: { errorType: 'TypeError', errorMessage: 'x is undefined' }, durationMs: 5 };
    expect(check({ statusCode: 200 }, outcome)).toEqual([
      'function error: expected none, got TypeError: x is undefined',
      'statusCode: expected 200, got no result (function error)',
    ]);
    expect(check({ noError: false }, outcome)).toEqual([]);
  });

  it('subsets: types must agree, extra keys are fine, strings and nulls compare exactly', () => {
    expect(subsetDiff({ a: 1 }, { a: 1, b: 2 }, 'body')).toEqual([]);
    expect(subsetDiff({ a: 1 }, [1], 'body')).toEqual(['body: expected an object, got [1]']);
    expect(subsetDiff([1], { 0: 1 }, 'body')).toEqual(['body: expected an array, got {"0":1}']);
    expect(subsetDiff('hello', 'hello world', 'body')).toEqual(['body: expected "hello", got "hello world"']);
    expect(subsetDiff(null, undefined, 'body.x')).toEqual(['body.x: expected null, got nothing']);
    expect(subsetDiff('x'.repeat(200), 'y', 'b')[0].length).toBeLessThan(120);
  });
});
