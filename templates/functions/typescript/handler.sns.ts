// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { SNSEvent } from 'aws-lambda';

/** {{name}}: handles messages from an SNS topic. Throwing makes Lambda retry the delivery. */
export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const { MessageId, Subject, Message } = record.Sns;
    console.log(JSON.stringify({ messageId: MessageId, subject: Subject, message: Message }));
  }
}
