import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { secret as readSecret, resetParams } from '../../src/functions/_shared/params.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

const ACCOUNT = '123456789012';
const HANDLER = { 'src/worker/handler.ts': 'export const handler = async () => ({ ok: true });\n' };

/**
 * SNS topics and Secrets Manager secrets through the resource registry (issue 14 items 1, 4, 5): a topic with an
 * email and an SQS subscription and a function subscribed by the topic's key, a secret created empty; read back
 * with the SDK; a second plan empty; the secret's value set through `ops secrets set --stdin` only; `ops destroy`
 * deletes the topic and keeps the secret; an untagged topic or secret with a declared name stops the run before any
 * write, and `adopt: true` tags them (same ARNs, the secret's value kept).
 */
describe('ops deploy: topics and secrets', () => {
  const emu = useEmulator();
  const stage = 'dev';
  const sns = () => new SNSClient(emu.clientConfig);
  const sm = () => new SecretsManagerClient(emu.clientConfig);
  const lambdaGone = (name: string) =>
    new LambdaClient(emu.clientConfig)
      .send(new GetFunctionCommand({ FunctionName: name }))
      .then(() => false)
      .catch((e: Error) => e.name === 'ResourceNotFoundException');
  const topicTags = async (arn: string) =>
    Object.fromEntries(((await sns().send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags ?? []).map((t) => [t.Key, t.Value]));
  const subscriptionsOf = async (arn: string) =>
    ((await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions ?? [])
      .map((s) => ({ protocol: s.Protocol, endpoint: s.Endpoint, arn: s.SubscriptionArn ?? '' }))
      .sort((a, b) => `${a.protocol}${a.endpoint}`.localeCompare(`${b.protocol}${b.endpoint}`));
  const describeSecret = (name: string) =>
    sm()
      .send(new DescribeSecretCommand({ SecretId: name }))
      .catch((e: Error) => (e.name === 'ResourceNotFoundException' ? undefined : Promise.reject(e)));
  const secretTags = async (name: string) => Object.fromEntries(((await describeSecret(name))?.Tags ?? []).map((t) => [t.Key, t.Value]));

  describe('a declared topic and secret', () => {
    const app = uniqueApp('tps');
    const topic = `${app}-${stage}-alerts`;
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:${topic}`;
    const secret = `${app}-${stage}-creds`;
    const fn = `${app}-${stage}-worker`;
    let queueArn: string;
    let dir: string;
    const ops = (args: string[], stdin?: string) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv, stdin });

    beforeAll(async () => {
      const q = await new SQSClient(emu.clientConfig).send(new CreateQueueCommand({ QueueName: `${app}-inbox` }));
      queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${q.QueueUrl?.split('/').pop()}`;
      dir = await fleetDir(
        app,
        HANDLER,
        `  resources: {
    alerts: {
      type: 'topic',
      subscriptions: [
        { protocol: 'email', endpoint: 'oncall@example.com' },
        { protocol: 'sqs', endpoint: '${queueArn}', filterPolicy: { level: ['error'] } },
      ],
    },
    creds: { type: 'secret', description: 'cognito client' },
  },
  functions: { worker: { handler: 'src/worker/handler.ts', triggers: [{ sns: 'alerts' }], uses: { creds: 'read', alerts: 'publish' } } },`,
      );
    });

    it('deploys the topic with its subscriptions (the function subscribed by key) and the secret empty; a second plan is empty', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stderr).toContain('secret creds: created empty: set its value with `ops secrets set creds --stdin --stage dev`');
      const attrs = (await sns().send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes;
      expect(attrs?.TopicArn).toBe(topicArn);
      expect(await topicTags(topicArn)).toMatchObject({ 'ops:app': app, 'ops:stage': stage, 'ops:resource': 'alerts' });
      const subs = await subscriptionsOf(topicArn);
      expect(subs.map((s) => [s.protocol, s.endpoint])).toEqual([
        ['email', 'oncall@example.com'],
        ['lambda', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}:live`],
        ['sqs', queueArn],
      ]);
      const sqsSub = subs.find((s) => s.protocol === 'sqs');
      const filter = (await sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sqsSub?.arn }))).Attributes?.FilterPolicy;
      expect(JSON.parse(filter ?? '{}')).toEqual({ level: ['error'] });

      const s = await describeSecret(secret);
      expect(s?.Description).toBe('cognito client');
      expect(await secretTags(secret)).toEqual({ 'ops:app': app, 'ops:stage': stage, 'ops:resource': 'creds' });
      // Created empty: no version until a value is set.
      expect(Object.keys(s?.VersionIdsToStages ?? {})).toEqual([]);

      const again = await ops(['plan']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes');
    });

    it('ops secrets set refuses a value in argv; --stdin sets it, never echoed; list says set, never the value', async () => {
      const argv = await ops(['secrets', 'set', 'creds', 'hunter2']);
      expect(argv.code).toBe(2);
      expect(argv.stderr).toContain('refusing the value of secret creds from the command line');
      expect(argv.stderr).not.toContain('hunter2');
      expect(await describeSecret(secret).then((x) => Object.keys(x?.VersionIdsToStages ?? {}))).toEqual([]);

      const before = await ops(['secrets', 'list', '--json']);
      expect(before.json().secrets).toEqual([{ key: 'creds', name: secret, status: 'empty', readers: ['worker'] }]);

      const set = await ops(['secrets', 'set', 'creds', '--stdin'], 'hunter2\n');
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout + set.stderr).not.toContain('hunter2');
      expect((await sm().send(new GetSecretValueCommand({ SecretId: secret }))).SecretString).toBe('hunter2');

      const list = await ops(['secrets', 'list', '--json']);
      expect(list.json().secrets).toEqual([{ key: 'creds', name: secret, status: 'set', readers: ['worker'] }]);
      expect(list.stdout).not.toContain('hunter2');
      // Replacing a value asks first: without a terminal, --yes.
      const replace = await ops(['secrets', 'set', 'creds', '--stdin'], 'other');
      expect(replace.code).toBe(1);
      expect((await sm().send(new GetSecretValueCommand({ SecretId: secret }))).SecretString).toBe('hunter2');
      // The value is not deployment state: the next plan is still empty.
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });

    it('the function that uses the secret finds its name in CREDS_SECRET_NAME, may read exactly it, and the helper reads the value', async () => {
      const cfg = await new LambdaClient(emu.clientConfig).send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
      const vars = cfg.Environment?.Variables ?? {};
      expect(vars.CREDS_SECRET_NAME).toBe(secret);
      expect(vars.ALERTS_TOPIC_ARN).toBe(topicArn);
      const roleName = cfg.Role?.split('/').pop() ?? '';
      const policy = await new IAMClient(emu.clientConfig).send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'ops-function' }),
      );
      const statements = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '{}')).Statement as {
        Action: string | string[];
        Resource: string | string[];
      }[];
      const reads = statements.filter((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'));
      expect(reads.map((st) => st.Resource)).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${secret}-??????`]);
      // What the handler does with that variable: the value `ops secrets set` stored.
      emu.stubEnv({ ...emu.env, CREDS_SECRET_NAME: vars.CREDS_SECRET_NAME, OPS_SECRET_VALUE_CREDS: undefined });
      resetParams();
      expect(await readSecret('creds')).toBe('hunter2');
    });

    it('a subscription removed from the config is unsubscribed; one made by hand on the topic is left alone', async () => {
      await sns().send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'by-hand@example.com' }));
      await edit(`${dir}/ops.config.ts`, (t) => t.replace("        { protocol: 'email', endpoint: 'oncall@example.com' },\n", ''));
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect((await subscriptionsOf(topicArn)).map((s) => s.endpoint)).toEqual([
        'by-hand@example.com',
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}:live`,
        queueArn,
      ]);
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });

    it('ops destroy deletes the topic (no data) and keeps the secret with its value, saying so', async () => {
      const d = await ops(['destroy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout + d.stderr).toContain(`secret ${secret}: kept (holds data)`);
      const topicGone = await sns()
        .send(new GetTopicAttributesCommand({ TopicArn: topicArn }))
        .then(() => false)
        .catch((e: Error) => e.name === 'NotFoundException' || e.name === 'NotFound');
      expect(topicGone).toBe(true);
      expect(await lambdaGone(fn)).toBe(true);
      const s = await describeSecret(secret);
      expect(s?.DeletedDate).toBeUndefined();
      expect((await sm().send(new GetSecretValueCommand({ SecretId: secret }))).SecretString).toBe('hunter2');
    });
  });

  describe('a topic and a secret that exist without the stage tags', () => {
    const app = uniqueApp('tpsa');
    const topic = `${app}-${stage}-legacy`;
    const secret = `${app}-${stage}-legacy-creds`;
    let topicArn: string;
    let secretArn: string;
    let dir: string;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

    beforeAll(async () => {
      topicArn = (await sns().send(new CreateTopicCommand({ Name: topic, Tags: [{ Key: 'owner', Value: 'bash' }] }))).TopicArn ?? '';
      secretArn = (await sm().send(new CreateSecretCommand({ Name: secret, Tags: [{ Key: 'owner', Value: 'bash' }] }))).ARN ?? '';
      await sm().send(new PutSecretValueCommand({ SecretId: secret, SecretString: 'from-bash' }));
      dir = await fleetDir(
        app,
        HANDLER,
        `  resources: {
    legacy: { type: 'topic' },
    'legacy-creds': { type: 'secret' },
  },
  functions: { worker: { handler: 'src/worker/handler.ts' } },`,
      );
    });

    it('stops the run before any write, naming the topic; with the topic adopted, naming the secret', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code).toBe(1);
      expect(d.stderr).toContain(`topic legacy: ${topic} exists, not managed by ops (no ops:app/ops:stage tags)`);
      expect(d.stderr).toContain('adopt: true');
      expect(await lambdaGone(`${app}-${stage}-worker`)).toBe(true);
      expect(await topicTags(topicArn)).toEqual({ owner: 'bash' });

      await edit(`${dir}/ops.config.ts`, (t) => t.replace("legacy: { type: 'topic' }", "legacy: { type: 'topic', adopt: true }"));
      const s = await ops(['deploy', '--yes']);
      expect(s.code).toBe(1);
      expect(s.stderr).toContain(`secret legacy-creds: ${secret} exists, not managed by ops`);
      expect(await topicTags(topicArn)).toEqual({ owner: 'bash' });
      expect(await secretTags(secret)).toEqual({ owner: 'bash' });
    });

    it('with adopt: true both are tagged, not recreated: same ARNs, the secret keeps its value; a second plan is empty', async () => {
      await edit(`${dir}/ops.config.ts`, (t) =>
        t.replace("'legacy-creds': { type: 'secret' }", "'legacy-creds': { type: 'secret', adopt: true }"),
      );
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      // ops's tags are added; the hand-made `owner` stays on both (the config does not name it).
      expect(await topicTags(topicArn)).toEqual({
        owner: 'bash',
        'ops:app': app,
        'ops:stage': stage,
        'ops:resource': 'legacy',
        'ops:adopted': 'true',
      });
      expect((await describeSecret(secret))?.ARN).toBe(secretArn);
      expect(await secretTags(secret)).toEqual({ owner: 'bash', 'ops:app': app, 'ops:stage': stage, 'ops:resource': 'legacy-creds' });
      expect((await sm().send(new GetSecretValueCommand({ SecretId: secret }))).SecretString).toBe('from-bash');
      const again = await ops(['plan']);
      expect(again.stdout + again.stderr).toContain('No changes');
      // ops did not create the topic: destroy deletes it no more than it deletes the secret (topics it made, it does).
      const gone = await ops(['destroy', '--yes']);
      expect(gone.code, gone.stderr).toBe(0);
      expect(gone.stdout + gone.stderr).toContain(`topic ${topic}: kept: ops adopted it, did not create it`);
      expect((await topicTags(topicArn)).owner).toBe('bash');
    });
  });

  it('a FIFO topic (name ending in .fifo) takes content-based deduplication on and off in place', async () => {
    const app = uniqueApp('tpsf');
    const arn = `arn:aws:sns:us-east-1:${ACCOUNT}:${app}-${stage}-orders.fifo`;
    const dir = await fleetDir(
      app,
      HANDLER,
      "  resources: { orders: { type: 'topic', fifo: true, contentBasedDeduplication: true } },\n  functions: { worker: { handler: 'src/worker/handler.ts' } },",
    );
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });
    const attrs = async () => (await sns().send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect(await attrs()).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    await edit(`${dir}/ops.config.ts`, (t) => t.replace('contentBasedDeduplication: true', 'contentBasedDeduplication: false'));
    const plan = await ops(['plan', '--json']);
    expect((plan.json().changes as { id: string }[]).map((c) => c.id)).toEqual([`topic.update:${app}-${stage}-orders.fifo`]);
    expect((await ops(['deploy', '--yes'])).code).toBe(0);
    expect((await attrs()).ContentBasedDeduplication).toBe('false');
    expect((await ops(['plan'])).stdout).toContain('No changes');
  });

  describe("a secret with removal: 'destroy'", () => {
    const app = uniqueApp('tpsd');
    const secret = `${app}-${stage}-token`;
    let dir: string;
    const ops = (args: string[], stdin?: string) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv, stdin });

    beforeAll(async () => {
      dir = await fleetDir(
        app,
        HANDLER,
        "  resources: { token: { type: 'secret', removal: 'destroy' } },\n  functions: { worker: { handler: 'src/worker/handler.ts' } },",
      );
    });

    it('is tagged so; a confirmed destroy schedules its deletion (recoverable), and declaring it again restores it with its value', async () => {
      expect((await ops(['deploy', '--yes'])).code).toBe(0);
      expect(await secretTags(secret)).toMatchObject({ 'ops:removal': 'destroy' });
      expect((await ops(['secrets', 'set', 'token', '--stdin'], 's3cr3t')).code).toBe(0);
      const d = await ops(['destroy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout + d.stderr).toContain(`delete secret ${secret} (removal: destroy): recoverable for 30 days`);
      expect((await describeSecret(secret))?.DeletedDate).toBeDefined();

      const plan = await ops(['plan', '--json']);
      expect((plan.json().changes as { id: string }[]).map((c) => c.id)).toContain(`secret.restore:${secret}`);
      expect((await ops(['deploy', '--yes'])).code).toBe(0);
      expect((await describeSecret(secret))?.DeletedDate).toBeUndefined();
      expect((await sm().send(new GetSecretValueCommand({ SecretId: secret }))).SecretString).toBe('s3cr3t');
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });
  });

  it('a fleet that declares no resources makes no SNS or Secrets Manager call, on a deploy or a no-op deploy', async () => {
    const dir = await fleetDir(uniqueApp('tpsn'), HANDLER, "  functions: { worker: { handler: 'src/worker/handler.ts' } },");
    const proxy = await emu.proxy();
    for (let i = 0; i < 2; i++) {
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(d.code, d.stderr).toBe(0);
    }
    expect(proxy.requests.some((r) => r.service === 'lambda')).toBe(true);
    expect(proxy.requests.filter((r) => r.service === 'sns' || r.service === 'secretsmanager')).toEqual([]);
  });
});
