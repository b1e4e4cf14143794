import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** What an HTTP API (payload 2.0) handler returns. CORS headers are added by API Gateway. */
export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON response with the right content type. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A JSON error body: `{ "error": message, ...extra }`. */
export function errorJson(statusCode: number, message: string, extra: Record<string, unknown> = {}): HttpResult {
  return json(statusCode, { error: message, ...extra });
}

/** A request the client got wrong; handlers turn it into a 4xx JSON response. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The raw request body as text, decoding API Gateway's base64 when `isBase64Encoded`. */
export function bodyText(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The request body parsed as JSON; throws a 400 {@link HttpError} when empty or not JSON. */
export function jsonBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): unknown {
  const text = bodyText(event);
  if (text.trim() === '') throw new HttpError(400, 'request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/** The request method, upper case. */
export const methodOf = (event: APIGatewayProxyEventV2) => (event.requestContext?.http?.method ?? 'GET').toUpperCase();
