import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FunctionSpec } from '../config/types.js';
import { ConfigError, UserError } from '../errors.js';
import { listSamples, parseJson, splitSample } from '../invoke/events.js';
import { type Expectation, parseExpectation } from './expect.js';

/** One sample to run: its payload and what it must produce. */
export interface SmokeCase {
  fn: FunctionSpec;
  sample: string;
  /** The JSON text to send (the sample file as is, or the `payload` of a sample with inline `expect`). */
  payloadText: string;
  payload: unknown;
  expect: Expectation;
}

/** Every problem in the samples' expectations, each with its file and field. */
export class ExpectationError extends ConfigError {
  constructor(problems: { path: string; message: string }[]) {
    super('smoke expectations', problems);
    this.name = 'ExpectationError';
    this.message = `${problems.length} problem${problems.length === 1 ? '' : 's'} in the smoke expectations`;
  }
}

/** `events/get-task.json` → `events/get-task.expect.json`. */
export const expectFileFor = (sampleFile: string) => sampleFile.replace(/\.json$/, '.expect.json');

/**
 * The samples of these functions that carry expectations (in `<name>.expect.json` or inline), and
 * the names of those that do not (they are not run). Every malformed file is reported at once.
 */
export async function loadSmokeCases(
  fns: FunctionSpec[],
  root: string,
): Promise<{ cases: SmokeCase[]; skipped: { fn: string; sample: string }[] }> {
  const cases: SmokeCase[] = [];
  const skipped: { fn: string; sample: string }[] = [];
  const problems: { path: string; message: string }[] = [];
  const rel = (file: string) => path.relative(root, file) || file;
  const read = async (file: string): Promise<unknown> => {
    try {
      return parseJson(await readFile(file, 'utf8'), rel(file));
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push({ path: rel(file), message: error.message.replace(`${rel(file)} `, '') });
      return undefined;
    }
  };

  for (const fn of fns) {
    for (const sample of await listSamples(fn)) {
      const text = await readFile(sample.file, 'utf8');
      const value = await read(sample.file);
      if (value === undefined) continue;
      const { payload, expect: inline } = splitSample(value);
      const expectFile = expectFileFor(sample.file);
      const separate = existsSync(expectFile);
      if (inline !== undefined && separate) {
        problems.push({ path: rel(expectFile), message: `${rel(sample.file)} already has inline "expect": keep one of them` });
        continue;
      }
      const raw = separate ? await read(expectFile) : inline;
      if (raw === undefined) {
        if (!separate) skipped.push({ fn: fn.key, sample: sample.name });
        continue;
      }
      const where = separate ? rel(expectFile) : `${rel(sample.file)}: expect`;
      const parsed = parseExpectation(raw);
      for (const p of parsed.problems) problems.push({ path: p.field ? `${where}: ${p.field}` : where, message: p.message });
      if (!parsed.expect) continue;
      cases.push({
        fn,
        sample: sample.name,
        payloadText: inline === undefined ? text : JSON.stringify(payload),
        payload,
        expect: parsed.expect,
      });
    }
  }
  if (problems.length) throw new ExpectationError(problems);
  return { cases, skipped };
}
