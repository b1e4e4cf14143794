/**
 * Limits AWS enforces on what ops sends, as its API references and quota pages publish them. The
 * schema and the plan check them before any write; test/unit/config/limits-requests.test.ts checks
 * the requests ops really builds against them.
 */
export const AWS_LIMITS = {
  /** API Gateway v2 Cors.MaxAge: -1..86400 seconds. */
  corsMaxAgeSeconds: 86_400,
  /** EventBridge PutTargets Target.Input: at most 8,192 characters. */
  scheduleInputChars: 8_192,
  /** SSM PutParameter Description: at most 1,024 characters. */
  paramDescriptionChars: 1_024,
  /** Lambda: 4 KB for all of a function's environment variables, measured as the JSON of the map. */
  environmentBytes: 4_096,
  /** IAM: inline policies of one role together, whitespace not counted. */
  rolePolicyChars: 10_240,
  /** Lambda, IAM, CloudWatch Logs, EventBridge, CloudWatch and API Gateway: 50 user tags per resource. */
  tagsPerResource: 50,
  tagKeyChars: 128,
  tagValueChars: 256,
  /** CloudWatch PutMetricAlarm: Period × EvaluationPeriods at most one day when Period < 1 hour... */
  alarmRangeShortSeconds: 86_400,
  /** ...and at most seven days otherwise. */
  alarmRangeLongSeconds: 604_800,
} as const;

/** The characters AWS accepts in tag keys and values (IAM, Lambda, Logs, EventBridge, CloudWatch, API Gateway). */
export const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const TAG_CHAR = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;
const TAG_ALLOWED = 'letters, digits, spaces and _ . : / = + - @';

/**
 * `4,636`: thousands separated by commas, as `toLocaleString('en-US')` writes them, without Intl (its first call
 * loads ICU's number formats: ~15 ms of CPU on every command, since the config schema's messages are built with it).
 */
export function count(n: number): string {
  const [whole = '', fraction] = String(Math.round(Math.abs(n) * 1000) / 1000).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/** What is wrong with a tag key or value by AWS's rules, or undefined. */
export function tagProblem(kind: 'key' | 'value', text: string): string | undefined {
  const max = kind === 'key' ? AWS_LIMITS.tagKeyChars : AWS_LIMITS.tagValueChars;
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  if (kind === 'key' && text.length === 0) return 'a tag key must not be empty';
  if (text.length > max) return `tag ${kind} '${shown}' is ${count(text.length)} characters, AWS allows ${max}`;
  if (TAG_PATTERN.test(text)) return undefined;
  const bad = [...new Set([...text].filter((c) => !TAG_CHAR.test(c)))].map((c) => JSON.stringify(c).slice(1, -1)).join(' ');
  return `tag ${kind} '${shown}' has characters AWS does not allow in tags (${bad}): use ${TAG_ALLOWED}`;
}

/** Characters IAM counts in a policy document: its JSON without whitespace. */
export const policyChars = (doc: unknown) => JSON.stringify(doc).replace(/\s/g, '').length;

/** Bytes Lambda counts for an environment: the UTF-8 JSON of the variables. */
export const environmentBytes = (env: Record<string, string>) => Buffer.byteLength(JSON.stringify(env), 'utf8');

/** The longest Period × EvaluationPeriods CloudWatch accepts for a period. */
export const maxAlarmRange = (periodSeconds: number) =>
  periodSeconds < 3_600 ? AWS_LIMITS.alarmRangeShortSeconds : AWS_LIMITS.alarmRangeLongSeconds;

/** Why an alarm's evaluation range is too long for CloudWatch, or undefined. */
export function alarmRangeProblem(periodSeconds: number, evaluationPeriods: number): string | undefined {
  const range = periodSeconds * evaluationPeriods;
  const max = maxAlarmRange(periodSeconds);
  if (range <= max) return undefined;
  const rule = periodSeconds < 3_600 ? 'one day (86,400 s) for a period under an hour' : 'seven days (604,800 s)';
  return (
    `periodSeconds × evaluationPeriods is ${count(periodSeconds)} × ${evaluationPeriods} = ${count(range)} s, ` +
    `CloudWatch allows ${rule}: at most ${Math.floor(max / periodSeconds)} periods of ${count(periodSeconds)} s`
  );
}
