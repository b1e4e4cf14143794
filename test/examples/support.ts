import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { expect } from 'vitest';
import { type CliResult, runCli } from '../support/cli.js';
import { type EmulatorClientConfig, isLeaseCall } from '../support/emulator.js';

export const EXAMPLES_DIR = path.resolve(import.meta.dirname, '../../examples');

/**
 * A copy of `examples/<name>` in a temp dir, so building, local runs and `.env.<stage>` files never
 * write into the repository. Build caches and local env files of the original are left behind.
 */
export async function copyExample(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `ops-example-${name}-`));
  await cp(path.join(EXAMPLES_DIR, name), dir, {
    recursive: true,
    filter: (src) => !/(^|[/\\])(\.ops|__pycache__|\.env\.[^/\\]*)$/.test(src),
  });
  return dir;
}

/**
 * A stage no other test uses. The examples keep their fixed app names (so every physical name is
 * the seed's, per stage); tests share one moto, so the stage is what keeps them apart.
 */
export const uniqueStage = () => `x${randomBytes(3).toString('hex')}`;

/** `ops <args> --stage <stage>` in the example's directory, against the emulator. */
export type Ops = (args: string[], opts?: { stdin?: string }) => Promise<CliResult>;

export function opsFor(dir: string, stage: string, env: Record<string, string | undefined>): Ops {
  return (args, opts = {}) => runCli([...args, '--stage', stage], { cwd: dir, env: env as NodeJS.ProcessEnv, stdin: opts.stdin });
}

/** The fleet as `ops config --json` prints it (the parts the tests read). */
export interface ResolvedFleet {
  app: string;
  stage: string;
  params: { name: string; secure: boolean; readers: string[]; path?: string }[];
  api?: { name: string; stage?: string };
  resources: { key: string; type: string; physicalName: string; adopt: boolean }[];
  functions: {
    key: string;
    name: string;
    uses: { resource: string; type: string; access: string; env: string }[];
    runtime: string;
    memory: number;
    timeout: number;
    handler: { file: string; lambdaHandler: string };
    environment: Record<string, string>;
    tags: Record<string, string>;
    vpc?: { subnetIds: string[]; securityGroupIds: string[] };
    routes: { key: string }[];
    params: { name: string; env: string; resolve: boolean; secure: boolean }[];
  }[];
}

