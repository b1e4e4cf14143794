import { Chalk, type ChalkInstance } from 'chalk';
import { describe, expect, it } from 'vitest';
import { createFormatter, hashString, reportText, toRecord } from '../../src/logs/format.js';
import { parseLambdaLine } from '../../src/logs/lambda-line.js';
import type { GroupLabel, TailEvent } from '../../src/logs/types.js';

const plain = new Chalk({ level: 0 });
const colored = new Chalk({ level: 1 });
const RID = '8f5c1a2b-1111-2222-3333-444455556666';
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0, 0);
const labels = new Map<string, GroupLabel>([
  ['/aws/lambda/shop-dev-api', { key: 'api', name: 'shop-dev-api' }],
  ['/aws/lambda/shop-dev-worker', { key: 'worker', name: 'shop-dev-worker' }],
]);
const ev = (message: string, over: Partial<TailEvent> = {}): TailEvent => ({
  group: '/aws/lambda/shop-dev-api',
  stream: '2026/11/23/[$LATEST]abc',
  timestamp: T0,
  message,
  ...over,
});
const fmt = (opts: { color?: ChalkInstance; utc?: boolean } = {}) =>
  createFormatter({ color: opts.color ?? plain, labels, utc: opts.utc ?? true });

const REPORT_COLD = `REPORT RequestId: ${RID}\tDuration: 102.32 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 160.53 ms\t\n`;
const REPORT_WARM = `REPORT RequestId: ${RID}\tDuration: 3.41 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\t\n`;

describe('REPORT lines', () => {
  it('become a compact summary with the cold start marked', () => {
    expect(fmt().format(ev(REPORT_COLD))).toEqual([
      '10:00:00.000 api    8f5c1a2b DONE  102 ms (billed 103 ms) · 70/128 MB · cold start init 161 ms',
    ]);
    const parsed = parseLambdaLine(REPORT_COLD);
    expect(parsed.report).toEqual({
      phase: 'invoke',
      durationMs: 102.32,
      billedMs: 103,
      memorySizeMb: 128,
      maxMemoryUsedMb: 70,
      initDurationMs: 160.53,
    });
  });

  it('a warm invocation has no cold start mark', () => {
    const [line] = fmt().format(ev(REPORT_WARM));
    expect(line).toBe('10:00:00.000 api    8f5c1a2b DONE  3.4 ms (billed 4 ms) · 88/512 MB');
    expect(line).not.toContain('cold');
  });

  it('marks the cold start in colour, and a timed-out invocation in red', () => {
    const cold = reportText(parseLambdaLine(REPORT_COLD).report!, colored);
    expect(cold).toContain(colored.cyan.bold('cold start'));
    const timeout = parseLambdaLine(`${REPORT_WARM.trimEnd()}\tStatus: timeout\n`);
    expect(timeout.timeout).toBe(true);
    expect(reportText(timeout.report!, colored)).toContain(colored.red.bold('TIMEOUT'));
    expect(reportText(timeout.report!, plain)).toMatch(/^TIMEOUT 3\.4 ms/);
  });

  it("reads Lambda's JSON log format: platform.report with initDurationMs", () => {
    const json = JSON.stringify({
      time: '2026-11-23T10:00:00.000Z',
      type: 'platform.report',
      record: {
        requestId: RID,
        metrics: { durationMs: 250.5, billedDurationMs: 251, memorySizeMB: 256, maxMemoryUsedMB: 90, initDurationMs: 300.2 },
        status: 'success',
      },
    });
    expect(fmt().format(ev(json))).toEqual([
      '10:00:00.000 api    8f5c1a2b DONE  251 ms (billed 251 ms) · 90/256 MB · cold start init 300 ms',
    ]);
    expect(toRecord(ev(json), labels)).toMatchObject({ kind: 'report', coldStart: true, report: { initDurationMs: 300.2 } });
  });

  it('INIT_REPORT of a failed init says so', () => {
    const [line] = fmt().format(ev('INIT_REPORT Init Duration: 10000.12 ms\tPhase: init\tStatus: timeout\n'));
    expect(line).toContain('TIMEOUT init timeout after 10.0 s');
  });
});

