import { didYouMean } from './did-you-mean.js';

/** IAM policy grammar, checked before any call: what IAM would refuse, reported with the field path. */

export interface GrammarProblem {
  /** Path inside the statement: `Action.1`, `Condition.StringEqual`. */
  path: (string | number)[];
  message: string;
}

/** Condition operators IAM knows, without the `ForAllValues:` / `ForAnyValue:` prefixes and the `IfExists` suffix. */
export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;
const OPERATORS = new Set<string>(CONDITION_OPERATORS);

/** `dynamodb:PutItem`, `s3:Get*`, `*`. */
const ACTION = /^(\*|[a-z0-9][a-z0-9-]*:[A-Za-z0-9*?]+)$/;
/**
 * `arn:partition:service:region:account:resource`; region and account may be empty (S3), wildcards, or
 * ops's `${region}` / `${account}` placeholders (src/config/refs.ts), filled in before IAM sees the policy.
 */
const RESOURCE = /^(\*|arn:(\*|aws[a-z-]*):[a-z0-9*?-]+:([a-z0-9*?-]*|\$\{region\}):(\d{12}|[\d*?]*|aws|\$\{account\}):.+)$/;
/** `aws:SourceArn`, `s3:prefix`, `aws:PrincipalTag/team`. */
const CONDITION_KEY = /^[A-Za-z0-9-]+:\S+$/;

export const isConditionOperator = (op: string): boolean => {
  const base = op.replace(/^(ForAllValues|ForAnyValue):/, '');
  return OPERATORS.has(base) || (base.endsWith('IfExists') && base !== 'NullIfExists' && OPERATORS.has(base.slice(0, -'IfExists'.length)));
};

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every grammar problem of one statement (shape problems are the schema's). */
export function statementProblems(s: {
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}): GrammarProblem[] {
  const out: GrammarProblem[] = [];
  const exactlyOne = (a: 'Action' | 'Resource') => {
    const not = `Not${a}` as const;
    if (s[a] === undefined && s[not] === undefined) out.push({ path: [a], message: `is required (or ${not})` });
    if (s[a] !== undefined && s[not] !== undefined) out.push({ path: [not], message: `a statement has ${a} or ${not}, not both` });
  };
  exactlyOne('Action');
  exactlyOne('Resource');
  const each = (field: 'Action' | 'NotAction' | 'Resource' | 'NotResource', re: RegExp, what: string) => {
    const v = s[field];
    list(v).forEach((item, i) => {
      if (typeof item === 'string' && !re.test(item))
        out.push({ path: Array.isArray(v) ? [field, i] : [field], message: `'${item}' ${what}` });
    });
  };
  each('Action', ACTION, 'is not service:Action');
  each('NotAction', ACTION, 'is not service:Action');
  each('Resource', RESOURCE, 'is not an ARN (arn:partition:service:region:account:resource) or *');
  each('NotResource', RESOURCE, 'is not an ARN (arn:partition:service:region:account:resource) or *');
  for (const [op, keys] of Object.entries(s.Condition ?? {})) {
    if (!isConditionOperator(op)) {
      const guess = didYouMean(op, CONDITION_OPERATORS);
      out.push({ path: ['Condition', op], message: `'${op}' is not a condition operator${guess ? ` (did you mean '${guess}'?)` : ''}` });
      continue;
    }
    for (const key of Object.keys(keys ?? {})) {
      if (!CONDITION_KEY.test(key)) out.push({ path: ['Condition', op, key], message: `'${key}' is not a condition key (service:key)` });
    }
  }
  return out;
}

/**
 * Why an EventBridge schedule expression would be refused, or undefined. `rate(1 minute)` but
 * `rate(5 minutes)`; cron has six fields and `?` in day-of-month or day-of-week.
 */
export function scheduleProblem(expr: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expr);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) return 'a rate must be at least 1';
    const plural = rate[2].endsWith('s');
    if (n === 1 && plural) return `use rate(1 ${rate[2].slice(0, -1)}): EventBridge wants the singular for 1`;
    if (n > 1 && !plural) return `use rate(${n} ${rate[2]}s): EventBridge wants the plural above 1`;
    return undefined;
  }
  const cron = /^cron\((.+)\)$/.exec(expr);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return 'cron needs 6 fields (minutes hours day-of-month month day-of-week year), e.g. cron(0 12 * * ? *)';
    if (fields[2] !== '?' && fields[4] !== '?') return 'cron needs ? in day-of-month or day-of-week, e.g. cron(0 12 * * ? *)';
    return undefined;
  }
  return 'a schedule is rate(5 minutes) or cron(0 12 * * ? *)';
}
