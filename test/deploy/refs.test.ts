// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the configs written here hold ops's ${account} and ${region} placeholders
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { type EmulatorClientConfig, emulatorEnv, useEmulator } from '../support/emulator.js';
import { edit, smallFleet, uniqueApp } from './fleet.js';
import { startLayerMoto } from './layer-moto.js';

const DEFAULT_ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '111122223333';

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('references and placeholders, deployed on moto (issue 12.6, 12.7, 12.8)', () => {
  const emu = useEmulator();

  it("a function naming its own fleet's API URL gets it in one deploy from nothing, and the next plan is empty", async () => {
    const app = uniqueApp('ref');
    const dir = await smallFleet(app);
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t
        .replace(
          "worker: { handler: 'src/worker/handler.ts', memory: 512, timeout: 60 },",
          "worker: { handler: 'src/worker/handler.ts', memory: 512, timeout: 60, environment: { APPROVAL_API_URL: { ref: 'api.url', suffix: '/approval' }, API_ID: { ref: 'api.id' } } },",
        )
        .replace("invokes: ['worker']", "invokes: ['worker', { function: 'worker', env: 'WORKER_LAMBDA_ARN', value: 'arn' }]"),
    );
    const env = emu.env as NodeJS.ProcessEnv;
    const plan = await runCli(['plan', '--stage', 'fresh'], { cwd: dir, env });
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain(`APPROVAL_API_URL='(known after apply: api.url)/approval'`);

    const deploy = await runCli(['deploy', '--yes', '--stage', 'fresh'], { cwd: dir, env });
    expect(deploy.code, deploy.stderr).toBe(0);

    const apis = await new ApiGatewayV2Client(emu.clientConfig).send(new GetApisCommand({}));
    const api = apis.Items?.find((a) => a.Name === `${app}-fresh`);
    expect(api?.ApiEndpoint).toMatch(/^https?:\/\//);
    const lambda = new LambdaClient(emu.clientConfig);
    for (const qualifier of [undefined, 'live']) {
      const worker = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-fresh-worker`, Qualifier: qualifier }));
      expect(worker.Environment?.Variables).toMatchObject({ APPROVAL_API_URL: `${api?.ApiEndpoint}/approval`, API_ID: api?.ApiId });
    }
    const caller = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-fresh-api` }));
    expect(caller.Environment?.Variables).toMatchObject({
      WORKER_FUNCTION_NAME: `${app}-fresh-worker:live`,
      WORKER_LAMBDA_ARN: `arn:aws:lambda:us-east-1:${DEFAULT_ACCOUNT}:function:${app}-fresh-worker`,
    });

    const again = await runCli(['plan', '--stage', 'fresh'], { cwd: dir, env });
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
  });

  it('one config with a role by name and ${region}/${account} in a topic ARN plans alike and deploys in two accounts', async () => {
    const app = uniqueApp('acct');
    const dir = await smallFleet(app, {
      extraConfig: `job: { handler: 'src/worker/handler.ts', role: '${app}-exec', triggers: [{ sns: 'arn:aws:sns:\${region}:\${account}:${app}-alerts' }] },`,
    });
    // Moto ties credentials from AssumeRole to the role's account: the second account is the same moto, other keys.
    const assumed = await new STSClient(emu.clientConfig).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/ops-test`, RoleSessionName: app }),
    );
    const creds = assumed.Credentials;
    const accounts: { id: string; env: NodeJS.ProcessEnv; client: EmulatorClientConfig }[] = [
      { id: DEFAULT_ACCOUNT, env: emu.env as NodeJS.ProcessEnv, client: emu.clientConfig },
      {
        id: OTHER_ACCOUNT,
        env: {
          ...emu.env,
          AWS_ACCESS_KEY_ID: creds?.AccessKeyId,
          AWS_SECRET_ACCESS_KEY: creds?.SecretAccessKey,
          AWS_SESSION_TOKEN: creds?.SessionToken,
        } as NodeJS.ProcessEnv,
        client: {
          ...emu.clientConfig,
          credentials: {
            accessKeyId: creds?.AccessKeyId ?? '',
            secretAccessKey: creds?.SecretAccessKey ?? '',
            sessionToken: creds?.SessionToken,
          },
        } as EmulatorClientConfig,
      },
    ];

    // Before the role and topic exist, the preflight names the ARNs the placeholders stand for in each account.
    const plans: string[] = [];
    for (const a of accounts) {
      const r = await runCli(['plan'], { cwd: dir, env: a.env });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`role arn:aws:iam::${a.id}:role/${app}-exec does not exist`);
      expect(r.stderr).toContain(`SNS topic arn:aws:sns:us-east-1:${a.id}:${app}-alerts does not exist`);
      await new IAMClient(a.client).send(new CreateRoleCommand({ RoleName: `${app}-exec`, AssumeRolePolicyDocument: trust }));
      await new SNSClient(a.client).send(new CreateTopicCommand({ Name: `${app}-alerts` }));
      const p = await runCli(['plan', '--json'], { cwd: dir, env: a.env });
      expect(p.code, p.stderr).toBe(2);
      plans.push(p.stdout.split(a.id).join('<account>'));
    }
    expect(plans[0]).not.toContain('${');
    expect(plans[1]).toBe(plans[0]);

    for (const a of accounts) {
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: a.env });
      expect(d.code, d.stderr).toBe(0);
      const job = await new LambdaClient(a.client).send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-dev-job` }));
      expect(job.Role).toBe(`arn:aws:iam::${a.id}:role/${app}-exec`);
      const subs = await new SNSClient(a.client).send(
        new ListSubscriptionsByTopicCommand({ TopicArn: `arn:aws:sns:us-east-1:${a.id}:${app}-alerts` }),
      );
      expect(subs.Subscriptions?.map((s) => s.Endpoint)).toEqual([`arn:aws:lambda:us-east-1:${a.id}:function:${app}-dev-job:live`]);
      const again = await runCli(['plan'], { cwd: dir, env: a.env });
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    }
  });

  it("a built layer's ARN in another function's environment follows each new version in the same deploy", async () => {
    // Moto attaches layers only with its Docker-backed Lambda config: a moto of its own (see startLayerMoto).
    const moto = await startLayerMoto();
    try {
      const app = uniqueApp('lref');
      const dir = await smallFleet(app);
      await mkdir(path.join(dir, 'layers/shared/nodejs/node_modules/greeting'), { recursive: true });
      const greeting = path.join(dir, 'layers/shared/nodejs/node_modules/greeting/index.js');
      await writeFile(greeting, "exports.greet = () => 'hello';\n");
      await edit(path.join(dir, 'ops.config.ts'), (t) =>
        t
          .replace(
            "worker: { handler: 'src/worker/handler.ts', memory: 512, timeout: 60 },",
            "worker: { handler: 'src/worker/handler.ts', memory: 512, timeout: 60, layers: [{ path: 'layers/shared' }] },",
          )
          .replace("invokes: ['worker']", "invokes: ['worker'], environment: { SHARED_LAYER: { ref: 'layer.shared.arn' } }"),
      );
      const env = emulatorEnv(moto.url) as NodeJS.ProcessEnv;
      const lambda = new LambdaClient({ ...emu.clientConfig, endpoint: moto.url });
      const layerEnv = async () =>
        (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${app}-dev-api` }))).Environment?.Variables?.SHARED_LAYER;
      const layerArn = (v: number) => `arn:aws:lambda:us-east-1:${DEFAULT_ACCOUNT}:layer:${app}-dev-shared:${v}`;

      const first = await runCli(['deploy', '--yes'], { cwd: dir, env });
      expect(first.code, first.stderr).toBe(0);
      expect(await layerEnv()).toBe(layerArn(1));

      await writeFile(greeting, "exports.greet = () => 'hello again';\n");
      const plan = await runCli(['plan'], { cwd: dir, env });
      expect(plan.stdout).toContain(`update configuration of ${app}-dev-api: env SHARED_LAYER`);
      const second = await runCli(['deploy', '--yes'], { cwd: dir, env });
      expect(second.code, second.stderr).toBe(0);
      expect(await layerEnv()).toBe(layerArn(2));
      const again = await runCli(['plan'], { cwd: dir, env });
      expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    } finally {
      await moto.stop();
    }
  });
});
