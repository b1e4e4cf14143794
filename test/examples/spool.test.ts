import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stub, type StubReply, type StubRequest, startStub } from '../functions/support/helpers.js';
import { type EmulatorClientConfig, useEmulator } from '../support/emulator.js';
import {
  bodyOf,
  copyExample,
  expectNoDrift,
  invokeLocal,
  kindsFor,
  type Ops,
  opsFor,
  planJson,
  planResources,
  resolvedConfig,
  setParams,
  settingsOf,
  smokeLocal,
  uniqueStage,
  writeLocalEnv,
} from './support.js';

/** The seed's ids, in examples/spool/ops.config.ts. */
const SEED_SUBNETS = ['subnet-0abc1234def567890', 'subnet-0abc1234def567891'];
const SEED_SECURITY_GROUPS = ['sg-0abc1234def567890'];

/**
 * moto cannot make a subnet with a chosen id, and the deploy preflight checks that the configured
 * ones exist and share a VPC (as AWS would): the test makes one VPC and puts its ids in the copy.
 */
async function useRealVpc(dir: string, client: EmulatorClientConfig): Promise<{ subnets: string[]; securityGroups: string[] }> {
  const ec2 = new EC2Client(client);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.78.0.0/16' }))).Vpc?.VpcId;
  const subnet = async (cidr: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr }))).Subnet?.SubnetId ?? '';
  const subnets = [await subnet('10.78.1.0/24'), await subnet('10.78.2.0/24')];
  const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `spool-${Date.now()}`, Description: 'spool rds', VpcId: vpc }));
  const securityGroups = [sg.GroupId ?? ''];
  const file = path.join(dir, 'ops.config.ts');
  let text = await readFile(file, 'utf8');
  [...SEED_SUBNETS, ...SEED_SECURITY_GROUPS].forEach((id, i) => {
    text = text.replace(id, [...subnets, ...securityGroups][i]);
  });
  await writeFile(file, text);
  return { subnets, securityGroups };
}
const ROUTES = ['GET /health', 'POST /api/exercise/generate', 'POST /api/exercise/evaluate', 'POST /api/exercise/remediate'];

/** The model's JSON answer for each kind of request the service makes (told apart by the system prompt). */
function openAiReply(req: StubRequest): StubReply {
  if (req.headers.authorization !== 'Bearer sk-local') return { status: 401, body: { error: { message: 'bad key' } } };
  if (req.path === '/v1/embeddings') return { body: { data: [{ embedding: [0.1, 0.2, 0.3] }] } };
  const system: string = JSON.parse(req.body).messages[0].content;
  const answer = system.includes('practice exercise')
    ? {
        question: 'Square the even numbers of nums with a comprehension.',
        answer_key: '[n * n for n in nums if n % 2 == 0]',
        hints: ['filter with if'],
      }
    : system.includes('grade')
      ? { score: 0.2, correct: false, feedback: 'The filter keeps the odd numbers.' }
      : { explanation: 'n % 2 is truthy for odd numbers.', practice: ['Keep the multiples of 3.', 'Keep the negatives.'] };
  return { body: { choices: [{ message: { role: 'assistant', content: JSON.stringify(answer) } }] } };
}

