import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

/*
 * Resolving a validated config (src/config/resolve.ts) loads no zod: a run whose validation is cached skips zod's code
 * and the schemas' construction (~50 ms of every start). The schemas stay in their modules (api-keys.ts, domain.ts,
 * ...); what resolve needs of a kind is in its zod-free sibling (resolve-api-keys.ts, resolve-domain.ts, ...).
 * `import type` is fine: esbuild erases it, and so does the metafile.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A chain of static imports from `entry` to each module that imports zod, as `entry -> a -> b -> zod`. */
async function staticChainsToZod(entry: string): Promise<string[]> {
  const { metafile } = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    splitting: true,
    outdir: 'out',
    write: false,
    metafile: true,
    logLevel: 'silent',
    mainFields: ['module', 'main'],
  });
  const staticImports = new Map(
    Object.entries(metafile.inputs).map(([file, input]) => [
      file,
      input.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
    ]),
  );
  const from = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const next of staticImports.get(file) ?? []) {
      if (from.has(next)) continue;
      from.set(next, file);
      queue.push(next);
    }
  }
  const isZod = (file: string) => file.includes('node_modules/zod/');
  // Every module of ours that imports zod itself, each with the shortest chain that reaches it.
  return [...from.keys()]
    .filter((file) => !isZod(file) && (staticImports.get(file) ?? []).some(isZod))
    .map((file) => {
      const chain = ['zod'];
      for (let at: string | undefined = file; at !== undefined; at = from.get(at)) chain.unshift(at);
      return chain.join(' -> ');
    });
}

describe('src/config/resolve.ts', () => {
  it('reaches no zod through static imports', async () => {
    expect(await staticChainsToZod('src/config/resolve.ts')).toEqual([]);
  });

  it('the check sees zod where it is imported (the schema module)', async () => {
    const chains = await staticChainsToZod('src/config/schema.ts');
    expect(chains.length).toBeGreaterThan(0);
    expect(chains).toContain('src/config/schema.ts -> zod');
  });
});
