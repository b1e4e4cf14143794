#!/usr/bin/env node
// Deploy cost against a moto server on loopback, for the repo's own fleet: `node bench/deploy.mjs [runs]`
// (after `npm run build`). Scenarios: cold deploy, no-op redeploy, one-function code change, one config
// change; write calls counted from --debug (one line per AWS call). Reference: the same fleet shape
// deployed the seeds' way, a bash script of `aws` CLI calls with the AWS CLI v2 (`AWS_CLI`, default Debian's
// /usr/bin/aws: the `aws` first on PATH may be a v1; skipped when there is none).
// Throttled: a cold deploy and an 11-change deploy with 30 % of all requests answered with the service's
// throttling error by the fault proxy (test/support/fault-proxy.ts); `--throttled-only` runs just those.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { awsCli, envFor, startBenchEmulator } from './emulator.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/ops');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const throttledOnly = process.argv.includes('--throttled-only');
// `--base <checkout with dist/ built>`: that build runs the same scenarios in the same run, turn about with this
// one, both on the base checkout's fleet (a fleet that grew since does not count as a change of speed); issue 11
// asks for the figures within 10 % of an earlier build's, in the same run as the bash baseline.
const baseArg = process.argv.indexOf('--base');
const baseRoot = baseArg > 0 ? path.resolve(process.argv[baseArg + 1]) : undefined;
const fleetRoot = baseRoot ?? root;
const { moto, env } = await startBenchEmulator();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ops(dir, args, input, okCodes = [0], opsBin = bin) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [opsBin, ...args, '--debug'], { cwd: dir, env, encoding: 'utf8', input });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.includes(r.status)) throw new Error(`ops ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  const calls = r.stderr.split('\n').filter((l) => l.startsWith('debug: aws '));
  const writes = calls.filter((l) => !/ \w+\.(Get|List|Describe|Head|Filter)\w* /.test(l)).length;
  return { ms, calls: calls.length, writes };
}

/** `ops` without blocking this process: the fault proxy of the throttled runs lives in it. */
async function opsAsync(dir, args, runEnv) {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, ...args, '--debug'], { cwd: dir, env: runEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise((resolve) => child.on('close', resolve));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // A throttled deploy may fail (retries used up): that is a result to report, not a crash of the bench.
  const calls = stderr.split('\n').filter((l) => l.startsWith('debug: aws '));
  const writes = calls.filter((l) => !/ \w+\.(Get|List|Describe|Head|Filter)\w* /.test(l)).length;
  // A failed run says why, so the table's "runs that failed" can be explained.
  if (status !== 0)
    console.error(
      `ops ${args.join(' ')} exited ${status}: ${stderr
        .split('\n')
        .filter((l) => /^(error| {2}hint|✖|Failed|Deployed|[0-9]+ change)/.test(l))
        .join(' | ')
        .slice(0, 600)}`,
    );
  return { ms, calls: calls.length, writes, failed: status !== 0 };
}

/** A copy of the repo fleet under a new app name, with its params set through `ops params set` (its tasks table is declared: the deploy makes it). */
function freshFleet(app, opsBin = bin) {
  const dir = mkdtempSync(path.join(tmpdir(), `ops-bench-${app}-`));
  cpSync(path.join(fleetRoot, 'src/functions'), path.join(dir, 'src/functions'), { recursive: true });
  const config = readFileSync(path.join(fleetRoot, 'ops.config.ts'), 'utf8')
    .replace("from './src/config/define.js'", "from 'ops'")
    .replace("app: 'tasks'", `app: '${app}'`);
  writeFileSync(path.join(dir, 'ops.config.ts'), config);
  for (const p of ['amadeus/client-id', 'amadeus/client-secret'])
    ops(dir, ['params', 'set', p, '--stdin', '--yes'], 'bench-secret\n', [0], opsBin);
  // An earlier fleet (--base) read its table's name from a param; today's declares the table.
  if (config.includes("'tasks-table'")) ops(dir, ['params', 'set', 'tasks-table', `${app}-tasks`, '--yes'], undefined, [0], opsBin);
  ops(dir, ['package'], undefined, [0], opsBin); // builds are measured by bench/package.mjs; here the zips are warm
  return dir;
}

// moto loads its IAM managed policies on the first IAM call (~1 s) and has other first-call costs:
// warm every service once so neither ops nor the bash script below pays them.
ops(freshFleet(`warm${Date.now().toString(36).slice(-4)}`), ['plan'], undefined, [2]);

const newRows = () => ({ cold: [], noop: [], code: [], config: [] });
const rows = newRows();
const baseRows = newRows();
const baseBin = baseRoot && path.join(baseRoot, 'bin/ops');
for (let i = 0; i < (throttledOnly ? 0 : runs); i++) {
  // With --base, the two builds take turns, the base first in even runs and second in odd ones.
  const turns = baseBin
    ? i % 2
      ? [
          [rows, bin],
          [baseRows, baseBin],
        ]
      : [
          [baseRows, baseBin],
          [rows, bin],
        ]
    : [[rows, bin]];
  for (const [into, opsBin] of turns) {
    const app = `bench${i}${Date.now().toString(36).slice(-4)}`;
    const dir = freshFleet(app, opsBin);
    into.cold.push(ops(dir, ['deploy', '--yes'], undefined, [0], opsBin));
    into.noop.push(ops(dir, ['deploy', '--yes'], undefined, [0], opsBin));
    const gw = path.join(dir, 'src/functions/gateway/handler.ts');
    writeFileSync(gw, readFileSync(gw, 'utf8').replace("status: 'ok'", `status: 'ok-${i}'`));
    into.code.push(ops(dir, ['deploy', '--yes'], undefined, [0], opsBin));
    const cfg = path.join(dir, 'ops.config.ts');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('timeout: 600,', 'timeout: 660,'));
    into.config.push(ops(dir, ['deploy', '--yes'], undefined, [0], opsBin));
    rmSync(dir, { recursive: true, force: true });
  }
}

// The seeds' way: one `aws` call per step, for the same shape (5 functions, a role each with an inline
// policy, versions behind an alias, log groups with retention, an HTTP API with 4 routes). A redeploy
// runs the same script: the seeds' scripts do not know what changed.
function bashWay(cli) {
  if (!cli) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'ops-bench-bash-'));
  const zip = path.join(root, '.ops/build/gateway/gateway.zip');
  const script = path.join(dir, 'deploy.sh');
  writeFileSync(
    script,
    `#!/usr/bin/env bash
set -u
APP=bashway; REGION=us-east-1; ACCT=123456789012
# The AWS CLI v2 (AWS_CLI): before 2.13 it ignores AWS_ENDPOINT_URL, so the endpoint goes on each call.
aws() { "$AWS_CLI" --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
cat > /tmp/trust.json <<'J'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}
J
cat > /tmp/policy.json <<'J'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}
J
for FN in tasks-api tasks-worker search-flights health-check gateway; do
  NAME=$APP-$FN
  aws iam get-role --role-name $NAME >/dev/null 2>&1 || aws iam create-role --role-name $NAME --assume-role-policy-document file:///tmp/trust.json >/dev/null
  aws iam put-role-policy --role-name $NAME --policy-name exec --policy-document file:///tmp/policy.json
  if aws lambda get-function --function-name $NAME >/dev/null 2>&1; then
    aws lambda update-function-code --function-name $NAME --zip-file fileb://${zip} >/dev/null
    aws lambda update-function-configuration --function-name $NAME --memory-size 256 --timeout 30 >/dev/null
  else
    aws lambda create-function --function-name $NAME --runtime nodejs22.x --handler index.handler --role arn:aws:iam::$ACCT:role/$NAME --zip-file fileb://${zip} --memory-size 256 --timeout 30 >/dev/null
  fi
  V=$(aws lambda publish-version --function-name $NAME --query Version --output text)
  aws lambda update-alias --function-name $NAME --name live --function-version $V >/dev/null 2>&1 || aws lambda create-alias --function-name $NAME --name live --function-version $V >/dev/null
  aws logs create-log-group --log-group-name /aws/lambda/$NAME 2>/dev/null
  aws logs put-retention-policy --log-group-name /aws/lambda/$NAME --retention-in-days 30
