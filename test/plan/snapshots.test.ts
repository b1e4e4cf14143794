/**
 * Byte-identical plan snapshots (issue 13): the restructure of issue 13 must leave these files
 * byte-identical: `npx vitest run test/plan/snapshots.test.ts`. Never update them with `-u` to make a
 * refactor pass; a diff here is a behaviour change.
 *
 * For the repo's fleet and every example, on moto: `ops plan` (text and --json) against a fresh stage,
 * then after `ops deploy --yes` and an edited config (settings, environment, routes, triggers,
 * schedules, alarms, a function removed and one added) the same two again, and the destroy plan
 * (`ops destroy` has no dry run: without --yes and without a terminal it prints the plan and refuses).
 * Only what differs between runs is normalised (see `normalise`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  APIGatewayClient,
  GetApiKeysCommand,
  GetDeploymentsCommand,
  GetRestApisCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand, GetIntegrationsCommand } from '@aws-sdk/client-apigatewayv2';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Moto } from '../../src/emulator/moto.js';
import { copyRepoFleet } from '../deploy/fleet.js';
import { startLayerMoto } from '../deploy/layer-moto.js';
import { copyExample, ensureAutoRescueRole, type Ops, opsFor, type ResolvedFleet } from '../examples/support.js';
import type { CliResult } from '../support/cli.js';
import { clientConfigFor, type EmulatorClientConfig, emulatorEnv, useEmulator } from '../support/emulator.js';

/** One stage for every fleet: fixed so that names in the snapshots are, and unused by other tests (they use uniqueStage()). */
const STAGE = 'snap';

/** A config edit: every `from` must be in the file (a stale edit fails instead of snapshotting nothing). */
type Edit = [from: string, to: string];

interface Fleet {
  name: string;
  /** The config's app name: the stage's HTTP API is `<app>-snap`. */
  app: string;
  copy: () => Promise<string>;
  /** What the fleet names outside itself, made on moto as its owner would. */
  outside?: (client: EmulatorClientConfig, dir: string) => Promise<RandomIds | undefined>;
  edits: Edit[];
  layers?: boolean;
}

