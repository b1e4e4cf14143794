import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedFunctions, layerWatchTargets, needsLayerRebuild, needsRebuild, watchTree } from '../../src/dev/watch.js';

const fn = (key: string, file: string, root = path.dirname(file)) => ({ key, handler: { file, root } as any });

describe('watching src/functions', () => {
  const fns = [fn('api', '/p/src/functions/api/handler.ts'), fn('search', '/p/src/functions/search/main.py')];

  it('maps a change to the function owning the file; a shared file rebuilds every function', () => {
    expect(affectedFunctions(fns, ['/p/src/functions/api/lib/db.ts']).map((f) => f.key)).toEqual(['api']);
    expect(affectedFunctions(fns, ['/p/src/functions/search/main.py', '/p/src/functions/api/handler.ts']).map((f) => f.key)).toEqual([
      'api',
      'search',
    ]);
    expect(affectedFunctions(fns, ['/p/src/functions/_shared/http.ts']).map((f) => f.key)).toEqual(['api', 'search']);
    expect(affectedFunctions(fns, ['/p/src/functions/apix/handler.ts']).map((f) => f.key)).toEqual(['api', 'search']);
  });

  it('watches a built layer outside the sources for the functions using it, node_modules included', () => {
    const layer = (p: string) => ({ kind: 'build' as const, key: path.basename(p), name: path.basename(p), path: p });
    const users = [
      { key: 'api', layers: [layer('/p/layers/shared'), { kind: 'arn' as const, arn: 'arn:aws:lambda:x:1:layer:y:1' }] },
      { key: 'job', layers: [layer('/p/layers/shared'), layer('/p/src/functions/_layer')] },
    ];
    expect(layerWatchTargets(users, '/p/src/functions')).toEqual([{ dir: '/p/layers/shared', keys: ['api', 'job'] }]);
    expect(needsLayerRebuild('nodejs/node_modules/greeter/index.js')).toBe(true);
    expect(needsLayerRebuild('python/pkg/__pycache__/x.pyc')).toBe(false);
  });

  it('ignores samples, expectations, caches and editor files', () => {
    expect(needsRebuild('api/handler.ts')).toBe(true);
    expect(needsRebuild('api/events/get.json')).toBe(false);
    expect(needsRebuild('api/events/get.expect.json')).toBe(false);
    expect(needsRebuild('search/__pycache__/x.pyc')).toBe(false);
    expect(needsRebuild('api/node_modules/x/index.js')).toBe(false);
    expect(needsRebuild('api/.handler.ts.swp')).toBe(false);
  });

  it.each([false, true])('reports changed files once, debounced (poll: %s)', async (poll) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ops-watch-'));
    await mkdir(path.join(dir, 'api/events'), { recursive: true });
    await writeFile(path.join(dir, 'api/handler.ts'), 'a');
    const batches: string[][] = [];
    const watcher = watchTree(dir, (files) => batches.push(files.sort()), { poll, pollMs: 50, debounceMs: 80 });
    try {
      expect(watcher.mode).toBe(poll ? 'poll' : 'native');
      await new Promise((r) => setTimeout(r, 150)); // the poller's first scan is the baseline
      await writeFile(path.join(dir, 'api/handler.ts'), 'b');
      await writeFile(path.join(dir, 'api/util.ts'), 'c');
      await writeFile(path.join(dir, 'api/events/s.json'), '{}');
      const deadline = Date.now() + 3000;
      while (batches.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      expect(batches).toEqual([[path.join(dir, 'api/handler.ts'), path.join(dir, 'api/util.ts')]]);
    } finally {
      watcher.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
