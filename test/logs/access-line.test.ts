import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_LOG_FORMAT } from '../../src/config/resolve-api-stage.js';
import type { ApiSpec } from '../../src/config/types.js';
import { UsageError } from '../../src/errors.js';
import { apiAccessGroups, apiLabels, parseAccessLine } from '../../src/logs/access-line.js';
import { createFormatter, toRecord } from '../../src/logs/format.js';
import type { GroupLabel, TailEvent } from '../../src/logs/types.js';

/** `ops logs tail --api` (issue 15 item 7): the API's access lines labelled with its name, beside the functions' lines. */

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0, 0);
const API_GROUP = '/aws/apigateway/shop-dev';
const FN_GROUP = '/aws/lambda/shop-dev-api';
const api: ApiSpec = { name: 'shop-dev', accessLog: { logGroup: API_GROUP, format: DEFAULT_ACCESS_LOG_FORMAT.http, retentionDays: 30 } };

/** An access line as API Gateway writes ops' default HTTP format. */
const access = (status: string, over: Record<string, string> = {}) =>
  JSON.stringify({
    requestId: 'Ab3dEfGhIjKlMnO=',
    ip: '203.0.113.9',
    requestTime: '23/Nov/2026:10:00:00 +0000',
    httpMethod: 'GET',
    routeKey: 'GET /items/{id}',
    status,
    protocol: 'HTTP/1.1',
    responseLength: '17',
    integrationLatency: '12',
    ...over,
  });

describe('access lines', () => {
  it('reads the default formats: route (or method and resource path), status, latency, caller; level from the status', () => {
    expect(parseAccessLine(access('200'))).toMatchObject({
      requestId: 'Ab3dEfGhIjKlMnO=',
      level: 'INFO',
      text: 'GET /items/{id} 200 · 12 ms · 203.0.113.9',
    });
    expect(parseAccessLine(access('404')).level).toBe('WARN');
    expect(parseAccessLine(access('502')).level).toBe('ERROR');
    const rest = JSON.stringify({
      requestId: 'r-1',
      httpMethod: 'POST',
      resourcePath: '/approval',
      status: '201',
      integrationLatency: '-',
    });
    expect(parseAccessLine(rest)).toMatchObject({ requestId: 'r-1', level: 'INFO', text: 'POST /approval 201' });
  });

  it('keeps a custom (non-JSON) format as written', () => {
    const clf = '203.0.113.9 - - [23/Nov/2026:10:00:00 +0000] "GET /items HTTP/1.1" 200 17 r-2\n';
    expect(parseAccessLine(clf)).toEqual({ text: clf.trimEnd() });
  });
});

describe('--api labels', () => {
  it('labels each access log group with its API’s name; an API without accessLog is a usage error saying how', () => {
    expect(apiLabels({ api })).toEqual(new Map([[API_GROUP, { key: 'shop-dev', name: 'shop-dev', api: true }]]));
    expect(() => apiAccessGroups({ api: { name: 'shop-dev' } })).toThrow(UsageError);
    expect(() => apiAccessGroups({ api: { name: 'shop-dev' } })).toThrow('--api: the API shop-dev writes no access logs');
    expect(() => apiAccessGroups({})).toThrow('--api: the fleet has no API');
  });

  it('formats access lines beside function lines in one stream, in the order given, columns aligned', () => {
    const labels = new Map<string, GroupLabel>([[FN_GROUP, { key: 'api', name: 'shop-dev-api' }], ...apiLabels({ api })]);
    const f = createFormatter({ color: new Chalk({ level: 0 }), labels, utc: true });
    const ev = (group: string, t: number, message: string): TailEvent => ({ group, stream: 's', timestamp: T0 + t, message });
    const lines = [
      ev(FN_GROUP, 0, '2026-11-23T10:00:00.000Z\t8f5c1a2b-1111-2222-3333-444455556666\tINFO\tloading item 7\n'),
      ev(API_GROUP, 5, access('200')),
      ev(API_GROUP, 9, access('502', { routeKey: 'POST /items' })),
    ].flatMap((e) => f.format(e));
    expect(lines).toEqual([
      '10:00:00.000 api      8f5c1a2b INFO  loading item 7',
      '10:00:00.005 shop-dev Ab3dEfGh INFO  GET /items/{id} 200 · 12 ms · 203.0.113.9',
      '10:00:00.009 shop-dev Ab3dEfGh ERROR POST /items 502 · 12 ms · 203.0.113.9',
    ]);
  });

  it('--json: an access line names its API and carries the format’s fields', () => {
    const rec = toRecord({ group: API_GROUP, stream: 's', timestamp: T0, message: access('200') }, apiLabels({ api }));
    expect(rec).toMatchObject({
      function: 'shop-dev',
      api: 'shop-dev',
      kind: 'log',
      requestId: 'Ab3dEfGhIjKlMnO=',
      level: 'INFO',
      message: 'GET /items/{id} 200 · 12 ms · 203.0.113.9',
      data: { status: '200', ip: '203.0.113.9' },
    });
  });
});
