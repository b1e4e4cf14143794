import type { Aws } from '../aws/clients.js';
import { describeSecret } from '../aws/secrets.js';
import type { ParamSecret } from '../config/resolve-param-secrets.js';
import type { Fleet, FunctionSpec } from '../config/types.js';

/** What is missing about a param's secret (DescribeSecret: never its value); undefined when it can be read. */
export async function secretParamProblem(aws: Aws, s: ParamSecret): Promise<string | undefined> {
  const there = await describeSecret(aws, s.id);
  if (!there) return `secret ${s.id} does not exist`;
  if (there.deletedDate) return `secret ${s.id} is scheduled for deletion`;
  if (!there.hasValue) return `secret ${s.id} has no value`;
  return undefined;
}

/** The hint of a missing secret param: who creates it (never ops) and how to give it a value. */
export function secretParamHint(fleet: Pick<Fleet, 'stage'>, name: string, s: ParamSecret): string {
  return `create it (aws secretsmanager create-secret --name ${s.id}), then \`ops params set ${name} --stage ${fleet.stage} --stdin\``;
}

/** The Secrets Manager sources of the params the fleet declares (or `fns` read), by param name. */
export function secretSources(fleet: Fleet, fns?: FunctionSpec[]): Map<string, ParamSecret> {
  const out = new Map<string, ParamSecret>();
  for (const p of fleet.params) if (p.secret) out.set(p.name, p.secret);
  for (const fn of fns ?? []) for (const use of fn.params) if (use.secret) out.set(use.name, use.secret);
  return out;
}

/** Of the params named, those whose secret is missing, with why and what to do (one DescribeSecret each). */
export async function missingSecretParams(
  aws: Aws,
  fleet: Fleet,
  names: string[],
  sources: Map<string, ParamSecret>,
): Promise<Map<string, { problem: string; hint: string }>> {
  const out = new Map<string, { problem: string; hint: string }>();
  await Promise.all(
    names.map(async (name) => {
      const s = sources.get(name)!;
      const problem = await secretParamProblem(aws, s);
      if (problem) out.set(name, { problem, hint: secretParamHint(fleet, name, s) });
    }),
  );
  return out;
}
