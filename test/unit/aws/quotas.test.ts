import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { limitsOf } from '../../../src/aws/limiter.js';
import { createPacing } from '../../../src/aws/pacing.js';
import { DEFAULT_QUOTA, pacesFor, QUOTAS, quotaTable } from '../../../src/aws/quotas.js';
import { FakeClock } from '../../logs/fakes.js';

describe('AWS quotas (src/aws/quotas.ts)', () => {
  it("every figure names where it comes from; a documented one, AWS's page", () => {
    const all = Object.entries(QUOTAS).flatMap(([svc, q]) =>
      [q.total, q.otherOperations, ...Object.values(q.operations ?? {}), ...Object.values(q.reads ?? {})]
        .filter((x) => x !== undefined)
        .map((x) => ({ svc, ...x })),
    );
    expect(all.length).toBeGreaterThan(20);
    for (const q of all) {
      expect(q.rate).toBeGreaterThan(0);
      expect(q.source.length).toBeGreaterThan(10);
      if (q.documented) expect(q.source).toMatch(/https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  it("Lambda's writes share one 15/s quota; GetFunction and GetPolicy are reads with their own (100/s, 15/s)", () => {
    expect(pacesFor('lambda', 'CreateFunction')).toEqual([{ key: 'lambda', quota: QUOTAS.lambda.total }]);
    expect(pacesFor('lambda', 'PublishVersion')[0].key).toBe('lambda');
    expect(QUOTAS.lambda.total?.rate).toBe(15);
    expect(QUOTAS.lambda.reads).toMatchObject({ GetFunction: { rate: 100 }, GetPolicy: { rate: 15 } });
  });

  it('CloudWatch Logs is paced per operation, with no service total; an operation not listed gets its own 5/s', () => {
    expect(pacesFor('logs', 'CreateLogGroup').map((p) => [p.key, p.quota.rate])).toEqual([['logs.CreateLogGroup', 5]]);
    expect(pacesFor('logs', 'PutRetentionPolicy').map((p) => p.key)).toEqual(['logs.PutRetentionPolicy']);
    expect(pacesFor('logs', 'DeleteLogGroup').map((p) => [p.key, p.quota.rate])).toEqual([['logs.DeleteLogGroup', 5]]);
  });

  it("API Gateway: an operation's own rate, then the account total (10/s, burst 40) every write shares", () => {
    const deploy = pacesFor('apigateway', 'CreateDeployment');
    expect(deploy.map((p) => [p.key, p.quota.rate, p.quota.burst])).toEqual([
      ['apigateway.CreateDeployment', 0.2, 1],
      ['apigateway', 10, 40],
    ]);
    expect(pacesFor('apigateway', 'CreateRoute').map((p) => p.key)).toEqual(['apigateway']);
  });

  it('a service with no published rate gets the default, marked undocumented (IAM, SQS); one not in the table too', () => {
    expect(pacesFor('iam', 'CreateRole')).toEqual([{ key: 'iam', quota: QUOTAS.iam.total }]);
    for (const svc of ['iam', 'sqs', 'sns', 'ssm'])
      expect(QUOTAS[svc].total).toMatchObject({ rate: DEFAULT_QUOTA.rate, documented: false });
    expect(pacesFor('route53', 'ChangeResourceRecordSets')).toEqual([{ key: 'route53', quota: DEFAULT_QUOTA }]);
  });

  it('a limiter holds a second of its rate in flight: 15 for Lambda, one for a rate under 1/s, never over 16', () => {
    expect(limitsOf({ rate: 15 })).toEqual({ rate: 15, burst: 15, maxConcurrency: 15 });
    expect(limitsOf({ rate: 0.2, burst: 1 })).toEqual({ rate: 0.2, burst: 1, maxConcurrency: 1 });
    expect(limitsOf({ rate: 2_500, burst: 10 }).maxConcurrency).toBe(16);
  });
});

/** Starts `ops` as writes through `pacing` at once; resolves with each one's start time (ms after t0). */
async function startTimes(pacing: ReturnType<typeof createPacing>, clock: FakeClock, ops: [string, string][]): Promise<number[]> {
  const t0 = clock.now();
  return Promise.all(ops.map(([svc, op]) => pacing(svc, op).run(async () => clock.now() - t0)));
}

describe('per-API pacing (createPacing, on a virtual clock)', () => {
  it('one limiter per quota key: Lambda operations share one, CloudWatch Logs operations each have their own', () => {
    const pacing = createPacing(undefined, new FakeClock());
    expect(pacing('lambda', 'CreateFunction')).toBe(pacing('lambda', 'CreateAlias'));
    expect(pacing('logs', 'CreateLogGroup')).not.toBe(pacing('logs', 'PutRetentionPolicy'));
    expect(pacing('logs', 'CreateLogGroup')).toBe(pacing('logs', 'CreateLogGroup'));
  });

  it('CreateLogGroup and PutRetentionPolicy go at 5/s each, side by side (10 writes/s for the two)', async () => {
    const clock = new FakeClock();
    const pacing = createPacing(undefined, clock);
    const ops: [string, string][] = [];
    for (let i = 0; i < 10; i++) ops.push(['logs', 'CreateLogGroup'], ['logs', 'PutRetentionPolicy']);
    const at = await startTimes(pacing, clock, ops);
    // A burst of 5 each at once, then one every 200 ms each: 20 writes in 1 s.
    expect(Math.max(...at)).toBe(1_000);
    expect(at.filter((t) => t === 0)).toHaveLength(10);
  });

  it("CreateDeployment waits 5 s between calls while the API's other writes go on at the account's pace", async () => {
    const clock = new FakeClock();
    const pacing = createPacing(undefined, clock);
    const ops: [string, string][] = [
      ['apigateway', 'CreateDeployment'],
      ['apigateway', 'CreateDeployment'],
      ['apigateway', 'CreateDeployment'],
      ...Array.from({ length: 50 }, (): [string, string] => ['apigateway', 'CreateRoute']),
    ];
    const at = await startTimes(pacing, clock, ops);
    expect(at.slice(0, 3)).toEqual([0, 5_000, 10_000]);
    const routes = at.slice(3).sort((a, b) => a - b);
    // The total's burst of 40 (one token went to the first CreateDeployment), then 10/s.
    expect(routes.filter((t) => t === 0)).toHaveLength(39);
    expect(routes.at(-1)).toBeLessThanOrEqual(1_200);
  });

  it("a throttle cuts the operation's own limiter, not the account total; a success counts for both", async () => {
    const clock = new FakeClock();
    const pacing = createPacing(undefined, clock);
    const own = pacing('apigateway', 'CreateResource');
    const total = pacing('apigateway', 'CreateRoute');
    for (let i = 0; i < 12; i++) own.onThrottle();
    expect(own.stats().rate).toBe(2.5);
    expect(own.stats().throttles).toBe(12);
    expect(total.stats()).toMatchObject({ rate: 10, throttles: 0 });
    own.onSuccess();
    expect(own.stats().rate).toBeCloseTo(2.75);
  });
});

describe('docs/quotas.md', () => {
  it("shows the module's table, row for row", () => {
    const doc = readFileSync(new URL('../../../docs/quotas.md', import.meta.url), 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| service') && !l.startsWith('|---'));
    expect(rows).toEqual(quotaTable());
  });
});
