import type { Fleet, FunctionSpec } from '../config/types.js';
import { resourceEnvironment } from '../resources/links.js';
import { hasAwsCredentials, withinBudget } from './local-layers.js';

/**
 * The variables a function's `uses` give it (`ALERTS_TABLE`, `JOBS_QUEUE_URL`, ...), for a local run,
 * built by the deploy's own builder (links.ts resourceEnvironment), so a local run points at the
 * stage's real resources. Names need nothing from AWS; a queue's URL and a topic's ARN hold the
 * account, asked of STS (as the deploy does) only when the function uses one, within a short budget.
 * What cannot be known is left out with one warning each, never a made-up value.
 */
export interface LocalUses {
  env: Record<string, string>;
  /** One line for stderr: `worker uses: alerts -> table tasks-dev-alerts, jobs -> queue https://...`. */
  note?: string;
}

export interface LocalUsesOptions {
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  timeoutMs?: number;
  warn?: (msg: string) => void;
}

const NEEDS_ACCOUNT = new Set(['queue', 'topic']);
const WHAT = { table: 'table', bucket: 'bucket', queue: "queue's URL", topic: "topic's ARN", secret: 'secret' } as const;

export async function localResourceEnv(fleet: Fleet, fn: FunctionSpec, opts: LocalUsesOptions): Promise<LocalUses> {
  if (!fn.uses.length) return { env: {} };
  const account = fn.uses.some((u) => NEEDS_ACCOUNT.has(u.type)) ? await accountOf(fleet, opts) : { id: '' };
  const built = resourceEnvironment(fleet, fn, account.id ?? '');
  const env: Record<string, string> = {};
  const shown: string[] = [];
  for (const use of fn.uses) {
    const value = built[use.env];
    if (value === undefined || use.env in env) continue;
    if (account.id === undefined && NEEDS_ACCOUNT.has(use.type)) {
      opts.warn?.(`${fn.key}: ${use.env} is not set in this local run: the ${WHAT[use.type]} needs the account id (${account.why})`);
      continue;
    }
    env[use.env] = value;
    shown.push(`${use.resource} -> ${use.type} ${value}`);
  }
  return { env, ...(shown.length ? { note: `${fn.key} uses: ${shown.join(', ')}` } : {}) };
}

/** The caller's account, as the deploy asks for it (STS), or why it is not known. */
async function accountOf(fleet: Fleet, opts: LocalUsesOptions): Promise<{ id?: string; why?: string }> {
  if (!hasAwsCredentials(opts.env)) return { why: 'no AWS credentials' };
  try {
    return { id: await withinBudget(fleet.region, opts, opts.timeoutMs ?? 2000, (aws) => aws.accountId()) };
  } catch (error) {
    return { why: `AWS not reachable: ${(error as Error).message}` };
  }
}
