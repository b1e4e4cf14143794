import type { Aws } from '../aws/clients.js';
import { describeSecret, getSecretValue, putSecretValue } from '../aws/secrets.js';
import type { Context } from '../cli/context.js';
import { type ParamSecret, secretParamLabel } from '../config/resolve-param-secrets.js';
import type { Fleet } from '../config/types.js';
import { UserError } from '../errors.js';
import { confirm } from '../ui/prompt.js';
import type { ImportPlan } from './declared.js';
import { MASK, type ParamRow } from './render.js';
import { secretParamHint, secretParamProblem } from './secret-check.js';

/*
 * `ops params set|get|check|unset` on a param that comes from Secrets Manager (`params: { x: { secret, key? } }`).
 * The secret is one ops did not make (seed 003's `cloudops/cognito-credentials`): ops writes new values into it
 * (PutSecretValue) but never creates or deletes it.
 */

/** The Secrets Manager source of a declared param, or undefined for an SSM one. */
export const secretOfParam = (fleet: Fleet, name: string): ParamSecret | undefined => fleet.params.find((p) => p.name === name)?.secret;

/** The value a param reads from the secret's whole value: the JSON key's, or the whole string. */
export function pickSecretValue(raw: string, s: ParamSecret): string | undefined {
  if (s.key === undefined) return raw;
  const json = parseObject(raw);
  const v = json?.[s.key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const parseObject = (raw: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(raw) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** The secret's new whole value for `value`: the JSON key replaced (other keys kept), or the whole value. */
export function mergeSecretValue(current: string | undefined, value: string, s: ParamSecret): string {
  if (s.key === undefined) return value;
  const json = current === undefined || current === '' ? {} : parseObject(current);
  if (!json)
    throw new UserError(`secret ${s.id} does not hold a JSON object: cannot set its key ${s.key}`, {
      hint: 'drop key from the param, or store a JSON object in the secret',
    });
  return JSON.stringify({ ...json, [s.key]: value });
}

/** `ops params set` on a Secrets Manager param: PutSecretValue after a confirm when it changes a value; never the value in output. */
export async function setSecretParam(ctx: Context, aws: Aws, name: string, s: ParamSecret, value: string): Promise<number> {
  const there = await describeSecret(aws, s.id);
  if (!there || there.deletedDate) {
    throw new UserError(
      `secret ${s.id} ${there ? 'is scheduled for deletion' : 'does not exist'}: ops does not create a secret it does not manage`,
      {
        hint: there
          ? `restore it (aws secretsmanager restore-secret --secret-id ${s.id})`
          : `create it: aws secretsmanager create-secret --name ${s.id}`,
      },
    );
  }
  const current = there.hasValue ? await getSecretValue(aws, s.id) : undefined;
  const next = mergeSecretValue(current, value, s);
  const label = secretParamLabel(s);
  // Judged on what the param reads (its key's value): writing a key the secret lacks overwrites nothing.
  const before = current === undefined ? undefined : pickSecretValue(current, s);
  const outcome = before === undefined ? 'created' : before === value ? 'unchanged' : 'updated';
  if (outcome === 'updated') {
    const ok = await confirm(ctx, `Overwrite ${name} (${label}) with a new value?`, { refuse: `not overwriting ${name}` });
    if (!ok) return 1;
  }
  const version = outcome === 'unchanged' ? undefined : await putSecretValue(aws, s.id, next);
  if (ctx.global.json)
    ctx.outJson({ name, secret: s.id, ...(s.key ? { key: s.key } : {}), outcome, ...(version ? { versionId: version } : {}) });
  else ctx.out(`${outcome} ${name} (${label})`);
  return 0;
}

/** `ops params get` on a Secrets Manager param: the value (its JSON key's) only with --reveal, else a mask. */
export async function getSecretParam(ctx: Context, fleet: Fleet, aws: Aws, name: string, s: ParamSecret, reveal: boolean): Promise<number> {
  const problem = await secretParamProblem(aws, s);
  if (problem) throw new UserError(`${name}: ${problem}`, { hint: secretParamHint(fleet, name, s) });
  const raw = reveal ? await getSecretValue(aws, s.id) : undefined;
  const value = raw === undefined ? undefined : pickSecretValue(raw, s);
  if (reveal && value === undefined) {
    throw new UserError(`${name}: secret ${s.id} has no key ${s.key}`, {
      hint: `set it with \`ops params set ${name} --stage ${fleet.stage} --stdin\``,
    });
  }
  if (ctx.global.json) {
    ctx.outJson({ name, secret: s.id, ...(s.key ? { key: s.key } : {}), ...(value === undefined ? { masked: true } : { value }) });
    return 0;
  }
  ctx.log.info(ctx.color.dim(secretParamLabel(s)));
  ctx.out(value ?? MASK);
  if (value === undefined) ctx.log.info(ctx.color.dim('secure value masked: pass --reveal to print it'));
  return 0;
}

/** `ops params unset` on a Secrets Manager param: refused, the secret is not ops'. */
export function refuseUnsetSecretParam(name: string, s: ParamSecret): never {
  throw new UserError(`${name} comes from secret ${s.id}, which ops did not create: ops never deletes it`, {
    hint: `delete it yourself if you mean to: aws secretsmanager delete-secret --secret-id ${s.id}`,
  });
}

/** `ops params import`: a Secrets Manager param is not written from a dotenv file (it would land in SSM); its keys, skipped. */
export function dropSecretEntries(ctx: Context, fleet: Fleet, plan: ImportPlan): string[] {
  const skipped = plan.entries.filter((e) => secretOfParam(fleet, e.target.name));
  for (const e of skipped) {
    ctx.log.warn(`skipped ${e.key}: ${e.target.name} comes from Secrets Manager; set it with \`ops params set ${e.target.name} --stdin\``);
  }
  plan.entries = plan.entries.filter((e) => !secretOfParam(fleet, e.target.name));
  return skipped.map((e) => e.key);
}

/** `ops params list`: a Secrets Manager param's row names its secret, and is set when the secret has a value (DescribeSecret). */
export async function withSecretStatus(aws: Aws, fleet: Fleet, rows: ParamRow[]): Promise<ParamRow[]> {
  return Promise.all(
    rows.map(async (r) => {
      const s = r.declared ? secretOfParam(fleet, r.name) : undefined;
      if (!s) return r;
      const problem = await secretParamProblem(aws, s);
      const { type: _type, version: _version, lastModified: _at, ...rest } = r;
      return { ...rest, path: secretParamLabel(s), status: problem ? 'missing' : 'set' };
    }),
  );
}