done
API=$(aws apigatewayv2 get-apis --query "Items[?Name=='$APP'].ApiId" --output text)
[ -n "$API" ] && [ "$API" != None ] || API=$(aws apigatewayv2 create-api --name $APP --protocol-type HTTP --query ApiId --output text)
for FN in tasks-api gateway; do
  INT=$(aws apigatewayv2 create-integration --api-id $API --integration-type AWS_PROXY --integration-uri arn:aws:lambda:$REGION:$ACCT:function:$APP-$FN:live --payload-format-version 2.0 --query IntegrationId --output text)
  aws lambda add-permission --function-name $APP-$FN --qualifier live --statement-id api-$RANDOM --action lambda:InvokeFunction --principal apigateway.amazonaws.com >/dev/null
  if [ $FN = tasks-api ]; then KEYS=("POST /tasks" "GET /tasks" "GET /tasks/{id}"); else KEYS=("ANY /api/{proxy+}"); fi
  for K in "\${KEYS[@]}"; do aws apigatewayv2 create-route --api-id $API --route-key "$K" --target integrations/$INT >/dev/null; done
done
aws apigatewayv2 create-stage --api-id $API --stage-name '$default' --auto-deploy >/dev/null 2>&1 || true
`,
  );
  const time = () => {
    const t0 = process.hrtime.bigint();
    execFileSync('bash', [script], { env: { ...env, AWS_CLI: cli.file }, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const cold = time();
  const again = time();
  // Each `aws` process is one call; count them with a shim in front of the CLI rather than guessing from the text.
  const shim = path.join(dir, 'bin');
  mkdirSync(shim);
  const log = path.join(dir, 'calls.log');
  writeFileSync(path.join(shim, 'aws'), `#!/usr/bin/env bash\necho x >> ${log}\nexec ${cli.file} "$@"\n`, { mode: 0o755 });
  const counted = () => {
    rmSync(log, { force: true });
    execFileSync('bash', [script], { env: { ...env, AWS_CLI: path.join(shim, 'aws') }, stdio: 'ignore' });
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  };
  const calls = counted();
  rmSync(dir, { recursive: true, force: true });
  return { cold, again, calls };
}
// 30 % of every request throttled (the service's own throttling error, Lambda's with Retry-After: 1),
// at random, whatever the rate: a steady throttle that pacing cannot avoid, only survive.
const throttled = { cold: [], change: [], share: [] };
{
  const outfile = path.join(root, 'node_modules/.cache/ops-bench/fault-proxy.mjs');
  await build({
    entryPoints: [path.join(root, 'test/support/fault-proxy.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  const { startFaultProxy, faults } = await import(pathToFileURL(outfile).href);
  const proxy = await startFaultProxy({ target: moto.url, keepLog: false });
  const fault = proxy.addFault({ match: { when: () => Math.random() < 0.3 }, respond: faults.throttling() });
  const viaProxy = envFor(proxy.url);
  for (let i = 0; i < runs; i++) {
    const dir = freshFleet(`thr${i}${Date.now().toString(36).slice(-4)}`);
    const [hits0, count0] = [fault.hits, proxy.requestCount];
    throttled.cold.push(await opsAsync(dir, ['deploy', '--yes'], viaProxy));
    // 11 changes: memory of the 3 functions on the default (configuration + version each), retention of the 5 log groups.
    const cfg = path.join(dir, 'ops.config.ts');
    writeFileSync(
      cfg,
      readFileSync(cfg, 'utf8')
        .replace('memory: 256, timeout: 30', 'memory: 320, timeout: 30')
        .replace('logRetentionDays: 30', 'logRetentionDays: 14'),
    );
    throttled.change.push(await opsAsync(dir, ['deploy', '--yes'], viaProxy));
    throttled.share.push((fault.hits - hits0) / (proxy.requestCount - count0));
    rmSync(dir, { recursive: true, force: true });
  }
  await proxy.close();
}

const cli = awsCli();
const bash = throttledOnly ? undefined : bashWay(cli);
await moto.stop();

const fmt = (xs) => `${(median(xs.map((x) => x.ms)) / 1000).toFixed(2)} s`;
const w = (xs) => median(xs.map((x) => x.writes));
const c = (xs) => median(xs.map((x) => x.calls));
if (throttledOnly) {
  printThrottled();
  process.exit(0);
}
console.log("| scenario | ops (median) | AWS calls | of which writes | seeds' bash way | ratio |\n|---|---|---|---|---|---|");
const ref = (ms) => (bash ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const ratio = (xs, ms) => (bash ? (median(xs.map((x) => x.ms)) / ms).toFixed(3) : 'n/a');
console.log(
  `| cold deploy (5 functions, API, 4 routes) | ${fmt(rows.cold)} | ${c(rows.cold)} | ${w(rows.cold)} | ${ref(bash?.cold)} | ${ratio(rows.cold, bash?.cold)} |`,
);
console.log(
  `| no-op redeploy | ${fmt(rows.noop)} | ${c(rows.noop)} | ${w(rows.noop)} | ${ref(bash?.again)} | ${ratio(rows.noop, bash?.again)} |`,
);
console.log(
  `| one function's code changed | ${fmt(rows.code)} | ${c(rows.code)} | ${w(rows.code)} | ${ref(bash?.again)} | ${ratio(rows.code, bash?.again)} |`,
);
console.log(
  `| one function's timeout changed | ${fmt(rows.config)} | ${c(rows.config)} | ${w(rows.config)} | ${ref(bash?.again)} | ${ratio(rows.config, bash?.again)} |`,
);
if (bash) console.log(`\nbash reference: ${bash.calls} \`aws\` processes for a redeploy (one call each), ${cli.version} (${cli.file})`);
if (baseBin) {
  const msOf = (xs) => median(xs.map((x) => x.ms));
  console.log(`\nThe same scenarios with the build in ${baseRoot}, both builds on its fleet, turn about, in this run:\n`);
  console.log('| scenario | base build (median) | this build (median) | this / base |\n|---|---|---|---|');
  for (const [label, k] of [
    ['cold deploy', 'cold'],
    ['no-op redeploy', 'noop'],
    ["one function's code changed", 'code'],
    ["one function's timeout changed", 'config'],
  ])
    console.log(`| ${label} | ${fmt(baseRows[k])} | ${fmt(rows[k])} | ${(msOf(rows[k]) / msOf(baseRows[k])).toFixed(2)} |`);
}
printThrottled();

function printThrottled() {
  const failed = (xs) => `${xs.filter((x) => x.failed).length} of ${xs.length}`;
  const all = (xs) => xs.map((x) => (x.ms / 1000).toFixed(1)).join(', ');
  console.log(
    '\n| 30 % of requests throttled | ops (median) | runs (s) | AWS calls (attempts) | of which writes | runs that failed |\n|---|---|---|---|---|---|',
  );
  console.log(
    `| cold deploy | ${fmt(throttled.cold)} | ${all(throttled.cold)} | ${c(throttled.cold)} | ${w(throttled.cold)} | ${failed(throttled.cold)} |`,
  );
  console.log(
    `| 11 changes (3 memory sizes, 5 retentions) | ${fmt(throttled.change)} | ${all(throttled.change)} | ${c(throttled.change)} | ${w(throttled.change)} | ${failed(throttled.change)} |`,
  );
  const share = throttled.share.reduce((a, b) => a + b, 0) / Math.max(1, throttled.share.length);
  console.log(`\nrequests throttled: ${(share * 100).toFixed(1)} %`);
  console.log(`\n${runs} runs, moto ${moto.version}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
}
