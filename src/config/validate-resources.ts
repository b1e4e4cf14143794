import { INHERITED_DEFAULTS } from './defaults.js';
import { didYouMean } from './did-you-mean.js';
import { invokeEnvName, paramEnvName, paramValueEnvName, resourceEnvName } from './naming.js';
import { resourcePhysicalName } from './resolve-resources.js';
import { ACCESS_BY_TYPE, RESOURCE_ACCESS, RESOURCE_TYPES } from './resource-schema.js';
import { dynamodbTriggerProblems } from './validate-triggers.js';

/*
 * The rules of `resources` and `uses` that span fields: what a function uses exists and fits its type, a
 * dead-letter queue is a queue of the same kind, a table's attributes keep one type, physical names are
 * names AWS takes, and the variables `uses` sets collide with none the config sets. On the raw config
 * (like validate.ts's other cross-field rules), so they are reported beside the schema's problems.
 */

interface Problem {
  path: string;
  message: string;
}

type Raw = Record<string, any>;
type ResourceType = (typeof RESOURCE_TYPES)[number];

const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isType = (t: unknown): t is ResourceType => (RESOURCE_TYPES as readonly unknown[]).includes(t);
const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const hint = (guess: string | undefined) => (guess ? ` (did you mean '${guess}'?)` : '');

/** The declared resources whose entry is well-formed enough to check against: key → entry with a known type. */
function declaredResources(raw: Raw): Map<string, Raw & { type: ResourceType }> {
  const out = new Map<string, Raw & { type: ResourceType }>();
  if (isObj(raw.resources)) for (const [k, r] of Object.entries(raw.resources)) if (isObj(r) && isType(r.type)) out.set(k, r as any);
  return out;
}

export function resourceProblems(raw: unknown, stage: string): Problem[] {
  if (!isObj(raw)) return [];
  const resources = declaredResources(raw);
  const app = typeof raw.app === 'string' ? raw.app : '';
  const out: Problem[] = [];
  const names = new Map<string, string>();
  for (const [key, r] of resources) {
    const at = `resources.${key}`;
    const name = physicalNameOf(app, stage, key, r);
    if (app) out.push(...nameProblems(at, r, name));
    const first = names.get(`${r.type}:${name}`);
    if (first)
      out.push({ path: at, message: `has the same physical name as resources.${first} (${name}): give one of them another \`name\`` });
    else names.set(`${r.type}:${name}`, key);
    if (r.type === 'table') out.push(...tableProblems(at, r));
    if (r.type === 'queue') out.push(...queueProblems(at, key, r, resources));
    if (r.type === 'queue' || r.type === 'topic') out.push(...fifoProblems(at, r));
    if (r.type === 'queue' || r.type === 'bucket') out.push(...encryptionProblems(at, r));
  }
  if (isObj(raw.functions)) {
    for (const [fnKey, fn] of Object.entries(raw.functions)) if (isObj(fn)) out.push(...usesProblems(raw, fnKey, fn, resources));
    for (const [fnKey, fn] of Object.entries(raw.functions)) if (isObj(fn)) out.push(...snsTriggerProblems(fnKey, fn, resources));
    for (const [fnKey, fn] of Object.entries(raw.functions)) if (isObj(fn)) out.push(...sqsTriggerProblems(raw, fnKey, fn, resources));
    for (const [fnKey, fn] of Object.entries(raw.functions)) if (isObj(fn)) out.push(...dynamodbTriggerProblems(fnKey, fn, resources));
    for (const [fnKey, fn] of Object.entries(raw.functions)) if (isObj(fn)) out.push(...s3TriggerProblems(fnKey, fn, resources));
  }
  return out;
}

function physicalNameOf(app: string, stage: string, key: string, r: Raw): string {
  return resourcePhysicalName(app, stage, key, r.name, (r.type === 'queue' || r.type === 'topic') && r.fifo === true);
}

