#!/usr/bin/env node
// The fault matrix of issue 11, many trials per scenario against a moto of its own:
// `node bench/faults.mjs --trials 10 [--only kill,html] [--seed 42] [--timeout 90]` (after `npm run build`).
// Every ops command is the built bin/ops with its default retries and timeouts; the scenarios are
// test/faults/scenarios.ts (also run once each by `npm test`), bundled here with esbuild.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startBenchEmulator } from './emulator.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/ops');
const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    only: { type: 'string' },
    seed: { type: 'string' },
    timeout: { type: 'string', default: '90' },
  },
});
const trials = Number(args.trials);
if (!existsSync(path.join(root, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');

// Bundled next to node_modules so the AWS SDK packages it leaves external resolve from the repo.
const outdir = path.join(root, 'node_modules/.cache/ops-bench');
mkdirSync(outdir, { recursive: true });
const outfile = path.join(outdir, 'faults-scenarios.mjs');
await build({
  entryPoints: [path.join(root, 'test/faults/scenarios.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const { scenarios, runTrial, prepareApp, spawnRunner } = await import(pathToFileURL(outfile).href);

const wanted = args.only ? args.only.split(',') : scenarios.map((s) => s.name);
const unknown = wanted.filter((n) => !scenarios.some((s) => s.name === n));
if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}: ${scenarios.map((s) => s.name).join(', ')}`);

const { moto } = await startBenchEmulator();
const started = new Date();
const app = `fb${Date.now().toString(36).slice(-5)}`;
const { topicArn } = await prepareApp(moto.url, app);
// A run that has not ended after --timeout seconds is killed and counted as hung.
const env = { motoUrl: moto.url, ops: spawnRunner(bin), bin, spawnTimeoutMs: Number(args.timeout) * 1000 };
const baseSeed = args.seed === undefined ? Math.floor(Math.random() * 2 ** 30) : Number(args.seed);
const rows = [];
try {
  for (const scenario of scenarios.filter((s) => wanted.includes(s.name))) {
    const results = [];
    for (let i = 0; i < trials; i++) {
      const stage = `s${scenario.name.replace(/[^a-z0-9]/g, '').slice(0, 6)}${i}`; // a stage starts with a letter
      const r = await runTrial(scenario, env, { app, topicArn, stage, seed: baseSeed + i });
      results.push(r);
      const detail = [r.error && `error: ${r.error}`, ...r.notes, ...r.problems].filter(Boolean).join(' | ');
      console.error(
        `${scenario.name} #${i + 1} seed ${r.seed}: ${r.outcome} in ${(r.ms / 1000).toFixed(1)} s${detail ? `  ${detail}` : ''}`,
      );
    }
    rows.push({ scenario: scenario.name, results });
  }
} finally {
  await moto.stop();
}

const count = (rs, test) => rs.filter(test).length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `\nfault matrix, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, moto ${moto.version ?? ''}, base seed ${baseSeed}: node bench/faults.mjs ${process.argv.slice(2).join(' ')}`,
);
console.log(
  '| scenario | trials | converged | clean error (or killed), then converged | did not converge | destroy clean | lookalikes intact | all checks | median s |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { scenario, results } of rows) {
  const cells = [
    results.length,
    count(results, (r) => r.outcome === 'converged'),
    count(results, (r) => r.outcome === 'clean error, then converged' || r.outcome === 'killed, then converged'),
    count(results, (r) => r.outcome === 'did not converge'),
    count(results, (r) => r.destroyClean),
    count(results, (r) => r.lookalikesIntact),
    count(results, (r) => r.problems.length === 0),
    (median(results.map((r) => r.ms)) / 1000).toFixed(1),
  ];
  console.log(`| ${scenario} | ${cells.join(' | ')} |`);
}
// Why trials failed, most frequent first, with generated names folded so equal causes group.
const reasons = new Map();
for (const { scenario, results } of rows) {
  for (const p of results.flatMap((r) => r.problems)) {
    const key = `${scenario}: ${p
      .replace(new RegExp(`${app}-s[a-z0-9]+`, 'g'), '{app}-{stage}')
      .replace(/'s[a-z0-9]+'/g, "'{stage}'")
      .replace(/127\.0\.0\.1:\d+/g, 'HOST')
      .replace(/ \(\w{8}(, \w{8})*\)|(?<=api \{app\}-\{stage\}) \w{8}/g, '')}`;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
}
if (reasons.size)
  console.log(
    `\n${[...reasons]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n}× ${k}`)
      .join('\n')}`,
  );
