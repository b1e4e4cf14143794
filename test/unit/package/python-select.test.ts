import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFleet, buildFunction } from '../../../src/package/index.js';
import { globToRegExp } from '../../../src/package/select.js';
import { pythonFunction } from './builders.js';
import { cleanupTmp, put, tmpDir, zipNames } from './helpers.js';

const NO_PYTHON = '/nonexistent/python3';
const HANDLER = 'def lambda_handler(event, context):\n    return {"ok": True}\n';

/**
 * Seed 000's layout with `root: '.'`: the config, two functions with sample events, a layer's
 * sources and docs, all under the one directory that becomes every zip's root (issue 12.11).
 */
async function rootDotProject(): Promise<string> {
  const root = await tmpDir('ops-py-select-');
  await put(path.join(root, 'ops.config.ts'), 'export default {};\n');
  await put(path.join(root, 'README.md'), '# fleet\n');
  for (const fn of ['search_flights', 'analyze_disruption']) {
    await put(path.join(root, `lambda_functions/${fn}/lambda_function.py`), HANDLER);
    await put(path.join(root, `lambda_functions/${fn}/events/jfk-lax.json`), '{}');
    await put(path.join(root, `lambda_functions/${fn}/events/jfk-lax.expect.json`), '{"noError":true}');
  }
  // A package that happens to be called `events` is code, not samples.
  await put(path.join(root, 'lambda_functions/search_flights/events_pkg/events/__init__.py'), '');
  await put(path.join(root, 'lambda_functions/search_flights/events_pkg/events/schema.json'), '{}');
  await put(path.join(root, 'layers/sdk/python/sdk/__init__.py'), '');
  await put(path.join(root, 'tests/test_search.py'), '');
  await put(path.join(root, 'tests/fixtures/offers.json'), '[]');
  return root;
}

const atRoot = (root: string, key: string, module: string, extra: Parameters<typeof pythonFunction>[1] = {}) =>
  pythonFunction(root, {
    key,
    name: `seed-dev-${key}`,
    layers: [{ kind: 'build', key: 'sdk', name: 'seed-dev-sdk', path: path.join(root, 'layers/sdk') }],
    ...extra,
    handler: {
      file: path.join(root, `lambda_functions/${module}/lambda_function.py`),
      lambdaHandler: `lambda_functions.${module}.lambda_function.lambda_handler`,
      root,
      requirements: undefined,
    },
  });

let root: string;
beforeAll(async () => {
  root = await rootDotProject();
});
afterAll(cleanupTmp);

describe('Python packaging with root "." (issue 12.11)', () => {
  it('leaves out the ops config, sample events and the layer sources by default', async () => {
    const a = await buildFunction(atRoot(root, 'search', 'search_flights'), { root, force: true, python: NO_PYTHON });
    expect(await zipNames(a.zipPath)).toEqual([
      'README.md',
      'lambda_functions/analyze_disruption/lambda_function.py',
      'lambda_functions/search_flights/events_pkg/events/__init__.py',
      'lambda_functions/search_flights/events_pkg/events/schema.json',
      'lambda_functions/search_flights/lambda_function.py',
    ]);
  });

  it('include brings back what the rules leave out; exclude wins over both', async () => {
    const fn = atRoot(root, 'search', 'search_flights', {
      include: ['tests/fixtures/**', 'lambda_functions/*/events/*.json'],
      exclude: ['*.md', 'lambda_functions/analyze_disruption', '**/*.expect.json'],
    });
    const a = await buildFunction(fn, { root, force: true, python: NO_PYTHON });
    expect(await zipNames(a.zipPath)).toEqual([
      'lambda_functions/search_flights/events/jfk-lax.json',
      'lambda_functions/search_flights/events_pkg/events/__init__.py',
      'lambda_functions/search_flights/events_pkg/events/schema.json',
      'lambda_functions/search_flights/lambda_function.py',
      'tests/fixtures/offers.json',
    ]);
  });

  it('globs: * within a segment, ** across them, {a,b}, and a directory meaning all under it', () => {
    const m = (g: string, p: string) => globToRegExp(g).test(p);
    expect([m('*.md', 'README.md'), m('*.md', 'docs/a.md'), m('**/*.md', 'docs/a.md'), m('**/*.md', 'a.md')]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect([m('tests', 'tests/a/b.py'), m('tests/', 'tests/x'), m('test', 'tests/x'), m('{a,b}/*.py', 'b/x.py')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect([m('a?.py', 'ab.py'), m('a.py', 'aXpy')]).toEqual([true, false]);
  });
});

describe('requirements the runtime provides (issue 12.11)', () => {
  it('says which it does not package on a line the user sees when it builds; a cached build repeats it under --debug only', async () => {
    const dir = await tmpDir('ops-py-provided-');
    await put(path.join(dir, 'src/functions/analyze/lambda_function.py'), HANDLER);
    await put(path.join(dir, 'src/functions/analyze/requirements.txt'), 'urllib3\nboto3>=1.28\n');
    const fn = pythonFunction(dir, { handler: { requirements: path.join(dir, 'src/functions/analyze/requirements.txt') } });
    const line =
      'analyze: not packaging urllib3, boto3>=1.28 from requirements.txt: the Lambda python3.12 runtime provides them (its own versions)';
    for (const force of [true, false]) {
      const notices: string[] = [];
      const debug: string[] = [];
      const a = await buildFunction(fn, { root: dir, force, python: NO_PYTHON, log: (m) => debug.push(m), notice: (m) => notices.push(m) });
      expect(a.cached).toBe(!force);
      // The same decision on every build: said where the user sees it when the zip is made, not on every run after.
      expect(notices).toEqual(force ? [line] : []);
      expect(debug.filter((m) => m.includes('not packaging'))).toEqual(force ? [] : [line]);
    }
  });
});

describe('functions with identical build inputs (issue 12.11)', () => {
  it('share one build: one zip, one sha256', async () => {
    const fns = [atRoot(root, 'search', 'search_flights'), atRoot(root, 'analyze', 'analyze_disruption')];
    const built: string[] = [];
    const artifacts = await buildFleet(fns, { root, force: true, python: NO_PYTHON, log: (m) => / built /.test(m) && built.push(m) });
    const [search, analyze] = artifacts.filter((a) => !a.key.startsWith('layer:'));
    expect(built.filter((l) => !l.startsWith('layer:'))).toHaveLength(1);
    expect(analyze).toMatchObject({ key: 'analyze', name: 'seed-dev-analyze', zipPath: search.zipPath, sha256: search.sha256 });
    expect(search.key).toBe('search');
  });
});
