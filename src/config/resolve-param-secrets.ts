import { secretArnPattern } from './naming.js';

/* A param's Secrets Manager source resolved, its reference and its grants (the schema and rules: src/config/param-secrets.ts). Zod-free. */

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

/** A secret's full ARN (a name is anything else). */
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** What a parsed param declaration holds of the secret fields (paramSecretFields, src/config/param-secrets.ts). */
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

/** The Secrets Manager sources of the params a function reads at run time. */
export const secretsReadAtRunTime = (fn: { params: { secret?: ParamSecret }[] }): ParamSecret[] =>
  fn.params.flatMap((p) => (p.secret ? [p.secret] : []));
