#!/usr/bin/env node
// `npm run bench -- <name> [args]` runs bench/<name>.mjs after building dist/ (the benches spawn bin/ops);
// without a name it lists the benches, each with the first line of its header comment.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'emulator.mjs'].includes(f))
  .map((f) => f.slice(0, -4))
  .sort();
const [name, ...args] = process.argv.slice(2);

if (!name) {
  console.log('usage: npm run bench -- <name> [args]   (figures go in docs/benchmarks.md)\n');
  for (const b of benches) {
    const header = readFileSync(path.join(here, `${b}.mjs`), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('// '));
    console.log(`  ${b.padEnd(10)} ${header ? header.slice(3) : ''}`);
  }
  process.exit(0);
}
if (!benches.includes(name)) {
  console.error(`no bench named '${name}': one of ${benches.join(', ')}`);
  process.exit(2);
}
const run = (file, argv) => spawnSync(process.execPath, [file, ...argv], { stdio: 'inherit' }).status ?? 1;
const built = run(path.join(here, '../scripts/build.mjs'), []);
if (built !== 0) process.exit(built);
process.exit(run(path.join(here, `${name}.mjs`), args));
