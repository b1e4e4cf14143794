import { didYouMean } from './did-you-mean.js';

/*
 * A dynamodb trigger names a declared table that has a stream, and its onFailure a declared queue or topic:
 * checked on the raw config beside the other cross-field rules (validate-resources.ts), before any AWS call.
 */

interface Problem {
  path: string;
  message: string;
}

type Raw = Record<string, any>;

const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const hint = (guess: string | undefined) => (guess ? ` (did you mean '${guess}'?)` : '');

function tableProblem(ref: string, resources: Map<string, Raw & { type: string }>): string | undefined {
  const r = resources.get(ref);
  const tables = [...resources].filter(([, x]) => x.type === 'table').map(([k]) => k);
  if (!r) return `no table '${ref}' in resources${hint(didYouMean(ref, tables))}`;
  if (r.type !== 'table') return `resources.${ref} is a ${r.type}, not a table`;
  if (typeof r.stream !== 'string')
    return `table ${ref} has no stream: set resources.${ref}.stream to 'new-image', 'old-image', 'new-and-old-images' or 'keys-only'`;
  return undefined;
}

export function dynamodbTriggerProblems(fnKey: string, fn: Raw, resources: Map<string, Raw & { type: string }>): Problem[] {
  if (!Array.isArray(fn.triggers)) return [];
  return fn.triggers.flatMap((t: unknown, i: number): Problem[] => {
    if (!isObj(t) || typeof t.dynamodb !== 'string') return [];
    const at = `functions.${fnKey}.triggers.${i}`;
    const out: Problem[] = [];
    const table = tableProblem(t.dynamodb, resources);
    if (table) out.push({ path: `${at}.dynamodb`, message: table });
    const dest = typeof t.onFailure === 'string' && !t.onFailure.includes(':') ? t.onFailure : undefined;
    const r = dest === undefined ? undefined : resources.get(dest);
    if (dest !== undefined && r?.type !== 'queue' && r?.type !== 'topic')
      out.push({ path: `${at}.onFailure`, message: `no queue or topic '${dest}' in resources (or give an SQS queue or SNS topic ARN)` });
    return out;
  });
}
