import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Aws } from '../aws/clients.js';
import { mapLimit } from '../aws/pool.js';
import {
  type Lookup,
  lookupBucket,
  lookupEventBus,
  lookupFunction,
  lookupLayerVersion,
  lookupQueue,
  lookupRole,
  lookupTopic,
  lookupVpcs,
} from '../aws/preflight.js';
import { missingBucket } from '../aws/s3.js';
import { bindAccount, fleetNeedsAccount } from '../config/refs.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { UserError } from '../errors.js';
import { pythonHandlerProblem } from '../package/python-handler.js';
import type { Logger } from '../ui/logger.js';
import { checkDomain, mergeChecks } from './preflight-domain.js';

/**
 * Preflight of `ops deploy` and `ops plan`: everything the config refers to outside the fleet (an
 * existing role, topics, destinations, subnets and security groups, layer versions, the staging
 * bucket) and each Python handler's function, checked before any write, all at once. Every problem
 * is reported in one list; a read that is refused only warns (the deploy may still work).
 */

/** One problem: the config field that names the thing, what is wrong, and what to do. */
export interface PreflightProblem {
  path: string;
  message: string;
  /** The function whose handler is wrong (its build is skipped). */
  fn?: string;
}

export class PreflightError extends UserError {
  readonly problems: PreflightProblem[];
  constructor(problems: PreflightProblem[]) {
    const n = problems.length;
    super(
      `${n} problem${n === 1 ? '' : 's'} with what the config refers to; nothing was written:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`,
      { hint: 'fix the fields above and run the command again' },
    );
    this.name = 'PreflightError';
    this.problems = problems;
  }
}

type RefKind = 'role' | 'topic' | 'queue' | 'function' | 'bus' | 'layer';

/** Something outside the fleet that the config names by ARN, with every field that names it. */
export interface ExternalRef {
  kind: RefKind;
  arn: string;
  paths: string[];
}

export interface VpcRef {
  path: string;
  subnets: { id: string; path: string }[];
  securityGroups: { id: string; path: string }[];
}

export interface ExternalRefs {
  refs: ExternalRef[];
  vpcs: VpcRef[];
  bucket?: string;
  /** Buckets S3 triggers name that the fleet does not declare: they must exist. */
  triggerBuckets?: { name: string; paths: string[] }[];
}

const DESTINATION_KIND: Record<string, RefKind> = { sqs: 'queue', sns: 'topic', lambda: 'function', events: 'bus' };

/** What the selected functions (and the fleet's bucket) refer to outside the fleet. Pure. */
export function externalRefs(fleet: Fleet, fns: readonly FunctionSpec[]): ExternalRefs {
  const byArn = new Map<string, ExternalRef>();
  // A topic the fleet declares (`resources`) is created by this deploy: nothing to check outside the fleet.
  const declaredTopics = new Set(fleet.resources.filter((r) => r.type === 'topic').map((r) => `${fleet.region}:${r.physicalName}`));
  const add = (kind: RefKind, arn: string, at: string) => {
    const [, , , region, , name] = arn.split(':');
    if (kind === 'topic' && declaredTopics.has(`${region}:${name}`)) return;
    const ref = byArn.get(`${kind} ${arn}`);
    if (ref) ref.paths.push(at);
    else byArn.set(`${kind} ${arn}`, { kind, arn, paths: [at] });
  };
  const ours = new Set(fleet.functions.map((f) => f.name));
  const vpcs: VpcRef[] = [];
  const triggerBuckets = new Map<string, string[]>();
  for (const fn of fns) {
    const at = `functions.${fn.key}`;
    if (fn.role) add('role', fn.role, `${at}.role`);
    for (const [i, t] of fn.triggers.entries()) if (t.kind === 'sns') add('topic', t.topicArn, `${at}.triggers.${i}.sns`);
    for (const [i, t] of fn.triggers.entries()) {
      // A bucket the fleet declares (by key or by its name) is created by this deploy.
      if (t.kind !== 's3' || t.resource || fleet.resources.some((r) => r.type === 'bucket' && r.physicalName === t.bucket)) continue;
      const known = triggerBuckets.get(t.bucket) ?? [];
      triggerBuckets.set(t.bucket, [...known, `${at}.triggers.${i}.s3`]);
    }
    for (const [i, a] of fn.alarms.entries()) if (a.snsTopicArn) add('topic', a.snsTopicArn, `${at}.alarms.${i}.snsTopicArn`);
    for (const [i, l] of fn.layers.entries()) if (l.kind === 'arn') add('layer', l.arn, `${at}.layers.${i}`);
    const dest = fn.async?.onFailure;
    if (dest?.startsWith('arn:')) {
      const [, , service, , , resource = ''] = dest.split(':');
      const kind = DESTINATION_KIND[service];
      // A function of this fleet may not exist yet: the deploy creates it before the setting.
      const fleetFunction = service === 'lambda' && resource === 'function' && ours.has(dest.split(':')[6] ?? '');
      if (kind && !fleetFunction) add(kind, dest, `${at}.async.onFailure`);
    }
    if (fn.vpc) {
      vpcs.push({
        path: `${at}.vpc`,
        subnets: fn.vpc.subnetIds.map((id, i) => ({ id, path: `${at}.vpc.subnetIds.${i}` })),
        securityGroups: fn.vpc.securityGroupIds.map((id, i) => ({ id, path: `${at}.vpc.securityGroupIds.${i}` })),
      });
    }
  }
  return {
    refs: [...byArn.values()],
    vpcs,
    ...(fleet.bucket ? { bucket: fleet.bucket } : {}),
    ...(triggerBuckets.size ? { triggerBuckets: [...triggerBuckets].map(([name, paths]) => ({ name, paths })) } : {}),
  };
}