/** What AWS accepts as a name, per type. */
const NAME_RULES: Record<ResourceType, { ok: (n: string) => boolean; rule: string }> = {
  bucket: {
    ok: (n) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(n) && !n.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(n),
    rule: 'an S3 bucket name is 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
  },
  table: { ok: (n) => /^[A-Za-z0-9_.-]{3,255}$/.test(n), rule: 'a DynamoDB table name is 3-255 letters, digits, _ . and -' },
  queue: {
    ok: (n) => n.length <= 80 && /^[A-Za-z0-9_-]+(\.fifo)?$/.test(n),
    rule: 'an SQS queue name is at most 80 letters, digits, _ and - (a FIFO queue’s ending in .fifo)',
  },
  topic: {
    ok: (n) => n.length <= 256 && /^[A-Za-z0-9_-]+(\.fifo)?$/.test(n),
    rule: 'an SNS topic name is at most 256 letters, digits, _ and - (a FIFO topic’s ending in .fifo)',
  },
  secret: {
    ok: (n) => n.length <= 512 && /^[A-Za-z0-9/_+=.@-]+$/.test(n),
    rule: 'a secret name is at most 512 letters, digits and /_+=.@-',
  },
};

function nameProblems(at: string, r: Raw & { type: ResourceType }, name: string): Problem[] {
  const { ok, rule } = NAME_RULES[r.type];
  if (ok(name)) return [];
  const fix = r.name !== undefined ? 'change its `name`' : 'give it a `name`';
  return [{ path: r.name !== undefined ? `${at}.name` : at, message: `'${name}' is not a name AWS accepts (${rule}): ${fix}` }];
}

const KEY_TYPES: Record<string, string> = { string: 'string', number: 'number', binary: 'binary' };

/** `'id'` → string; `{ name, type }` → its type; anything else: undefined (the schema reports it). */
function keyOf(k: unknown): { name: string; type: string } | undefined {
  if (typeof k === 'string') return { name: k, type: 'string' };
  if (isObj(k) && typeof k.name === 'string' && typeof k.type === 'string' && KEY_TYPES[k.type]) return { name: k.name, type: k.type };
  return undefined;
}

/** One attribute, one type: DynamoDB keeps one definition per attribute name for the table and all its indexes. */
function tableProblems(at: string, r: Raw): Problem[] {
  const seen = new Map<string, { type: string; where: string }>();
  const out: Problem[] = [];
  const check = (k: unknown, where: string, partition?: unknown) => {
    const key = keyOf(k);
    if (!key) return;
    const first = seen.get(key.name);
    if (!first) seen.set(key.name, { type: key.type, where });
    else if (first.type !== key.type)
      out.push({
        path: `${at}.${where}`,
        message: `attribute '${key.name}' is a ${first.type} in ${first.where} but a ${key.type} here: an attribute has one type in a table and its indexes`,
      });
    if (partition !== undefined && key.name === keyOf(partition)?.name)
      out.push({ path: `${at}.${where}`, message: `'${key.name}' is already the partition key: a sort key is another attribute` });
  };
  check(r.partitionKey, 'partitionKey');
  check(r.sortKey, 'sortKey', r.partitionKey);
  if (isObj(r.indexes))
    for (const [name, i] of Object.entries(r.indexes)) {
      if (!isObj(i)) continue;
      check(i.partitionKey, `indexes.${name}.partitionKey`);
      check(i.sortKey, `indexes.${name}.sortKey`, i.partitionKey);
    }
  if (typeof r.ttl === 'string' && seen.has(r.ttl))
    out.push({ path: `${at}.ttl`, message: `'${r.ttl}' is a key attribute: TTL needs an attribute of its own (epoch seconds)` });
  return out;
}

/** A dead-letter queue is another declared queue, FIFO exactly when this one is (SQS refuses a mix). */
function queueProblems(at: string, key: string, r: Raw, resources: Map<string, Raw & { type: ResourceType }>): Problem[] {
  const dl = isObj(r.deadLetter) ? r.deadLetter.queue : undefined;
  if (typeof dl !== 'string') return [];
  const path = `${at}.deadLetter.queue`;
  if (dl === key) return [{ path, message: 'a queue cannot be its own dead-letter queue: name another queue of resources' }];
  const target = resources.get(dl);
  if (target?.type !== 'queue') {
    const queues = [...resources].filter(([k, x]) => x.type === 'queue' && k !== key).map(([k]) => k);
    const what = target ? `'${dl}' is a ${target.type}, not a queue` : `no queue '${dl}' in resources${hint(didYouMean(dl, queues))}`;
    return [{ path, message: `${what}: a dead-letter queue is a queue declared in resources` }];
  }
  const fifo = r.fifo === true;
  if ((target.fifo === true) !== fifo)
    return [
      {
        path,
        message: `'${dl}' is ${target.fifo === true ? 'a FIFO' : 'a standard'} queue and this one is ${fifo ? 'FIFO' : 'standard'}: SQS wants a dead-letter queue of the same kind`,
      },
    ];
  return [];
}

