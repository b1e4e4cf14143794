// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { S3Event } from 'aws-lambda';

/**
 * {{name}}: runs when objects are created in a bucket. S3 sends keys URL-encoded (a space is `+`),
 * so a key is decoded before it is used with the SDK.
 */
export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    console.log(JSON.stringify({ event: record.eventName, bucket, key, size: record.s3.object.size }));
  }
}