describe('formatting log lines', () => {
  it('folds START, END and INIT_START', () => {
    const f = fmt();
    expect(f.format(ev(`START RequestId: ${RID} Version: $LATEST\n`))).toEqual([]);
    expect(f.format(ev(`END RequestId: ${RID}\n`))).toEqual([]);
    expect(f.format(ev('INIT_START Runtime Version: nodejs:22.v10\tRuntime Version ARN: arn:aws:lambda:x\n'))).toEqual([]);
    expect(f.format(ev(JSON.stringify({ time: 'x', type: 'platform.start', record: { requestId: RID } })))).toEqual([]);
  });

  it('Node text format: level, short request id, message without the runtime prefix', () => {
    const line = fmt().format(ev(`2026-11-23T10:00:00.000Z\t${RID}\tINFO\tcreated task t-1\n`, { group: '/aws/lambda/shop-dev-worker' }));
    expect(line).toEqual(['10:00:00.000 worker 8f5c1a2b INFO  created task t-1']);
  });

  it('Python text format', () => {
    expect(fmt().format(ev(`[WARNING]\t2026-11-23T10:00:00.000Z\t${RID}\tretrying\n`))).toEqual([
      '10:00:00.000 api    8f5c1a2b WARN  retrying',
    ]);
  });

  it('highlights timeouts and errors', () => {
    const timeout = `2026-11-23T10:00:03.003Z ${RID} Task timed out after 3.00 seconds\n`;
    expect(fmt().format(ev(timeout))).toEqual(['10:00:00.000 api    8f5c1a2b ERROR Task timed out after 3.00 seconds']);
    expect(fmt({ color: colored }).format(ev(timeout))[0]).toContain(colored.red.bold('Task timed out after 3.00 seconds'));
    const error = fmt({ color: colored }).format(ev(`2026-11-23T10:00:00.000Z\t${RID}\tERROR\tpayment failed\n`))[0];
    expect(error).toContain(colored.red.bold('ERROR'));
    expect(error).toContain(colored.red('payment failed'));
  });

  it('keeps an uncaught error and its stack trace together', () => {
    const err = JSON.stringify({
      errorType: 'TypeError',
      errorMessage: "Cannot read properties of undefined (reading 'id')",
      stack: [
        "TypeError: Cannot read properties of undefined (reading 'id')",
        '    at handler (/var/task/index.mjs:3:20)',
        '    at run (/var/runtime/x.js:1:1)',
      ],
    });
    const lines = fmt().format(ev(`2026-11-23T10:00:00.000Z\t${RID}\tERROR\tInvoke Error \t${err}\n`));
    expect(lines).toEqual([
      "10:00:00.000 api    8f5c1a2b ERROR TypeError: Cannot read properties of undefined (reading 'id')",
      '             api                       at handler (/var/task/index.mjs:3:20)',
      '             api                       at run (/var/runtime/x.js:1:1)',
    ]);
  });

  it('keeps a multi-line message and a traceback logged as separate events together', () => {
    const f = fmt();
    expect(f.format(ev('first line\nsecond line\n'))).toEqual([
      '10:00:00.000 api                   first line',
      '             api                   second line',
    ]);
    expect(f.format(ev('[ERROR] KeyError: boom\n'))).toEqual(['10:00:00.000 api             ERROR KeyError: boom']);
    expect(f.format(ev('Traceback (most recent call last):\n'))).toEqual([
      '             api                   Traceback (most recent call last):',
    ]);
    expect(f.format(ev('  File "/var/task/app.py", line 3, in handler\n'))).toEqual([
      '             api                     File "/var/task/app.py", line 3, in handler',
    ]);
    // From another stream it is a line of its own.
    expect(f.format(ev('  File "/var/task/app.py", line 3\n', { stream: 'other' }))[0]).toMatch(/^10:00:00.000 api /);
  });

  it('JSON lines: level + message, with every field in --json', () => {
    const line = JSON.stringify({
      timestamp: '2026-11-23T10:00:00.000Z',
      level: 'ERROR',
      requestId: RID,
      message: 'charge failed',
      orderId: 'o-1',
    });
    expect(fmt().format(ev(line))).toEqual(['10:00:00.000 api    8f5c1a2b ERROR charge failed']);
    const pino = JSON.stringify({ level: 40, time: T0, msg: 'slow downstream', ms: 1200 });
    expect(fmt().format(ev(pino))).toEqual(['10:00:00.000 api             WARN  slow downstream']);
    expect(toRecord(ev(line), labels)).toEqual({
      time: '2026-11-23T10:00:00.000Z',
      timestamp: T0,
      function: 'api',
      functionName: 'shop-dev-api',
      group: '/aws/lambda/shop-dev-api',
      stream: '2026/11/23/[$LATEST]abc',
      kind: 'log',
      requestId: RID,
      level: 'ERROR',
      message: 'charge failed',
      data: JSON.parse(line),
      raw: line,
    });
  });

  it('local time by default, UTC with --utc, the date when the range spans days', () => {
    const local = createFormatter({ color: plain, labels }).format(ev('x'))[0];
    const d = new Date(T0);
    expect(local.slice(0, 5)).toBe(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`);
    expect(createFormatter({ color: plain, labels, utc: true, withDate: true }).format(ev('x'))[0]).toMatch(/^11-23 10:00:00.000 api /);
  });

  it('gives each function a stable colour, taken from a hash of its name', () => {
    const a = fmt({ color: colored }).format(ev('x'))[0];
    const b = fmt({ color: colored }).format(ev('y'))[0];
    const prefix = (s: string) => s.slice(s.indexOf('api') - 5, s.indexOf('api'));
    expect(prefix(a)).toBe(prefix(b));
    expect(hashString('api')).toBe(hashString('api'));
    expect(new Set(['api', 'worker', 'cron', 'mailer', 'billing'].map((k) => hashString(k) % 9)).size).toBeGreaterThan(2);
  });
});
