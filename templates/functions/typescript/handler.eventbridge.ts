// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { EventBridgeEvent } from 'aws-lambda';

/** What the events this function's rule matches carry in `detail`. */
export interface Detail {
  orderId?: string;
}

/** {{name}}: runs for EventBridge events its rule's pattern matches. Throwing makes EventBridge retry. */
export async function handler(event: EventBridgeEvent<string, Detail>): Promise<void> {
  console.log(JSON.stringify({ id: event.id, source: event.source, type: event['detail-type'], detail: event.detail }));
}
