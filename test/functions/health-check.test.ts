import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertMessage, classify, parseTargets } from '../../src/functions/health-check/handler.js';
import { useEmulator } from '../support/emulator.js';
import { loadEvent, type Stub, startStub, uniqueSuffix, useTestEnv, waitFor } from './support/helpers.js';

type Handler = typeof import('../../src/functions/health-check/handler.js').handler;
const setEnv = useTestEnv();
const scheduled = loadEvent<ScheduledEvent>('health-check', 'scheduled');

describe('health-check: pure parts', () => {
  it('reads no targets from an absent or empty TARGETS', () => {
    expect(parseTargets(undefined)).toEqual([]);
    expect(parseTargets('  ')).toEqual([]);
    expect(parseTargets('[]')).toEqual([]);
  });

  it('reports every problem in TARGETS at once', () => {
    expect(() => parseTargets('{nope')).toThrow(/not valid JSON/);
    expect(() => parseTargets('{"name":"a"}')).toThrow(/must be a JSON array/);
    expect(() => parseTargets('[{"url":"ftp://x"},{"name":"b","url":"https://b","expectStatus":42,"maxLatencyMs":-1}, 7]')).toThrow(
      'invalid TARGETS: TARGETS[0].name: required; TARGETS[0].url: must be an http(s) URL; TARGETS[1].expectStatus: must be an HTTP status 100..599; TARGETS[1].maxLatencyMs: must be a positive number; TARGETS[2]: must be an object',
    );
  });

  it('classifies status before latency', () => {
    const base = { name: 'a', url: 'https://a' };
    expect(classify(base, 200, 10, 200, 100).state).toBe('ok');
    expect(classify(base, 200, 101, 200, 100)).toMatchObject({ state: 'slow', detail: '101 ms, limit 100 ms' });
    expect(classify(base, 500, 101, 200, 100)).toMatchObject({ state: 'wrong-status', detail: 'HTTP 500, expected 200' });
  });

  it('keeps the SNS subject within 100 characters and names app and stage', () => {
    const issue = { name: 'api', url: 'https://x', state: 'down' as const, latencyMs: 3, detail: 'ECONNREFUSED' };
    const { subject, message } = alertMessage([issue], 4, { OPS_APP: 'tasks', OPS_STAGE: 'prod' });
    expect(subject).toBe('[tasks/prod health] 1 of 4 targets not ok');
    expect(message).toBe('1 of 4 health checks failed:\n- api (https://x): down: ECONNREFUSED');
    expect(alertMessage([issue], 4, { OPS_APP: 'x'.repeat(200) }).subject).toHaveLength(100);
  });
});

