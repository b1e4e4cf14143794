import { describe, expect, it } from 'vitest';
import { resolveFleet } from '../../../src/config/resolve.js';
import { type ValidateEnv, validateFleet } from '../../../src/config/validate.js';
import { mergeSecretValue, pickSecretValue } from '../../../src/params/secret-param.js';
import { desiredRole } from '../../../src/resources/role/plan.js';
import { renderFleet } from '../../../src/ui/fleet.js';
import { ACCOUNT } from '../plan/builders.js';

const files = new Set(['src/a/handler.ts', 'src/b/lambda_function.py']);
const env: ValidateEnv = { stage: 'dev', exists: (p) => files.has(p) };
const config = (params: Record<string, unknown>, uses?: unknown[]) => ({
  app: 'cloudops',
  functions: {
    api: { handler: 'src/a/handler.ts', params: uses ?? Object.keys(params) },
    worker: { handler: 'src/b/lambda_function.lambda_handler' },
  },
  params,
});
const problemsOf = (params: Record<string, unknown>, uses?: unknown[]) =>
  Object.fromEntries(validateFleet(config(params, uses), env).problems.map((p) => [p.path, p.message]));

function resolved(params: Record<string, unknown>) {
  const { fleet: parsed, problems } = validateFleet(config(params), env);
  expect(problems).toEqual([]);
  const exists = (p: string) => [...files].some((f) => p.endsWith(f));
  return resolveFleet(parsed!, { stage: 'dev', root: '/p', configPath: '/p/ops.config.ts', exists });
}
const policyOf = (params: Record<string, unknown>) => {
  const f = resolved(params);
  const api = f.functions.find((fn) => fn.key === 'api')!;
  return { f, api, statements: desiredRole(f, api, ACCOUNT)!.policy.Statement };
};

describe('params from Secrets Manager (issue 16 item 5)', () => {
  it('the function gets the secret id and key in OPS_PARAM_<NAME>, never a value; the param is secure', () => {
    const { f, api } = policyOf({ cognito: { secret: 'cloudops/cognito-credentials', key: 'client_secret' } });
    expect(f.params[0]).toMatchObject({
      name: 'cognito',
      secure: true,
      secret: { id: 'cloudops/cognito-credentials', key: 'client_secret' },
    });
    expect(api.environment.OPS_PARAM_COGNITO).toBe('secretsmanager:cloudops/cognito-credentials#client_secret');
    expect(Object.keys(api.environment).filter((k) => k.startsWith('OPS_PARAM_VALUE'))).toEqual([]);
  });

  it('by name the role may GetSecretValue on exactly that secret (its 6-character suffix), and no SSM grant for it', () => {
    const { f, statements } = policyOf({ cognito: { secret: 'cloudops/cognito-credentials' }, table: {} });
    const sm = statements.find((s) => s.Sid === 'OpsParamSecrets');
    expect(sm).toEqual({
      Sid: 'OpsParamSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [`arn:aws:secretsmanager:${f.region}:${ACCOUNT}:secret:cloudops/cognito-credentials-??????`],
    });
    expect(statements.find((s) => s.Sid === 'OpsParams')?.Resource).toEqual([
      `arn:aws:ssm:${f.region}:${ACCOUNT}:parameter/cloudops/dev/table`,
    ]);
    expect(statements.some((s) => s.Sid === 'OpsParamSecretsKms')).toBe(false);
  });

  it('by ARN exactly that ARN; kms:Decrypt only on the key the config names', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cloudops/cognito-credentials-AbCdEf';
    const kmsKey = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { statements } = policyOf({ cognito: { secret: arn, kmsKey } });
    expect(statements.find((s) => s.Sid === 'OpsParamSecrets')?.Resource).toEqual([arn]);
    expect(statements.find((s) => s.Sid === 'OpsParamSecretsKms')).toMatchObject({ Action: ['kms:Decrypt'], Resource: [kmsKey] });
    expect(statements.some((s) => s.Sid === 'OpsParams')).toBe(false);
  });

  it('one config line each: resolve, plaintextEnv, secure: false, path beside secret, key without secret, a bad name', () => {
    expect(problemsOf({ c: { secret: 'x/y' } }, [{ name: 'c', resolve: true }])).toEqual({
      'functions.api.params.0.resolve': "'c' comes from Secrets Manager: it is never resolved into the environment (drop resolve)",
    });
    expect(problemsOf({ c: { secret: 'x/y', plaintextEnv: true } })).toHaveProperty('params.c.plaintextEnv');
    expect(problemsOf({ c: { secret: 'x/y', secure: false } })).toHaveProperty('params.c.secure');
    expect(problemsOf({ c: { secret: 'x/y', path: '/x/y' } })).toHaveProperty('params.c.path');
    expect(problemsOf({ c: { key: 'k' } })).toEqual({ 'params.c.key': 'key picks a field of a Secrets Manager value: it needs secret' });
    expect(Object.keys(problemsOf({ c: { secret: 'bad name#1' } }))).toEqual(['params.c.secret']);
  });

  it('ops config shows the source, never a value', () => {
    const f = resolved({ cognito: { secret: 'cloudops/cognito-credentials', key: 'client_secret' } });
    const plain = new Proxy({}, { get: () => (s: string) => s }) as never;
    const text = renderFleet(f, plain).join('\n');
    expect(text).toMatch(/cognito\s+secret cloudops\/cognito-credentials#client_secret\s+Secrets Manager\s+api/);
  });

  it('the JSON key: picked from the value, and set without losing the other keys', () => {
    const s = { id: 'x', key: 'client_secret' };
    expect(pickSecretValue('{"client_id":"a","client_secret":"b"}', s)).toBe('b');
    expect(pickSecretValue('{"client_id":"a"}', s)).toBeUndefined();
    expect(pickSecretValue('not json', { id: 'x' })).toBe('not json');
    expect(JSON.parse(mergeSecretValue('{"client_id":"a","client_secret":"b"}', 'c', s))).toEqual({ client_id: 'a', client_secret: 'c' });
    expect(mergeSecretValue(undefined, 'c', s)).toBe('{"client_secret":"c"}');
    expect(() => mergeSecretValue('plain', 'c', s)).toThrow(/does not hold a JSON object/);
  });
});
