import { rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FunctionSpec } from '../config/types.js';
import { BUILD_FORMAT, type BuildManifest, type InputRecord, type StatRecord, writeManifest } from './cache.js';
import { assertUnzippedSize, assertZippedSize, formatBytes, type SizeLimits } from './limits.js';
import { unzippedSize, writeDeterministicZip, type ZipEntry } from './zip.js';

/** A built deployment package, ready for CreateFunction / UpdateFunctionCode. */
export interface Artifact {
  /** Function key in the config. */
  key: string;
  /** Physical Lambda name. */
  name: string;
  runtime: string;
  /** Absolute path of the zip. */
  zipPath: string;
  /** sha256 of the zip, hex. */
  sha256: string;
  /** sha256 of the zip, base64: compare with Lambda's `CodeSha256` to skip an upload. */
  codeSha256: string;
  /** Zip size in bytes. */
  size: number;
  unzippedSize: number;
  /** Number of files in the zip. */
  files: number;
  /** True when the inputs were unchanged and the previous zip was reused. */
  cached: boolean;
  buildMs: number;
}

/** What a build is of: a function, or a layer (key `layer:{name}`). */
export type BuildTarget = Pick<FunctionSpec, 'key' | 'name' | 'language'> & { runtime: string };

/** What finishing a build needs: what is built (a function, or a layer), where, and the limits. */
export interface Finish {
  fn: BuildTarget;
  dir: string;
  zipPath: string;
  root: string;
  limits: SizeLimits;
  log: (msg: string) => void;
  started: number;
}

/**
 * Writes the zip (within the limits), its manifest, and returns the artifact. `stat` is that of the inputs a
 * check reads (a Node function's); the zip's, taken as it is written, would be too recent to trust.
 */
export async function finish(
  ctx: Finish,
  entries: ZipEntry[],
  inputs: Record<string, InputRecord>,
  print: string,
  notes: string[],
  stat?: StatRecord,
): Promise<Artifact> {
  const { fn, zipPath, limits } = ctx;
  const unzipped = unzippedSize(entries);
  assertUnzippedSize(fn.key, fn.language, unzipped, limits);
  const zip = await writeDeterministicZip(entries, zipPath);
  try {
    assertZippedSize(fn.key, fn.language, zip.size, limits);
  } catch (err) {
    // Never leave a zip behind that a later step could upload.
    await rm(zipPath, { force: true });
    await rm(path.join(ctx.dir, 'manifest.json'), { force: true });
    throw err;
  }
  const manifest: BuildManifest = {
    format: BUILD_FORMAT,
    key: fn.key,
    fingerprint: print,
    inputs,
    artifact: { zip: path.basename(zipPath), ...zip, unzippedSize: unzipped, files: entries.length },
    notes,
    ...(stat ? { stat } : {}),
  };
  await writeManifest(ctx.dir, manifest);
  const artifact = toArtifact(ctx, manifest, false);
  ctx.log(
    `${fn.key}: built ${path.relative(ctx.root, zipPath) || zipPath} (${formatBytes(zip.size)}, ${entries.length} files, ${formatBytes(unzipped)} unzipped) in ${artifact.buildMs} ms`,
  );
  return artifact;
}

/** The artifact of a zip built before from the same inputs. */
export function cached(ctx: Finish, manifest: BuildManifest): Artifact {
  const { fn, limits } = ctx;
  assertUnzippedSize(fn.key, fn.language, manifest.artifact.unzippedSize, limits);
  assertZippedSize(fn.key, fn.language, manifest.artifact.size, limits);
  const artifact = toArtifact(ctx, manifest, true);
  ctx.log(`${fn.key}: unchanged, reusing ${path.relative(ctx.root, ctx.zipPath) || ctx.zipPath} (${formatBytes(manifest.artifact.size)})`);
  return artifact;
}

function toArtifact(ctx: Finish, m: BuildManifest, isCached: boolean): Artifact {
  return {
    key: ctx.fn.key,
    name: ctx.fn.name,
    runtime: ctx.fn.runtime,
    zipPath: ctx.zipPath,
    sha256: m.artifact.sha256,
    codeSha256: m.artifact.codeSha256,
    size: m.artifact.size,
    unzippedSize: m.artifact.unzippedSize,
    files: m.artifact.files,
    cached: isCached,
    buildMs: Math.round(performance.now() - ctx.started),
  };
}
