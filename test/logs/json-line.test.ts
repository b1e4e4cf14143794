import { describe, expect, it } from 'vitest';
import { toRecord } from '../../src/logs/format.js';
import { jsonLineWriter } from '../../src/logs/json-line.js';
import type { GroupLabel, TailEvent } from '../../src/logs/types.js';

/**
 * `ops logs tail` piped (or `--json`) prints each event as `JSON.stringify(toRecord(event))` did before the
 * line was written member by member: the same bytes for every kind of line the parser knows, every optional
 * member present or absent, and strings that need escaping.
 */

const RID = '8f5c1a2b-1111-2222-3333-444455556666';
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0, 0);
const API = '/aws/apigateway/shop-dev';
const labels = new Map<string, GroupLabel>([
  ['/aws/lambda/shop-dev-api', { key: 'api', name: 'shop-dev-api' }],
  ['/aws/lambda/shop-dev-worker', { key: 'worker', name: 'shop-dev-worker' }],
  [API, { key: 'shop-dev', name: 'shop-dev', api: true }],
]);

const error = JSON.stringify({
  errorType: 'TypeError',
  errorMessage: 'x is "undefined"',
  stack: ['TypeError: x', '    at handler (/var/task/index.js:3:9)'],
});
const MESSAGES = [
  `2026-11-23T10:00:00.000Z\t${RID}\tINFO\tcreated task t-1\n`,
  `2026-11-23T10:00:00.000Z\tundefined\tWARN\tno request\n`,
  `2026-11-23T10:00:00.000Z\t${RID}\tERROR\tInvoke Error \t${error}\n`,
  `2026-11-23T10:00:00.000Z\t${RID}\tINFO\t{"level":"debug","msg":"structured","requestId":"r-2"}\n`,
  `2026-11-23T10:00:00.000Z\t${RID}\tINFO\tfirst\nsecond\r\nthird\n`,
  `2026-11-23T10:00:03.000Z ${RID} Task timed out after 3.00 seconds\n`,
  `[WARNING]\t2026-11-23T10:00:00.000Z\t${RID}\tretrying\n`,
  '[ERROR] KeyError: boom\n',
  `START RequestId: ${RID} Version: $LATEST\n`,
  `END RequestId: ${RID}\n`,
  `REPORT RequestId: ${RID}\tDuration: 102.32 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 160.53 ms\t\n`,
  `REPORT RequestId: ${RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tStatus: timeout\n`,
  'INIT_START Runtime Version: nodejs:22.v10\tRuntime Version ARN: arn:aws:lambda:x\n',
  'INIT_REPORT Init Duration: 10000.12 ms\tPhase: init\tStatus: timeout\n',
  JSON.stringify({
    time: 't',
    type: 'platform.report',
    record: { requestId: RID, metrics: { durationMs: 5, initDurationMs: 300.2 }, status: 'success' },
  }),
  JSON.stringify({ time: 't', type: 'platform.start', record: { requestId: RID, version: '$LATEST' } }),
  JSON.stringify({ level: 'ERROR', message: 'failed', requestId: RID, error: { stack: 'Error: failed\n    at x (a.js:1:1)' } }),
  '{"not":"closed"',
  'Traceback (most recent call last):\n',
  '  File "/var/task/app.py", line 3, in handler\n',
  'quotes " and \\ backslash, \u0001 control, \u2028 separator, é, 🙂 and a lone \ud800 surrogate\t\n',
  '',
  '   \n',
];

const events: TailEvent[] = MESSAGES.flatMap((message, i) => [
  {
    group: '/aws/lambda/shop-dev-api',
    stream: '2026/11/23/[$LATEST]abc',
    timestamp: T0 + i,
    message,
    id: `3${i}`,
    ingestionTime: T0 + i + 5,
  },
  { group: '/aws/lambda/shop-dev-worker', stream: 'a "quoted" stream', timestamp: T0 + i + 0.5, message },
  { group: '/aws/lambda/unlabelled-fn', stream: 's', timestamp: T0 - 86_400_000 * 400, message },
]);

describe('jsonLineWriter', () => {
  it('writes the bytes JSON.stringify(toRecord(event)) gives, for every kind of line', () => {
    const line = jsonLineWriter(labels);
    expect(events.length).toBeGreaterThan(60);
    for (const e of events) expect(line(e)).toBe(JSON.stringify(toRecord(e, labels)));
  });

  it('writes the time of any timestamp as toISOString does: across seconds, fractions, before 1970, after 9999', () => {
    const line = jsonLineWriter(labels);
    const stamps = [0, 999, 1000, 1001, T0 - 1, T0, T0 + 1, T0 + 999, T0 + 1000, T0 + 61_001, T0 + 2.75, -1, -86_400_001];
    stamps.push(253_402_300_799_999, 253_402_300_800_000, 8.64e15);
    for (const timestamp of stamps) {
      const e: TailEvent = { group: '/aws/lambda/shop-dev-api', stream: 's', timestamp, message: 'x' };
      expect(line(e)).toBe(JSON.stringify(toRecord(e, labels)));
    }
  });

  it('writes an API access line (ops logs tail --api) as its record too', () => {
    const access = JSON.stringify({ requestId: 'Ab3dEfGhIjKlMnO=', httpMethod: 'GET', routeKey: 'GET /items/{id}', status: '500' });
    const e: TailEvent = { group: API, stream: 's', timestamp: T0, message: access, id: '1' };
    const out = jsonLineWriter(labels)(e);
    expect(out).toBe(JSON.stringify(toRecord(e, labels)));
    expect(JSON.parse(out)).toMatchObject({ api: 'shop-dev', level: 'ERROR', requestId: 'Ab3dEfGhIjKlMnO=' });
  });
});
