// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';

/** A stream image's attribute (`{ S: 'a' }`, `{ N: '1' }`, ...) as a plain value. */
function plain(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL) return null;
  if (v.L) return v.L.map(plain);
  if (v.M) return Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, plain(x)]));
  return v.SS ?? v.NS?.map(Number) ?? v.B ?? v.BS;
}
const item = (image?: Record<string, AttributeValue>) => image && Object.fromEntries(Object.entries(image).map(([k, v]) => [k, plain(v)]));

/**
 * {{name}}: reads a DynamoDB table's stream, in order per item. Throwing makes Lambda retry the batch
 * from the failed record; the stream holds records for 24 hours.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  for (const record of event.Records) {
    const { Keys, NewImage, OldImage } = record.dynamodb ?? {};
    console.log(JSON.stringify({ event: record.eventName, keys: item(Keys), new: item(NewImage), old: item(OldImage) }));
  }
}
