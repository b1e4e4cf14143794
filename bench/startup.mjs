#!/usr/bin/env node
// Startup cost of the CLI against a bare Node start: `node bench/startup.mjs [runs]`.
// Prints medians and the ratio; the target is `ops --help` ≤ 1.5 × `node -e 0`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 30);
const bin = path.join(root, 'bin/ops');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(args) {
  const samples = [];
  for (let i = 0; i < runs + 3; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    if (i >= 3) samples.push(ms); // the first runs warm the page cache
  }
  return median(samples);
}

const cases = [
  ['node -e 0', ['-e', '0']],
  ['ops --help', [bin, '--help']],
  ['ops --version', [bin, '--version']],
  ['ops deploy --help', [bin, 'deploy', '--help']],
];
const base = time(cases[0][1]);
console.log(`| command | median (ms) | × node -e 0 |\n|---|---|---|`);
for (const [name, args] of cases) {
  let ms;
  try {
    ms = name === 'node -e 0' ? base : time(args);
  } catch {
    continue; // a command that does not exist yet
  }
  console.log(`| \`${name}\` | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)} |`);
}
console.log(`\n${runs} runs each, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
