import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem, ValidateEnv } from '../../../src/config/validate.js';
import { plainText, validateCached } from '../../../src/config/validated.js';

type Result = { fleet?: any; problems: Problem[] };

/** A stand-in for validateFleet that counts its calls: valid unless `raw.bad`; checks `raw.handler` exists. */
function counted(
  out: (raw: any) => Result = (raw) =>
    raw.bad ? { problems: [{ path: 'bad', message: 'is bad' }] } : { fleet: { ...raw, checked: true }, problems: [] },
) {
  const calls: unknown[] = [];
  const validate = (raw: any, env: ValidateEnv): Result => {
    calls.push(raw);
    if (typeof raw.handler === 'string') env.exists(raw.handler);
    return out(raw);
  };
  return { calls, load: async () => validate };
}

async function setup() {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-validated-'));
  const files = new Set<string>(['a.ts']);
  const env = (stage = 'dev'): ValidateEnv => ({ stage, exists: (p) => files.has(p) });
  return { dir, files, env, cache: (build = 'b1') => ({ dir, build }) };
}

const raw = () => ({ app: 'shop', handler: 'a.ts', functions: { api: { memory: 256, tags: ['x'] } } });

describe('the validation cache', () => {
  it('validates once for the same config, then returns an equal fleet without calling the validator', async () => {
    const { env, cache } = await setup();
    const v = counted();
    const first = await validateCached(raw(), env(), v.load, cache());
    const second = await validateCached(raw(), env(), v.load, cache());
    expect(v.calls).toHaveLength(1);
    expect(second).toEqual(first);
    expect(second.fleet).toEqual({ ...raw(), checked: true });
  });

  it('validates again when a value, the key order, an undefined member, the stage or the build differ', async () => {
    const { env, cache } = await setup();
    const v = counted();
    await validateCached(raw(), env(), v.load, cache());
    const changed = [
      { ...raw(), functions: { api: { memory: 512, tags: ['x'] } } },
      { handler: 'a.ts', app: 'shop', functions: { api: { memory: 256, tags: ['x'] } } },
      { ...raw(), extra: undefined },
    ];
    for (const c of changed) {
      const before = v.calls.length;
      await validateCached(c, env(), v.load, cache());
      expect(v.calls.length, JSON.stringify(c)).toBe(before + 1);
    }
    await validateCached(raw(), env('prod'), v.load, cache());
    await validateCached(raw(), env(), v.load, cache('b2'));
    expect(v.calls).toHaveLength(6);
  });

  it('validates again when a file the validation looked for appears or disappears', async () => {
    const { env, cache, files } = await setup();
    const v = counted();
    await validateCached(raw(), env(), v.load, cache());
    files.delete('a.ts');
    await validateCached(raw(), env(), v.load, cache());
    expect(v.calls).toHaveLength(2);
    files.add('a.ts');
    await validateCached(raw(), env(), v.load, cache());
    expect(v.calls).toHaveLength(3);
  });

  it('never keeps a config with problems: it is checked, and reported, every time', async () => {
    const { env, cache, dir } = await setup();
    const v = counted();
    for (let i = 0; i < 2; i++) expect((await validateCached({ ...raw(), bad: true }, env(), v.load, cache())).problems).toHaveLength(1);
    expect(v.calls).toHaveLength(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not cache a config that holds anything but plain data', async () => {
    const { env, cache, dir } = await setup();
    const circular: any = raw();
    circular.self = circular;
    const odd = [{ ...raw(), hook: () => 1 }, { ...raw(), at: new Date(0) }, { ...raw(), n: Number.NaN }, { ...raw(), n: -0 }, circular];
    const v = counted((r) => ({ fleet: { app: r.app }, problems: [] }));
    for (const o of odd) for (let i = 0; i < 2; i++) await validateCached(o, env(), v.load, cache());
    expect(v.calls).toHaveLength(odd.length * 2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an object used twice in the config is plain data', async () => {
    const shared = { LEVEL: 'info' };
    const twice = { a: shared, b: shared };
    expect(plainText(twice)).toBe(plainText({ a: { LEVEL: 'info' }, b: { LEVEL: 'info' } }));
  });

  it('keeps undefined members of the validated fleet as members', async () => {
    const { env, cache } = await setup();
    const v = counted(() => ({ fleet: { app: 'shop', memory: undefined, list: [1, undefined] }, problems: [] }));
    await validateCached(raw(), env(), v.load, cache());
    const hit: any = (await validateCached(raw(), env(), v.load, cache())).fleet;
    expect(v.calls).toHaveLength(1);
    expect(Object.keys(hit)).toEqual(['app', 'memory', 'list']);
    expect(hit.list).toEqual([1, undefined]);
    expect(1 in hit.list).toBe(true);
  });

  it('a damaged entry is a miss, rewritten by the next validation', async () => {
    const { env, cache, dir } = await setup();
    const v = counted();
    await validateCached(raw(), env(), v.load, cache());
    const [file] = await readdir(dir);
    for (const damaged of ['{', '{"key":1}', 'null']) {
      await writeFile(path.join(dir, file), damaged);
      await validateCached(raw(), env(), v.load, cache());
    }
    expect(v.calls).toHaveLength(4);
    await validateCached(raw(), env(), v.load, cache());
    expect(v.calls).toHaveLength(4);
  });

  it('without a cache (running from source), always validates and writes nothing', async () => {
    const { env, dir } = await setup();
    const v = counted();
    for (let i = 0; i < 2; i++) await validateCached(raw(), env(), v.load, undefined);
    expect(v.calls).toHaveLength(2);
    expect(existsSync(dir) && (await readdir(dir)).length).toBe(0);
  });
});