function fifoProblems(at: string, r: Raw): Problem[] {
  if (r.contentBasedDeduplication === true && r.fifo !== true)
    return [{ path: `${at}.contentBasedDeduplication`, message: `only applies to a FIFO ${r.type}: add fifo: true or remove it` }];
  if (typeof r.name === 'string' && r.name.endsWith('.fifo') && r.fifo !== true)
    return [{ path: `${at}.name`, message: `a name ending in .fifo is a FIFO ${r.type}'s: add fifo: true or drop the suffix` }];
  return [];
}

/** A key ARN with encryption that uses no key, or (queues) `kms` without the key. */
function encryptionProblems(at: string, r: Raw): Problem[] {
  const kms = typeof r.kmsKeyArn === 'string';
  if (kms && r.encryption !== undefined && r.encryption !== 'kms')
    return [
      { path: `${at}.encryption`, message: `'${r.encryption}' uses no KMS key, but kmsKeyArn is given: write 'kms' or remove kmsKeyArn` },
    ];
  if (r.type === 'queue' && r.encryption === 'kms' && !kms)
    return [{ path: `${at}.kmsKeyArn`, message: "encryption 'kms' needs the key: add kmsKeyArn" }];
  return [];
}

/** Each use names a declared resource, with an access its type has; its variable is set by nothing else. */
function usesProblems(raw: Raw, fnKey: string, fn: Raw, resources: Map<string, Raw & { type: ResourceType }>): Problem[] {
  if (!isObj(fn.uses)) return [];
  const at = `functions.${fnKey}.uses`;
  const out: Problem[] = [];
  const configured = configuredEnv(raw, fn);
  const mine = new Map<string, string>();
  for (const [key, access] of Object.entries(fn.uses)) {
    const r = resources.get(key);
    if (!r) {
      if (!(isObj(raw.resources) && key in raw.resources))
        out.push({ path: `${at}.${key}`, message: `no resource '${key}' in resources${hint(didYouMean(key, resources.keys()))}` });
      continue;
    }
    const allowed: readonly string[] = ACCESS_BY_TYPE[r.type];
    // An access that is none of the six is the schema's to report.
    if (RESOURCE_ACCESS.includes(access) && !allowed.includes(access)) {
      out.push({
        path: `${at}.${key}`,
        message: `'${access}' does not apply to a ${r.type}: write ${quoted(allowed).replace(/, ([^,]+)$/, ' or $1')}`,
      });
    }
    const env = resourceEnvName(key, r.type);
    const other = configured.get(env) ?? mine.get(env);
    if (other)
      out.push({
        path: `${at}.${key}`,
        message: `sets ${env}, which ${other} also sets: rename one (ops puts the ${r.type}'s ${envWhat(r.type)} there)`,
      });
    else mine.set(env, `uses.${key}`);
  }
  return out;
}

/** An SNS trigger that names a topic by key (no `:`) names a declared topic. */
function snsTriggerProblems(fnKey: string, fn: Raw, resources: Map<string, Raw & { type: ResourceType }>): Problem[] {
  if (!Array.isArray(fn.triggers)) return [];
  const topics = [...resources].filter(([, r]) => r.type === 'topic').map(([k]) => k);
  return fn.triggers.flatMap((t: unknown, i: number): Problem[] => {
    const ref = isObj(t) && typeof t.sns === 'string' ? t.sns : undefined;
    // An ARN, or a text that is neither ARN nor key, is the schema's to check.
    if (ref === undefined || !/^[A-Za-z0-9_-]+$/.test(ref) || topics.includes(ref)) return [];
    const guess = didYouMean(ref, topics);
    const message = resources.has(ref)
      ? `resources.${ref} is a ${resources.get(ref)?.type}, not a topic${hint(guess)}`
      : guess
        ? `no topic '${ref}' in resources${hint(guess)}`
        : `no topic '${ref}' in resources: sns takes a topic ARN or the key of a declared topic`;
    return [{ path: `functions.${fnKey}.triggers.${i}.sns`, message }];
  });
}

const envWhat = (t: ResourceType) => ({ table: 'name', bucket: 'name', queue: 'URL', topic: 'ARN', secret: 'name' })[t];

