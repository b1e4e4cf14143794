import * as z from 'zod';
import { type ParamSecretDecl, SECRET_ARN } from './resolve-param-secrets.js';

/*
 * A param whose value lives in Secrets Manager (issue 16 item 5): the fields a param declaration gains and their
 * rules. What a param's secret resolves to (its source, reference and grants): src/config/resolve-param-secrets.ts.
 */

/** Secret names take letters, digits and /_+=.@- (no `#`, which separates the JSON key in the reference). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** The fields a param declaration gains (spread into the `params` entry of src/config/schema.ts). */
export const paramSecretFields = {
  /** Read the value from this Secrets Manager secret (name or ARN) instead of SSM. */
  secret: z
    .string()
    .refine((s) => SECRET_NAME.test(s) || SECRET_ARN.test(s), {
      message:
        'a secret is a name (letters, digits and /_+=.@-) or a secret ARN (arn:aws:secretsmanager:region:account:secret:name-abcdef)',
    })
    .optional(),
  /** With `secret`: the key of the secret's JSON value to read. */
  key: z.string().min(1).optional(),
  /** With `secret`: the customer managed KMS key ARN it is encrypted with (kms:Decrypt is granted on it). */
  kmsKey: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, 'must be a KMS key ARN (arn:aws:kms:region:account:key/id)')
    .optional(),
};

/** Problems of one param declaration's secret fields, as [field, message] (config lines). */
export function paramSecretProblems(decl: ParamSecretDecl): [string, string][] {
  const out: [string, string][] = [];
  if (!decl.secret) {
    if (decl.key !== undefined) out.push(['key', 'key picks a field of a Secrets Manager value: it needs secret']);
    if (decl.kmsKey !== undefined) out.push(['kmsKey', 'kmsKey is the key a Secrets Manager secret is encrypted with: it needs secret']);
    return out;
  }
  if (decl.plaintextEnv)
    out.push(['plaintextEnv', 'a Secrets Manager param is never put into the environment: the handler helpers read it']);
  if (decl.path !== undefined) out.push(['path', 'a param comes from SSM (path) or from Secrets Manager (secret), not both']);
  if (decl.secure === false) out.push(['secure', 'a Secrets Manager param is always secure: drop secure: false']);
  return out;
}

/** Uses (`functions.<fn>.params`, `defaults.params`) that ask `resolve: true` of a Secrets Manager param: one line each. */
export function resolvedSecretUses(uses: unknown, at: string, declared: unknown): { path: string; message: string }[] {
  if (!Array.isArray(uses) || typeof declared !== 'object' || declared === null) return [];
  const decls = declared as Record<string, { secret?: unknown } | undefined>;
  return uses.flatMap((u: unknown, i: number) => {
    const use = typeof u === 'object' && u !== null ? (u as { name?: unknown; resolve?: unknown }) : undefined;
    if (!use?.resolve || typeof use.name !== 'string' || !decls[use.name]?.secret) return [];
    return [
      {
        path: `${at}.params.${i}.resolve`,
        message: `'${use.name}' comes from Secrets Manager: it is never resolved into the environment (drop resolve)`,
      },
    ];
  });
}
