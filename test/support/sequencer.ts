import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/*
 * The longest files first. On a fresh checkout (CI) vitest has no durations cached and starts the largest files
 * first, by bytes: the fault matrix (a short file that runs for minutes) then starts among the last, and the other
 * worker idles while it runs. These are the longest files of `.ci/run` (their order by measured duration); the
 * rest follow in vitest's own order. A stale list only costs time, never a result.
 */
const SLOWEST = [
  'test/faults/matrix.test.ts',
  'test/faults/lost-responses.test.ts',
  'test/e2e/install.test.ts',
  'test/deploy/faults.test.ts',
  'test/deploy/limits-requests.test.ts',
  'test/deploy/selection-read.test.ts',
  'test/deploy/lifecycle.test.ts',
  'test/invoke/local-refs.test.ts',
  'test/deploy/external-role.test.ts',
  'test/deploy/function-url.test.ts',
  'test/deploy/refs.test.ts',
  'test/e2e/lease-interrupt.test.ts',
  'test/e2e/bin.test.ts',
  'test/deploy/layers.test.ts',
  'test/deploy/event-source.test.ts',
  'test/cli/invoke-local.test.ts',
  'test/unit/package/python-build.test.ts',
  'test/deploy/alarms.test.ts',
  'test/params/leak.test.ts',
  'test/deploy/bucket.test.ts',
  'test/cli/honest-errors.test.ts',
  'test/deploy/shift.test.ts',
  'test/import/import.test.ts',
  'test/deploy/kept-names-apis.test.ts',
  'test/deploy/kept-names.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.indexOf(path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/'));
      return i < 0 ? SLOWEST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i, r: rank(f) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map(({ f }) => f);
  }
}
