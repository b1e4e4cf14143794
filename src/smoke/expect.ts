/**
 * Expectations a sample event carries, and checking an invoke's outcome against them. Pure.
 *
 * `{ "noError": true, "statusCode": 200, "body": { "status": "ok" }, "maxDurationMs": 500 }`
 * - `noError` (default true): the invoke must not end in a function error.
 * - `statusCode`: the result's `statusCode` (HTTP results, and plain results that carry one).
 * - `body`: a JSON subset. For an HTTP result (`statusCode` plus `body`/`headers`) it is matched
 *   against the parsed body (base64 decoded first); otherwise against the result itself.
 * - `maxDurationMs`: the handler's duration.
 */
export interface Expectation {
  noError: boolean;
  statusCode?: number;
  body?: unknown;
  maxDurationMs?: number;
}

export interface ExpectationProblem {
  /** The field, relative to the expectation object (`statusCode`, or `` for the object itself). */
  field: string;
  message: string;
}

const KNOWN = ['noError', 'statusCode', 'body', 'maxDurationMs'];

/** Validates raw expectations, reporting every problem at once. */
export function parseExpectation(raw: unknown): { expect?: Expectation; problems: ExpectationProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: [{ field: '', message: `must be an object with any of ${KNOWN.join(', ')}` }] };
  }
  const r = raw as Record<string, unknown>;
  const problems: ExpectationProblem[] = [];
  for (const key of Object.keys(r)) {
    if (!KNOWN.includes(key)) problems.push({ field: key, message: `unknown expectation; known: ${KNOWN.join(', ')}` });
  }
  if (r.noError !== undefined && typeof r.noError !== 'boolean') problems.push({ field: 'noError', message: 'must be true or false' });
  const status = r.statusCode;
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) {
    problems.push({ field: 'statusCode', message: 'must be an HTTP status 100..599' });
  }
  const max = r.maxDurationMs;
  if (max !== undefined && !(typeof max === 'number' && max > 0))
    problems.push({ field: 'maxDurationMs', message: 'must be a positive number' });
  if (problems.length) return { problems };
  return {
    expect: {
      noError: r.noError !== false,
      ...(status === undefined ? {} : { statusCode: status as number }),
      ...('body' in r ? { body: r.body } : {}),
      ...(max === undefined ? {} : { maxDurationMs: max as number }),
    },
    problems,
  };
}

/** What an invoke produced, local or remote. */
export interface Outcome {
  /** The function error, when there was one (`Sandbox.Timedout`, `TypeError`...). */
  error?: { errorType: string; errorMessage: string };
  result?: unknown;
  durationMs: number;
}

/** A result API Gateway would treat as an HTTP response (payload format 2.0 structured result). */
export function isHttpResult(result: unknown): result is { statusCode: number; body?: unknown; isBase64Encoded?: boolean } {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return false;
  const r = result as Record<string, unknown>;
  return typeof r.statusCode === 'number' && ('body' in r || 'headers' in r || 'cookies' in r);
}

/** An HTTP result's body: base64 decoded, then parsed when it is JSON. */
export function httpBody(result: { body?: unknown; isBase64Encoded?: boolean }): unknown {
  if (typeof result.body !== 'string') return result.body;
  const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const MAX_SHOWN = 80;

/** A value for a diff line: JSON, cut short. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Differences between an expected JSON subset and the actual value, one line per field path.
 * Objects match when every expected key matches (extra actual keys are fine); arrays match element
 * by element and must have the same length; everything else must be equal.
 */
export function subsetDiff(expected: unknown, actual: unknown, at: string): string[] {
  if (kind(expected) === 'object') {
    if (kind(actual) !== 'object') return [`${at}: expected an object, got ${show(actual)}`];
    const a = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => {
      const path = /^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`;
      return k in a ? subsetDiff(v, a[k], path) : [`${path}: expected ${show(v)}, got nothing (missing)`];
    });
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${at}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((v, i) => subsetDiff(v, actual[i], `${at}[${i}]`));
  }
  return Object.is(expected, actual) ? [] : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
}

/** Every way the outcome misses the expectation, one readable line each; empty when it passes. */
export function checkExpectation(expect: Expectation, outcome: Outcome): string[] {
  const diff: string[] = [];
  if (outcome.error) {
    if (expect.noError) diff.push(`function error: expected none, got ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    if (expect.statusCode !== undefined) diff.push(`statusCode: expected ${expect.statusCode}, got no result (function error)`);
    if ('body' in expect) diff.push('body: expected a result, got none (function error)');
  } else {
    const result = outcome.result;
    const http = isHttpResult(result);
    if (expect.statusCode !== undefined) {
      const status = typeof result === 'object' && result !== null ? (result as { statusCode?: unknown }).statusCode : undefined;
      if (status !== expect.statusCode) diff.push(`statusCode: expected ${expect.statusCode}, got ${show(status)}`);
    }
    if ('body' in expect) diff.push(...subsetDiff(expect.body, http ? httpBody(result) : result, 'body'));
  }
  if (expect.maxDurationMs !== undefined && outcome.durationMs > expect.maxDurationMs) {
    diff.push(`duration: expected at most ${expect.maxDurationMs} ms, took ${Math.round(outcome.durationMs)} ms`);
  }
  return diff;
}
