#!/usr/bin/env node
// Fleet scale against a moto server on loopback: `node bench/scale.mjs [n...] [--quick]` (after `node scripts/build.mjs`),
// e.g. `node bench/scale.mjs 200 1000 --quick`: each size in the same run, one after the other on one moto (reset
// before each cold deploy), and a table of the sizes side by side. For each size: generates N small TypeScript
// functions (zips of a few KB; one in 25 has a route, so the HTTP API exists; no params) and measures the cold build,
// the cold deploy (AWS calls, writes, writes/s per service), the no-op redeploy (no write allowed; calls per function)
// and, for one function of the N (fn-001, no route): `ops plan fn-001`, the no-op `ops deploy fn-001` and the deploy of
// an edit of its handler (calls and wall time), with the peak RSS of each `ops` process. Without `--quick`, for the
// largest size: how the cost grows (the cold deploy and a no-op at N/4, N/2 and N), and at N/4 with
// deploy.concurrency 1, 8 and 32 behind a proxy that adds AWS-like latency to every call (moto answers in a few ms,
// so on its own the per-service write limiters of src/aws/limiter.ts set the pace whatever the concurrency), and the
// same per-function reads from one warm SDK client (the floor under the no-op). moto is reset before every cold
// deploy: ListFunctions and GetAccountAuthorizationDetails list the whole account, so an earlier run's resources
// would slow the next one down.
// The cold deploy is set against the quota-bound time: for each write limiter of src/aws/quotas.ts, the
// writes that pass it past its burst over its rate, the longest of them (issue 18.2: within 10 %).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build as esbuild } from 'esbuild';
import { startBenchEmulator } from './emulator.mjs';
import { generateScaleFleet } from './scale-fleet.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/ops');
// The quota table ops paces its writes by, from its source (a module with no imports of its own).
const quotasJs = (await esbuild({ entryPoints: [path.join(root, 'src/aws/quotas.ts')], bundle: true, format: 'esm', write: false }))
  .outputFiles[0].text;
const { pacesFor } = await import(`data:text/javascript;base64,${Buffer.from(quotasJs).toString('base64')}`);
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const SIZES = args.filter((a) => /^\d+$/.test(a)).map(Number);
if (!SIZES.length) SIZES.push(200);
const N = Math.max(...SIZES);
const SWEEP_SIZES = [Math.round(N / 4), Math.round(N / 2), N];
const LATENCY_MS = 100;
const LATENCY_CONCURRENCY = [1, 8, 32];
const NOOP_RUNS = 3;

const { moto, env } = await startBenchEmulator();
const work = mkdtempSync(path.join(tmpdir(), 'ops-scale-'));
// The ops process's own peak RSS, printed at exit (esbuild's service process is not counted: see tree RSS).
const preload = path.join(work, 'maxrss.mjs');
writeFileSync(
  preload,
  "import { writeSync } from 'node:fs';\nprocess.on('exit', () => writeSync(2, 'bench: maxrss ' + process.resourceUsage().maxRSS + '\\n'));\n",
);
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const isRead = (op) => /^\w+\.(Get|List|Describe|Head|Filter)\w*$/.test(op);
const pad = (i) => String(i).padStart(3, '0');

const generateFleet = (n, concurrency) => generateScaleFleet(work, n, concurrency);

/** Runs `ops <args> --debug`: wall time, AWS calls by operation, writes, when each write ended, peak RSS. */
function ops(dir, opsArgs, extraEnv = {}) {
  const nodeArgs = ['--import', pathToFileURL(preload).href, bin, ...opsArgs, '--debug'];
  const [cmd, argv] = gnuTime ? [gnuTime, ['-f', 'bench: treemaxrss %M', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: dir, env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    const calls = [];
    const tail = [];
    let maxRssKb;
    let treeRssKb;
    let rest = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      const at = performance.now() - t0;
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const l of lines) {
        const m = /^debug: aws (\S+) (\S+).* (\d+)ms/.exec(l);
        if (m) calls.push({ op: m[1], status: m[2], ms: Number(m[3]), at });
        else if (l.startsWith('bench: maxrss ')) maxRssKb = Number(l.slice(14));
        else if (l.startsWith('bench: treemaxrss ')) treeRssKb = Number(l.slice(18));
        else tail.push(l);
      }
      tail.splice(0, Math.max(0, tail.length - 40));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`ops ${opsArgs.join(' ')} exited ${code}:\n${tail.join('\n')}`));
      // The stage lease's PutParameter and DeleteParameter are not writes to the fleet.
      const writes = calls.filter((c) => !isRead(c.op) && c.op !== 'ssm.PutParameter' && c.op !== 'ssm.DeleteParameter');
      const byService = {};
      for (const w of writes) (byService[w.op.split('.')[0]] ??= []).push(w);
      const perService = Object.fromEntries(Object.entries(byService).map(([svc, ws]) => [svc, { n: ws.length, rate: rate(ws) }]));
      resolve({ ms, calls, writes: writes.length, writeCalls: writes, writesPerSecond: rate(writes), perService, maxRssKb, treeRssKb });
    });
  });
}

