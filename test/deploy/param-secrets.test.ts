import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLE_POLICY_NAME } from '../../src/config/naming.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { fleetDir, repoRoot, uniqueApp } from './fleet.js';

/**
 * A param from Secrets Manager (issue 16 item 5, seed 003's `cloudops/cognito-credentials`): a secret ops did not
 * create, one key of its JSON value. The preflight stops a deploy while the secret is missing; `ops params set`
 * writes the key into it, `get` masks it; the deployed function gets only the secret's id and key, its role
 * GetSecretValue on exactly that secret; the value is in no plan, no --debug output, no environment; the Node
 * and Python helpers read it in local runs from Secrets Manager (moto) with the key picked.
 */
describe('ops deploy: params from Secrets Manager', () => {
  const emu = useEmulator();
  const app = uniqueApp('psec');
  const stage = 'dev';
  const secretName = `${app}/cognito-credentials`;
  const VALUE = 'client-s3cr3t-Zq9';
  let dir: string;
  const ops = (args: string[], stdin?: string) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv, stdin });
  const sm = () => new SecretsManagerClient(emu.clientConfig);

  beforeAll(async () => {
    const helperTs = await readFile(path.join(repoRoot, 'templates/functions/typescript/params.ts'), 'utf8');
    const helperPy = await readFile(path.join(repoRoot, 'templates/functions/python/ops_params.py'), 'utf8');
    dir = await fleetDir(
      app,
      {
        'src/functions/_shared/params.ts': helperTs,
        'src/functions/node/handler.ts': `import { getParams, secretsStats } from '../_shared/params';
export const handler = async () => {
  const values = await getParams(['cognito', 'whole']);
  await getParams(['cognito']);
  return { ...values, calls: secretsStats.getSecretValueCalls };
};
`,
        'src/functions/py/ops_params.py': helperPy,
        'src/functions/py/lambda_function.py': `import ops_params

def lambda_handler(event, context):
    return ops_params.get_params(["cognito"])
`,
      },
      `  params: {
    cognito: { secret: '${secretName}', key: 'client_secret' },
    whole: { secret: '${secretName}' },
  },
  functions: {
    node: { handler: 'src/functions/node/handler.ts', params: ['cognito', 'whole'] },
    py: { handler: 'src/functions/py/lambda_function.lambda_handler', params: ['cognito'] },
  },`,
    );
  });

  it('the preflight stops the deploy while the secret is missing: one line naming what to do, nothing created', async () => {
    const d = await ops(['deploy', '--yes']);
    expect(d.code).not.toBe(0);
    expect(d.stderr).toContain(`secret ${secretName} does not exist`);
    expect(d.stderr).toContain(`aws secretsmanager create-secret --name ${secretName}`);
    expect(d.stderr).not.toMatch(/\n\s+at /);
    const fn = await new LambdaClient(emu.clientConfig)
      .send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-${stage}-node` }))
      .catch((e: Error) => e.name);
    expect(fn).toBe('ResourceNotFoundException');
    const check = await ops(['params', 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('cognito');
  });

  it('ops params set writes the key into the existing secret (other keys kept); get masks it, --reveal shows it', async () => {
    await sm().send(new CreateSecretCommand({ Name: secretName, SecretString: JSON.stringify({ client_id: 'cid-1' }) }));
    const set = await ops(['params', 'set', 'cognito', '--stdin'], `${VALUE}\n`);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(VALUE);
    const stored = await sm().send(new GetSecretValueCommand({ SecretId: secretName }));
    expect(JSON.parse(stored.SecretString ?? '{}')).toEqual({ client_id: 'cid-1', client_secret: VALUE });
    const masked = await ops(['params', 'get', 'cognito']);
    expect(masked.code, masked.stderr).toBe(0);
    expect(masked.stdout + masked.stderr).not.toContain(VALUE);
    const shown = await ops(['params', 'get', 'cognito', '--reveal']);
    expect(shown.stdout.trim()).toBe(VALUE);
    const unset = await ops(['params', 'unset', 'cognito', '--yes']);
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain('ops never deletes it');
    expect((await sm().send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString).toContain(VALUE);
    expect((await ops(['params', 'check'])).code).toBe(0);
  });

  it('ops params list names the secret and says it is set; import never writes it to SSM', async () => {
    const list = await ops(['params', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^cognito\s+set\s/m);
    const rows = JSON.parse((await ops(['params', 'list', '--json'])).stdout).params as { name: string; path: string; status: string }[];
    expect(rows.find((r) => r.name === 'cognito')).toMatchObject({ path: `secret ${secretName}#client_secret`, status: 'set' });
    await writeFile(path.join(dir, 'imp.env'), 'cognito=from-dotenv\n');
    const imp = await ops(['params', 'import', 'imp.env', '--yes']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stderr).toContain('skipped cognito: cognito comes from Secrets Manager');
    const ssm = await new SSMClient(emu.clientConfig)
      .send(new GetParameterCommand({ Name: `/${app}/${stage}/cognito` }))
      .catch((e: Error) => e.name);
    expect(ssm).toBe('ParameterNotFound');
    expect((await sm().send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString).toContain(VALUE);
  });

  it('deploys: the value is in no plan, no --debug output, no environment; the role reads exactly that secret', async () => {
    const plan = await ops(['plan', '--json']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout + plan.stderr).not.toContain(VALUE);
    const d = await ops(['deploy', '--yes', '--debug']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toContain('DescribeSecret');
    expect(d.stdout + d.stderr).not.toContain(VALUE);
    const cfg = await new LambdaClient(emu.clientConfig).send(
      new GetFunctionConfigurationCommand({ FunctionName: `${app}-${stage}-node` }),
    );
    const vars = cfg.Environment?.Variables ?? {};
    expect(vars.OPS_PARAM_COGNITO).toBe(`secretsmanager:${secretName}#client_secret`);
    expect(vars.OPS_PARAM_WHOLE).toBe(`secretsmanager:${secretName}`);
    expect(JSON.stringify(vars)).not.toContain(VALUE);
    const role = await new IAMClient(emu.clientConfig).send(
      new GetRolePolicyCommand({ RoleName: `${app}-${stage}-node`, PolicyName: ROLE_POLICY_NAME }),
    );
    const statements = JSON.parse(decodeURIComponent(role.PolicyDocument ?? '{}')).Statement as {
      Sid?: string;
      Action: unknown;
      Resource: unknown;
    }[];
    expect(statements.find((s) => s.Sid === 'OpsParamSecrets')).toMatchObject({
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [`arn:aws:secretsmanager:us-east-1:${cfg.FunctionArn?.split(':')[4]}:secret:${secretName}-??????`],
    });
    expect(statements.some((s) => JSON.stringify(s.Action).includes('ssm:'))).toBe(false);
    const again = await ops(['plan']);
    expect(again.stdout).toContain('No changes');
  });

  it('the Node and the Python helper read it from Secrets Manager in a local run (the JSON key picked)', async () => {
    const node = await ops(['invoke', 'node', '--local']);
    expect(node.code, node.stderr).toBe(0);
    const out = JSON.parse(node.stdout) as { cognito: string; whole: string; calls: number };
    expect(out.cognito).toBe(VALUE);
    // Two params of one secret, read twice: one GetSecretValue (the value is cached by the secret's id).
    expect(out.calls).toBe(1);
    expect(JSON.parse(out.whole)).toEqual({ client_id: 'cid-1', client_secret: VALUE });
    expect(node.stderr).toContain('Secrets Manager');
    const py = await ops(['invoke', 'py', '--local']);
    expect(py.code, py.stderr).toBe(0);
    expect(JSON.parse(py.stdout)).toEqual({ cognito: VALUE });
  });
});
