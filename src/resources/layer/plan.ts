import { layerArn, layerArtifactKey, layerDescription, pendingLayerVersionArn } from '../../config/naming.js';
import type { FunctionSpec, LayerSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { Actual } from '../../model/actual.js';
import type { ChangeBase, FieldDiff } from '../../plan/change.js';
import { changeId, type PlanContext } from '../../plan/context.js';
import { base64ToHex, compareStrings, fieldsSummary, shortHex } from '../../plan/fields.js';

export type LayerChange =
  /** Publish a new version of a layer ops builds (`description` carries the zip's sha). */
  | (ChangeBase & {
      kind: 'layer.publish';
      layerName: string;
      zipPath: string;
      codeSha256: string;
      description: string;
      /** The runtimes and architectures of the functions using it (metadata Lambda filters layer lists by). */
      compatibleRuntimes: string[];
      compatibleArchitectures: string[];
    })
  /** Delete every version of a layer no function of the fleet uses any more. */
  | (ChangeBase & { kind: 'layer.delete'; layerName: string });

type BuiltLayer = Extract<LayerSpec, { kind: 'build' }>;

/**
 * The latest version of each layer ops builds, by name: what configurations name when nothing is
 * published (pass it to desiredConfiguration outside a plan, as `ops status` does).
 */
export const latestLayerVersions = (actual: Pick<Actual, 'layers'>): Record<string, string> =>
  Object.fromEntries(Object.values(actual.layers ?? {}).map((l) => [l.name, l.latestVersionArn]));

/** Built layers the functions use, by layer name (one spec per name: validation sees to that). */
export function builtLayers(fns: readonly FunctionSpec[]): Map<string, BuiltLayer> {
  const out = new Map<string, BuiltLayer>();
  for (const fn of fns) for (const l of fn.layers) if (l.kind === 'build' && !out.has(l.name)) out.set(l.name, l);
  return out;
}

/** The sorted runtimes and architectures of the functions naming a layer. */
function compatibility(fns: readonly FunctionSpec[], name: string): { runtimes: string[]; architectures: string[] } {
  const users = fns.filter((f) => f.layers.some((l) => l.kind === 'build' && l.name === name));
  const sorted = (xs: string[]) => [...new Set(xs)].sort(compareStrings);
  return { runtimes: sorted(users.map((u) => u.runtime)), architectures: sorted(users.map((u) => u.architecture)) };
}

/**
 * Layers ops builds: a new version where the zip's sha differs from the latest version's (or there
 * is none), and `ctx.layerVersions` set to the version each configuration names. Owned layers no
 * desired function uses are deleted (not with `only`: another function may still use them).
 */
export function planLayers(ctx: PlanContext): LayerChange[] {
  const out: LayerChange[] = [];
  const have = ctx.actual.layers ?? {};
  const foreign = new Map(ctx.actual.foreign.filter((f) => f.type === 'lambda layer').map((f) => [f.name, f.reason]));
  for (const [name, layer] of [...builtLayers(ctx.deploy)].sort(([a], [b]) => compareStrings(a, b))) {
    const current = have[name];
    // Publishing is how a layer is created, so a new version would land in someone else's layer.
    if (!current && foreign.has(name)) {
      throw new UserError(`layer ${name} exists and is not ops's (${foreign.get(name)}): ops publishes no version into it`, {
        hint: `give layer '${layer.key}' another \`name\` in the config, or delete that layer`,
      });
    }
    const artifact = ctx.artifacts[layerArtifactKey(layer.key)];
    if (current && (!artifact || current.codeSha256 === artifact.codeSha256)) {
      ctx.layerVersions[name] = current.latestVersionArn;
      continue;
    }
    if (!artifact) throw new Error(`planDeploy: no artifact for layer ${layer.key}, which must be published`);
    ctx.layerVersions[name] = pendingLayerVersionArn(layerArn(ctx.region, ctx.accountId, name));
    // The functions of the whole fleet that use it, not only those deployed now: all of them attach this version.
    const { runtimes, architectures } = compatibility(ctx.desired, name);
    const fields: FieldDiff[] = [
      { field: 'code', ...(current?.codeSha256 ? { from: shortHex(base64ToHex(current.codeSha256)) } : {}), to: shortHex(artifact.sha256) },
    ];
    out.push({
      kind: 'layer.publish',
      id: changeId('layer.publish', name),
      action: current ? 'update' : 'create',
      resource: { type: 'lambda layer', name },
      summary: current
        ? `publish a new version of layer ${name} (latest: ${current.latestVersion}): ${fieldsSummary(fields)}`
        : `create layer ${name} from ${layer.key}`,
      fields: current ? fields : [],
      dependsOn: [],
      layerName: name,
      zipPath: artifact.zipPath,
      codeSha256: artifact.codeSha256,
      description: layerDescription(ctx.fleet.app, ctx.fleet.stage, artifact.codeSha256),
      compatibleRuntimes: runtimes,
      compatibleArchitectures: architectures,
    });
  }
  if (ctx.scope) return out;
  const used = new Set(builtLayers(ctx.desired).keys());
  for (const name of Object.keys(have).sort(compareStrings)) {
    if (used.has(name)) continue;
    // Functions still naming a version of it change (or go) first.
    const users = Object.values(ctx.actual.functions).filter((f) => f.config.layers.some((arn) => arn.startsWith(`${have[name].arn}:`)));
    out.push({
      kind: 'layer.delete',
      id: changeId('layer.delete', name),
      action: 'delete',
      resource: { type: 'lambda layer', name },
      summary: `delete layer ${name} (every version; functions that still name one keep their copy)`,
      fields: [],
      dependsOn: users.flatMap((u) => [changeId('function.update-config', u.name), changeId('function.delete', u.name)]),
      layerName: name,
    });
  }
  return out;
}
