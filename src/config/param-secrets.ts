import * as z from 'zod';
import { secretArnPattern } from './naming.js';

/**
 * A param whose value lives in Secrets Manager (issue 16 item 5): a secret ops did not make (seed 003's
 * `cloudops/cognito-credentials`), by name or full ARN, optionally one key of its JSON value. The function
 * gets only the reference in `OPS_PARAM_<NAME>` (`secretsmanager:<id>[#<key>]`); the handler helpers read it.
 */
export interface ParamSecret {
  /** The secret's name or full ARN, as written. */
  id: string;
  /** A key of the secret's JSON value; absent: the whole value. */
  key?: string;
  /** A customer managed KMS key the secret is encrypted with: the role gets kms:Decrypt on exactly it. */
  kmsKey?: string;
}

/** Secret names take letters, digits and /_+=.@- (no `#`, which separates the JSON key in the reference). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

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

/** What a parsed param declaration holds of the fields above. */
export interface ParamSecretDecl {
  secret?: string;
  key?: string;
  kmsKey?: string;
  secure?: boolean;
  plaintextEnv?: boolean;
  path?: string;
}

/** The resolved source, or undefined for an SSM param. */
export function paramSecretOf(decl: ParamSecretDecl | undefined): ParamSecret | undefined {
  if (!decl?.secret) return undefined;
  return { id: decl.secret, ...(decl.key ? { key: decl.key } : {}), ...(decl.kmsKey ? { kmsKey: decl.kmsKey } : {}) };
}

export const SECRET_REF_PREFIX = 'secretsmanager:';

/** What the function's `OPS_PARAM_<NAME>` holds: the secret's id and key, never a value. */
export const secretParamRef = (s: ParamSecret) => `${SECRET_REF_PREFIX}${s.id}${s.key !== undefined ? `#${s.key}` : ''}`;

/** How `ops config`, `ops params` and the plan name the source: `secret cloudops/cognito-credentials#client_secret`. */
export const secretParamLabel = (s: ParamSecret) => `secret ${s.id}${s.key !== undefined ? `#${s.key}` : ''}`;

/** IAM resource of the secret: the ARN as written, or every ARN Secrets Manager may give the name (its 6-character suffix). */
export const secretParamArn = (s: ParamSecret, region: string, accountId: string) =>
  SECRET_ARN.test(s.id) ? s.id : secretArnPattern(region, accountId, s.id);

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

/** The statements a function's role needs for the Secrets Manager params it reads (none without any). */
export function paramSecretStatements(secrets: ParamSecret[], region: string, accountId: string) {
  if (!secrets.length) return [];
  const arns = [...new Set(secrets.map((s) => secretParamArn(s, region, accountId)))];
  const keys = [...new Set(secrets.flatMap((s) => (s.kmsKey ? [s.kmsKey] : [])))];
  return [
    { Sid: 'OpsParamSecrets', Effect: 'Allow' as const, Action: ['secretsmanager:GetSecretValue'], Resource: arns },
    ...(keys.length ? [{ Sid: 'OpsParamSecretsKms', Effect: 'Allow' as const, Action: ['kms:Decrypt'], Resource: keys }] : []),
  ];
}

/** Spread into a resolved param (ParamSpec, ParamUse): a Secrets Manager param is secure and carries its source. */
export function withParamSecret(decl: ParamSecretDecl | undefined): { secure?: true; secret?: ParamSecret } {
  const secret = paramSecretOf(decl);
  return secret ? { secure: true, secret } : {};
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

/** The Secrets Manager sources of the params a function reads at run time. */
export const secretsReadAtRunTime = (fn: { params: { secret?: ParamSecret }[] }): ParamSecret[] =>
  fn.params.flatMap((p) => (p.secret ? [p.secret] : []));
