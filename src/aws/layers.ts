import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Architecture, Runtime } from '@aws-sdk/client-lambda';
import { isOtherStagesOwn, layerOwnerOf, layerShaOf } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Actual, ActualLayer } from '../model/actual.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { allPages } from './pool.js';
import { read } from './retry.js';
import { stageZip } from './s3.js';

/** Lambda layers ops builds: published as a new version only when the zip changed, deleted with all their versions. */

export interface PublishLayerInput {
  name: string;
  zipPath: string;
  /** The sha the plan expects: a zip changed since the plan fails instead of publishing unplanned content. */
  codeSha256: string;
  description: string;
  compatibleRuntimes?: string[];
  compatibleArchitectures?: string[];
  /** Stage the zip through this S3 bucket (`deploy.bucket`). */
  bucket?: string;
}

/** PublishLayerVersion with the zip bytes; returns the new version's ARN. */
export async function publishLayer(aws: Aws, input: PublishLayerInput): Promise<{ versionArn: string; version: number }> {
  const lambda = await aws.lambda();
  const zip = await readFile(input.zipPath);
  if (createHash('sha256').update(zip).digest('base64') !== input.codeSha256) {
    throw new UserError(`the zip of layer ${input.name} changed since the plan (${input.zipPath})`, { hint: 'run the deploy again' });
  }
  const content = input.bucket ? await stageZip(aws, input.bucket, `layers/${input.name}`, zip) : { ZipFile: zip };
  const out = await aws.write(() =>
    lambda.publishLayerVersion({
      LayerName: input.name,
      Content: content,
      Description: input.description,
      ...(input.compatibleRuntimes?.length ? { CompatibleRuntimes: input.compatibleRuntimes as Runtime[] } : {}),
      ...(input.compatibleArchitectures?.length ? { CompatibleArchitectures: input.compatibleArchitectures as Architecture[] } : {}),
    }),
  );
  return { versionArn: out.LayerVersionArn!, version: out.Version ?? 0 };
}

/** Deletes every version of a layer (functions that use one keep working: Lambda keeps their copy). */
export async function deleteLayer(aws: Aws, name: string): Promise<number> {
  const lambda = await aws.lambda();
  const versions = await orNotFound(
    allPages(
      (Marker) => read(aws, () => lambda.listLayerVersions({ LayerName: name, ...(Marker ? { Marker } : {}) })),
      (page) => page.LayerVersions,
      (page) => page.NextMarker,
    ),
  );
  for (const v of versions ?? []) {
    if (v.Version !== undefined)
      await orNotFound(aws.write(() => lambda.deleteLayerVersion({ LayerName: name, VersionNumber: v.Version! })));
  }
  return versions?.length ?? 0;
}

/**
 * The stage's layers, each with its latest version and that version's sha. ListLayers finds the
 * candidates named `{app}-{stage}-…`; a layer is ours only when its latest version's description
 * names exactly our app and stage (layerDescription), so stage `dev` never takes `dev-x`'s
 * `tasks-dev-x-common`. A description with an ops sha but no owner (none is written so, but an
 * edited one may look so) counts only for a layer name the config builds; anything else is foreign.
 */
export async function readLayers(
  aws: Aws,
  scope: Pick<Fleet, 'app' | 'stage'> & Partial<Pick<Fleet, 'functions'>>,
): Promise<{ items: Record<string, ActualLayer>; foreign: Actual['foreign'] }> {
  const lambda = await aws.lambda();
  const prefix = `${scope.app}-${scope.stage}-`;
  const layers = await allPages(
    (Marker) => read(aws, () => lambda.listLayers({ ...(Marker ? { Marker } : {}) })),
    (page) => page.Layers,
    (page) => page.NextMarker,
  );
  const built = new Set((scope.functions ?? []).flatMap((f) => f.layers.flatMap((l) => (l.kind === 'build' ? [l.name] : []))));
  const items: Record<string, ActualLayer> = {};
  const foreign: Actual['foreign'] = [];
  for (const l of layers) {
    const latest = l.LatestMatchingVersion;
    if (!l.LayerName?.startsWith(prefix) || !latest?.LayerVersionArn) continue;
    const reason = layerNotOwnedReason(l.LayerName, latest.Description, scope, built);
    if (reason) {
      // Another stage's own layer is not worth a warning, unless the config builds one of that name.
      if (built.has(l.LayerName) || !isOtherStagesOwn(l.LayerName, layerOwnerOf(latest.Description), scope.app, scope.stage))
        foreign.push({ type: 'lambda layer', name: l.LayerName, reason });
      continue;
    }
    const sha = layerShaOf(latest.Description);
    items[l.LayerName] = {
      name: l.LayerName,
      arn: l.LayerArn ?? latest.LayerVersionArn.replace(/:\d+$/, ''),
      latestVersion: latest.Version ?? Number(latest.LayerVersionArn.split(':').pop()),
      latestVersionArn: latest.LayerVersionArn,
      ...(sha ? { codeSha256: sha } : {}),
    };
  }
  return { items, foreign };
}

/** `undefined` when a layer is ours by its latest version's description (see readLayers), else why not. */
export function layerNotOwnedReason(
  name: string,
  description: string | undefined,
  scope: Pick<Fleet, 'app' | 'stage'>,
  builtNames: ReadonlySet<string>,
): string | undefined {
  const owner = layerOwnerOf(description);
  if (owner) {
    return owner.app === scope.app && owner.stage === scope.stage ? undefined : `published for app ${owner.app} stage ${owner.stage}`;
  }
  if (layerShaOf(description) && builtNames.has(name)) return undefined;
  return `its description does not name ops ${scope.app}/${scope.stage}`;
}

export interface DownloadLayerOptions {
  /** Bounds the GetLayerVersionByArn call and the download together. */
  signal?: AbortSignal;
}

/**
 * A published layer version's zip, for local runs: GetLayerVersionByArn gives a presigned URL of the
 * content (Content.Location), fetched here and checked against Content.CodeSha256.
 */
export async function downloadLayerVersion(aws: Aws, arn: string, opts: DownloadLayerOptions = {}): Promise<Buffer> {
  const lambda = await aws.lambda();
  const version = await lambda.getLayerVersionByArn({ Arn: arn }, { abortSignal: opts.signal });
  const location = version.Content?.Location;
  if (!location || !/^https?:\/\//.test(location)) throw new Error(`no downloadable content location (${location ?? 'none'})`);
  const response = await fetch(location, { signal: opts.signal });
  if (!response.ok) throw new Error(`downloading its content: HTTP ${response.status}`);
  const zip = Buffer.from(await response.arrayBuffer());
  const expected = version.Content?.CodeSha256;
  if (expected && createHash('sha256').update(zip).digest('base64') !== expected) {
    throw new Error('the downloaded content does not match its CodeSha256');
  }
  return zip;
}
