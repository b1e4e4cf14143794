// The fault matrix (issue 11): each scenario deploys a small fleet to a fresh stage while the fault proxy
// makes AWS misbehave, then checks that the deploy converged or failed cleanly and converges on a re-run,
// and that `ops destroy` removes everything tagged for the stage and nothing untagged. No vitest here:
// test/faults/matrix.test.ts runs one trial of each, bench/faults.mjs (bundled with esbuild) runs many.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ApiGatewayV2Client, GetApisCommand, GetIntegrationsCommand } from '@aws-sdk/client-apigatewayv2';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand as ListAlarmTags,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTags,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand as ListRuleTags,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient, ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { awsErrorResponse, type FaultProxy, faults, type Responder, startFaultProxy } from '../support/fault-proxy.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

// ---------------------------------------------------------------- running ops

export interface OpsResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the process was killed (by a scenario, or by the watchdog). */
  signal?: string;
  /** The watchdog killed it: it did not end within `timeoutMs`. */
  hung?: boolean;
}

export interface OpsOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Watchdog for spawned runs (an in-process run cannot be stopped: the test's timeout bounds it). */
  timeoutMs?: number;
}

/** Runs one `ops` command to its end: in-process in the test tier, as the built bin/ops in the bench. */
export type OpsRunner = (args: string[], opts: OpsOptions) => Promise<OpsResult>;

export interface RunningOps {
  child: ChildProcess;
  done: Promise<OpsResult>;
}

/** Starts the built `bin/ops` (needs `npm run build`); `done` settles when it exits, whatever the cause. */
export function startOps(bin: string, args: string[], opts: OpsOptions): RunningOps {
  const env = Object.fromEntries(
    Object.entries({ ...process.env, NO_COLOR: '1', CI: 'true', ...opts.env }).filter(([, v]) => v !== undefined),
  );
  const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let hung = false;
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const watchdog = opts.timeoutMs
    ? setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs)
    : undefined;
  const done = new Promise<OpsResult>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, stdout, stderr, ...(signal ? { signal } : {}), ...(hung ? { hung } : {}) });
    });
  });
  return { child, done };
}

export const spawnRunner =
  (bin: string): OpsRunner =>
  (args, opts) =>
    startOps(bin, args, opts).done;

/** Environment pointing ops (or an SDK client) at `endpoint` with dummy credentials and no ~/.aws files. */
export function awsEnv(endpoint: string): Record<string, string | undefined> {
  const nowhere = path.join(tmpdir(), 'ops-emulator-no-aws-files', 'none');
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
  };
}

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  maxAttempts: 5,
});

/**
 * What a user can act on: exit non-zero with an `error:` line or the deploy's failure summary, and neither
 * the "internal error … please report it" of a bug in ops nor a stack trace. `undefined` when clean.
 */
export function uncleanError(r: OpsResult): string | undefined {
  if (r.hung) return 'hung: killed by the watchdog';
  if (/internal error|please report/i.test(r.stderr)) return `an internal error: ${firstLines(r.stderr)}`;
  if (/^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m.test(r.stderr)) return `a stack trace: ${firstLines(r.stderr)}`;
  if (!/^(error:|.*\bchanges? failed\b)/im.test(r.stderr)) return `no error line: ${firstLines(r.stderr) || '(empty stderr)'}`;
  return undefined;
}

/** The line a user reads first: the `error:` line, else the failure summary, else the last line. */
export function errorLine(r: OpsResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  return (lines.find((l) => /^error:/.test(l)) ?? lines.find((l) => /changes? failed/.test(l)) ?? lines.at(-1) ?? '').trim();
}

const firstLines = (text: string) => text.trim().split('\n').slice(-4).join(' | ').slice(0, 400);

// ---------------------------------------------------------------- the fleet

