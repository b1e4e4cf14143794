import { Readable } from 'node:stream';
import { CloudWatchLogs, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { parsePlainJson } from '../../../src/aws/plain-json.js';

/** A client whose every request gets `status` and `body` (no network): what AWS would answer, canned. */
function clientAnswering(status: number, body: string, calls: { n: number }) {
  return new CloudWatchLogs({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => {
        calls.n++;
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    },
  });
}

const page = {
  events: [
    { logStreamName: 's1', timestamp: 1_700_000_000_000, message: 'one "quoted"\n', ingestionTime: 1_700_000_000_005, eventId: 'e1' },
    { logStreamName: 's2', timestamp: 1_700_000_000_001, message: 'two\ttabbed ✓', ingestionTime: 1_700_000_000_006, eventId: 'e2' },
  ],
  searchedLogStreams: [{ logStreamName: 's1', searchedCompletely: true }],
  nextToken: 'token-2',
};

async function send(status: number, body: string, fast: boolean) {
  const calls = { n: 0 };
  const client = clientAnswering(status, body, calls);
  const command = new FilterLogEventsCommand({ logGroupName: '/aws/lambda/app-dev-api' });
  if (fast) await parsePlainJson(command, client);
  try {
    return { output: await client.send(command), calls: calls.n };
  } catch (error) {
    return { error: error as Error & { $metadata?: { httpStatusCode?: number } }, calls: calls.n };
  } finally {
    client.destroy();
  }
}

describe('parsePlainJson: FilterLogEvents answers through JSON.parse', () => {
  it('gives the members the SDK gives for a page, with the status and request id in $metadata', async () => {
    // A member this SDK does not know: the SDK drops it, JSON.parse keeps it (so the test sees which path ran).
    const body = JSON.stringify({ ...page, laterMember: 1 });
    const [sdk, fast] = await Promise.all([send(200, body, false), send(200, body, true)]);
    const { $metadata: sdkMeta, ...sdkOutput } = sdk.output ?? {};
    const {
      $metadata: fastMeta,
      laterMember,
      ...fastOutput
    } = (fast.output ?? {}) as NonNullable<typeof fast.output> & {
      laterMember?: number;
    };
    expect(laterMember).toBe(1);
    expect(sdkOutput).not.toHaveProperty('laterMember');
    expect(fastOutput).toEqual(sdkOutput);
    expect(fastOutput.events?.[1].message).toBe('two\ttabbed ✓');
    expect(fastMeta).toMatchObject({ httpStatusCode: 200, requestId: 'req-1' });
    expect(sdkMeta).toMatchObject({ httpStatusCode: 200, requestId: 'req-1' });
    expect(fast.calls).toBe(1);
  });

  it("leaves an error answer to the SDK's deserializer: the same error name, message and status", async () => {
    const body = JSON.stringify({ __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
    const [sdk, fast] = await Promise.all([send(400, body, false), send(400, body, true)]);
    expect(fast.error?.name).toBe('ResourceNotFoundException');
    expect(fast.error?.name).toBe(sdk.error?.name);
    expect(fast.error?.message).toBe(sdk.error?.message);
    expect(fast.error?.$metadata?.httpStatusCode).toBe(400);
  });
});
