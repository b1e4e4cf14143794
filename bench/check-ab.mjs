#!/usr/bin/env node
// The build check with nothing changed, two builds of ops alternating on one moto:
// `node bench/check-ab.mjs <base-checkout-with-dist> [runs] [functions]` (after `node scripts/build.mjs` in both).
// Each build gets its own copy of bench/scale.mjs's generated fleet (default 200 functions), packaged and deployed
// once, then one `ops package` and one `ops deploy` more (not timed: the first check after files were written reads
// them all, as it did before stat records). Then, alternating base and head: `ops package` with nothing changed and
// the no-op `ops deploy`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchEmulator } from './emulator.mjs';
import { generateScaleFleet } from './scale-fleet.mjs';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv[2]) {
  console.error('usage: node bench/check-ab.mjs <base-checkout-with-dist> [runs] [functions]');
  process.exit(2);
}
const roots = { base: path.resolve(process.argv[2]), head: here };
const runs = Number(process.argv[3] ?? 7);
const n = Number(process.argv[4] ?? 200);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { moto, env } = await startBenchEmulator();
const work = mkdtempSync(path.join(tmpdir(), 'ops-check-ab-'));
const dirs = {};
const ops = (which, args) => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(roots[which], 'bin/ops'), ...args], { cwd: dirs[which], env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${which}: ops ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(-800)}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const res = { base: { package: [], noop: [] }, head: { package: [], noop: [] } };
try {
  for (const which of ['base', 'head']) {
    dirs[which] = generateScaleFleet(work, n, 8);
    for (const args of [['package'], ['deploy', '--yes'], ['package'], ['deploy', '--yes']]) ops(which, args);
  }
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 ? ['head', 'base'] : ['base', 'head']) {
      res[which].package.push(ops(which, ['package']));
      res[which].noop.push(ops(which, ['deploy', '--yes']));
    }
  }
} finally {
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(`| ${n} functions, nothing changed | base (median) | head (median) | head − base | base runs | head runs |`);
console.log('|---|---|---|---|---|---|');
for (const [k, label] of [
  ['package', '`ops package`'],
  ['noop', '`ops deploy`, no-op'],
]) {
  const [b, h] = [median(res.base[k]), median(res.head[k])];
  const list = (xs) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
  console.log(
    `| ${label} | ${(b / 1000).toFixed(2)} s | ${(h / 1000).toFixed(2)} s | ${((h - b) / 1000).toFixed(2)} s | ${list(res.base[k])} | ${list(res.head[k])} |`,
  );
}
console.log(`\n${runs} runs each, alternating, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
