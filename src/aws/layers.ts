import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Architecture, Runtime } from '@aws-sdk/client-lambda';
import { layerShaOf } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { allPages } from './pool.js';
import { withThrottleRetry } from './retry.js';
import { stageZip } from './s3.js';
import type { ActualLayer } from './types.js';

/** Lambda layers ops builds: published as a new version only when the zip changed, deleted with all their versions. */

const read = <T>(aws: Aws, fn: () => Promise<T>) => withThrottleRetry(fn, { limiter: aws.limiter, policy: aws.retry });

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

/** Layers named `{app}-{stage}-…` (one ListLayers listing), each with its latest version and that version's sha. */
export async function readLayers(aws: Aws, scope: Pick<Fleet, 'app' | 'stage'>): Promise<Record<string, ActualLayer>> {
  const lambda = await aws.lambda();
  const prefix = `${scope.app}-${scope.stage}-`;
  const layers = await allPages(
    (Marker) => read(aws, () => lambda.listLayers({ ...(Marker ? { Marker } : {}) })),
    (page) => page.Layers,
    (page) => page.NextMarker,
  );
  const out: Record<string, ActualLayer> = {};
  for (const l of layers) {
    const latest = l.LatestMatchingVersion;
    if (!l.LayerName?.startsWith(prefix) || !latest?.LayerVersionArn) continue;
    const sha = layerShaOf(latest.Description);
    out[l.LayerName] = {
      name: l.LayerName,
      arn: l.LayerArn ?? latest.LayerVersionArn.replace(/:\d+$/, ''),
      latestVersion: latest.Version ?? Number(latest.LayerVersionArn.split(':').pop()),
      latestVersionArn: latest.LayerVersionArn,
      ...(sha ? { codeSha256: sha } : {}),
    };
  }
  return out;
}
