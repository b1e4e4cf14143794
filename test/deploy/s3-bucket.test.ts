import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBucket } from '../../src/aws/s3-buckets.js';
import { UserError } from '../../src/errors.js';
import { awsFor } from '../aws/helpers.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import type { RequestInfo, Responder } from '../support/fault-proxy.js';
import { faults } from '../support/fault-proxy.js';
import { edit, fleetDir, uniqueApp } from './fleet.js';

const HANDLER = { 'src/worker/handler.ts': 'export const handler = async () => ({ ok: true });\n' };
const ACCOUNT = '123456789012';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

/**
 * S3 buckets declared in `resources` and S3 object events as triggers (issue 14, items 1, 3, 4 and 5): a fleet
 * deployed and read back with the SDK, planned again with no change, changed in place, kept by `ops destroy`
 * unless `removal: 'destroy'` (a non-empty one only with --allow-data-loss); the notification entries ops
 * does not own survive every put; an existing bucket not made by ops stops the plan before any write, and
 * `adopt: true` tags it without recreating it.
 */
describe('ops deploy: S3 buckets and S3 triggers', () => {
  const emu = useEmulator();
  const s3 = () => new S3Client({ ...emu.clientConfig, forcePathStyle: true });
  const lambda = () => new LambdaClient(emu.clientConfig);
  const exists = (Bucket: string) =>
    s3()
      .send(new HeadBucketCommand({ Bucket }))
      .then(() => true)
      .catch((e: { $metadata?: { httpStatusCode?: number } }) => (e.$metadata?.httpStatusCode === 404 ? false : Promise.reject(e)));
  const tagsOf = async (Bucket: string) =>
    Object.fromEntries(((await s3().send(new GetBucketTaggingCommand({ Bucket }))).TagSet ?? []).map((t) => [t.Key, t.Value]));
  const lambdaEntries = async (Bucket: string) =>
    (await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket }))).LambdaFunctionConfigurations ?? [];

  describe('a fleet with two buckets and an S3-triggered function', () => {
    const app = uniqueApp('bkt');
    const uploads = `${app}-dev-uploads`;
    const scratch = `${app}-dev-scratch`;
    const ext = `${app}-hand-made`;
    const live = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${app}-dev-worker:live`;
    const foreign = {
      Id: 'hand-made',
      LambdaFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:someone-else`,
      Events: ['s3:ObjectRemoved:*' as const],
    };
    let dir: string;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

    beforeAll(async () => {
      // An existing bucket (not declared) whose notification configuration already has someone else's entry.
      await s3().send(new CreateBucketCommand({ Bucket: ext }));
      await s3().send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: ext,
          NotificationConfiguration: { LambdaFunctionConfigurations: [foreign] },
        }),
      );
      dir = await fleetDir(
        app,
        HANDLER,
        `  resources: {
    uploads: {
      type: 'bucket', versioning: true, encryption: 'kms', kmsKeyArn: '${KEY}',
      lifecycle: [{ id: 'tmp', prefix: 'tmp/', expirationDays: 7 }],
      cors: [{ allowOrigins: ['https://example.com'], allowMethods: ['GET', 'PUT'], maxAge: 300 }],
    },
    scratch: { type: 'bucket', removal: 'destroy' },
  },
  functions: {
    worker: {
      handler: 'src/worker/handler.ts',
      uses: { uploads: 'read' },
      triggers: [
        { s3: 'uploads', events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: '.json' },
        { s3: '${ext}', events: ['s3:ObjectCreated:Put'] },
      ],
    },
  },`,
      );
    });

    it('creates the buckets with their settings and the notifications (the foreign entry kept); the next plan is empty', async () => {
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket: uploads }))).Status).toBe('Enabled');
      for (const b of [uploads, scratch]) {
        expect((await s3().send(new GetPublicAccessBlockCommand({ Bucket: b }))).PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        });
      }
      const sse = async (Bucket: string) =>
        (await s3().send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0]
          ?.ApplyServerSideEncryptionByDefault;
      expect(await sse(uploads)).toMatchObject({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY });
      expect(await sse(scratch)).toMatchObject({ SSEAlgorithm: 'AES256' });
      const rules = (await s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket: uploads }))).Rules ?? [];
      expect(rules).toMatchObject([{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 7 } }]);
      expect((await s3().send(new GetBucketCorsCommand({ Bucket: uploads }))).CORSRules).toMatchObject([
        { AllowedOrigins: ['https://example.com'], AllowedMethods: ['GET', 'PUT'], MaxAgeSeconds: 300 },
      ]);
      expect(await tagsOf(uploads)).toMatchObject({ 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'uploads' });
      expect((await tagsOf(scratch))['ops:removal']).toBe('destroy');

      const ours = await lambdaEntries(uploads);
      expect(ours).toHaveLength(1);
      expect(ours[0].Id).toMatch(new RegExp(`^ops-${app}-dev-worker-[0-9a-f]{8}$`));
      expect(ours[0]).toMatchObject({ LambdaFunctionArn: live, Events: ['s3:ObjectCreated:*'] });
      const filter = Object.fromEntries((ours[0].Filter?.Key?.FilterRules ?? []).map((r) => [r.Name?.toLowerCase(), r.Value]));
      expect(filter).toEqual({ prefix: 'in/', suffix: '.json' });
      const extEntries = await lambdaEntries(ext);
      expect(extEntries.map((e) => e.Id)).toEqual(expect.arrayContaining(['hand-made', expect.stringMatching(`^ops-${app}-dev-worker-`)]));
      expect(extEntries).toHaveLength(2);
      expect(extEntries.find((e) => e.Id === 'hand-made')).toMatchObject(foreign);

      const policy = JSON.parse(
        (await lambda().send(new GetPolicyCommand({ FunctionName: `${app}-dev-worker`, Qualifier: 'live' }))).Policy ?? '{}',
      );
      const s3Statements = policy.Statement.filter(
        (s: { Principal?: { Service?: string } }) => s.Principal?.Service === 's3.amazonaws.com',
      );
      expect(
        s3Statements.map((s: { Condition: { ArnLike: Record<string, string> } }) => s.Condition.ArnLike['AWS:SourceArn']).sort(),
      ).toEqual([`arn:aws:s3:::${uploads}`, `arn:aws:s3:::${ext}`].sort());
      expect(s3Statements[0].Condition.StringEquals['AWS:SourceAccount']).toBe(ACCOUNT);

      // `uses: { uploads: 'read' }`: exactly the bucket, its objects and its key; nothing of the other buckets.
      const role = await new IAMClient(emu.clientConfig).send(
        new GetRolePolicyCommand({ RoleName: `${app}-dev-worker`, PolicyName: 'ops-function' }),
      );
      const statements: { Action: string | string[]; Resource: string | string[] }[] = JSON.parse(
        decodeURIComponent(role.PolicyDocument ?? '{}'),
      ).Statement;
      const on = (action: string) => statements.filter((st) => [st.Action].flat().includes(action)).flatMap((st) => [st.Resource].flat());
      expect(on('s3:ListBucket')).toEqual([`arn:aws:s3:::${uploads}`]);
      expect(on('s3:GetObject')).toEqual([`arn:aws:s3:::${uploads}/*`]);
      expect(on('kms:Decrypt')).toEqual([KEY]);
      expect(JSON.stringify(statements)).not.toContain(scratch);

      const again = await ops(['plan']);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain('No changes');
    });

    it('changes versioning in place and prunes the trigger that left: only its entry and permission go', async () => {
      await s3().send(new PutObjectCommand({ Bucket: uploads, Key: 'keep.txt', Body: 'mine' }));
      await edit(`${dir}/ops.config.ts`, (t) =>
        t.replace('versioning: true', 'versioning: false').replace(`        { s3: '${ext}', events: ['s3:ObjectCreated:Put'] },\n`, ''),
      );
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket: uploads }))).Status).toBe('Suspended');
      expect((await lambdaEntries(ext)).map((e) => e.Id)).toEqual(['hand-made']);
      expect(await lambdaEntries(uploads)).toHaveLength(1);
      const policy = JSON.parse(
        (await lambda().send(new GetPolicyCommand({ FunctionName: `${app}-dev-worker`, Qualifier: 'live' }))).Policy ?? '{}',
      );
      expect(JSON.stringify(policy)).not.toContain(`arn:aws:s3:::${ext}`);
      const body = await (await s3().send(new GetObjectCommand({ Bucket: uploads, Key: 'keep.txt' }))).Body?.transformToString();
      expect(body).toBe('mine');
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });

    it('destroy refuses a non-empty bucket with removal destroy in one line, writing nothing; with --allow-data-loss it empties and deletes it and keeps the other', async () => {
      await s3().send(new PutObjectCommand({ Bucket: scratch, Key: 'a.txt', Body: 'x' }));
      const refused = await ops(['destroy', '--yes']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`bucket ${scratch}: not empty: removal 'destroy' deletes it only with --allow-data-loss`);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(await exists(scratch)).toBe(true);
      await lambda().send(new GetFunctionCommand({ FunctionName: `${app}-dev-worker` }));

      const d = await ops(['destroy', '--yes', '--allow-data-loss']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout + d.stderr).toContain(`bucket ${uploads}: kept (holds data)`);
      expect(await exists(scratch)).toBe(false);
      expect(await exists(uploads)).toBe(true);
      expect((await s3().send(new GetObjectCommand({ Bucket: uploads, Key: 'keep.txt' }))).ContentLength).toBe(4);
      expect((await lambdaEntries(ext)).map((e) => e.Id)).toEqual(['hand-made']);
      // The kept bucket no longer notifies the deleted function.
      expect(await lambdaEntries(uploads)).toEqual([]);
    });
  });

  it('a fleet that declares no resources and no S3 trigger makes no S3 call, on a deploy or a no-op deploy', async () => {
    const dir = await fleetDir(uniqueApp('bktnone'), HANDLER, "  functions: { worker: { handler: 'src/worker/handler.ts' } },");
    const proxy = await emu.proxy();
    for (let i = 0; i < 2; i++) {
      const d = await runCli(['deploy', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
      expect(d.code, d.stderr).toBe(0);
    }
    expect(proxy.requests.some((r) => r.service === 'lambda')).toBe(true);
    expect(proxy.requests.filter((r) => r.service === 's3')).toEqual([]);
  });

  describe('a bucket that exists already', () => {
    const app = uniqueApp('bkta');
    const data = `${app}-dev-data`;
    let dir: string;
    const ops = (args: string[]) => runCli(args, { cwd: dir, env: emu.env as NodeJS.ProcessEnv });

    beforeAll(async () => {
      await s3().send(new CreateBucketCommand({ Bucket: data }));
      await s3().send(new PutObjectCommand({ Bucket: data, Key: 'old.txt', Body: 'old' }));
      await s3().send(new PutBucketTaggingCommand({ Bucket: data, Tagging: { TagSet: [{ Key: 'cost-center', Value: '42' }] } }));
      dir = await fleetDir(
        app,
        HANDLER,
        `  resources: { data: { type: 'bucket', versioning: true } },
  functions: { worker: { handler: 'src/worker/handler.ts', triggers: [{ s3: '${app}-nowhere' }] } },`,
      );
    });

    it('an S3 trigger on a bucket neither declared nor existing: one line before any write', async () => {
      const r = await ops(['deploy', '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `functions.worker.triggers.0.s3: bucket ${app}-nowhere is neither a bucket of resources nor an existing bucket`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      await expect(lambda().send(new GetFunctionCommand({ FunctionName: `${app}-dev-worker` }))).rejects.toThrow();
    });

    it('untagged: the plan stops before any write; adopt: true tags it, same bucket, same objects', async () => {
      await edit(`${dir}/ops.config.ts`, (t) => t.replace(`'${app}-nowhere'`, "'data'"));
      const stopped = await ops(['deploy', '--yes']);
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toContain(`bucket data: ${data} exists, not managed by ops (no ops:app/ops:stage tags)`);
      await expect(lambda().send(new GetFunctionCommand({ FunctionName: `${app}-dev-worker` }))).rejects.toThrow();
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket: data }))).Status).toBeUndefined();

      await edit(`${dir}/ops.config.ts`, (t) => t.replace("type: 'bucket',", "type: 'bucket', adopt: true,"));
      const d = await ops(['deploy', '--yes']);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout + d.stderr).toContain(`adopt bucket ${data}`);
      expect(await tagsOf(data)).toEqual({ 'cost-center': '42', 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'data' });
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket: data }))).Status).toBe('Enabled');
      const body = await (await s3().send(new GetObjectCommand({ Bucket: data, Key: 'old.txt' }))).Body?.transformToString();
      expect(body).toBe('old');
      expect((await lambdaEntries(data)).map((e) => e.LambdaFunctionArn)).toEqual([
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${app}-dev-worker:live`,
      ]);
      expect((await ops(['plan'])).stdout).toContain('No changes');
    });
  });

  describe('CreateBucket as AWS answers it (played by the fault proxy: moto in us-east-1 answers a repeated create otherwise)', () => {
    const settings = { versioning: true, encryption: { algorithm: 'AES256' as const }, blockPublicAccess: true, lifecycle: [], cors: [] };
    const own = (app: string) => ({ 'ops:app': app, 'ops:stage': 'dev', 'ops:resource': 'data' });
    const isCreate = (name: string) => (q: RequestInfo) =>
      q.method === 'PUT' && q.path.replace(/\/$/, '') === `/${name}` && ![...q.query.keys()].length;
    const s3Error = (code: string): Responder => ({
      label: code,
      action: () => ({
        kind: 'respond',
        status: 409,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message><RequestId>1</RequestId></Error>`,
      }),
    });

    it('a lost answer, then BucketAlreadyOwnedByYou on the retry: the bucket is ours, tagged and set up', async () => {
      const proxy = await emu.proxy();
      const aws = awsFor(proxy.env);
      const name = `${uniqueApp('bktl')}-dev-data`;
      proxy.addFault({ match: { service: 's3', when: isCreate(name) }, times: 1, respond: faults.dropResponse() });
      proxy.addFault({ match: { service: 's3', when: isCreate(name) }, times: 1, respond: s3Error('BucketAlreadyOwnedByYou') });
      await createBucket(aws, name, settings, own('lost'));
      expect(proxy.requests.filter((q) => q.fault).map((q) => q.fault)).toEqual(['dropResponse', 'BucketAlreadyOwnedByYou']);
      expect(await tagsOf(name)).toEqual(own('lost'));
      expect((await s3().send(new GetBucketVersioningCommand({ Bucket: name }))).Status).toBe('Enabled');
      aws.destroy();
    });

    it('outside us-east-1 the region goes as LocationConstraint (S3 refuses a create without it there)', async () => {
      // Moto takes the region from the endpoint either way: the request itself shows the configuration was sent.
      const proxy = await emu.proxy();
      const aws = awsFor(proxy.env, { region: 'eu-west-1' });
      const name = `${uniqueApp('bkteu')}-dev-data`;
      const bodies: number[] = [];
      const seen = (q: RequestInfo) => {
        if (isCreate(name)(q)) bodies.push(Number(q.headers['content-length'] ?? 0));
        return false;
      };
      proxy.addFault({ match: { service: 's3', when: seen }, respond: faults.dropResponse() });
      await createBucket(aws, name, settings, own('eu'));
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toBeGreaterThan(0);
      const s3eu = new S3Client({ ...emu.clientConfig, region: 'eu-west-1', forcePathStyle: true });
      expect((await s3eu.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint).toBe('eu-west-1');
      aws.destroy();
    });

    it('a name another account owns (BucketAlreadyExists): one line, nothing else written', async () => {
      const proxy = await emu.proxy();
      const aws = awsFor(proxy.env);
      const name = `${uniqueApp('bktx')}-dev-data`;
      proxy.addFault({ match: { service: 's3', when: isCreate(name) }, times: 1, respond: s3Error('BucketAlreadyExists') });
      const e = await createBucket(aws, name, settings, own('x'), 'data').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toBe(
        `bucket ${name} belongs to another AWS account (S3 bucket names are global); nothing was changed`,
      );
      expect(proxy.requests.filter((q) => q.service === 's3' && q.method !== 'GET' && q.method !== 'HEAD')).toHaveLength(1);
      aws.destroy();
    });
  });
});