/** `ops config --json`, checked the way every example must hold: handlers on disk, every param read. */
export async function resolvedConfig(ops: Ops): Promise<ResolvedFleet> {
  const r = await ops(['config', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const fleet = r.json<ResolvedFleet>();
  for (const fn of fleet.functions) expect(existsSync(fn.handler.file), `${fn.key}: ${fn.handler.file}`).toBe(true);
  expect(fleet.params.filter((p) => p.readers.length === 0).map((p) => p.name)).toEqual([]);
  return fleet;
}

/** What the tests compare of a function: its settings as the seed gives them. */
export const settingsOf = (fleet: ResolvedFleet) =>
  Object.fromEntries(
    fleet.functions.map((f) => [f.key, { runtime: f.runtime, memory: f.memory, timeout: f.timeout, handler: f.handler.lambdaHandler }]),
  );

/** Sets every param for the stage as a user does: secure values through stdin, plain ones as an argument. */
export async function setParams(ops: Ops, values: Record<string, { value: string; secure: boolean }>): Promise<void> {
  for (const [name, { value, secure }] of Object.entries(values)) {
    const r = secure ? await ops(['params', 'set', name, '--stdin'], { stdin: value }) : await ops(['params', 'set', name, value]);
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    if (secure) expect(r.stdout + r.stderr).not.toContain(value);
  }
}

/** Writes `.env.<stage>` next to the config: the values a developer keeps for local runs. */
export async function writeLocalEnv(dir: string, stage: string, values: Record<string, string>): Promise<void> {
  await writeFile(
    path.join(dir, `.env.${stage}`),
    `${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
}

/** One change of `ops plan --json`. */
export interface PlannedChange {
  id: string;
  kind: string;
  action: string;
  fn: string | null;
  resource: { type: string; name: string };
  fields: { field: string; from?: string; to?: string }[];
}

export interface PlanJson {
  changes: PlannedChange[];
  warnings: string[];
}

/** `ops plan --json`: exit 2 and the plan when there are changes. */
export async function planJson(ops: Ops): Promise<PlanJson> {
  const r = await ops(['plan', '--json']);
  expect(r.code, r.stderr).toBe(2);
  return r.json<PlanJson>();
}

/**
 * The plan as `{ kind, resource }` pairs (`resource`: type and name), the stage replaced by `{stage}`,
 * sorted: the same on every run and machine (app names are fixed; the stage is the only random part).
 */
export function planResources(plan: PlanJson, stage: string): { kind: string; resource: string }[] {
  const norm = (s: string) => s.split(stage).join('{stage}');
  return plan.changes
    .map((c) => ({ kind: c.kind, resource: `${c.resource.type} ${norm(c.resource.name)}` }))
    .sort((a, b) => (a.kind === b.kind ? (a.resource < b.resource ? -1 : 1) : a.kind < b.kind ? -1 : 1));
}

/** The `kind resource-type` pairs a plan holds for one function, sorted. */
export function kindsFor(plan: PlanJson, fn: string): string[] {
  return plan.changes
    .filter((c) => c.fn === fn)
    .map((c) => `${c.kind} ${c.resource.type}`)
    .sort();
}

/** `ops invoke <fn> --local --event <sample> --json`: the handler's result, or a failed expectation with its logs. */
export async function invokeLocal(ops: Ops, fn: string, sample: string, env: Record<string, string> = {}): Promise<any> {
  const r = await ops(['invoke', fn, '--local', '--event', sample, '--json', ...envFlags(env)]);
  const out = r.stdout ? r.json() : undefined;
  expect(r.code, `${fn} ${sample}: ${r.stderr}\n${out?.logs ?? ''}`).toBe(0);
  return out.result;
}

/** Same, with a payload instead of a sample; returns the whole document (ok, error, result). */
export async function invokePayload(ops: Ops, fn: string, payload: unknown, env: Record<string, string> = {}): Promise<any> {
  const r = await ops(['invoke', fn, '--local', '--payload', JSON.stringify(payload), '--json', ...envFlags(env)]);
  return r.json();
}

const envFlags = (env: Record<string, string>) =>
  Object.keys(env).length ? ['--env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : [];

/** `ops smoke --local`: every sample with an `.expect.json` holds. */
export async function smokeLocal(ops: Ops): Promise<void> {
  const r = await ops(['smoke', '--local']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/\d+ passed/);
}

/**
 * The writes among requests a fault proxy saw, as `service.Operation`: not reads (S3 is REST, so its reads are
 * GET and HEAD requests named by path) and not the stage lease's own two calls.
 */
export const writesAmong = (requests: readonly { service: string; operation: string; method: string }[]) =>
  requests
    .filter((q) => !['GET', 'HEAD'].includes(q.method) && !/^(Get|List|Describe|Head|Filter)/.test(q.operation) && !isLeaseCall(q))
    .map((q) => `${q.service}.${q.operation}`);

/** The parsed JSON body of an HTTP result. */
export const bodyOf = (result: { body: string }) => JSON.parse(result.body);

/**
 * `ops status --json` right after a deploy: every function deployed, its code the same as the zip and
 * no configuration drift (status reads drift off the deploy plan, issue 12.1), and the text says so too.
 */
export async function expectNoDrift(ops: Ops): Promise<void> {
  const status = await ops(['status', '--json']);
  expect(status.code, status.stderr).toBe(0);
  const fns = (status.json() as { functions: { function: string; deployed: boolean; code: string; configDrift: string[] }[] }).functions;
  expect(fns.length).toBeGreaterThan(0);
  for (const f of fns) expect([f.function, f.deployed, f.code, f.configDrift]).toEqual([f.function, true, 'same', []]);
  const text = await ops(['status']);
  expect(text.stdout + text.stderr).not.toMatch(/drift/i);
}

/**
 * AutoRescue's shared role, made outside ops as the seed's other components have it. Several test files
 * make it on one moto, so a concurrent create that lost the race is fine (IAM's error is
 * `EntityAlreadyExistsException` in SDK v3).
 */
export async function ensureAutoRescueRole(client: EmulatorClientConfig): Promise<void> {
  const iam = new IAMClient(client);
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'AutoRescueLambdaExecutionRole',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
  } catch (e) {
    if (!/^EntityAlreadyExists/.test((e as Error).name)) throw e;
  } finally {
    iam.destroy();
  }
}