/** A proxy that holds every request `ms` before passing it on to `target`. */
async function latencyProxy(target, ms) {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const body = [];
    req.on('data', (chunk) => body.push(chunk));
    req.on('end', () =>
      setTimeout(() => {
        const options = { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers };
        const up = http.request(options, (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        });
        up.on('error', (error) => res.destroy(error));
        up.end(Buffer.concat(body));
      }, ms),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Writes per second between the first and the last: lines are timestamped on arrival, a write's when it ends. */
function rate(writes) {
  const span = writes.length > 1 ? (writes.at(-1).at - writes[0].at) / 1000 : 0;
  return span > 0 ? (writes.length - 1) / span : 0;
}

/**
 * The quota-bound time of a run's writes: each write passes the limiters src/aws/quotas.ts names for it
 * (its operation's, the service total's); a limiter lets its burst through at once and the rest at its
 * rate, so the writes cannot all be done before max((n - burst) / rate) over the limiters.
 */
function quotaBound(writes) {
  const keys = new Map();
  for (const w of writes) {
    const [label, operation] = w.op.split('.');
    for (const { key, quota } of pacesFor(label, operation)) {
      const k = keys.get(key) ?? { key, n: 0, rate: quota.rate, burst: quota.burst ?? Math.max(1, Math.floor(quota.rate)) };
      k.n++;
      keys.set(key, k);
    }
  }
  const rows = [...keys.values()]
    .map((k) => ({ ...k, seconds: Math.max(0, k.n - k.burst) / k.rate }))
    .sort((a, b) => b.seconds - a.seconds);
  return { rows, seconds: rows[0]?.seconds ?? 0 };
}

/** Calls by operation, most time first: count, total ms inside the calls, mean. */
function byOperation(calls) {
  const ops = new Map();
  for (const c of calls) {
    const o = ops.get(c.op) ?? { op: c.op, n: 0, ms: 0 };
    o.n++;
    o.ms += c.ms;
    ops.set(c.op, o);
  }
  return [...ops.values()].sort((a, b) => b.ms - a.ms);
}

// ---------------------------------------------------------------- each size

/** fn-001's handler answers something else: a real code change (esbuild drops a mere comment). */
function editHandler(dir, key) {
  const file = path.join(dir, 'src', key, 'handler.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace(`{ fn: '${key}',`, `{ fn: '${key}', edited: true,`));
}

/** One size: the build, the cold deploy, the no-ops, then one function's plan, no-op deploy and code change. */
async function measure(n) {
  log(`generating ${n} functions in ${work}`);
  const dir = generateFleet(n, 8);
  log(`ops package (cold build, ${n} functions)`);
  const build = await ops(dir, ['package']);
  const warmBuild = await ops(dir, ['package']);
  await moto.reset();
  log(`ops deploy (cold, ${n} functions)`);
  const cold = await ops(dir, ['deploy', '--yes']);
  const noops = [];
  for (let i = 0; i < NOOP_RUNS; i++) {
    log(`ops deploy (no-op ${i + 1}/${NOOP_RUNS}, ${n} functions)`);
    noops.push(await ops(dir, ['deploy', '--yes']));
    log(`  ${(noops.at(-1).ms / 1000).toFixed(2)} s, ${noops.at(-1).calls.length} calls`);
  }
  const noop = noops.find((r) => r.ms === median(noops.map((x) => x.ms)));
  const noopWrites = Math.max(...noops.map((r) => r.writes));
  log(`ops plan / deploy ${ONE} (${n} functions)`);
  const onePlan = await ops(dir, ['plan', ONE]);
  const oneNoop = await ops(dir, ['deploy', ONE, '--yes']);
  editHandler(dir, ONE);
  const oneCode = await ops(dir, ['deploy', ONE, '--yes']);
  return { n, dir, build, warmBuild, cold, noops, noop, noopWrites, onePlan, oneNoop, oneCode };
}

/** The function deployed alone: fn-001 has no route (fn-000 has). */
const ONE = 'fn-001';
// Ascending: the largest fleet is the one left on moto for the floor below.
const results = [];
// A size that fails (an `ops` run exiting non-zero) is reported with its error, and the other sizes still run.
const failed = [];
for (const n of [...new Set(SIZES)].sort((x, y) => x - y)) {
  try {
    results.push(await measure(n));
  } catch (error) {
    log(`${n} functions failed: ${error.message.split('\n')[0]}`);
    failed.push({
      n,
      error:
        error.message
          .split('\n')
          .filter((l) => /^(error|Error): /.test(l))
          .join(' ') || error.message.split('\n')[0],
    });
  }
}
// The floor is of the largest size that deployed (moto holds its functions).
const dir = results.at(-1)?.dir ?? work;
const FN = results.at(-1)?.n ?? 0;

// ---------------------------------------------------------------- moto alone

// The floor under the no-op: the same per-function reads from one process with a warm SDK client, 16 in flight.
const require = createRequire(path.join(root, 'package.json'));
try {
  require('@aws-sdk/core/client').state.warningEmitted = true; // the SDK's "Node 20" notice, as ops silences it
} catch {}
const { Lambda } = require('@aws-sdk/client-lambda');
const { IAM } = require('@aws-sdk/client-iam');
const lambda = new Lambda({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const names = Array.from({ length: FN }, (_, i) => `${path.basename(dir)}-dev-fn-${pad(i)}`);
async function timed(label, call) {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < names.length) await call(names[next++]).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { label, ms: performance.now() - t0 };
}
await lambda.listFunctions({ MaxItems: 1 });
const floor = [
  await timed(`${FN} × GetFunction`, (FunctionName) => lambda.getFunction({ FunctionName })),
  await timed(`${FN} × GetAlias`, (FunctionName) => lambda.getAlias({ FunctionName, Name: 'live' })),
  await timed(`${FN} × GetPolicy`, (FunctionName) => lambda.getPolicy({ FunctionName, Qualifier: 'live' })),
];
{
  const t0 = performance.now();
  let marker;
  let pages = 0;
  do {
    const page = await lambda.listFunctions({ FunctionVersion: 'ALL', MaxItems: 50, ...(marker ? { Marker: marker } : {}) });
    marker = page.NextMarker;
    pages++;
  } while (marker);
  floor.push({ label: `ListFunctions ALL (${pages} pages)`, ms: performance.now() - t0 });
}
{
  const iam = new IAM({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const t0 = performance.now();
  await iam.getAccountAuthorizationDetails({ Filter: ['Role'], MaxItems: 1000 });
  floor.push({ label: `GetAccountAuthorizationDetails (${FN} roles)`, ms: performance.now() - t0 });
  iam.destroy();
}
lambda.destroy();

// ---------------------------------------------------------------- N / concurrency sweep

/** A fresh fleet of `n` functions, built, then deployed cold and once more (the no-op). */
async function coldAndNoop(n, c, label, extraEnv = {}) {
  const d = generateFleet(n, c);
  await ops(d, ['package']);
  await moto.reset();
  log(`ops deploy (cold, ${n} functions, deploy.concurrency ${c}${label})`);
  const coldRun = await ops(d, ['deploy', '--yes'], extraEnv);
  const noopRun = await ops(d, ['deploy', '--yes'], extraEnv);
  rmSync(d, { recursive: true, force: true });
  return { n, c, ...coldRun, noop: noopRun };
}

const bySize = [];
const byConcurrency = [];
if (!quick) {
  for (const n of SWEEP_SIZES) bySize.push(await coldAndNoop(n, 8, ''));
  const slow = await latencyProxy(moto.url, LATENCY_MS);
  for (const c of LATENCY_CONCURRENCY) {
    byConcurrency.push(await coldAndNoop(SWEEP_SIZES[0], c, `, ${LATENCY_MS} ms per call`, { AWS_ENDPOINT_URL: slow.url }));
  }
  await slow.close();
}
await moto.stop();
rmSync(work, { recursive: true, force: true });

// ---------------------------------------------------------------- report

const rss = (r) => `${mb(r.maxRssKb)}${gnuTime ? ` (${mb(r.treeRssKb)})` : ''}`;
const row = (what, r, extra = '') =>
  `| ${what} | ${sec(r.ms)} | ${r.calls.length} | ${r.writes} | ${r.writes ? r.writesPerSecond.toFixed(1) : '–'} | ${rss(r)} |${extra}`;
/** Issue 18's must-show, each size side by side: the no-op, one function of the N, peak RSS. */
function summary() {
  const perFn = (r) => (r.noop.calls.length / r.n).toFixed(2);
  const peak = (r) => Math.max(r.cold.maxRssKb, ...r.noops.map((x) => x.maxRssKb), r.oneCode.maxRssKb);
  const calls = (r) => `${r.calls.length}${r.writes ? ` (${r.writes} writes)` : ''}`;
  console.log('## Sizes side by side\n');
  console.log(
    `| functions | no-op deploy (median of ${NOOP_RUNS}) | no-op AWS calls | calls per function | peak RSS | \`ops plan ${ONE}\` | \`ops deploy ${ONE}\`, no-op | \`ops deploy ${ONE}\`, handler edited | cold deploy |\n|---|---|---|---|---|---|---|---|---|`,
  );
  for (const r of results) {
    const one = (x) => `${sec(x.ms)}, ${calls(x)}`;
    console.log(
      `| ${r.n} | ${sec(r.noop.ms)} | ${r.noop.calls.length} | ${perFn(r)} | ${mb(peak(r))} | ${one(r.onePlan)} | ${one(r.oneNoop)} | ${one(r.oneCode)} | ${sec(r.cold.ms)} |`,
    );
  }
  for (const f of failed) console.log(`| ${f.n} | **failed**: ${f.error} | | | | | | | |`);
  const met = (ok) => (ok ? 'met' : '**missed**');
  console.log('\nIssue 18 targets:');
  for (const r of results) {
    const parts = [`no-op writes: ${r.noopWrites === 0 ? 'none' : `**${r.noopWrites} (must be 0)**`}`];
    if (r.n === 200)
      parts.push(`no-op ≤ 2 s: ${met(r.noop.ms <= 2000)}`, `≤ 1.5 calls per function: ${met(r.noop.calls.length / r.n <= 1.5)}`);
    if (r.n === 1000) parts.push(`no-op ≤ 10 s: ${met(r.noop.ms <= 10_000)}`, `peak RSS ≤ 300 MB: ${met(peak(r) <= 300 * 1024)}`);
    if (r.n === 200) parts.push(`\`ops deploy ${ONE}\` ≤ 1 s and ≤ 15 calls: ${met(r.oneNoop.ms <= 1000 && r.oneNoop.calls.length <= 15)}`);
    console.log(`- ${r.n} functions: ${parts.join('; ')}`);
  }
  console.log();
}

/** One size's tables: the runs, the cold deploy's writes, the no-op's calls by operation. */
function report(r) {
  const { build, warmBuild, cold, noops, noop, noopWrites } = r;
  console.log(`## ${r.n} functions\n`);
  console.log(
    `| run | wall | AWS calls | writes | writes/s | peak RSS ops${gnuTime ? ' (with esbuild)' : ''} |\n|---|---|---|---|---|---|`,
  );
  console.log(row('`ops package`, cold build', build));
  console.log(row('`ops package`, nothing changed', warmBuild));
  console.log(row('`ops deploy`, cold (zips built)', cold));
  console.log(row(`\`ops deploy\`, no-op (median of ${NOOP_RUNS})`, noop));
  console.log(
    // The time targets depend on the size: issue 18's, per size, are in the summary above.
    `\nno-op redeploy: ${noopWrites === 0 ? 'no writes' : `**${noopWrites} writes (must be 0)**`}; peak RSS ≤ 300 MB: ${
      Math.max(...noops.map((r) => r.maxRssKb), cold.maxRssKb) <= 300 * 1024 ? 'met' : '**missed**'
    }`,
  );

  console.log('\n### Cold deploy writes by service\n');
  console.log('| service | writes | writes/s (first to last) |\n|---|---|---|');
  for (const [svc, w] of Object.entries(cold.perService).sort((a, b) => b[1].n - a[1].n))
    console.log(`| ${svc} | ${w.n} | ${w.rate.toFixed(1)} |`);

  {
    const bound = quotaBound(cold.writeCalls);
    const first = cold.writeCalls[0]?.at ?? 0;
    const last = cold.writeCalls.at(-1)?.at ?? 0;
    const allowed = cold.writes / bound.seconds;
    console.log('\n### Cold deploy against the documented quotas (src/aws/quotas.ts)\n');
    console.log('| limiter | writes | rate (burst) | quota-bound time |\n|---|---|---|---|');
    for (const k of bound.rows) console.log(`| ${k.key} | ${k.n} | ${+k.rate.toFixed(2)}/s (${k.burst}) | ${sec(k.seconds * 1000)} |`);
    const pct = (r) => `${((100 * r) / allowed).toFixed(0)} %`;
    const whole = (cold.writes * 1000) / cold.ms;
    console.log(
      `\nquota-bound: ${cold.writes} writes in ${sec(bound.seconds * 1000)} (${bound.rows[0]?.key} binds) = **${allowed.toFixed(1)} writes/s**`,
    );
    console.log(
      `- the write phase (first write to last): ${sec(last - first)} = **${cold.writesPerSecond.toFixed(1)} writes/s, ${pct(cold.writesPerSecond)}** ` +
        `of the quota-bound rate (within 10 %: ${cold.writesPerSecond >= 0.9 * allowed ? 'met' : '**missed**'})`,
    );
    console.log(
      `- the whole cold deploy: ${sec(cold.ms)} = ${whole.toFixed(1)} writes/s, ${pct(whole)}: before the first write ${sec(first)} ` +
        `(config, build check, read, plan), after the last ${sec(cold.ms - last)} (verification read, lease release)`,
    );
  }

  console.log('\n### Where the no-op redeploy waits (time inside calls, summed over concurrent calls)\n');
  console.log('| operation | calls | total | mean |\n|---|---|---|---|');
  for (const o of byOperation(noop.calls)) console.log(`| ${o.op} | ${o.n} | ${sec(o.ms)} | ${(o.ms / o.n).toFixed(0)} ms |`);

  console.log(`\n### One function of the ${r.n}: calls by operation\n`);
  console.log(`| operation | \`ops plan ${ONE}\` | \`ops deploy ${ONE}\`, no-op | handler edited |\n|---|---|---|---|`);
  const counts = [r.onePlan, r.oneNoop, r.oneCode].map((x) => new Map(byOperation(x.calls).map((o) => [o.op, o.n])));
  const ops = [...new Set(counts.flatMap((c) => [...c.keys()]))].sort();
  for (const op of ops) console.log(`| ${op} | ${counts.map((c) => c.get(op) ?? '–').join(' | ')} |`);
}

summary();
for (const r of results) report(r);

console.log(`\n## moto alone (one warm SDK client, 16 in flight, ${FN} functions)\n`);
console.log('| calls | wall | per call |\n|---|---|---|');
for (const f of floor) console.log(`| ${f.label} | ${sec(f.ms)} | ${/^\d/.test(f.label) ? `${(f.ms / FN).toFixed(1)} ms` : '–'} |`);

const sweepTable = (title, rows) => {
  console.log(`\n### ${title}\n`);
  console.log(
    '| functions | deploy.concurrency | cold deploy | per function | writes | writes/s (logs, lambda, iam) | no-op | no-op per function | peak RSS |\n|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of rows) {
    const svc = ['logs', 'lambda', 'iam'].map((k) => (s.perService[k]?.rate ?? 0).toFixed(1)).join(', ');
    console.log(
      `| ${s.n} | ${s.c} | ${sec(s.ms)} | ${(s.ms / s.n).toFixed(0)} ms | ${s.writes} | ${s.writesPerSecond.toFixed(1)} (${svc}) | ${sec(s.noop.ms)} | ${(s.noop.ms / s.n).toFixed(1)} ms | ${mb(Math.max(s.maxRssKb, s.noop.maxRssKb))} |`,
    );
  }
};
if (bySize.length) sweepTable('Against N (moto on its own: the write limiters set the pace)', bySize);
if (byConcurrency.length) sweepTable(`Against deploy.concurrency, ${LATENCY_MS} ms added to every call`, byConcurrency);
console.log(`\nmoto ${moto.version}, Node ${process.version}, ${navigatorLine()}, ${new Date().toISOString().slice(0, 10)}`);

function navigatorLine() {
  const os = require('node:os');
  // Other processes on the machine show in the timings: the load average says how busy it was.
  return `${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, load average ${os.loadavg()[2].toFixed(1)} (15 min)`;
}

function log(msg) {
  process.stderr.write(`scale: ${msg}\n`);
}