/** True when a trust policy lets Lambda assume the role (an Allow of sts:AssumeRole to lambda.amazonaws.com or to anyone). */
export function trustsLambda(policy: unknown): boolean {
  const doc = policy as { Statement?: unknown } | undefined;
  const statements = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  return statements.some((s: { Effect?: string; Action?: unknown; Principal?: unknown }) => {
    if (s.Effect !== 'Allow') return false;
    const actions = list(s.Action).map((a) => a.toLowerCase());
    if (!actions.some((a) => a === 'sts:assumerole' || a === 'sts:*' || a === '*')) return false;
    if (s.Principal === '*') return true;
    const p = (s.Principal ?? {}) as { Service?: unknown; AWS?: unknown };
    return list(p.Service).includes('lambda.amazonaws.com') || list(p.AWS).includes('*');
  });
}

const where = (paths: string[]) => (paths.length > 3 ? `${paths.slice(0, 2).join(', ')} and ${paths.length - 2} more` : paths.join(', '));
const regionOf = (arn: string) => arn.split(':')[3] ?? '';
const resourceOf = (arn: string) => arn.split(':').slice(5).join(':');

const WHAT: Record<Exclude<RefKind, 'role' | 'layer'>, { noun: string; fix: string }> = {
  topic: { noun: 'SNS topic', fix: 'create it (aws sns create-topic) or fix the ARN' },
  queue: { noun: 'SQS queue', fix: 'create it (aws sqs create-queue) or fix the ARN' },
  function: { noun: 'Lambda function', fix: 'deploy it first or fix the ARN' },
  bus: { noun: 'EventBridge event bus', fix: 'create it (aws events create-event-bus) or fix the ARN' },
};

/** Checks one external reference; a problem, a warning (could not check), or nothing. */
async function checkRef(aws: Aws, ref: ExternalRef): Promise<{ problem?: PreflightProblem; warning?: string }> {
  const at = where(ref.paths);
  const region = regionOf(ref.arn);
  if (ref.kind === 'layer' && region !== aws.region) {
    return {
      problem: {
        path: at,
        message: `layer version ${ref.arn} is in ${region}: a function in ${aws.region} can only use layers of ${aws.region}`,
      },
    };
  }
  // Only the fleet's region is reachable with the fleet's clients; the plan already warns about other regions.
  if (ref.kind !== 'role' && ref.kind !== 'layer' && region !== aws.region) return {};
  const unchecked = (l: Lookup<unknown>) =>
    l.kind === 'unchecked' ? { warning: `${at}: could not check ${ref.arn} (${l.reason}); deploying anyway` } : undefined;
  if (ref.kind === 'role') {
    const role = await lookupRole(aws, ref.arn);
    if (role.kind === 'missing') {
      return {
        problem: {
          path: at,
          message: `role ${ref.arn} does not exist: create it, fix the ARN, or remove role to let ops manage one`,
        },
      };
    }
    if (role.kind === 'unchecked') return unchecked(role) ?? {};
    if (role.value.trust === undefined) return { warning: `${at}: could not read the trust policy of ${ref.arn}; deploying anyway` };
    if (!trustsLambda(role.value.trust)) {
      return {
        problem: {
          path: at,
          message: `role ${ref.arn} does not let lambda.amazonaws.com assume it: add a trust policy statement allowing sts:AssumeRole to the service lambda.amazonaws.com`,
        },
      };
    }
    return {};
  }
  if (ref.kind === 'layer') {
    const layer = await lookupLayerVersion(aws, ref.arn);
    if (layer.kind === 'missing') {
      return {
        problem: {
          path: at,
          message: `layer version ${ref.arn} does not exist (or is not shared with this account): fix the name or version (aws lambda list-layer-versions --layer-name ${resourceOf(ref.arn).split(':')[1] ?? ''})`,
        },
      };
    }
    return unchecked(layer) ?? {};
  }
  const lookup = { topic: lookupTopic, queue: lookupQueue, function: lookupFunction, bus: lookupEventBus }[ref.kind];
  const found = await lookup(aws, ref.arn);
  if (found.kind === 'missing') {
    const { noun, fix } = WHAT[ref.kind];
    return { problem: { path: at, message: `${noun} ${ref.arn} does not exist: ${fix}` } };
  }
  return unchecked(found) ?? {};
}

