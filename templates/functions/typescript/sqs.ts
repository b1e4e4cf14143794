import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * A handler for an SQS trigger (`triggers: [{ sqs: '<queue key>' }]`, ReportBatchItemFailures on by default):
 * each record is handled on its own, and only those that throw are reported back (`batchItemFailures`), so
 * Lambda returns just them to the queue instead of the whole batch. Records of a FIFO queue keep their order:
 * after the first failure the rest of the batch is reported unhandled, as AWS asks.
 */
export function sqsBatch(handle: (record: SQSRecord) => Promise<void> | void): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failures: string[] = [];
    for (const record of event.Records) {
      const fifo = record.eventSourceARN.endsWith('.fifo');
      if (fifo && failures.length) {
        failures.push(record.messageId);
        continue;
      }
      try {
        await handle(record);
      } catch (error) {
        console.error(`message ${record.messageId} failed: ${error instanceof Error ? error.message : String(error)}`);
        failures.push(record.messageId);
      }
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