/** The variables the config sets for a function, by name → where (the function's and defaults' environment, params, invokes). */
function configuredEnv(raw: Raw, fn: Raw): Map<string, string> {
  const out = new Map<string, string>([
    ['OPS_APP', 'ops (OPS_APP)'],
    ['OPS_STAGE', 'ops (OPS_STAGE)'],
  ]);
  const defaults = isObj(raw.defaults) ? raw.defaults : {};
  const declined = fn.ignoreDefaults === true ? [...INHERITED_DEFAULTS] : Array.isArray(fn.ignoreDefaults) ? fn.ignoreDefaults : [];
  const params = [...(declined.includes('params') ? [] : asList(defaults.params)), ...asList(fn.params)];
  for (const p of params) {
    const ref = typeof p === 'string' ? { name: p } : isObj(p) && typeof p.name === 'string' ? p : undefined;
    if (!ref) continue;
    const env = typeof ref.env === 'string' ? ref.env : ref.resolve === true ? paramValueEnvName(ref.name) : paramEnvName(ref.name);
    out.set(env, `params '${ref.name}'`);
  }
  for (const i of asList(fn.invokes)) {
    const target = isObj(i) ? i.function : i;
    if (typeof target !== 'string') continue;
    const value = isObj(i) ? i.value : undefined;
    const byArn = value === 'arn' || value === 'qualifiedArn';
    const env =
      isObj(i) && typeof i.env === 'string' ? i.env : byArn ? invokeEnvName(target).replace(/_NAME$/, '_ARN') : invokeEnvName(target);
    out.set(env, `invokes '${target}'`);
  }
  for (const k of Object.keys(isObj(defaults.environment) ? defaults.environment : {})) out.set(k, `defaults.environment.${k}`);
  for (const k of Object.keys(isObj(fn.environment) ? fn.environment : {})) out.set(k, `environment.${k}`);
  return out;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * An SQS trigger names a declared queue whose visibility timeout is at least the function's timeout: a
 * shorter one lets a message reappear while the function still works on it (AWS refuses the mapping).
 */
function sqsTriggerProblems(raw: Raw, fnKey: string, fn: Raw, resources: Map<string, Raw & { type: ResourceType }>): Problem[] {
  if (!Array.isArray(fn.triggers)) return [];
  const queues = [...resources].filter(([, r]) => r.type === 'queue').map(([k]) => k);
  // resolve.ts's DEFAULTS.timeout (30); importing it would close a cycle through validate.ts.
  const timeout: number = [fn.timeout, isObj(raw.defaults) ? raw.defaults.timeout : undefined].find((t) => typeof t === 'number') ?? 30;
  return fn.triggers.flatMap((t: unknown, i: number): Problem[] => {
    const ref = isObj(t) && typeof t.sqs === 'string' ? t.sqs : undefined;
    if (ref === undefined) return [];
    const path = `functions.${fnKey}.triggers.${i}.sqs`;
    const q = resources.get(ref);
    if (q?.type !== 'queue') {
      const what = q ? `resources.${ref} is a ${q.type}, not a queue` : `no queue '${ref}' in resources`;
      return [{ path, message: `${what}${hint(didYouMean(ref, queues))}` }];
    }
    const visibility = typeof q.visibilityTimeout === 'number' ? q.visibilityTimeout : 30;
    if (visibility >= timeout) return [];
    return [
      {
        path,
        message: `queue ${ref}'s visibilityTimeout (${visibility}s) is shorter than the function's timeout (${timeout}s): set it to at least ${6 * timeout} (6× the timeout, as AWS advises)`,
      },
    ];
  });
}

/** An S3 trigger's key that names a declared resource names a bucket (an undeclared name is the preflight's to check). */
function s3TriggerProblems(fnKey: string, fn: Raw, resources: Map<string, Raw & { type: ResourceType }>): Problem[] {
  if (!Array.isArray(fn.triggers)) return [];
  return fn.triggers.flatMap((t: unknown, i: number): Problem[] => {
    const ref = isObj(t) && typeof t.s3 === 'string' ? t.s3 : undefined;
    const r = ref === undefined ? undefined : resources.get(ref);
    if (!r || r.type === 'bucket') return [];
    return [{ path: `functions.${fnKey}.triggers.${i}.s3`, message: `resources.${ref} is a ${r.type}, not a bucket` }];
  });
}
