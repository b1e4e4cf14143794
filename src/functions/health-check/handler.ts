import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';

/**
 * Scheduled detector (seed 003), run every 5 minutes by EventBridge. Fetches every target in env
 * `TARGETS` (JSON array of `{ name, url, expectStatus?, maxLatencyMs?, timeoutMs? }`), classifies it,
 * and when any is not ok and `ALERT_TOPIC_ARN` is set publishes one SNS alert listing them.
 * Other env: `CHECK_TIMEOUT_MS` (default 5000), `OPS_APP` / `OPS_STAGE` (set by ops, used in the subject).
 */

export interface Target {
  name: string;
  url: string;
  /** Default 200. */
  expectStatus?: number;
  /** Slower than this is `slow`; default 2000. */
  maxLatencyMs?: number;
  /** Abort after this; default env CHECK_TIMEOUT_MS or 5000. */
  timeoutMs?: number;
}

export type CheckState = 'ok' | 'slow' | 'down' | 'wrong-status';

export interface CheckResult {
  name: string;
  url: string;
  state: CheckState;
  httpStatus?: number;
  latencyMs: number;
  detail: string;
}

export interface HealthSummary {
  checked: number;
  ok: number;
  issues: CheckResult[];
  /** True when an SNS alert was published for the issues. */
  alerted: boolean;
  checkedAt: string;
}

const DEFAULT_MAX_LATENCY_MS = 2000;
const DEFAULT_TIMEOUT_MS = 5000;

let snsClient: SNSClient | undefined;
const sns = () => (snsClient ??= new SNSClient({}));

/** The scheduled event carries nothing the check needs; a manual invoke may send `{}`. */
export async function handler(_event?: ScheduledEvent | Record<string, never>): Promise<HealthSummary> {
  const targets = parseTargets(process.env.TARGETS);
  const defaultTimeout = Number(process.env.CHECK_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;
  const results = await Promise.all(targets.map((t) => checkTarget(t, defaultTimeout)));
  const issues = results.filter((r) => r.state !== 'ok');
  for (const r of results) console.log(`health-check: ${r.name} ${r.state} ${r.detail}`);

  const topic = process.env.ALERT_TOPIC_ARN;
  let alerted = false;
  if (issues.length > 0 && topic) {
    const alert = alertMessage(issues, results.length, process.env);
    // A failed publish fails the invocation, so the function's Errors alarm still fires.
    await sns().send(new PublishCommand({ TopicArn: topic, Subject: alert.subject, Message: alert.message }));
    alerted = true;
  }
  return { checked: results.length, ok: results.length - issues.length, issues, alerted, checkedAt: new Date().toISOString() };
}

/** The targets from the `TARGETS` JSON; absent or empty means none. Throws on a malformed list. */
export function parseTargets(raw: string | undefined): Target[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('TARGETS is not valid JSON; expected [{"name": "...", "url": "https://..."}]');
  }
  if (!Array.isArray(parsed)) throw new Error('TARGETS must be a JSON array');
  const problems: string[] = [];
  const targets = parsed.flatMap((t, i): Target[] => {
    const at = `TARGETS[${i}]`;
    if (typeof t !== 'object' || t === null) {
      problems.push(`${at}: must be an object`);
      return [];
    }
    const { name, url, expectStatus, maxLatencyMs, timeoutMs } = t as Record<string, unknown>;
    if (typeof name !== 'string' || !name) problems.push(`${at}.name: required`);
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) problems.push(`${at}.url: must be an http(s) URL`);
    if (
      expectStatus !== undefined &&
      !(Number.isInteger(expectStatus) && (expectStatus as number) >= 100 && (expectStatus as number) <= 599)
    ) {
      problems.push(`${at}.expectStatus: must be an HTTP status 100..599`);
    }
    for (const [key, v] of [
      ['maxLatencyMs', maxLatencyMs],
      ['timeoutMs', timeoutMs],
    ] as const) {
      if (v !== undefined && !(typeof v === 'number' && v > 0)) problems.push(`${at}.${key}: must be a positive number`);
    }
    return [{ name, url, expectStatus, maxLatencyMs, timeoutMs } as Target];
  });
  if (problems.length) throw new Error(`invalid TARGETS: ${problems.join('; ')}`);
  return targets;
}

/** Fetches one target and classifies it; never throws. */
export async function checkTarget(target: Target, defaultTimeoutMs = DEFAULT_TIMEOUT_MS): Promise<CheckResult> {
  const expect = target.expectStatus ?? 200;
  const maxLatency = target.maxLatencyMs ?? DEFAULT_MAX_LATENCY_MS;
  const timeout = target.timeoutMs ?? defaultTimeoutMs;
  const base = { name: target.name, url: target.url };
  const started = performance.now();
  try {
    const res = await fetch(target.url, {
      signal: AbortSignal.timeout(timeout),
      headers: { 'user-agent': 'ops-health-check/1' },
    });
    const latencyMs = Math.round(performance.now() - started);
    await res.body?.cancel(); // only the status matters; free the connection
    return classify(base, res.status, latencyMs, expect, maxLatency);
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const detail = e.name === 'TimeoutError' ? `timed out after ${timeout} ms` : `${e.cause?.code ?? e.cause?.message ?? e.message}`;
    return { ...base, state: 'down', latencyMs, detail };
  }
}

export function classify(
  base: { name: string; url: string },
  status: number,
  latencyMs: number,
  expectStatus: number,
  maxLatencyMs: number,
): CheckResult {
  if (status !== expectStatus) {
    return { ...base, state: 'wrong-status', httpStatus: status, latencyMs, detail: `HTTP ${status}, expected ${expectStatus}` };
  }
  if (latencyMs > maxLatencyMs) {
    return { ...base, state: 'slow', httpStatus: status, latencyMs, detail: `${latencyMs} ms, limit ${maxLatencyMs} ms` };
  }
  return { ...base, state: 'ok', httpStatus: status, latencyMs, detail: `HTTP ${status} in ${latencyMs} ms` };
}

/** SNS subject (at most 100 characters) and body for a set of issues. */
export function alertMessage(issues: CheckResult[], checked: number, env: NodeJS.ProcessEnv = {}): { subject: string; message: string } {
  const where = env.OPS_APP ? `${env.OPS_APP}${env.OPS_STAGE ? `/${env.OPS_STAGE}` : ''} ` : '';
  const subject = `[${where}health] ${issues.length} of ${checked} targets not ok`.slice(0, 100);
  const lines = issues.map((i) => `- ${i.name} (${i.url}): ${i.state}: ${i.detail}`);
  return { subject, message: [`${issues.length} of ${checked} health checks failed:`, ...lines].join('\n') };
}
