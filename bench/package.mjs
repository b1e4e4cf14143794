#!/usr/bin/env node
// Packaging cost and size: `node bench/package.mjs` (after `npm run build`).
// Cold = every function rebuilt (--force), warm = unchanged inputs, nothing rebuilt.
// Naive = what the seeds' scripts upload: `zip -r` of a function's sources plus node_modules
// (Python: the sources alone, since the repo's Python functions need only what Lambda ships).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/ops');
const runs = Number(process.argv[2] ?? 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ops ${args.join(' ')}: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout };
}

const cold = [];
const warm = [];
let artifacts;
for (let i = 0; i < runs; i++) {
  rmSync(path.join(root, '.ops/build'), { recursive: true, force: true });
  const c = time(['package', '--json']);
  cold.push(c.ms);
  artifacts = JSON.parse(c.out);
  warm.push(time(['package', '--json']).ms);
}

console.log(`| run | median (ms) |\n|---|---|`);
console.log(`| \`ops package\` cold (${artifacts.length} functions, .ops/build removed) | ${median(cold).toFixed(0)} |`);
console.log(`| \`ops package\` warm (nothing changed) | ${median(warm).toFixed(0)} |`);

console.log(`\n| function | runtime | ops zip | naive \`zip -r\` (sources + node_modules) | ratio |\n|---|---|---|---|---|`);
const tmp = mkdtempSync(path.join(tmpdir(), 'ops-naive-'));
for (const a of artifacts) {
  const fnDir = path.relative(
    root,
    path.dirname(a.zipPath).replace('.ops/build/', 'src/functions/').replace('search-flights', 'search_flights'),
  );
  const naive = path.join(tmp, `${a.key}.zip`);
  const parts = a.runtime.startsWith('nodejs') ? [fnDir, 'src/functions/_shared', 'node_modules'] : [fnDir];
  execFileSync('zip', ['-qr', naive, ...parts], { cwd: root });
  const n = statSync(naive).size;
  const size = n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `| ${a.key} | ${a.runtime} | ${(a.size / 1024).toFixed(1)} KB | ${size} | ${n >= a.size ? `1/${Math.round(n / a.size)}` : `${(a.size / n).toFixed(2)}×`} |`,
  );
}
rmSync(tmp, { recursive: true, force: true });
console.log(`\n${runs} runs, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
