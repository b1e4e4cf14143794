import { describe, expect, it } from 'vitest';
import type { Aws } from '../../../src/aws/clients.js';
import { retryPolicy } from '../../../src/aws/retry.js';
import type { FunctionSpec } from '../../../src/config/types.js';
import type { ActualFunction, ReadScope } from '../../../src/model/actual.js';
import { needsStageFunctions, readSelectedFunctions } from '../../../src/resources/function/read-selected.js';

const ours = { 'ops:app': 'shop', 'ops:stage': 'dev' };

/** A Lambda that knows `names` (all the stage's, tagged), counting every call by operation and function. */
function countingAws(names: string[]) {
  const calls: string[] = [];
  const known = (n: string) => {
    if (!names.includes(n)) throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
  };
  const lambda = {
    getFunction: async (i: { FunctionName: string }) => {
      calls.push(`GetFunction ${i.FunctionName}`);
      known(i.FunctionName);
      const arn = `arn:aws:lambda:us-east-1:1:function:${i.FunctionName}`;
      return { Configuration: { FunctionName: i.FunctionName, FunctionArn: arn, Role: 'r', CodeSha256: 'c' }, Tags: ours };
    },
    getAlias: async (i: { FunctionName: string }) => {
      calls.push(`GetAlias ${i.FunctionName}`);
      known(i.FunctionName);
      return { FunctionVersion: '1' };
    },
    getPolicy: async (i: { FunctionName: string }) => {
      calls.push(`GetPolicy ${i.FunctionName}`);
      known(i.FunctionName);
      return { Policy: JSON.stringify({ Statement: [] }) };
    },
    listVersionsByFunction: async (i: { FunctionName: string }) => {
      calls.push(`ListVersionsByFunction ${i.FunctionName}`);
      known(i.FunctionName);
      return { Versions: [{ Version: '$LATEST' }, { Version: '1', CodeSha256: 'c' }] };
    },
    listFunctions: async () => {
      calls.push('ListFunctions');
      return { Functions: [] };
    },
  };
  const retry = retryPolicy({ sleep: async () => {}, jitter: (ms) => ms });
  return { aws: { lambda: async () => lambda, retry } as unknown as Aws, calls };
}

const fn = (key: string, extra: Partial<FunctionSpec> = {}) => ({ key, name: `shop-dev-${key}`, triggers: [], ...extra }) as FunctionSpec;
const stage = ['a', 'b', 'c', 'd', 'auth'].map((k) => `shop-dev-${k}`);

describe('the read of a selection (ops deploy fn)', () => {
  it('reads the selected function by name, four calls and no listing, and none of the others', async () => {
    const { aws, calls } = countingAws(stage);
    const scope: ReadScope & { only: string[] } = {
      app: 'shop',
      stage: 'dev',
      functions: ['a', 'b', 'c', 'd'].map((k) => fn(k)),
      only: ['shop-dev-b'],
      inventory: Promise.resolve({}),
    };
    const r = await readSelectedFunctions(aws, scope);
    expect(Object.keys(r.items)).toEqual(['shop-dev-b']);
    expect(r.items['shop-dev-b']?.versions.map((v) => v.version)).toEqual(['1']);
    expect(calls.sort()).toEqual(['GetAlias', 'GetFunction', 'GetPolicy', 'ListVersionsByFunction'].map((op) => `${op} shop-dev-b`));
  });

  it("also reads the configured functions the inventory lists as shifting, and Lambda authorizers' functions", async () => {
    const { aws, calls } = countingAws(stage);
    const scope = {
      app: 'shop',
      stage: 'dev',
      functions: ['a', 'b', 'c', 'auth'].map((k) => fn(k)),
      only: ['shop-dev-a'],
      // `shop-dev-gone` left the config: a selection does not resolve its split (the whole stage's plan deletes it).
      inventory: Promise.resolve({ split: ['shop-dev-c', 'shop-dev-gone'] }),
      api: { authorizers: [{ name: 'auth', type: 'lambda', function: 'auth', functionName: 'shop-dev-auth' }] },
    } as unknown as ReadScope & { only: string[] };
    const r = await readSelectedFunctions(aws, scope);
    expect(Object.keys(r.items).sort()).toEqual(['shop-dev-a', 'shop-dev-auth', 'shop-dev-c']);
    expect(new Set(calls.map((c) => c.split(' ')[1]))).toEqual(new Set(['shop-dev-a', 'shop-dev-auth', 'shop-dev-c']));
    expect(calls).not.toContain('ListFunctions');
  });

  it('the stage read of functions is needed for S3 triggers, or a selected function still holding an S3 permission', () => {
    const scope: ReadScope = { app: 'shop', stage: 'dev', functions: [fn('a'), fn('b')] };
    const holding = (sid: string) =>
      ({ 'shop-dev-a': { aliasPolicy: [{ Sid: sid, Effect: 'Allow' }] } }) as unknown as Record<string, ActualFunction>;
    expect(needsStageFunctions(scope)).toBe(false);
    expect(needsStageFunctions(scope, holding('ops-rule-x'))).toBe(false);
    expect(needsStageFunctions(scope, holding('ops-s3-1a2b3c'))).toBe(true);
    const s3 = fn('b', { triggers: [{ kind: 's3', bucket: 'uploads' }] as unknown as FunctionSpec['triggers'] });
    expect(needsStageFunctions({ ...scope, functions: [fn('a'), s3] })).toBe(true);
  });
});