/** A small fleet: a routed function and a scheduled one with an alarm on its errors (topic made by `prepareApp`). */
export async function matrixFleet(app: string, topicArn: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-fm-${app}-`));
  for (const fn of ['api', 'cron']) {
    await mkdir(path.join(dir, 'src', fn), { recursive: true });
    await writeFile(
      path.join(dir, 'src', fn, 'handler.ts'),
      `export const handler = async (e: unknown) => ({ statusCode: 200, body: '${fn}' });\n`,
    );
  }
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet } from 'ops';
export default defineFleet({
  app: '${app}',
  region: '${REGION}',
  functions: {
    api: { handler: 'src/api/handler.ts', routes: ['GET /items', 'POST /items'], memory: 256 },
    cron: {
      handler: 'src/cron/handler.ts',
      triggers: [{ schedule: 'rate(5 minutes)' }],
      alarms: [{ metric: 'Errors', threshold: 1, snsTopicArn: '${topicArn}' }],
    },
  },
});
`,
  );
  return dir;
}

/** The functions of `matrixFleet` that have routes (one integration and one API permission each). */
const ROUTED = ['api'];

/** The alarm topic lives outside ops, as a user's would: created once per app. */
export async function prepareApp(motoUrl: string, app: string): Promise<{ topicArn: string }> {
  const sns = new SNSClient(clientConfig(motoUrl));
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `${app}-alerts` }))).TopicArn!;
  return { topicArn };
}

// ---------------------------------------------------------------- what the account holds

/** Untagged things named like the stage's own: ops must report them as foreign and never change them. */
export interface Lookalikes {
  names: string[];
  missing(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function createLookalikes(motoUrl: string, app: string, stage: string): Promise<Lookalikes> {
  const cfg = clientConfig(motoUrl);
  const base = `${app}-${stage}-legacy`;
  const iam = new IAMClient(cfg);
  const lambda = new LambdaClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  const events = new EventBridgeClient(cfg);
  const cw = new CloudWatchClient(cfg);
  // A hand-made role under ops's path for the stage (issue 11 defect 2), used by a hand-made function.
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  const role = await iam.send(
    new CreateRoleCommand({ RoleName: base, Path: `/ops/${app}/${stage}/`, AssumeRolePolicyDocument: JSON.stringify(trust) }),
  );
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: base,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: role.Role!.Arn!,
      Code: { ZipFile: storedZip('index.mjs', 'export const handler = async () => "legacy";\n') },
    }),
  );
  // Its log group (defect 1: deleted by prefix), a schedule rule and an alarm named like the stage's.
  await logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${base}` })).catch(ignoreExists);
  await events.send(new PutRuleCommand({ Name: `${base}-nightly`, ScheduleExpression: 'cron(0 3 * * ? *)', State: 'DISABLED' }));
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: `${base}-Errors-1`,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: base }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  const checks: [string, () => Promise<boolean>][] = [
    [`role ${base}`, async () => (await listAll(iam, `/ops/${app}/${stage}/`)).some((r) => r.RoleName === base)],
    [`function ${base}`, () => exists(() => lambda.send(new GetFunctionCommand({ FunctionName: base })))],
    [
      `log group /aws/lambda/${base}`,
      async () =>
        ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${base}` }))).logGroups ?? []).some(
          (g) => g.logGroupName === `/aws/lambda/${base}`,
        ),
    ],
    [
      `rule ${base}-nightly`,
      async () => ((await events.send(new ListRulesCommand({ NamePrefix: `${base}-nightly` }))).Rules ?? []).length === 1,
    ],
    [
      `alarm ${base}-Errors-1`,
      async () => ((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [`${base}-Errors-1`] }))).MetricAlarms ?? []).length === 1,
    ],
  ];
  return {
    names: checks.map(([name]) => name),
    async missing() {
      const present = await Promise.all(checks.map(([, check]) => check()));
      return checks.filter((_, i) => !present[i]).map(([name]) => name);
    },
    async remove() {
      const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
      await Promise.all([
        quiet(lambda.send(new DeleteFunctionCommand({ FunctionName: base }))),
        quiet(logs.send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${base}` }))),
        quiet(events.send(new DeleteRuleCommand({ Name: `${base}-nightly` }))),
        quiet(cw.send(new DeleteAlarmsCommand({ AlarmNames: [`${base}-Errors-1`] }))),
      ]);
      await quiet(iam.send(new DeleteRoleCommand({ RoleName: base })));
    },
  };
}

/** Everything in the account tagged `ops:app`=app and `ops:stage`=stage, read with the SDK: `kind name` each. */
export async function taggedForStage(motoUrl: string, app: string, stage: string): Promise<string[]> {
  const cfg = clientConfig(motoUrl);
  const ours = (tags: Record<string, string | undefined> | undefined) => tags?.['ops:app'] === app && tags?.['ops:stage'] === stage;
  const fromList = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));
  const found: string[] = [];
  const lambda = new LambdaClient(cfg);
  for (let marker: string | undefined, first = true; first || marker; first = false) {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    for (const f of (page.Functions ?? []).filter((f) => f.FunctionName?.startsWith(`${app}-`))) {
      const tags = await lambda.send(new ListTagsCommand({ Resource: f.FunctionArn })).catch(() => undefined);
      if (ours(tags?.Tags)) found.push(`function ${f.FunctionName}`);
    }
    marker = page.NextMarker;
  }
  const iam = new IAMClient(cfg);
  for (const r of (await listAll(iam, '/')).filter((r) => r.RoleName?.startsWith(`${app}-`) || r.Path?.includes(`/${app}/`))) {
    const tags = await iam.send(new ListRoleTagsCommand({ RoleName: r.RoleName })).catch(() => undefined);
    if (ours(fromList(tags?.Tags))) found.push(`role ${r.RoleName}`);
  }
  const logs = new CloudWatchLogsClient(cfg);
  for (const g of (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${app}-` }))).logGroups ?? []) {
    const arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${g.logGroupName}`;
    const tags = await logs.send(new ListLogTags({ resourceArn: arn })).catch(() => undefined);
    if (ours(tags?.tags)) found.push(`log group ${g.logGroupName}`);
  }
  const apis = (await new ApiGatewayV2Client(cfg).send(new GetApisCommand({}))).Items ?? [];
  for (const a of apis.filter((a) => ours(a.Tags))) found.push(`api ${a.Name} ${a.ApiId}`);
  const events = new EventBridgeClient(cfg);
  for (const r of (await events.send(new ListRulesCommand({ NamePrefix: `${app}-` }))).Rules ?? []) {
    const tags = await events.send(new ListRuleTags({ ResourceARN: r.Arn })).catch(() => undefined);
    if (ours(fromList(tags?.Tags))) found.push(`rule ${r.Name}`);
  }
  const cw = new CloudWatchClient(cfg);
  for (const a of (await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${app}-` }))).MetricAlarms ?? []) {
    const tags = await cw.send(new ListAlarmTags({ ResourceARN: a.AlarmArn })).catch(() => undefined);
    if (ours(fromList(tags?.Tags))) found.push(`alarm ${a.AlarmName}`);
  }
  // The fleet has no params of its own: a tagged parameter left is the stage's lease, not released.
  const ssm = new SSMClient(cfg);
  const filters = [
    { Key: 'tag:ops:app', Values: [app] },
    { Key: 'tag:ops:stage', Values: [stage] },
  ];
  for (const p of (await ssm.send(new DescribeParametersCommand({ ParameterFilters: filters }))).Parameters ?? [])
    found.push(`parameter ${p.Name}`);
  return found;
}

