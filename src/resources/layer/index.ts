import { deleteLayer, publishLayer, readLayers } from '../../aws/layers.js';
import { defineKind } from '../kind.js';
import { type LayerChange, planLayers } from './plan.js';

/** Layers ops builds (`layers: [{ build }]`): a new version when the zip changes, all versions deleted when unused. */
export const layer = defineKind<LayerChange>({
  kind: 'layer',
  changes: ['layer.publish', 'layer.delete'],
  // Functions wait for a new version (their configuration names it); a layer is deleted once nothing uses it.
  leading: ['layer.publish'],
  trailing: ['layer.delete'],
  async read(aws, scope) {
    // A selection's plan deletes no layer (another function may use it): only built layers, and the references
    // that name them, need the read, so a fleet that builds none skips it.
    if (scope.only && !(scope.functions ?? []).some((f) => f.layers.some((l) => l.kind === 'build'))) return {};
    const { items, foreign } = await readLayers(aws, scope);
    return { actual: Object.keys(items).length ? { layers: items } : {}, foreign };
  },
  // Planned before the functions: it decides the layer versions their configurations name (ctx.layerVersions).
  plan: planLayers,
  apply: {
    async 'layer.publish'(c, run) {
      const { versionArn, version } = await publishLayer(run.aws, {
        name: c.layerName,
        zipPath: c.zipPath,
        codeSha256: c.codeSha256,
        description: c.description,
        compatibleRuntimes: c.compatibleRuntimes,
        compatibleArchitectures: c.compatibleArchitectures,
        bucket: run.opts.bucket,
      });
      run.layerVersions.set(c.layerName, versionArn);
      return `version ${version}`;
    },
    async 'layer.delete'(c, run) {
      const n = await deleteLayer(run.aws, c.layerName);
      return `${n} version${n === 1 ? '' : 's'} deleted`;
    },
  },
});
