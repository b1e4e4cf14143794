import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadFleet } from '../config/load.js';
import { readManifest, writeManifest } from '../package/cache.js';
import { writeFileAtomic } from '../package/files.js';
import { buildFleet, limitsFor } from '../package/index.js';

/*
 * The code AWS runs stays the code ops deploys until the files change. `ops import` unpacks each function's
 * deployed zip; ops's own build of those files is another zip (other timestamps and order, a bundle for Node), so
 * the first deploy would upload the same code again and publish it as a change. Instead the import builds each
 * function once and puts the deployed zip in place of the build's zip in ops's build cache (`.ops/build`): while
 * the inputs are the ones unpacked, the packager reuses that zip, its CodeSha256 is AWS's, and nothing is uploaded.
 * Any edit is a cache miss, and ops's own build goes out, as for every other function.
 */

const sha = (zip: Buffer, enc: 'hex' | 'base64') => createHash('sha256').update(zip).digest(enc);

/** Keys of the functions whose deployed zip is kept; the rest (a build that failed: pip offline) are ops's build. */
export async function keepDeployedCode(dir: string, stage: string, zips: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const fleet = await loadFleet({ cwd: dir, stage, env: {} });
  const kept: string[] = [];
  for (const fn of fleet.functions.filter((f) => zips.has(f.key))) {
    const zip = zips.get(fn.key) as Buffer;
    try {
      const [artifact] = await buildFleet([fn], { root: fleet.root, limits: limitsFor(fleet), log: () => {}, notice: () => {} });
      if (!artifact) continue;
      const dirOf = path.dirname(artifact.zipPath);
      const manifest = await readManifest(dirOf);
      if (!manifest) continue;
      await writeFileAtomic(artifact.zipPath, zip);
      await writeManifest(dirOf, {
        ...manifest,
        artifact: { ...manifest.artifact, sha256: sha(zip, 'hex'), codeSha256: sha(zip, 'base64'), size: zip.length },
      });
      kept.push(fn.key);
    } catch {
      // Not built here (e.g. its requirements need pip and the network): its first deploy uploads ops's build.
    }
  }
  return kept;
}