const fleets: Fleet[] = [
  {
    name: 'tasks',
    app: 'snaptasks',
    copy: () => copyRepoFleet('snaptasks'),
    edits: [
      // memory and timeout
      ['timeout: 600,\n      memory: 1024,', 'timeout: 900,\n      memory: 2048,'],
      // an environment value
      ["AMADEUS_BASE_URL: 'https://test.api.amadeus.com' }", "AMADEUS_BASE_URL: 'https://api.amadeus.com' }"],
      // one route removed
      ["routes: ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'],", "routes: ['POST /tasks', 'GET /tasks'],"],
      // a schedule
      ["schedule: 'rate(5 minutes)'", "schedule: 'rate(10 minutes)'"],
      // async settings
      ['async: { maxRetries: 1, maxEventAgeSeconds: 3600 }', 'async: { maxRetries: 0, maxEventAgeSeconds: 3600 }'],
      // one function removed (gateway), one added (reporter)
      [
        "    gateway: {\n      handler: 'src/functions/gateway/handler.ts',\n      description: 'Small service router behind ANY /api/{proxy+}',\n      routes: ['ANY /api/{proxy+}'],\n    },",
        "    reporter: {\n      handler: 'src/functions/health-check/handler.ts',\n      description: 'Reports on the fleet every hour',\n      memory: 128,\n      triggers: [{ schedule: 'rate(1 hour)' }],\n    },",
      ],
    ],
  },
  {
    name: 'autorescue',
    app: 'autorescue',
    copy: () => copyExample('autorescue'),
    async outside(client) {
      await ensureAutoRescueRole(client);
      return undefined;
    },
    edits: [
      ["defaults: { runtime: 'python3.12', memory: 256, timeout: 30,", "defaults: { runtime: 'python3.12', memory: 512, timeout: 45,"],
      ["SEARCH_DAYS: '3'", "SEARCH_DAYS: '5'"],
      // analyze-disruption removed, rebook added
      ["    'analyze-disruption': {", '    rebook: {'],
      ["description: 'AutoRescue-AnalyzeDisruption: rebooking options over a multi-date search',", "description: 'AutoRescue-Rebook',"],
    ],
  },
  {
    name: 'cloudops-agent',
    app: 'cloudops',
    // Its table, bucket, topics and secret are declared (resources): nothing is made outside.
    copy: () => copyExample('cloudops-agent'),
    edits: [
      ['memory: 512,\n        timeout: 300,', 'memory: 768,\n        timeout: 600,'],
      ["MONITORED_DOMAINS: 'example.com,api.example.com'", "MONITORED_DOMAINS: 'example.com'"],
      ["schedule: 'rate(5 minutes)'", "schedule: 'rate(15 minutes)'"],
      // an alarm: every errors alarm's threshold and period
      [
        'periodSeconds: 300,\n    evaluationPeriods: 1,\n    threshold: 1,',
        'periodSeconds: 60,\n    evaluationPeriods: 1,\n    threshold: 3,',
      ],
      // the SNS trigger removed
      ["        triggers: [{ sns: 'execution-trigger' }],\n", ''],
      // approval-handler (with its route, the API's only one) removed, digest added
      ["      'approval-handler': {", '      digest: {'],
      ["        routes: ['POST /approval'],\n", "        triggers: [{ schedule: 'cron(0 8 * * ? *)' }],\n"],
    ],
  },
  {
    name: 'faas-services',
    app: 'motadata-ai-services',
    copy: () => copyExample('faas-services'),
    layers: true,
    edits: [
      ['memory: 1024,\n      timeout: 60,', 'memory: 2048,\n      timeout: 120,'],
      ["LLM_MODELS: 'gpt-4o-mini,gpt-4o'", "LLM_MODELS: 'gpt-4o-mini'"],
      // a route changed (one removed, one added)
      ["routes: ['ANY /api/v1/agents/{proxy+}'],", "routes: ['ANY /api/v2/agents/{proxy+}'],"],
      // rag-service removed, search-service added (no layer, no params)
      ["    'rag-service': {", "    'search-service': {"],
      ["routes: ['ANY /api/v1/rag/{proxy+}'],", "routes: ['GET /api/v1/search'],"],
      ['      layers: [sdkLayer],\n      params: connections,\n', ''],
    ],
  },
  {
    name: 'spool',
    app: 'spool',
    copy: () => copyExample('spool'),
    // moto cannot make a subnet with a chosen id: one VPC of its own, its ids put into the copy.
    async outside(client, dir) {
      const ec2 = new EC2Client(client);
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.78.0.0/16' }))).Vpc?.VpcId;
      const subnet = async (cidr: string) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr }))).Subnet?.SubnetId;
      // In id order: the plan lists subnets sorted, so random ids in config order would swap at random.
      const ids = [await subnet('10.78.1.0/24'), await subnet('10.78.2.0/24')].sort();
      const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'snap-spool', Description: 'snapshots', VpcId: vpc }));
      ec2.destroy();
      await editFile(path.join(dir, 'ops.config.ts'), [
        ['subnet-0abc1234def567890', ids[0] ?? ''],
        ['subnet-0abc1234def567891', ids[1] ?? ''],
        ['sg-0abc1234def567890', sg.GroupId ?? ''],
      ]);
      return new Map([
        [vpc ?? '', '<vpc-id 10.78.0.0/16>'],
        [ids[0] ?? '', '<subnet-id first>'],
        [ids[1] ?? '', '<subnet-id second>'],
        [sg.GroupId ?? '', '<security-group-id snap-spool>'],
      ]);
    },
    edits: [
      ['memory: 1024,\n        timeout: 30,', 'memory: 1536,\n        timeout: 29,'],
      ["Service: 'exercise-service'", "Service: 'exercise'"],
      ["routes: ['GET /health', ", 'routes: ['],
      // the only function cannot go without emptying the fleet: one is added instead
      [
        '    functions: {\n',
        "    functions: {\n      admin: { handler: 'exercise_service/lambda_function.lambda_handler', routes: ['GET /admin'], environment: { MODE: 'admin' } },\n",
      ],
    ],
  },
  {
    name: 'valro',
    app: 'valro',
    copy: () => copyExample('valro'),
    async outside(client) {
      const sqs = new SQSClient(client);
      await sqs.send(new CreateQueueCommand({ QueueName: 'valro-worker-failures' }));
      sqs.destroy();
      return undefined;
    },
    edits: [
      // a declared table's setting
      ["tasks: { type: 'table', partitionKey: 'id',", "tasks: { type: 'table', partitionKey: 'id', pointInTimeRecovery: true,"],
      ["routes: ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'],", "routes: ['POST /tasks', 'GET /tasks'],"],
      // worker removed (and backend's invoke of it), poller added
      ["        invokes: ['worker'],\n", ''],
      ['      worker: {', '      poller: {'],
      ['memory: 1024,\n        timeout: 600,', 'memory: 512,\n        timeout: 300,'],
      ['async: { maxRetries: 1,', 'async: { maxRetries: 2,'],
    ],
  },
];

async function editFile(file: string, edits: Edit[]): Promise<void> {
  let text = await readFile(file, 'utf8');
  for (const [from, to] of edits) {
    expect(text.includes(from), `${file} has no ${JSON.stringify(from)}`).toBe(true);
    text = text.replace(from, to);
  }
  await writeFile(file, text);
}

/** Every declared param set through `ops params set`, values fixed so that resolved ones snapshot the same. */
async function setAllParams(ops: Ops): Promise<void> {
  const config = await ops(['config', '--json']);
  expect(config.code, config.stderr).toBe(0);
  for (const p of config.json<ResolvedFleet>().params) {
    const value = /url/.test(p.name) ? 'https://example.com/x' : `value-of-${p.name.replace(/\W/g, '-')}`;
    const r = p.secure ? await ops(['params', 'set', p.name, '--stdin'], { stdin: value }) : await ops(['params', 'set', p.name, value]);
    expect(r.code, `${p.name}: ${r.stderr}`).toBe(0);
  }
}

