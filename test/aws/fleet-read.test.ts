import { describe, expect, it } from 'vitest';
import { createFunction, createRole, publishVersionAndMoveAlias } from '../../src/aws/write.js';
import { readActual } from '../../src/resources/read.js';
import { useEmulator } from '../support/emulator.js';
import type { LoggedRequest } from '../support/fault-proxy.js';
import { awsFor, functionConfig, makeZip, roleSpec, unique } from './helpers.js';

const emu = useEmulator();

/** Most requests in flight at once, from the proxy's arrival times and durations. */
function peakOverlap(requests: readonly LoggedRequest[]): number {
  const edges = requests.flatMap((r) => [
    { t: r.time, d: 1 },
    { t: r.time + r.durationMs, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d); // an end and a start at the same ms do not overlap
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

describe('reading a fleet', () => {
  it('reads 40 functions with bounded parallelism: one listing, their tags from the tagging API, one GetAlias each', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const app = unique();
    const { arn } = await createRole(aws, roleSpec(app, 'dev', 'shared'));
    const zip = await makeZip();
    const names = Array.from({ length: 40 }, (_, i) => `${app}-dev-fn${String(i).padStart(2, '0')}`);
    const tags = { 'ops:app': app, 'ops:stage': 'dev' };
    await Promise.all(
      names.map(async (name) => {
        await createFunction(aws, { name, config: functionConfig(arn), zipPath: zip.zipPath, tags });
        await publishVersionAndMoveAlias(aws, name, zip.codeSha256);
      }),
    );

    proxy.clearLog();
    const actual = await readActual(aws, { app, stage: 'dev' }, { concurrency: 8 });

    expect(Object.keys(actual.functions).sort()).toEqual(names);
    expect(Object.values(actual.functions).every((f) => f.alias?.version === '1' && f.versions.length === 1)).toBe(true);
    const lambda = proxy.requests.filter((r) => r.service === 'lambda');
    const count = (op: string) => lambda.filter((r) => r.operation === op).length;
    // No GetFunction (configurations from the listing), no GetPolicy (no function is marked as holding statements).
    expect([count('ListFunctions'), count('GetFunction'), count('GetAlias'), count('GetPolicy'), count('ListVersionsByFunction')]).toEqual([
      1, 0, 40, 0, 0,
    ]);
    expect(proxy.requests.filter((r) => r.service === 'tagging').length).toBe(1);
    expect(peakOverlap(lambda.filter((r) => r.operation === 'GetAlias'))).toBeLessThanOrEqual(8);
    expect(proxy.writeCount()).toBe(0);
    aws.destroy();
  });
});