describe('health-check against live targets and SNS (moto)', () => {
  const emu = useEmulator();
  let targets: Stub;
  let subscriber: Stub;
  let closedUrl: string;
  let topicArn: string;
  let handler: Handler;

  beforeAll(async () => {
    targets = await startStub((req) => {
      switch (req.path) {
        case '/ok':
          return { status: 200, body: { ok: true } };
        case '/created':
          return { status: 201 };
        case '/slow':
          return { status: 200, delayMs: 300 };
        case '/broken':
          return { status: 503, body: 'unavailable' };
        case '/hang':
          return { status: 200, delayMs: 3_000 };
        default:
          return { status: 404 };
      }
    });
    const closed = await startStub(() => ({}));
    closedUrl = `${closed.url}/gone`;
    await closed.close();

    // moto delivers to HTTP subscribers, so the test reads the alert the way a person's endpoint would.
    subscriber = await startStub(() => ({ status: 200 }));
    const sns = new SNSClient(emu.clientConfig);
    ({ TopicArn: topicArn = '' } = await sns.send(new CreateTopicCommand({ Name: `fn-health-${uniqueSuffix()}` })));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `${subscriber.url}/alerts` }));
    sns.destroy();
  });
  afterAll(async () => {
    await targets.close();
    await subscriber.close();
  });

  beforeEach(async () => {
    vi.resetModules();
    ({ handler } = await import('../../src/functions/health-check/handler.js'));
  });

  const target = (name: string, extra: Record<string, unknown> = {}) => ({ name, url: `${targets.url}/${name}`, ...extra });

  it('checks nothing and calls nothing when TARGETS is absent', async () => {
    const proxy = await emu.proxy();
    setEnv({ ...proxy.env, TARGETS: undefined, ALERT_TOPIC_ARN: topicArn });
    expect(await handler(scheduled)).toMatchObject({ checked: 0, ok: 0, issues: [], alerted: false });
    expect(proxy.requestCount).toBe(0);
  });

  it('publishes nothing when every target is ok', async () => {
    const proxy = await emu.proxy();
    setEnv({ ...proxy.env, ALERT_TOPIC_ARN: topicArn, TARGETS: JSON.stringify([target('ok'), target('created', { expectStatus: 201 })]) });
    expect(await handler(scheduled)).toMatchObject({ checked: 2, ok: 2, issues: [], alerted: false });
    expect(proxy.requestCount).toBe(0);
    expect(targets.requests.find((r) => r.path === '/ok')?.headers['user-agent']).toBe('ops-health-check/1');
  });

  it('classifies slow, down, timed-out and wrong-status targets and sends one alert', async () => {
    const proxy = await emu.proxy();
    const before = subscriber.requests.length;
    setEnv({
      ...proxy.env,
      ALERT_TOPIC_ARN: topicArn,
      OPS_APP: 'tasks',
      OPS_STAGE: 'test',
      CHECK_TIMEOUT_MS: '250',
      TARGETS: JSON.stringify([
        target('ok'),
        target('slow', { maxLatencyMs: 100, timeoutMs: 2_000 }),
        target('broken'),
        target('hang'),
        { name: 'gone', url: closedUrl },
      ]),
    });
    const summary = await handler(scheduled);
    expect(summary).toMatchObject({ checked: 5, ok: 1, alerted: true });
    const byName = Object.fromEntries(summary.issues.map((i) => [i.name, i]));
    expect(Object.keys(byName)).toEqual(['slow', 'broken', 'hang', 'gone']);
    expect(byName.slow).toMatchObject({ state: 'slow', httpStatus: 200 });
    expect(byName.slow.latencyMs).toBeGreaterThanOrEqual(250);
    expect(byName.broken).toMatchObject({ state: 'wrong-status', httpStatus: 503, detail: 'HTTP 503, expected 200' });
    expect(byName.hang).toMatchObject({ state: 'down', detail: 'timed out after 250 ms' });
    expect(byName.gone).toMatchObject({ state: 'down', detail: 'ECONNREFUSED' });
    expect(proxy.operations()).toEqual(['sns.Publish']);

    const delivered = await waitFor(() => subscriber.requests.slice(before).find((r) => JSON.parse(r.body).Type === 'Notification'));
    const note = JSON.parse(delivered.body);
    expect(note.Subject).toBe('[tasks/test health] 4 of 5 targets not ok');
    expect(note.Message.split('\n')).toEqual([
      '4 of 5 health checks failed:',
      expect.stringMatching(/^- slow \(http:\/\/127\.0\.0\.1:\d+\/slow\): slow: \d+ ms, limit 100 ms$/),
      expect.stringMatching(/^- broken .*: wrong-status: HTTP 503, expected 200$/),
      expect.stringMatching(/^- hang .*: down: timed out after 250 ms$/),
      expect.stringMatching(/^- gone .*: down: ECONNREFUSED$/),
    ]);
  });

  it('reports issues without alerting when ALERT_TOPIC_ARN is not set', async () => {
    const proxy = await emu.proxy();
    setEnv({ ...proxy.env, ALERT_TOPIC_ARN: undefined, TARGETS: JSON.stringify([target('broken')]) });
    expect(await handler(scheduled)).toMatchObject({ checked: 1, ok: 0, alerted: false, issues: [{ state: 'wrong-status' }] });
    expect(proxy.requestCount).toBe(0);
  });

  it('fails the invocation when the alert cannot be published', async () => {
    setEnv({ ...emu.env, ALERT_TOPIC_ARN: `${topicArn}-missing`, TARGETS: JSON.stringify([target('broken')]) });
    await expect(handler(scheduled)).rejects.toThrow(/not exist|not found/i);
  });

  it('fails on a malformed TARGETS instead of checking nothing', async () => {
    setEnv({ ...emu.env, TARGETS: '[{"name": "x"}]' });
    await expect(handler({})).rejects.toThrow('invalid TARGETS: TARGETS[0].url: must be an http(s) URL');
  });
});
