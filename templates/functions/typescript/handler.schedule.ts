// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { ScheduledEvent } from 'aws-lambda';

/** {{name}}: runs on an EventBridge schedule (`triggers: [{ schedule: 'rate(5 minutes)' }]`). */
export async function handler(event: ScheduledEvent): Promise<{ ok: boolean; at: string }> {
  console.log(`{{name}}: scheduled run at ${event.time}`);
  return { ok: true, at: event.time };
}
