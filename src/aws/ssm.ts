import type { Parameter } from '@aws-sdk/client-ssm';
import { UserError } from '../errors.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { allPages } from './pool.js';
import { read } from './retry.js';

/** GetParameters accepts at most 10 names per call. */
export const GET_PARAMETERS_MAX_NAMES = 10;
/** The standard tier's limit on a value, in bytes (ops never creates advanced-tier parameters). */
export const MAX_VALUE_BYTES = 4096;

export type StoredType = 'String' | 'StringList' | 'SecureString';

/**
 * A parameter as SSM holds it. `value` is there only when it is readable: a plain parameter, or a
 * SecureString read with decryption. A SecureString read without decryption never carries one
 * (AWS would return ciphertext, some emulators the plain text behind a prefix).
 */
export interface StoredParam {
  name: string;
  type: StoredType;
  version: number;
  lastModified?: Date;
  value?: string;
}

export interface ReadParamOptions {
  /** Ask for SecureString values in plain text (needs kms:Decrypt on the key). */
  decrypt?: boolean;
  /** Abort the call after this long (local runs: the store is optional). */
  abortSignal?: AbortSignal;
}

function mapParameter(p: Parameter, decrypted: boolean): StoredParam {
  const type = (p.Type ?? 'String') as StoredType;
  const readable = type !== 'SecureString' || decrypted;
  return {
    name: p.Name ?? '',
    type,
    version: p.Version ?? 0,
    ...(p.LastModifiedDate ? { lastModified: p.LastModifiedDate } : {}),
    ...(readable && p.Value !== undefined ? { value: p.Value } : {}),
  };
}

/** One parameter, or `undefined` when it does not exist. */
export async function getParameter(aws: Aws, name: string, opts: ReadParamOptions = {}): Promise<StoredParam | undefined> {
  const ssm = await aws.ssm();
  const res = await orNotFound(read(aws, () => ssm.getParameter({ Name: name, WithDecryption: opts.decrypt ?? false })));
  return res?.Parameter ? mapParameter(res.Parameter, opts.decrypt ?? false) : undefined;
}

/** The parameters that exist among `names`, by name: one GetParameters call per 10 names. */
export async function getParameters(aws: Aws, names: readonly string[], opts: ReadParamOptions = {}): Promise<Map<string, StoredParam>> {
  const ssm = await aws.ssm();
  const unique = [...new Set(names)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += GET_PARAMETERS_MAX_NAMES) chunks.push(unique.slice(i, i + GET_PARAMETERS_MAX_NAMES));
  const pages = await Promise.all(
    chunks.map((Names) =>
      read(aws, () =>
        ssm.getParameters({ Names, WithDecryption: opts.decrypt ?? false }, opts.abortSignal ? { abortSignal: opts.abortSignal } : {}),
      ),
    ),
  );
  const found = new Map<string, StoredParam>();
  for (const page of pages) {
    for (const p of page.Parameters ?? []) if (p.Name) found.set(p.Name, mapParameter(p, opts.decrypt ?? false));
  }
  return found;
}

/** Every parameter under a path (`/tasks/dev/`), recursively, without values for SecureStrings. */
export async function listParametersByPath(aws: Aws, path: string): Promise<StoredParam[]> {
  const ssm = await aws.ssm();
  const params = await allPages(
    (NextToken) =>
      read(aws, () => ssm.getParametersByPath({ Path: path, Recursive: true, WithDecryption: false, MaxResults: 10, NextToken })),
    (page) => page.Parameters,
    (page) => page.NextToken,
  );
  return params.map((p) => mapParameter(p, false));
}

/** A parameter's tags (never its value). */
export async function getParameterTags(aws: Aws, name: string): Promise<Record<string, string>> {
  const ssm = await aws.ssm();
  const res = await read(aws, () => ssm.listTagsForResource({ ResourceType: 'Parameter', ResourceId: name }));
  return Object.fromEntries((res.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** The KMS key a SecureString is encrypted with, as DescribeParameters reports it (`alias/aws/ssm` by default). */
export async function getParameterKeyId(aws: Aws, name: string): Promise<string | undefined> {
  const ssm = await aws.ssm();
  const res = await read(aws, () => ssm.describeParameters({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }));
  return res.Parameters?.find((p) => p.Name === name)?.KeyId;
}

export interface PutParamInput {
  name: string;
  value: string;
  secure: boolean;
  /** KMS key for a SecureString; the account's default `alias/aws/ssm` when omitted. */
  kmsKeyId?: string;
  description?: string;
  /** Replace an existing parameter (its tags are then set with AddTagsToResource). */
  overwrite: boolean;
  tags: Record<string, string>;
}

/**
 * Creates or overwrites a parameter and tags it; returns the new version. PutParameter refuses
 * tags together with Overwrite, so an overwrite tags in a second call. Failures never carry the value.
 */
export async function putParameter(aws: Aws, input: PutParamInput): Promise<number> {
  checkValue(input.name, input.value);
  const ssm = await aws.ssm();
  const Tags = Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value }));
  try {
    const res = await aws.write(() =>
      ssm.putParameter({
        Name: input.name,
        Value: input.value,
        Type: input.secure ? 'SecureString' : 'String',
        ...(input.secure && input.kmsKeyId ? { KeyId: input.kmsKeyId } : {}),
        ...(input.description ? { Description: input.description } : {}),
        Overwrite: input.overwrite,
        ...(input.overwrite ? {} : { Tags }),
      }),
    );
    if (input.overwrite && Tags.length) {
      await aws.write(() => ssm.addTagsToResource({ ResourceType: 'Parameter', ResourceId: input.name, Tags }));
    }
    return res.Version ?? 0;
  } catch (error) {
    throw redact(error, input.value);
  }
}

/** Deletes a parameter; `false` when there was none. */
export async function deleteParameter(aws: Aws, name: string): Promise<boolean> {
  const ssm = await aws.ssm();
  return (await orNotFound(aws.write(() => ssm.deleteParameter({ Name: name })))) !== undefined;
}

/** What SSM would refuse, refused before the call so no error message can quote the value. */
function checkValue(name: string, value: string): void {
  if (value.length === 0) throw new UserError(`${name}: the value is empty`, { hint: 'SSM parameters need at least one character' });
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new UserError(`${name}: the value is ${bytes} bytes; a standard parameter holds at most ${MAX_VALUE_BYTES}`, {
      hint: 'keep large documents elsewhere (S3) and store their location instead',
    });
  }
}

/**
 * Some services quote the offending input in validation errors. Replaces `secret` in the message
 * and stack of the error and its causes (values under 4 characters are left alone: replacing them
 * would garble the message more than it protects).
 */
export function redact(error: unknown, secret: string): unknown {
  if (secret.length < 4) return error;
  const seen = new Set<unknown>();
  for (let e: unknown = error; typeof e === 'object' && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const err = e as { message?: unknown; stack?: unknown };
    for (const key of ['message', 'stack'] as const) {
      const text = err[key];
      if (typeof text === 'string' && text.includes(secret)) {
        Object.defineProperty(err, key, { value: text.split(secret).join('[redacted]'), configurable: true, writable: true });
      }
    }
  }
  return error;
}