/** Subnets and security groups: each exists, and all of one function's are in one VPC. */
async function checkVpcs(aws: Aws, vpcs: VpcRef[]): Promise<{ problems: PreflightProblem[]; warnings: string[] }> {
  if (!vpcs.length) return { problems: [], warnings: [] };
  const uniq = (xs: string[]) => [...new Set(xs)];
  const found = await lookupVpcs(aws, {
    subnets: uniq(vpcs.flatMap((v) => v.subnets.map((s) => s.id))),
    securityGroups: uniq(vpcs.flatMap((v) => v.securityGroups.map((s) => s.id))),
  });
  if (found.kind !== 'found') {
    const reason = found.kind === 'unchecked' ? found.reason : 'not found';
    return {
      problems: [],
      warnings: [`${where(vpcs.map((v) => v.path))}: could not check the subnets and security groups (${reason}); deploying anyway`],
    };
  }
  const problems: PreflightProblem[] = [];
  for (const v of vpcs) {
    const inVpc = new Map<string, string[]>();
    const each = (items: { id: string; path: string }[], known: Map<string, string>, noun: string) => {
      for (const item of items) {
        const vpc = known.get(item.id);
        if (vpc === undefined)
          problems.push({ path: item.path, message: `${noun} ${item.id} does not exist in ${aws.region}: fix the id` });
        else inVpc.set(vpc, [...(inVpc.get(vpc) ?? []), item.id]);
      }
    };
    each(v.subnets, found.value.subnets, 'subnet');
    each(v.securityGroups, found.value.securityGroups, 'security group');
    if (inVpc.size > 1) {
      const split = [...inVpc].map(([vpc, ids]) => `${ids.join(', ')} in ${vpc}`).join('; ');
      problems.push({ path: v.path, message: `subnets and security groups must all be in one VPC (${split}): pick ones of one VPC` });
    }
  }
  return { problems, warnings: [] };
}

async function checkBucket(aws: Aws, bucket: string): Promise<{ problem?: PreflightProblem; warning?: string }> {
  const found = await lookupBucket(aws, bucket);
  if (found.kind === 'missing') {
    const m = missingBucket(bucket, aws.region);
    return { problem: { path: 'deploy.bucket', message: `${m.message}: ${m.hint}` } };
  }
  if (found.kind === 'unchecked') return { warning: `deploy.bucket: could not check ${bucket} (${found.reason}); deploying anyway` };
  const region = found.value.region;
  if (region && region !== aws.region) {
    return {
      problem: {
        path: 'deploy.bucket',
        message: `bucket ${bucket} is in ${region}: Lambda in ${aws.region} reads code only from a bucket of its own region (use a bucket in ${aws.region})`,
      },
    };
  }
  return {};
}

/** A bucket an S3 trigger names without the fleet declaring it: it must exist. */
async function checkTriggerBucket(
  aws: Aws,
  ref: { name: string; paths: string[] },
): Promise<{ problem?: PreflightProblem; warning?: string }> {
  const found = await lookupBucket(aws, ref.name);
  const at = where(ref.paths);
  if (found.kind === 'missing')
    return {
      problem: {
        path: at,
        message: `bucket ${ref.name} is neither a bucket of resources nor an existing bucket: declare it (resources.${ref.name}: { type: 'bucket' }) or fix the name`,
      },
    };
  return found.kind === 'unchecked' ? { warning: `${at}: could not check bucket ${ref.name} (${found.reason}); deploying anyway` } : {};
}

/** The AWS side of the preflight: every reference at once (a few in flight), each reference read once. */
export async function checkExternalRefs(aws: Aws, refs: ExternalRefs): Promise<{ problems: PreflightProblem[]; warnings: string[] }> {
  const [each, vpcs, bucket, triggerBuckets] = await Promise.all([
    mapLimit(refs.refs, 16, (ref) => checkRef(aws, ref)),
    checkVpcs(aws, refs.vpcs),
    refs.bucket ? checkBucket(aws, refs.bucket) : Promise.resolve({} as { problem?: PreflightProblem; warning?: string }),
    mapLimit(refs.triggerBuckets ?? [], 16, (ref) => checkTriggerBucket(aws, ref)),
  ]);
  const singles = [...each, bucket, ...triggerBuckets];
  return {
    problems: [...singles.flatMap((r) => (r.problem ? [r.problem] : [])), ...vpcs.problems],
    warnings: [...singles.flatMap((r) => (r.warning ? [r.warning] : [])), ...vpcs.warnings],
  };
}

