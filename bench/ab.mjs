#!/usr/bin/env node
// The same deploys with two builds of ops, alternating, on one moto: `node bench/ab.mjs <base-dir> [runs] [--fleet base|head]`.
// <base-dir> is another checkout of ops with its dist/ built, e.g. the commit before a change:
//   git worktree add /tmp/ops-base <commit> && ln -s "$PWD/node_modules" /tmp/ops-base/node_modules
//   (cd /tmp/ops-base && node scripts/build.mjs) && node bench/ab.mjs /tmp/ops-base 9
// Each run copies the repo's fleet under a fresh app name for each build and times a cold deploy, a no-op
// redeploy, a one-function code change packaged before the deploy (`code`) and one built by the deploy
// (`build`) (bench/deploy.mjs has the bash baseline and call counts).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchEmulator } from './emulator.mjs';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const base = process.argv[2];
if (!base) {
  console.error('usage: node bench/ab.mjs <base-checkout-with-dist> [runs]');
  process.exit(2);
}
const roots = { base: path.resolve(base), head: here };
const runs = Number(process.argv[3] ?? 5);
// `--fleet base`: both builds deploy the base checkout's fleet (its ops.config.ts and src/functions), so a change
// of the repo's fleet between the two commits (issue 14 declared its table) does not count as a change of speed.
const fleetOf = process.argv.includes('--fleet') ? process.argv[process.argv.indexOf('--fleet') + 1] : undefined;
if (fleetOf && !(fleetOf in roots)) {
  console.error('usage: --fleet base|head');
  process.exit(2);
}
const { moto, env } = await startBenchEmulator();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const res = { base: { cold: [], noop: [], code: [], build: [] }, head: { cold: [], noop: [], code: [], build: [] } };
try {
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 ? ['head', 'base'] : ['base', 'head']) {
      const root = roots[which];
      const app = `ab${which[0]}${i}${Date.now().toString(36).slice(-3)}`;
      const dir = mkdtempSync(path.join(tmpdir(), 'ops-ab-'));
      const fleet = roots[fleetOf ?? which];
      cpSync(path.join(fleet, 'src/functions'), path.join(dir, 'src/functions'), { recursive: true });
      const config = readFileSync(path.join(fleet, 'ops.config.ts'), 'utf8')
        .replace(/app: '[^']+'/, `app: '${app}'`)
        .replace(/from '\.\/src\/config\/define(\.js)?'/, `from '${root}/src/config/define.ts'`);
      writeFileSync(path.join(dir, 'ops.config.ts'), config);
      const ops = (args, input) => {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [path.join(root, 'bin/ops'), ...args], { cwd: dir, env, encoding: 'utf8', input });
        if (r.status !== 0) throw new Error(`${which}: ops ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(-800)}`);
        return Number(process.hrtime.bigint() - t0) / 1e6;
      };
      // Older trees name the tasks table in a param; since 8a29614 the fleet declares it (resources) and deploys it.
      if (config.includes("'tasks-table'")) ops(['params', 'set', 'tasks-table', `${app}-tasks`, '--yes']);
      for (const p of ['amadeus/client-id', 'amadeus/client-secret']) ops(['params', 'set', p, '--stdin', '--yes'], 'bench\n');
      ops(['package']);
      res[which].cold.push(ops(['deploy', '--yes']));
      res[which].noop.push(ops(['deploy', '--yes']));
      const handler = path.join(dir, 'src/functions/health-check/handler.ts');
      // A statement with an effect: an unused export would be dropped by esbuild, leaving the zip (and AWS) unchanged.
      writeFileSync(handler, `${readFileSync(handler, 'utf8')}\nconsole.log('bench code ${app}');\n`);
      ops(['package']);
      res[which].code.push(ops(['deploy', '--yes']));
      // The same change, built by the deploy itself (bench/deploy.mjs's code-change scenario).
      writeFileSync(handler, `${readFileSync(handler, 'utf8')}\nconsole.log('bench build ${app}');\n`);
      res[which].build.push(ops(['deploy', '--yes']));
    }
  }
} finally {
  await moto.stop();
}
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
// Paired: each run's head / base (the two ran back to back on the same moto), then the median of those: moto slows
// as it fills with each run's fleets, which moves both medians but not the pairs.
console.log(`| deploy | base (median) | head (median) | head / base | paired (median of run ratios) | base runs | head runs |`);
console.log('|---|---|---|---|---|---|---|');
for (const k of ['cold', 'noop', 'code', 'build']) {
  const [b, h] = [median(res.base[k]), median(res.head[k])];
  const paired = median(res.head[k].map((x, i) => x / res.base[k][i]));
  const list = (xs) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
  console.log(`| ${k} | ${s(b)} | ${s(h)} | ${(h / b).toFixed(2)} | ${paired.toFixed(2)} | ${list(res.base[k])} | ${list(res.head[k])} |`);
}
console.log(
  `\n${runs} runs each, alternating, moto ${moto.version ?? ''}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
