// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { SQSRecord } from 'aws-lambda';
import { sqsBatch } from '../_shared/sqs.js';

/**
 * {{name}}: consumes an SQS queue (`triggers: [{ sqs: '<queue key>' }]`). Each message is handled on its
 * own: one that throws is reported in `batchItemFailures` and comes back to the queue; the others are done.
 */
export const handler = sqsBatch(async (record: SQSRecord) => {
  const message = JSON.parse(record.body) as unknown;
  console.log(JSON.stringify({ messageId: record.messageId, message }));
});