/** Issue 11 defect 3: one stage has one API, one integration per routed function, one API permission each. */
export async function apiDuplicates(motoUrl: string, app: string, stage: string): Promise<string[]> {
  const cfg = clientConfig(motoUrl);
  const gw = new ApiGatewayV2Client(cfg);
  const apis = ((await gw.send(new GetApisCommand({}))).Items ?? []).filter((a) => a.Name === `${app}-${stage}`);
  if (apis.length !== 1) return [`${apis.length} APIs named ${app}-${stage} (${apis.map((a) => a.ApiId).join(', ')})`];
  const problems: string[] = [];
  const integrations = (await gw.send(new GetIntegrationsCommand({ ApiId: apis[0].ApiId }))).Items ?? [];
  if (integrations.length !== ROUTED.length) problems.push(`${integrations.length} integrations for ${ROUTED.length} routed function(s)`);
  const lambda = new LambdaClient(cfg);
  for (const fn of ROUTED) {
    const policy = await lambda
      .send(new GetPolicyCommand({ FunctionName: `${app}-${stage}-${fn}`, Qualifier: 'live' }))
      .catch(() => undefined);
    const statements = (JSON.parse(policy?.Policy ?? '{"Statement":[]}').Statement ?? []) as { Principal?: { Service?: string } }[];
    const fromApi = statements.filter((s) => s.Principal?.Service === 'apigateway.amazonaws.com').length;
    if (fromApi !== 1) problems.push(`${fromApi} API permissions on ${fn}:live`);
  }
  return problems;
}