/** Seed 002: one function in private subnets, params under /spool/..., tagged Environment and Service. */
describe('examples/spool (seed 002)', () => {
  const emu = useEmulator();
  const stage = uniqueStage();
  let dir: string;
  let ops: Ops;
  let SUBNETS: string[];
  let SECURITY_GROUPS: string[];
  /** OpenAI, Pinecone, and a TCP port standing in for the RDS instance. */
  let stub: Stub;

  beforeAll(async () => {
    dir = await copyExample('spool');
    ({ subnets: SUBNETS, securityGroups: SECURITY_GROUPS } = await useRealVpc(dir, emu.clientConfig));
    ops = opsFor(dir, stage, emu.env);
    stub = await startStub((req) => {
      if (req.path.startsWith('/v1/')) return openAiReply(req);
      if (req.headers['api-key'] !== 'pc-local') return { status: 401, body: {} };
      if (req.path === '/indexes/spool-course') return { body: { name: 'spool-course', host: stub.url } };
      if (req.path === '/query') {
        return {
          body: {
            matches: [
              { id: 'py-101#4', score: 0.91, metadata: { text: 'A comprehension may filter: [x for x in xs if cond].' } },
              { id: 'py-101#5', score: 0.83, metadata: { text: 'n % 2 == 0 holds for even n.' } },
            ],
          },
        };
      }
      return { status: 404, body: {} };
    });
    await writeLocalEnv(dir, stage, {
      'openai-api-key': 'sk-local',
      'pinecone-api-key': 'pc-local',
      'postgres-url': `postgresql://spool:pw@127.0.0.1:${new URL(stub.url).port}/spool`,
      environment: 'production',
      'pinecone-index-name': 'spool-course',
      'cors-origins': '["*"]',
    });
  });
  afterAll(() => stub?.close());

  it("stage production reads the seed's keys where they are and serves the seed's /production URL; another stage has its own", async () => {
    const prod = await resolvedConfig(opsFor(dir, 'production', emu.env));
    // All six of the seed's Parameter Store keys, the plain settings too (issue 16 item 7: nothing copied).
    expect(prod.params.map((p) => p.path)).toEqual(
      ['openai-api-key', 'pinecone-api-key', 'postgres-url', 'environment', 'pinecone-index-name', 'cors-origins'].map(
        (n) => `/spool/${n}`,
      ),
    );
    expect(prod.api?.stage).toBe('production');
    const other = await resolvedConfig(ops);
    expect(other.params.map((p) => p.path)).toEqual(
      ['openai-api-key', 'pinecone-api-key', 'postgres-url', 'environment', 'pinecone-index-name', 'cors-origins'].map(
        (n) => `/spool/${stage}/${n}`,
      ),
    );
    expect(other.api?.stage).toBeUndefined();
  });

  it('ops config --json: the function in the VPC, the routes, the /spool params declared and read', async () => {
    const fleet = await resolvedConfig(ops);
    expect(settingsOf(fleet)).toEqual({
      'exercise-service': { runtime: 'python3.12', memory: 1024, timeout: 30, handler: 'lambda_function.lambda_handler' },
    });
    expect(fleet.params.map((p) => [p.name, p.secure])).toEqual([
      ['openai-api-key', true],
      ['pinecone-api-key', true],
      ['postgres-url', true],
      ['environment', false],
      ['pinecone-index-name', false],
      ['cors-origins', false],
    ]);
    const [fn] = fleet.functions;
    expect(fn.routes.map((r) => r.key)).toEqual(ROUTES);
    expect(fn.vpc).toEqual({ subnetIds: SUBNETS, securityGroupIds: SECURITY_GROUPS });
    expect(fn.tags).toMatchObject({ Environment: stage, Service: 'exercise-service' });
    // The plain settings reach the seed's environment variable names; secrets only by parameter name.
    expect(fn.params.filter((p) => p.resolve).map((p) => p.env)).toEqual(['ENVIRONMENT', 'PINECONE_INDEX_NAME', 'CORS_ORIGINS']);
    expect(fn.environment).toMatchObject({ OPS_PARAM_OPENAI_API_KEY: `/spool/${stage}/openai-api-key` });
  });

  describe('ops invoke --local, against local OpenAI, Pinecone and database stand-ins', () => {
    const env = () => ({ OPENAI_BASE_URL: `${stub.url}/v1`, PINECONE_API_URL: stub.url });

    it('health: the database reachable from where the function runs (production), secrets readable', async () => {
      const result = await invokeLocal(ops, 'exercise-service', 'health', env());
      expect([result.statusCode, bodyOf(result)]).toEqual([
        200,
        { status: 'healthy', environment: 'production', checks: { database: 'ok', secrets: 'ok' } },
      ]);
    });

    it('generate: grounded in the nearest passages', async () => {
      const result = await invokeLocal(ops, 'exercise-service', 'generate', env());
      expect(result.statusCode).toBe(200);
      expect(bodyOf(result)).toMatchObject({
        exercise: { topic: 'Python list comprehensions', level: 'beginner', answer_key: '[n * n for n in nums if n % 2 == 0]' },
        sources: ['py-101#4', 'py-101#5'],
      });
      const chat = stub.requests.filter((q) => q.path === '/v1/chat/completions').at(-1);
      expect(JSON.parse(chat?.body ?? '{}').messages[1].content).toContain('A comprehension may filter');
      expect(result.headers['Access-Control-Allow-Origin']).toBe('*');
    });

    it('generate-missing-topic: 400 before any outside call', async () => {
      const before = stub.requests.length;
      const result = await invokeLocal(ops, 'exercise-service', 'generate-missing-topic', env());
      expect([result.statusCode, bodyOf(result)]).toEqual([400, { error: 'topic is required (a non-empty string)' }]);
      expect(stub.requests.length).toBe(before);
    });

    it('evaluate and remediate', async () => {
      const evaluation = bodyOf(await invokeLocal(ops, 'exercise-service', 'evaluate', env()));
      expect(evaluation).toEqual({ evaluation: { score: 0.2, correct: false, feedback: 'The filter keeps the odd numbers.' } });
      const remediation = bodyOf(await invokeLocal(ops, 'exercise-service', 'remediate', env()));
      expect(remediation).toMatchObject({
        remediation: { explanation: 'n % 2 is truthy for odd numbers.' },
        sources: ['py-101#4', 'py-101#5'],
      });
    });

    it('health: an unreachable database makes it unhealthy (503)', async () => {
      const down = { ...env(), OPS_PARAM_VALUE_POSTGRES_URL: 'postgresql://spool:pw@127.0.0.1:1/spool' };
      const result = await invokeLocal(ops, 'exercise-service', 'health', down);
      expect(result.statusCode).toBe(503);
      expect(bodyOf(result).checks.database).toMatch(/^error: 127\.0\.0\.1:1 unreachable/);
    });
  });

  it('ops smoke --local: health (the stand-in database is up) and the bad request hold their expectations', async () => {
    await smokeLocal(ops);
  });

  describe('against the emulator', () => {
    it('sets the /spool params: secrets as SecureStrings through stdin, settings as plain values', async () => {
      await setParams(ops, {
        'openai-api-key': { value: 'sk-test-0123456789', secure: true },
        'pinecone-api-key': { value: 'pc-test-0123456789', secure: true },
        'postgres-url': { value: 'postgresql://spool:s3cret@spool-db.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com:5432/spool', secure: true },
        environment: { value: 'production', secure: false },
        'pinecone-index-name': { value: 'spool-course', secure: false },
        'cors-origins': { value: '["*"]', secure: false },
      });
    });

    it('ops plan on an empty emulator: the function, its role with VPC access, the log group and the HTTP API with four routes', async () => {
      const plan = await planJson(ops);
      expect(kindsFor(plan, 'exercise-service')).toEqual(
        expect.arrayContaining([
          'role.create iam role',
          'function.create lambda function',
          'alias.publish lambda alias',
          'loggroup.create log group',
        ]),
      );
      // Joining the subnets needs the ENI calls on the role: ops adds them because the config has a vpc.
      const role = plan.changes.find((c) => c.kind === 'role.create');
      expect(role?.fields.map((f) => f.to).join('\n')).toContain('ec2:CreateNetworkInterface');
      const routes = plan.changes.filter((c) => c.kind === 'route.create').map((c) => c.resource.name);
      expect(routes.sort()).toEqual([...ROUTES].sort());
      expect(planResources(plan, stage)).toMatchSnapshot();
    });

    it('ops deploy --yes: in the subnets, tagged, with the VPC access policy on its role', async () => {
      const r = await ops(['deploy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      await expectNoDrift(ops);
      const name = `spool-${stage}-exercise-service`;
      const lambda = new LambdaClient(emu.clientConfig);
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
      lambda.destroy();
      expect(fn.Configuration?.VpcConfig).toMatchObject({ SubnetIds: SUBNETS, SecurityGroupIds: SECURITY_GROUPS });
      expect(fn.Tags).toMatchObject({ Environment: stage, Service: 'exercise-service' });
      expect(fn.Configuration?.Environment?.Variables).toMatchObject({
        ENVIRONMENT: 'production',
        PINECONE_INDEX_NAME: 'spool-course',
        CORS_ORIGINS: '["*"]',
      });
      expect(JSON.stringify(fn.Configuration?.Environment?.Variables)).not.toContain('s3cret');
      const iam = new IAMClient(emu.clientConfig);
      const policy = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: 'ops-function' }));
      iam.destroy();
      expect(decodeURIComponent(policy.PolicyDocument ?? '')).toContain('ec2:CreateNetworkInterface');
    });

    it('a second ops plan is empty', async () => {
      const r = await ops(['plan']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  });
});
