import * as z from 'zod';
import { keptNameSchema } from './kept-name.js';
import { AWS_LIMITS, count } from './limits.js';

/*
 * Two triggers beside schedules, SNS and SQS: a DynamoDB stream's event source mapping (the SQS mapping's
 * sibling, same kind: src/resources/event-source) and an EventBridge rule with an event pattern (a schedule's
 * rule with a pattern and a bus instead of an expression: src/resources/schedule). Their schemas; what they resolve
 * to: src/config/resolve-event-triggers.ts.
 */

const range = (min: number, max: number, what: string) =>
  z.number().int().min(min, `${what} is ${min}..${max}`).max(max, `${what} is ${min}..${max}`);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** EventBridge and Lambda refuse a pattern whose leaf is not a non-empty list (`{ source: 'a' }`): said before any AWS call. */
function leafProblem(v: Record<string, unknown>, at: string): string | undefined {
  for (const [k, x] of Object.entries(v)) {
    const here = at ? `${at}.${k}` : k;
    if (isPlainObject(x)) {
      const deeper = leafProblem(x, here);
      if (deeper) return deeper;
    } else if (!Array.isArray(x) || x.length === 0)
      return `${here} must be a non-empty list of values (['${typeof x === 'string' ? x : 'value'}']) or an object`;
  }
  return undefined;
}

const patternObject = (what: string) =>
  z
    .custom<Record<string, unknown>>(isPlainObject, { message: `${what} is an object ({ source: ['my.app'] }), not a string or a list` })
    .superRefine((v, ctx) => {
      const problem = leafProblem(v, '');
      if (problem) ctx.addIssue({ code: 'custom', message: `${what}: ${problem}` });
    });

/** An event source mapping from the stream of a table of the fleet's `resources` (its key) to `live`. */
export const dynamodbTrigger = z.strictObject({
  dynamodb: z.string().min(1, 'dynamodb names a table of resources (its key)'),
  /** Where a new mapping starts reading: LATEST (default) or TRIM_HORIZON (the oldest record kept, 24 h). */
  startingPosition: z.enum(['LATEST', 'TRIM_HORIZON']).optional(),
  /** Records per invocation: 1..10,000; default 100. */
  batchSize: range(1, 10000, 'batchSize').optional(),
  /** Seconds Lambda gathers records before invoking: 0..300; default 0. */
  batchWindow: range(0, 300, 'batchWindow').optional(),
  /** FilterCriteria: Lambda's event filter patterns; only records matching one reach the function. */
  filters: z.array(patternObject('a filter')).max(10, 'at most 10 filters per mapping').optional(),
  /** Split a failing batch in two and retry each half; default false. */
  bisectOnError: z.boolean().optional(),
  /** Retries of a failing batch: -1 (until the record expires, Lambda's default) or 0..10,000. */
  retryAttempts: range(-1, 10000, 'retryAttempts').optional(),
  /** Seconds after which a record is no longer retried: -1 (no limit, Lambda's default) or 60..604,800. */
  maxRecordAge: z
    .number()
    .int()
    .refine((n) => n === -1 || (n >= 60 && n <= 604800), 'maxRecordAge is -1 or 60..604800 seconds')
    .optional(),
  /** Where a batch that failed every attempt is described: a queue or topic of resources (its key), or an SQS/SNS ARN. */
  onFailure: z
    .string()
    .refine(
      (s) => (s.includes(':') ? /^arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(s) : /^[A-Za-z0-9_-]+$/.test(s)),
      'onFailure is a queue or topic of resources (its key), or an SQS queue or SNS topic ARN',
    )
    .optional(),
});

/** An EventBridge rule with an event pattern, on the default bus or a named one, that invokes `live`. */
/**
 * The fields every EventBridge rule trigger takes, schedules and patterns alike: the rule name's suffix, enabled, the
 * target's input and a description.
 */
export function ruleFields(noun: 'schedule' | 'rule') {
  return {
    /** Suffix of the rule name (`{app}-{stage}-{fn}-{name}`); default: a hash of the expression, or of the bus and pattern. */
    name: z
      .string()
      .max(20)
      .regex(/^[a-z0-9](?:-?[a-z0-9])*$/, `a ${noun} name is lowercase letters, digits and single dashes`)
      .optional(),
    /** The rule's full kept physical name (src/config/kept-name.ts), instead of `{app}-{stage}-{fn}-{name}`. */
    ruleName: keptNameSchema.optional(),
    /** Take over an existing untagged rule named `ruleName`: tagged in place, its other targets kept. */
    adopt: z.boolean().optional(),
    /** Default true: false keeps the rule but disables it. */
    enabled: z.boolean().optional(),
    /** What the function receives (sent as JSON); default: EventBridge's scheduled event, or the matched event. */
    input: z
      .unknown()
      .optional()
      .superRefine((v, ctx) => {
        const chars = v === undefined ? 0 : (JSON.stringify(v)?.length ?? 0);
        if (chars > AWS_LIMITS.scheduleInputChars)
          ctx.addIssue({
            code: 'custom',
            message: `${count(chars)} characters as JSON, EventBridge allows ${count(AWS_LIMITS.scheduleInputChars)} for a target's input: send a smaller event (an id the function looks up)`,
          });
      }),
    description: z.string().max(512).optional(),
  };
}

export const eventPatternTrigger = z.strictObject({
  eventPattern: patternObject('eventPattern'),
  /** The event bus's name; default `default`. Ops does not create buses. */
  bus: z
    .string()
    .max(256)
    .regex(/^[A-Za-z0-9._/-]+$/, 'a bus is named with letters, digits, ., -, _ and /')
    .optional(),
  ...ruleFields('rule'),
});

export type ParsedDynamodbTrigger = z.output<typeof dynamodbTrigger>;
export type ParsedEventPatternTrigger = z.output<typeof eventPatternTrigger>;
