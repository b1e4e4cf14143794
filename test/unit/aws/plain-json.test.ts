import { Readable } from 'node:stream';
import { CloudWatchLogs, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it, vi } from 'vitest';
import { parsePlainJson } from '../../../src/aws/plain-json.js';
import { notAwsAnswer, parsedJsonBody } from '../../../src/aws/transport.js';

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

describe('an answer the honest-answer check parsed (moto labels JSON text/html)', () => {
  it('is parsed once: the deserializer takes the value the check parsed from the same bytes', async () => {
    const body = JSON.stringify(page);
    const parse = vi.spyOn(JSON, 'parse');
    const client = new CloudWatchLogs({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      requestHandler: {
        // What src/aws/middleware.ts does with every answer before the deserializer sees it.
        handle: async () => {
          const response = {
            statusCode: 200,
            headers: { 'content-type': 'text/html; charset=utf-8' },
            body: Readable.from([Buffer.from(body)]),
          };
          expect(await notAwsAnswer('json', 'logs', 'FilterLogEvents', 'POST', response)).toBeUndefined();
          expect(parsedJsonBody(response.body)).toEqual(page);
          return { response };
        },
      },
    });
    try {
      const command = new FilterLogEventsCommand({ logGroupName: '/aws/lambda/app-dev-api' });
      await parsePlainJson(command, client);
      const { $metadata, ...output } = await client.send(command);
      expect(output).toEqual(page);
      expect(parse.mock.calls.filter(([text]) => text === body)).toHaveLength(1);
    } finally {
      parse.mockRestore();
      client.destroy();
    }
  });

  it('keeps nothing for a body that is not JSON, nor for an answer in the JSON content type (not read)', async () => {
    const html = {
      statusCode: 502,
      headers: { 'content-type': 'text/html' },
      body: Readable.from([Buffer.from('<html>bad gateway</html>')]),
    };
    expect(await notAwsAnswer('json', 'logs', 'FilterLogEvents', 'POST', html)).toBe('text/html');
    expect(parsedJsonBody(html.body)).toBeUndefined();
    const aws = { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from('{}')]) };
    expect(await notAwsAnswer('json', 'logs', 'FilterLogEvents', 'POST', aws)).toBeUndefined();
    expect(parsedJsonBody(aws.body)).toBeUndefined();
  });
});
