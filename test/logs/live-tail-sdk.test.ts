import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  StartLiveTailCommand,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { groupNameOf } from '../../src/aws/logs-read.js';
import { records, startCli, tinyFleet, uniqueApp } from './support.js';

const logsMock = mockClient(CloudWatchLogsClient);
const stsMock = mockClient(STSClient);
afterEach(() => {
  logsMock.reset();
  stsMock.reset();
});

const ACCOUNT = '123456789012';
/** No endpoint: every call is answered by the mocks, anything unmocked would fail the test. */
const ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_ENDPOINT_URL: undefined,
  AWS_PROFILE: undefined,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

type Frame = StartLiveTailResponseStream;
const update = (group: string, message: string, timestamp: number): Frame => ({
  sessionUpdate: {
    sessionMetadata: { sampled: false },
    sessionResults: [
      { logGroupIdentifier: `${ACCOUNT}:${group}`, logStreamName: '2026/11/23/[$LATEST]a', timestamp, message, ingestionTime: timestamp },
    ],
  },
});

/** The SDK's event stream: an async iterable of union members; `hang` keeps it open like a live session. */
async function* stream(frames: Frame[], hang: boolean): AsyncGenerator<Frame> {
  for (const frame of frames) yield frame;
  if (hang) await new Promise(() => {});
}

describe('Live Tail through the SDK event stream (mocked StartLiveTail)', () => {
  it('streams sessionUpdate events, reconnects when the stream ends, backfills the gap and prints nothing twice', async () => {
    const app = uniqueApp('lt');
    const cwd = await tinyFleet(app, ['api', 'worker']);
    const api = `/aws/lambda/${app}-dev-api`;
    const worker = `/aws/lambda/${app}-dev-worker`;
    const t = Date.now();
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/test`, UserId: 'x' });
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: api }, { logGroupName: worker }] });
    logsMock
      .on(StartLiveTailCommand)
      .resolvesOnce({
        responseStream: stream(
          [
            { sessionStart: { sessionId: 'one', logGroupIdentifiers: [api, worker] } },
            update(api, 'first session', t),
            update(worker, 'worker says hi', t + 1),
          ],
          false, // ends: the service closed it
        ),
      })
      .resolvesOnce({
        responseStream: stream(
          [{ sessionStart: { sessionId: 'two' } }, update(api, 'in the gap', t + 5), update(api, 'second session', t + 10)],
          true,
        ),
      });
    // Nothing logged while the first session started; then the gap: one event the first session
    // already streamed, one nobody streamed.
    logsMock
      .on(FilterLogEventsCommand, { logGroupName: api })
      .resolvesOnce({ events: [] })
      .resolves({
        events: [
          { eventId: '1', logStreamName: '2026/11/23/[$LATEST]a', timestamp: t, message: 'first session' },
          { eventId: '2', logStreamName: '2026/11/23/[$LATEST]a', timestamp: t + 5, message: 'in the gap' },
        ],
      });
    logsMock.on(FilterLogEventsCommand, { logGroupName: worker }).resolves({ events: [] });

    const cli = startCli(['logs', 'tail', '--follow', '--format', 'json'], { cwd, env: ENV });
    await cli.until(({ stdout }) => stdout.includes('second session'));
    process.emit('SIGINT');
    expect(await cli.done).toBe(0);

    expect(records(cli.stdout()).map((r) => [r.function, r.message])).toEqual([
      ['api', 'first session'],
      ['worker', 'worker says hi'],
      ['api', 'in the gap'],
      ['api', 'second session'],
    ]);
    const starts = logsMock.commandCalls(StartLiveTailCommand);
    expect(starts).toHaveLength(2);
    expect(starts[0].args[0].input.logGroupIdentifiers).toEqual([
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${api}`,
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${worker}`,
    ]);
    // Two reads per group: what was logged while the first session started, and the reconnect gap.
    const reads = logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(reads.map((i) => i.logGroupName).sort()).toEqual([api, api, worker, worker]);
    expect(reads.every((i) => (i.startTime ?? 0) <= Date.now())).toBe(true);
    expect(cli.stderr()).not.toContain('polling');
  });

  it('passes --filter as the Live Tail filter pattern and opens one session per 10 groups', async () => {
    const app = uniqueApp('lt');
    const fns = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const cwd = await tinyFleet(app, fns);
    const groups = fns.map((f) => `/aws/lambda/${app}-dev-${f}`);
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: groups.map((logGroupName) => ({ logGroupName })) });
    logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
    logsMock.on(StartLiveTailCommand).callsFake(() => ({ responseStream: stream([{ sessionStart: { sessionId: 'x' } }], true) }));

    const cli = startCli(['logs', 'tail', '-f', '--filter', 'ERROR'], { cwd, env: ENV });
    await cli.until(
      () => logsMock.commandCalls(StartLiveTailCommand).length === 2 && logsMock.commandCalls(FilterLogEventsCommand).length === 12,
    );
    process.emit('SIGINT');
    expect(await cli.done).toBe(0);
    const inputs = logsMock.commandCalls(StartLiveTailCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.logGroupIdentifiers?.length)).toEqual([10, 2]);
    expect(inputs.every((i) => i.logEventFilterPattern === 'ERROR')).toBe(true);
    // One DescribeLogGroups by the fleet's common prefix finds every group.
    expect(logsMock.commandCalls(DescribeLogGroupsCommand).map((c) => c.args[0].input.logGroupNamePrefix)).toEqual([
      `/aws/lambda/${app}-dev-f`,
    ]);
  });

  it('maps the identifiers Live Tail uses back to group names', () => {
    expect(groupNameOf('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/a-dev-api')).toBe('/aws/lambda/a-dev-api');
    expect(groupNameOf('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/a-dev-api:*')).toBe('/aws/lambda/a-dev-api');
    expect(groupNameOf('123456789012:/aws/lambda/a-dev-api')).toBe('/aws/lambda/a-dev-api');
    expect(groupNameOf('/aws/lambda/a-dev-api')).toBe('/aws/lambda/a-dev-api');
  });
});
