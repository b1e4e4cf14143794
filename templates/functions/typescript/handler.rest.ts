// Types only: esbuild drops this import, so the bundle needs no package.
// For editor types: npm i -D @types/aws-lambda
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** {{name}}: answers `{{route}}` on the fleet's REST API (payload format 1.0) with JSON. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const who = event.queryStringParameters?.name ?? 'world';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: `hello, ${who}`,
      route: `${event.httpMethod} ${event.resource}`,
      requestId: event.requestContext.requestId,
    }),
  };
}
