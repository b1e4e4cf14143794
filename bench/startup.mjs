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

function once(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const cases = [
  ['node -e 0', ['-e', '0']],
  ['ops --help', [bin, '--help']],
  ['ops --version', [bin, '--version']],
  ['ops deploy --help', [bin, 'deploy', '--help']],
].filter(([, args]) => {
  try {
    once(args);
    return true;
  } catch {
    return false; // a command that does not exist yet
  }
});
// Round-robin, so a burst of load on the machine hits every case alike.
const samples = cases.map(() => []);
for (let i = 0; i < runs + 3; i++) {
  cases.forEach(([, args], j) => {
    const ms = once(args);
    if (i >= 3) samples[j].push(ms); // the first rounds warm the page cache
  });
}
const base = median(samples[0]);
console.log(`| command | median (ms) | × node -e 0 |\n|---|---|---|`);
cases.forEach(([name], j) => {
  const ms = median(samples[j]);
  console.log(`| \`${name}\` | ${ms.toFixed(1)} | ${(ms / base).toFixed(2)} |`);
});
console.log(`\n${runs} runs each, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