async function listAll(iam: IAMClient, pathPrefix: string) {
  const roles = [];
  for (let marker: string | undefined, first = true; first || marker; first = false) {
    const page = await iam.send(new ListRolesCommand({ PathPrefix: pathPrefix, Marker: marker }));
    roles.push(...(page.Roles ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  }
  return roles;
}

const exists = (call: () => Promise<unknown>) =>
  call().then(
    () => true,
    () => false,
  );
const ignoreExists = (e: { name?: string }) => {
  if (e.name !== 'ResourceAlreadyExistsException') throw e;
};

/** A one-file zip (stored, not deflated): enough for CreateFunction. */
function storedZip(name: string, content: string): Uint8Array {
  const data = Buffer.from(content);
  const file = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + file.length, 12);
  end.writeUInt32LE(30 + file.length + data.length, 16);
  return Buffer.concat([local, file, data, central, file, end]);
}

// ---------------------------------------------------------------- scenarios

export interface Trial {
  app: string;
  stage: string;
  dir: string;
  motoUrl: string;
  proxy: FaultProxy;
  /** Straight to the emulator. */
  direct: Record<string, string | undefined>;
  /** Through the fault proxy. */
  faulty: Record<string, string | undefined>;
  rng: () => number;
  env: MatrixEnv;
  /** This scenario's extra environment for ops. */
  opsEnv: Record<string, string>;
  /** Findings to report (e.g. where a kill landed). */
  notes: string[];
}

export interface Scenario {
  name: string;
  /** How the fault is injected, for docs/reliability.md. */
  injection: string;
  /** Runs the faulted command(s): one result per `ops deploy` started. */
  act(t: Trial): Promise<OpsResult[]>;
  /** Checks after convergence beyond `ops plan` exit 0. */
  verify?(t: Trial): Promise<string[]>;
  /** Faults on the first `ops destroy`: it must then fail cleanly or destroy everything. */
  destroyFaults?(proxy: FaultProxy): void;
}

export interface MatrixEnv {
  /** moto (or a counting proxy in front of it). */
  motoUrl: string;
  /** For the steps around the fault: in-process in the test tier. */
  ops: OpsRunner;
  /** The built bin/ops, for the scenarios that need a real process. */
  bin: string;
  /** Watchdog for each spawned ops run. */
  spawnTimeoutMs: number;
  /** Extra environment for every ops run of a scenario, by name (e.g. `silent`: a short OPS_AWS_TIMEOUT in the test tier). */
  scenarioEnv?: Record<string, Record<string, string>>;
}

/** The cold deploy, through the proxy with `install` applied: the usual first step. */
const deployWith =
  (install: (proxy: FaultProxy, rng: () => number) => void, how: 'ops' | 'spawn' = 'ops') =>
  async (t: Trial): Promise<OpsResult[]> => {
    install(t.proxy, t.rng);
    const args = ['deploy', '--yes', '--stage', t.stage];
    const opts = { cwd: t.dir, env: { ...t.faulty, ...t.opsEnv }, timeoutMs: t.env.spawnTimeoutMs };
    return [how === 'ops' ? await t.env.ops(args, opts) : await startOps(t.env.bin, args, opts).done];
  };

const share = (rng: () => number, p: number) => () => rng() < p;

/** AWS 5xx in each protocol, half 500 (Lambda `ServiceException`, else `InternalFailure`), half 503. */
const serverError = (rng: () => number): Responder => ({
  label: '5xx',
  action: (request) =>
    awsErrorResponse(
      request,
      rng() < 0.5
        ? {
            code: request.service === 'lambda' ? 'ServiceException' : 'InternalFailure',
            message: 'internal failure (injected)',
            status: 500,
          }
        : { code: 'ServiceUnavailable', message: 'Service Unavailable (injected)', status: 503 },
    ),
});

/**
 * A cold deploy of `matrixFleet` makes about 75 requests: the lease, the reads and the writes up to about the 46th,
 * then the verification read and the lease's release. Kill points are drawn from 1..50: everything that writes.
 */
export const COLD_DEPLOY_REQUESTS = 50;

export const scenarios: Scenario[] = [
  {
    name: 'throttling',
    injection:
      "30 % of all requests (reads and writes, every service) answer the service's throttling error (Lambda 429 with Retry-After, IAM `Throttling`, JSON `ThrottlingException`)",
    act: deployWith((proxy, rng) => proxy.addFault({ match: { when: share(rng, 0.3) }, respond: faults.throttling() })),
  },
  {
    name: '5xx',
    injection:
      "20 % of all requests answer 500 (`ServiceException`/`InternalFailure`) or 503 `ServiceUnavailable` in the service's protocol; moto never sees them",
    act: deployWith((proxy, rng) => proxy.addFault({ match: { when: share(rng, 0.2) }, respond: serverError(rng) })),
  },
  {
    name: 'reset',
    injection: '20 % of all requests: the connection is closed before the request reaches moto (nothing applied, no answer)',
    act: deployWith((proxy, rng) => proxy.addFault({ match: { when: share(rng, 0.2) }, respond: faults.dropConnection() })),
  },
  {
    name: 'latency',
    injection: '15 % of all requests wait 1.5 s before being forwarded (latency spikes)',
    act: deployWith((proxy, rng) => proxy.addFault({ match: { when: share(rng, 0.15) }, respond: faults.delay(1500) })),
  },
  {
    name: 'html',
    injection:
      'every IAM request answers `200 text/html` (a sign-in page, as a captive portal or a misrouted proxy does) during the cold deploy and again during the first destroy',
    act: deployWith((proxy) => proxy.addFault({ match: { service: 'iam' }, respond: faults.html() })),
    destroyFaults: (proxy) => proxy.addFault({ match: { service: 'iam' }, respond: faults.html() }),
  },
  {
    name: 'silent',
    injection: 'every Lambda request is accepted and never answered during the cold deploy (the real bin/ops, with a watchdog)',
    act: deployWith((proxy) => proxy.addFault({ match: { service: 'lambda' }, respond: faults.silent() }), 'spawn'),
  },
  {
    // The endpoint falls silent mid-apply, on a write sent once.
    name: 'silent-write',
    injection:
      'the first `lambda.PublishVersion` of the cold deploy (after the roles, the API and the functions) is accepted and never answered; it never reaches moto; the real bin/ops',
    act: deployWith(
      (proxy) => proxy.addFault({ match: { service: 'lambda', operation: 'PublishVersion' }, times: 1, respond: faults.silent() }),
      'spawn',
    ),
  },
  {
    name: 'silent-upload',
    injection:
      'the first `lambda.CreateFunction` of the cold deploy (a zip upload) is accepted and never answered; it never reaches moto; the real bin/ops',
    act: deployWith(
      (proxy) => proxy.addFault({ match: { service: 'lambda', operation: 'CreateFunction' }, times: 1, respond: faults.silent() }),
      'spawn',
    ),
  },
  {
    name: 'kill',
    injection: `the real bin/ops is killed with SIGKILL while request k of the cold deploy is in flight, k uniform in 1..${COLD_DEPLOY_REQUESTS} (the held request then reaches moto)`,
    async act(t) {
      const k = 1 + Math.floor(t.rng() * COLD_DEPLOY_REQUESTS);
      let seen = 0;
      const hold = t.proxy.addFault({ match: { when: () => ++seen === k }, respond: faults.delay(300) });
      const run = startOps(t.env.bin, ['deploy', '--yes', '--stage', t.stage], {
        cwd: t.dir,
        env: { ...t.faulty, ...t.opsEnv },
        timeoutMs: t.env.spawnTimeoutMs,
      });
      const exited = run.done.then(() => true);
      while (hold.hits === 0 && !(await Promise.race([exited, sleep(10).then(() => false)]))) {}
      if (hold.hits > 0) {
        run.child.kill('SIGKILL');
        const at = t.proxy.requests[k - 1];
        t.notes.push(`killed at request ${k} (${at?.service}.${at?.operation})`);
      } else t.notes.push(`the deploy ended after ${t.proxy.requestCount} requests, before request ${k}: not killed`);
      const result = await run.done;
      await sleep(400); // the held request reaches moto after the kill, as one in flight would
      return [result];
    },
  },
  {
    name: 'concurrent',
    injection: 'two real `ops deploy --yes` of the same fresh stage started at the same moment',
    async act(t) {
      const args = ['deploy', '--yes', '--stage', t.stage];
      const opts = { cwd: t.dir, env: { ...t.direct, ...t.opsEnv }, timeoutMs: t.env.spawnTimeoutMs };
      return Promise.all([startOps(t.env.bin, args, opts).done, startOps(t.env.bin, args, opts).done]);
    },
    verify: (t) => apiDuplicates(t.motoUrl, t.app, t.stage),
  },
];

// ---------------------------------------------------------------- one trial

/** How the deploy part ended (the destroy and the lookalikes are judged apart). */
export type Outcome = 'converged' | 'clean error, then converged' | 'killed, then converged' | 'did not converge';

export interface TrialResult {
  scenario: string;
  stage: string;
  seed: number;
  outcome: Outcome;
  /** `ops destroy --yes` exited 0 (a faulted one failed cleanly or destroyed all) and nothing tagged for the stage is left. */
  destroyClean: boolean;
  /** Every untagged lookalike is still there. */
  lookalikesIntact: boolean;
  /** The first line a user read when the faulted run failed. */
  error?: string;
  /** Everything that is wrong; empty when the trial passed. */
  problems: string[];
  notes: string[];
  ms: number;
}

/**
 * One trial of `scenario` on a fresh stage: lookalikes, the faulted run, convergence (a re-run after a
 * clean error), `ops destroy --yes`, then nothing tagged for the stage left and every lookalike intact.
 */
export async function runTrial(
  scenario: Scenario,
  env: MatrixEnv,
  opts: { app: string; topicArn: string; stage: string; seed?: number },
): Promise<TrialResult> {
  const started = Date.now();
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const { app, stage } = opts;
  const proxy = await startFaultProxy({ target: env.motoUrl });
  const dir = await matrixFleet(app, opts.topicArn);
  const t: Trial = {
    app,
    stage,
    dir,
    motoUrl: env.motoUrl,
    proxy,
    direct: awsEnv(env.motoUrl),
    faulty: awsEnv(proxy.url),
    rng: mulberry32(seed),
    env,
    opsEnv: env.scenarioEnv?.[scenario.name] ?? {},
    notes: [],
  };
  const problems: string[] = [];
  const steps: string[] = [];
  const timed = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await run();
    } finally {
      steps.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  // The runs after the faulted one are a user's re-run, plan and destroy: with the default AWS timeout, not the
  // scenario's short one (4 s for the silent endpoints), which a loaded moto listing every test's roles can exceed.
  const ops = (args: string[], via = t.direct) =>
    timed(args.join(' '), () => env.ops([...args, '--stage', stage], { cwd: dir, env: { ...via }, timeoutMs: env.spawnTimeoutMs }));
  const lookalikes = await createLookalikes(env.motoUrl, app, stage);
  let outcome: Outcome = 'did not converge';
  let error: string | undefined;
  try {
    const first = await timed('faulted run', () => scenario.act(t));
    proxy.clearFaults();
    const failed = first.filter((r) => r.code !== 0);
    const killed = failed.some((r) => r.signal === 'SIGKILL' && !r.hung);
    for (const r of failed) {
      if (r.signal === 'SIGKILL' && !r.hung) continue; // killed by the scenario: nothing to read
      const unclean = uncleanError(r);
      if (unclean) problems.push(`the faulted run failed without a clear error (exit ${r.code}): ${unclean}`);
      else error ??= errorLine(r);
    }
    if (failed.length > 0) {
      const rerun = await rerunDeploy(ops, t, killed, problems);
      if (rerun.code !== 0) problems.push(`the re-run did not converge (exit ${rerun.code}): ${uncleanError(rerun) ?? errorLine(rerun)}`);
    }
    const plan = await ops(['plan']);
    if (plan.code !== 0) {
      const what = failed.length === 0 ? 'the deploy exited 0 but' : 'after the re-run';
      problems.push(`${what} \`ops plan\` exits ${plan.code}: ${planSummary(plan)}`);
    }
    problems.push(...((await scenario.verify?.(t)) ?? []));
    if (problems.length === 0)
      outcome = failed.length === 0 ? 'converged' : killed ? 'killed, then converged' : 'clean error, then converged';
  } catch (e) {
    problems.push(`harness: ${(e as Error).message}`);
  } finally {
    proxy.clearFaults();
  }
  const destroyProblems: string[] = [];
  let missing: string[] = ['(not checked)'];
  try {
    if (scenario.destroyFaults) {
      scenario.destroyFaults(proxy);
      const faulted = await ops(['destroy', '--yes'], t.faulty);
      proxy.clearFaults();
      const left = faulted.code === 0 ? await taggedForStage(env.motoUrl, app, stage) : [];
      if (left.length > 0) destroyProblems.push(`a faulted destroy exited 0 but left ${left.join(', ')}`);
      const unclean = faulted.code !== 0 && uncleanError(faulted);
      if (unclean) destroyProblems.push(`a faulted destroy failed without a clear error: ${unclean}`);
    }
    const destroy = await ops(['destroy', '--yes']);
    if (destroy.code !== 0)
      destroyProblems.push(`\`ops destroy --yes\` exits ${destroy.code}: ${uncleanError(destroy) ?? errorLine(destroy)}`);
    const left = await taggedForStage(env.motoUrl, app, stage);
    if (left.length > 0) destroyProblems.push(`left behind by destroy (tagged for the stage): ${left.join(', ')}`);
    missing = await lookalikes.missing();
  } catch (e) {
    destroyProblems.push(`harness: ${(e as Error).message}`);
  } finally {
    await lookalikes.remove();
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }
  if (missing.length > 0) problems.push(...destroyProblems, `untagged lookalikes deleted: ${missing.join(', ')}`);
  else problems.push(...destroyProblems);
  const destroyClean = destroyProblems.length === 0;
  const lookalikesIntact = missing.length === 0;
  return {
    scenario: scenario.name,
    stage,
    seed,
    outcome,
    destroyClean,
    lookalikesIntact,
    error,
    problems,
    notes: [...t.notes, `steps: ${steps.join(', ')}`],
    ms: Date.now() - started,
  };
}

/**
 * The re-run a user makes after a failure. It does not wait for a lease (`--wait 0`): no failed run may
 * leave one that blocks it. A run killed with SIGKILL cannot release its lease, but it ran on this host,
 * so the re-run sees its pid gone and takes the lease over at once. A lease in the way is a problem;
 * the user's way out, `ops unlock --yes`, is then taken so that the rest of the trial still runs.
 */
async function rerunDeploy(ops: (args: string[]) => Promise<OpsResult>, t: Trial, killed: boolean, problems: string[]): Promise<OpsResult> {
  const rerun = await ops(['deploy', '--yes', '--wait', '0']);
  if (killed && /taking over the lease/.test(rerun.stderr)) t.notes.push("the re-run took over the killed run's lease");
  if (rerun.code === 0 || !/\block(ed)?\b|\blease\b/i.test(rerun.stderr)) return rerun;
  problems.push(`the ${killed ? 'killed' : 'failed'} run's lease blocked the re-run: ${errorLine(rerun)}`);
  const unlock = await ops(['unlock', '--yes']);
  if (unlock.code !== 0) problems.push(`\`ops unlock --yes\` exits ${unlock.code}: ${uncleanError(unlock) ?? errorLine(unlock)}`);
  return ops(['deploy', '--yes']);
}

function planSummary(plan: OpsResult): string {
  const lines = plan.stdout.split('\n').filter((l) => /^\s*[+~-]/.test(l));
  return (
    lines.length > 0
      ? lines
          .slice(0, 6)
          .map((l) => l.trim())
          .join('; ')
      : errorLine(plan)
  ).slice(0, 400);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator, so a failing trial's fault pattern can be named by its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