/** moto's random ids a fleet's output may hold, each with the stable name it stands for. */
type RandomIds = Map<string, string>;

/** The ids moto gave the stage's HTTP API and its integrations (named by API name / integration target). */
async function apiIds(client: EmulatorClientConfig, apiName: string): Promise<RandomIds> {
  const apigw = new ApiGatewayV2Client(client);
  const ids: RandomIds = new Map();
  try {
    for (const api of (await apigw.send(new GetApisCommand({}))).Items ?? []) {
      if (api.Name !== apiName || !api.ApiId) continue;
      ids.set(api.ApiId, `<api-id ${apiName}>`);
      for (const i of (await apigw.send(new GetIntegrationsCommand({ ApiId: api.ApiId }))).Items ?? []) {
        const target = i.IntegrationUri?.split(':function:')[1] ?? i.IntegrationUri;
        if (i.IntegrationId) ids.set(i.IntegrationId, `<integration-id ${target}>`);
      }
    }
  } finally {
    apigw.destroy();
  }
  return ids;
}

/** The ids moto gave the stage's REST API, its API keys and usage plans (named by their names). */
async function restIds(client: EmulatorClientConfig, apiName: string): Promise<RandomIds> {
  const apigw = new APIGatewayClient(client);
  const ids: RandomIds = new Map();
  try {
    for (const a of (await apigw.send(new GetRestApisCommand({ limit: 500 }))).items ?? []) {
      if (a.name !== apiName || !a.id) continue;
      ids.set(a.id, `<rest-api-id ${apiName}>`);
      // The stage's deployment (an update plan names the one it replaces), in the order they were made.
      const deployments = (await apigw.send(new GetDeploymentsCommand({ restApiId: a.id, limit: 500 }))).items ?? [];
      deployments.sort((x, y) => (x.createdDate?.getTime() ?? 0) - (y.createdDate?.getTime() ?? 0));
      for (const [i, d] of deployments.entries()) if (d.id) ids.set(d.id, `<deployment-id ${apiName} #${i + 1}>`);
    }
    for (const k of (await apigw.send(new GetApiKeysCommand({ limit: 500 }))).items ?? [])
      if (k.name?.startsWith(`${apiName}-`) && k.id) ids.set(k.id, `<api-key-id ${k.name}>`);
    for (const p of (await apigw.send(new GetUsagePlansCommand({ limit: 500 }))).items ?? [])
      if (p.name?.startsWith(`${apiName}-`) && p.id) ids.set(p.id, `<usage-plan-id ${p.name}>`);
  } finally {
    apigw.destroy();
  }
  return ids;
}

/**
 * What differs between two runs, and nothing else: the temp copy's directory and the ids moto makes
 * up (VPC ids made in `outside`, the HTTP API's and its integrations'), each replaced exactly.
 * Plans hold no timestamps or durations.
 */
function normalise(text: string, dir: string, ids: RandomIds): string {
  let out = text.split(dir).join('<dir>');
  for (const [id, name] of ids) out = out.replace(new RegExp(`\\b${id}\\b`, 'g'), name);
  return out;
}

/** Exit code, stdout and stderr as one snapshot text. */
const shown = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

describe('plan snapshots (issue 13: the restructure changes no plan)', () => {
  const emu = useEmulator();
  let layerMoto: Moto | undefined;
  afterAll(() => layerMoto?.stop());

  for (const fleet of fleets) {
    it(fleet.name, async () => {
      let env = emu.env;
      let client = emu.clientConfig;
      if (fleet.layers) {
        layerMoto = await startLayerMoto();
        env = emulatorEnv(layerMoto.url);
        client = clientConfigFor(layerMoto.url);
      }
      const dir = await fleet.copy();
      const outsideIds = (await fleet.outside?.(client, dir)) ?? new Map();
      const ops = opsFor(dir, STAGE, env);
      const snap = async (args: string[], file: string, code: number) => {
        const r = await ops(args);
        expect(r.code, r.stderr).toBe(code);
        const apiName = `${fleet.app}-${STAGE}`;
        const ids = new Map([...outsideIds, ...(await apiIds(client, apiName)), ...(await restIds(client, apiName))]);
        await expect(normalise(shown(r), dir, ids)).toMatchFileSnapshot(`__snapshots__/${fleet.name}-${file}.txt`);
      };

      await setAllParams(ops);
      await snap(['plan'], 'create-plan', 2);
      await snap(['plan', '--json'], 'create-plan-json', 2);
      const deployed = await ops(['deploy', '--yes']);
      expect(deployed.code, deployed.stderr).toBe(0);

      await editFile(path.join(dir, 'ops.config.ts'), fleet.edits);
      await snap(['plan'], 'update-plan', 2);
      await snap(['plan', '--json'], 'update-plan-json', 2);
      // The destroy plan of what is deployed, printed before the refusal (no terminal, no --yes).
      await snap(['destroy'], 'destroy-plan', 1);
    }, 120_000);
  }
});