/** Each Python handler's function is defined in its module (read, never run). */
export async function handlerProblems(fleet: Fleet, fns: readonly FunctionSpec[]): Promise<PreflightProblem[]> {
  const out = await Promise.all(
    fns
      .filter((fn) => fn.language === 'python')
      .map(async (fn): Promise<PreflightProblem | undefined> => {
        // A missing file is the build's to report (with the zip layout it expects).
        const source = await readFile(fn.handler.file, 'utf8').catch(() => undefined);
        if (source === undefined) return undefined;
        const shown = path.relative(fleet.root, fn.handler.file).split(path.sep).join('/');
        const problem = pythonHandlerProblem(source, fn.handler.exportName, shown);
        return problem && { path: `functions.${fn.key}.handler`, message: `${problem.message}; ${problem.hint}`, fn: fn.key };
      }),
  );
  return out.filter((p): p is PreflightProblem => p !== undefined);
}

export interface Preflight {
  /** The functions worth building: a handler already known to be wrong is reported, not built. */
  buildable: FunctionSpec[];
  /**
   * Resolves once the AWS checks found nothing wrong. Otherwise waits for `others` (the build, the
   * params check) and throws every problem in one PreflightError, with what those failed with.
   */
  passed(others: Promise<unknown>[]): Promise<void>;
}

/**
 * Starts the preflight: the static handler checks now (a few file reads), the AWS reads in the
 * background so they overlap the build. Nothing that writes (the stage lease included) may start
 * before `passed` resolves.
 */
export async function startPreflight(
  aws: Aws,
  fleet: Fleet,
  fns: FunctionSpec[],
  opts: { log: Logger; skip?: boolean },
): Promise<Preflight> {
  if (opts.skip) return { buildable: fns, passed: async () => {} };
  const started = performance.now();
  const handlers = await handlerProblems(fleet, fns);
  const bad = new Set(handlers.map((p) => p.fn));
  const refs = withAccount(aws, fleet, fns).then((bound) => checkExternalRefs(aws, externalRefs(bound.fleet, bound.fns)));
  const remote = Promise.all([refs, checkDomain(aws, fleet)]).then(mergeChecks);
  remote.catch(() => {}); // observed in passed(); this keeps an early throw elsewhere from making it "unhandled"
  return {
    buildable: fns.filter((f) => !bad.has(f.key)),
    async passed(others) {
      // The caller awaits these later, or not at all when this throws: never "unhandled".
      for (const p of others) p.catch(() => {});
      const checks = await remote;
      opts.log.debug(`preflight: ${Math.round(performance.now() - started)} ms`);
      for (const w of checks.warnings) opts.log.warn(w);
      const problems = [...handlers, ...checks.problems];
      if (!problems.length) return;
      const failed = (await Promise.allSettled(others)).flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      const internal = failed.find((e) => !(e instanceof UserError));
      if (internal) throw internal;
      throw new PreflightError([...problems, ...(failed as UserError[]).flatMap(asProblems)]);
    },
  };
}

/**
 * The fleet and functions with `${account}` filled in, so what is checked is the ARN the deploy will use.
 * STS is asked only when a placeholder needs it (the read asks later anyway; the answer is shared).
 */
async function withAccount(aws: Aws, fleet: Fleet, fns: FunctionSpec[]): Promise<{ fleet: Fleet; fns: FunctionSpec[] }> {
  if (!fleetNeedsAccount(fns)) return { fleet, fns };
  const bound = bindAccount(fleet, await aws.accountId());
  return { fleet: bound, fns: bound.functions.filter((f) => fns.some((s) => s.key === f.key)) };
}

/** Another failure of the same run (a build, missing params) as lines of the one list. */
function asProblems(e: UserError): PreflightProblem[] {
  const [first, ...rest] = e.message.split('\n');
  // buildFleet lists several failed functions as indented lines under a count.
  const lines = /^\d+ functions failed to build:$/.test(first) ? rest.map((l) => l.trim()).filter(Boolean) : [first];
  return lines.map((line) => {
    const fn = /^([a-z][a-z0-9-]*): (.*)$/.exec(line);
    const hint = lines.length === 1 && e.hint ? `; ${e.hint}` : '';
    if (fn) return { path: `functions.${fn[1]}`, message: `${fn[2]}${hint}` };
    return { path: /\bparams? (is|are) not set\b/.test(line) ? 'params' : '(also)', message: `${line}${hint}` };
  });
}
