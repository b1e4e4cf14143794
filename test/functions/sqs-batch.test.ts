import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { sqsBatch } from '../../src/functions/_shared/sqs.js';

const event = (queue: string, bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i + 1}`,
    receiptHandle: `r${i + 1}`,
    body,
    attributes: {} as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
    awsRegion: 'us-east-1',
  })),
});

describe('sqsBatch', () => {
  it('reports only the failing messages as partial failures, not a failed batch', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    const handler = sqsBatch((r) => {
      seen.push(r.body);
      if (r.body === 'bad') throw new Error('cannot parse');
    });
    expect(await handler(event('jobs', ['a', 'bad', 'c']))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(seen).toEqual(['a', 'bad', 'c']);
    expect(await handler(event('jobs', ['a']))).toEqual({ batchItemFailures: [] });
  });

  it('on a FIFO queue, stops at the first failure and reports the rest, keeping their order', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    const handler = sqsBatch(async (r) => {
      seen.push(r.body);
      if (r.body === 'bad') throw new Error('no');
    });
    expect(await handler(event('jobs.fifo', ['a', 'bad', 'c', 'd']))).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }],
    });
    expect(seen).toEqual(['a', 'bad']);
  });
});
