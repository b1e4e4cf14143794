// `ops logs tail <fn> --since 1h` against `aws logs tail <group> --since 1h` (AWS CLI v2) end to end, on
// moto: the same 10,000 events of one function's log group, both commands run in turn in the same run,
// every event counted in both outputs (a bench that printed fewer would not be a faster one).
// Used by bench/logs.mjs (`node bench/logs.mjs [runs]`, or `--e2e` for this part alone); needs
// `node scripts/build.mjs` first (bin/ops runs dist/). `OPS_BASE=<checkout, built>` adds that build's run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCli, startBenchEmulator } from './emulator.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/ops');
export const EVENTS = 10_000;
const APP = 'logbench';
const FN = 'gateway';
const GROUP = `/aws/lambda/${APP}-dev-${FN}`;
const STREAMS = 4;

/** A copy of the repo's fleet under another app name: `ops logs tail` needs a config to find the group. */
export function fleetDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ops-bench-logs-'));
  cpSync(path.join(root, 'src/functions'), path.join(dir, 'src/functions'), { recursive: true });
  const config = readFileSync(path.join(root, 'ops.config.ts'), 'utf8')
    .replace("from './src/config/define.js'", "from 'ops'")
    .replace("app: 'tasks'", `app: '${APP}'`);
  writeFileSync(path.join(dir, 'ops.config.ts'), config);
  return dir;
}

/** 10,000 runtime lines over the last 50 minutes, spread over 4 streams (concurrent instances); each names its index. */
export async function putEvents(url) {
  // The SDK's one-time note about Node 20 is not the bench's output.
  process.removeAllListeners('warning');
  const { CloudWatchLogs } = await import('@aws-sdk/client-cloudwatch-logs');
  const logs = new CloudWatchLogs({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  await logs.createLogGroup({ logGroupName: GROUP });
  const start = Date.now() - 50 * 60_000;
  const perStream = Array.from({ length: STREAMS }, () => []);
  for (let i = 0; i < EVENTS; i++) {
    const t = start + i * 300;
    const rid = `${(i >>> 3).toString(16).padStart(8, '0')}-1111-2222-3333-444455556666`;
    const message = `${new Date(t).toISOString()}\t${rid}\tINFO\tprocessed task ev-${i}-done for user u-${i % 97} in ${12 + (i % 40)} ms\n`;
    perStream[i % STREAMS].push({ timestamp: t, message });
  }
  for (let s = 0; s < STREAMS; s++) {
    const logStreamName = `2026/12/06/[$LATEST]${String(s).repeat(32)}`;
    await logs.createLogStream({ logGroupName: GROUP, logStreamName });
    // PutLogEvents takes up to 1 MB a call: 500 events of ~120 bytes stay well under it.
    for (let i = 0; i < perStream[s].length; i += 500)
      await logs.putLogEvents({ logGroupName: GROUP, logStreamName, logEvents: perStream[s].slice(i, i + 500) });
  }
  logs.destroy();
}

/** Which of the 10,000 events an output printed (each event names its index once). */
function eventsIn(stdout) {
  const seen = new Set();
  for (const m of stdout.matchAll(/ev-(\d+)-done/g)) seen.add(m[1]);
  return seen.size;
}

function timed(file, args, cwd, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  const events = eventsIn(r.stdout);
  if (events !== EVENTS) throw new Error(`${path.basename(file)} ${args.join(' ')} printed ${events} of ${EVENTS} events`);
  return { ms, lines: r.stdout.split('\n').filter(Boolean).length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The end-to-end table: each command `runs` times, in turn, after one warm-up each. */
export async function endToEnd(runs) {
  const cli = awsCli();
  if (!cli) {
    console.log('\n### End to end: skipped (no AWS CLI v2 at /usr/bin/aws; set AWS_CLI)\n');
    return;
  }
  const { moto, env } = await startBenchEmulator();
  const dir = fleetDir();
  // OPS_BASE's build runs in its own copy of the fleet: a compiled config (.ops/config) imports the define module
  // of the build that compiled it, so in one directory a build would load the config compiled by the other.
  const baseDir = process.env.OPS_BASE ? fleetDir() : undefined;
  try {
    await putEvents(moto.url);
    const commands = [
      // CLI v2 before 2.13 ignores AWS_ENDPOINT_URL: the endpoint goes on the command line.
      {
        label: '`aws logs tail <group> --since 1h`',
        file: cli.file,
        args: ['--endpoint-url', moto.url, 'logs', 'tail', GROUP, '--since', '1h'],
      },
      {
        label: '`ops logs tail <fn> --since 1h` (piped: JSON lines)',
        file: process.execPath,
        args: [bin, 'logs', 'tail', FN, '--since', '1h'],
      },
      {
        label: '`ops logs tail <fn> --since 1h --format text`',
        file: process.execPath,
        args: [bin, 'logs', 'tail', FN, '--since', '1h', '--format', 'text'],
      },
    ];
    // A machine whose environment sets NODE_EXTRA_CA_CERTS (this one does: a proxy's bundle) makes every Node
    // process read and parse that file before its first line runs (~50-70 ms here for `node -e 0`); the AWS CLI
    // does not pay it. The JSON run once more without it: what a machine without that setting sees.
    if (env.NODE_EXTRA_CA_CERTS) {
      const { NODE_EXTRA_CA_CERTS: _, ...without } = env;
      commands.push({ ...commands[1], label: `${commands[1].label}, without NODE_EXTRA_CA_CERTS`, env: without });
    }
    // OPS_BASE=<a checkout with dist/ built>: the same command from that build too, for a before/after in one run.
    if (process.env.OPS_BASE) {
      const base = path.resolve(process.env.OPS_BASE, 'bin/ops');
      commands.push({
        label: '`ops logs tail <fn> --since 1h` (piped: JSON lines), OPS_BASE build',
        file: process.execPath,
        args: [base, ...commands[1].args.slice(1)],
        cwd: baseDir,
      });
    }
    const times = commands.map(() => []);
    // A warm-up run of each (moto's first calls, the config's compile), then `runs` rounds, one of each in turn.
    const run = (c) => timed(c.file, c.args, c.cwd ?? dir, c.env ?? env);
    const lines = commands.map((c) => run(c).lines);
    for (let r = 0; r < runs; r++) for (const [i, c] of commands.entries()) times[i].push(run(c).ms);
    const base = median(times[0]);
    console.log(`\n### End to end: ${EVENTS.toLocaleString('en-US')} events of one log group on moto (median of ${runs}, run in turn)\n`);
    console.log('| command | median | runs (ms) | lines printed | events printed | × aws logs tail |\n|---|---|---|---|---|---|');
    for (const [i, c] of commands.entries()) {
      const m = median(times[i]);
      const runsText = times[i].map((t) => Math.round(t)).join(', ');
      console.log(
        `| ${c.label} | ${Math.round(m)} ms | ${runsText} | ${lines[i].toLocaleString('en-US')} | ${EVENTS.toLocaleString('en-US')} | ${(m / base).toFixed(2)} |`,
      );
    }
    console.log(`\n${cli.version} (${cli.file}), moto ${moto.version}, Node ${process.version}`);
  } finally {
    for (const d of [dir, baseDir]) if (d) rmSync(d, { recursive: true, force: true });
    await moto.stop();
  }
}
