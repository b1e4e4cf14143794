import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from './support.js';

const REPO_PARAMS_HELPER = path.resolve(EXAMPLES_DIR, '../src/functions/search_flights/ops_params.py');

function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '.ops' || e.name === '__pycache__' ? [] : filesNamed(p, name);
    return e.name === name ? [p] : [];
  });
}

/** Python functions ship their own copy of the params helper (a zip is self-contained); they must not drift. */
describe('examples: copied helpers', () => {
  it("every ops_params.py is the repo fleet's", () => {
    const copies = filesNamed(EXAMPLES_DIR, 'ops_params.py');
    expect(copies.map((f) => path.relative(EXAMPLES_DIR, f)).sort()).toEqual([
      'autorescue/lambda_functions/analyze_disruption/ops_params.py',
      'autorescue/lambda_functions/search_flights/ops_params.py',
      'cloudops-agent/src/ops_params.py',
      'faas-services/layers/motadata-ai-sdk/python/ops_params.py',
      'spool/exercise_service/ops_params.py',
    ]);
    const original = readFileSync(REPO_PARAMS_HELPER, 'utf8');
    for (const f of copies) expect(readFileSync(f, 'utf8'), f).toBe(original);
  });
});
