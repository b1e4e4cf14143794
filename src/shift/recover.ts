/**
 * A shift left half-way (Ctrl-C, kill, lost connection) shows on `live` as a routing configuration:
 * FunctionVersion is the old version, AdditionalVersionWeights holds the new one. The next run never
 * leaves it split: it finishes or rolls back, as `deploy.onInterrupt` (or `--on-interrupt`) says. Pure.
 */

/** The `live` alias as read. */
export interface AliasRouting {
  version: string;
  /** AdditionalVersionWeights: version → share of traffic (0..1). */
  weights?: Record<string, number>;
}

export type InterruptMode = 'finish' | 'rollback';

/** What to do with `live`: move it to `to`, with no routing. */
export interface Recovery {
  mode: InterruptMode;
  to: string;
  /** The split found, for the plan's line: `10% on 4, 90% on 3`. */
  found: string;
  newVersion: string;
  oldVersion: string;
}

/** The one additional version of a split alias, or undefined when `live` is not split. */
export function splitOf(alias: AliasRouting | undefined): { newVersion: string; weight: number } | undefined {
  const entries = Object.entries(alias?.weights ?? {}).filter(([, w]) => w > 0);
  if (!alias || entries.length === 0) return undefined;
  // ops only ever adds one version; another tool's several are resolved towards the heaviest.
  const [newVersion, weight] = entries.sort((a, b) => b[1] - a[1])[0];
  return { newVersion, weight };
}

/** The recovery for a split alias, or undefined when there is nothing to recover. */
export function recoveryOf(alias: AliasRouting | undefined, mode: InterruptMode): Recovery | undefined {
  const split = splitOf(alias);
  if (!alias || !split) return undefined;
  const pct = Math.round(split.weight * 1000) / 10;
  return {
    mode,
    to: mode === 'finish' ? split.newVersion : alias.version,
    found: `${pct}% on version ${split.newVersion}, ${Math.round((100 - pct) * 10) / 10}% on version ${alias.version}`,
    newVersion: split.newVersion,
    oldVersion: alias.version,
  };
}
