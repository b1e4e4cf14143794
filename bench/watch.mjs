#!/usr/bin/env node
// The edit loop, save to live: `node bench/watch.mjs [edits]` (default 10; run `node scripts/build.mjs` first).
// On moto: a copy of the repo's fleet deployed, then `ops deploy --watch --yes` started, and one handler
// (health-check) edited `edits` times, one edit after the previous one is live. Each edit is timed two ways:
//   - watch: the figure on the watch's own line (`✔ health-check: code live in 1.2s (save to live)`: from the
//     file's mtime to the end of the round's deploy, its verification read included);
//   - aws: from just before the write until GetAlias(live) → GetFunctionConfiguration(that version) shows a
//     CodeSha256 other than before, polled every 25 ms from this script (an outside observer).
// Then Ctrl-C (SIGINT) to the watch, which must exit 0, and `ops plan` must be empty (exit 0).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetAliasCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startBenchEmulator } from './emulator.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const edits = Number(process.argv[2] ?? 10);
const { moto, env } = await startBenchEmulator();
const app = `wb${Date.now().toString(36).slice(-5)}`;
const dir = mkdtempSync(path.join(tmpdir(), 'ops-watch-bench-'));
const bin = path.join(root, 'bin/ops');
const ops = (args, input) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env, encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`ops ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(-800)}`);
  return r;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lambda = new LambdaClient({
  endpoint: env.AWS_ENDPOINT_URL,
  region: 'us-east-1',
  credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
});
const fn = `${app}-dev-health-check`;
const liveSha = async () => {
  const alias = await lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
  return (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: alias.FunctionVersion }))).CodeSha256;
};

let watch;
try {
  cpSync(path.join(root, 'src/functions'), path.join(dir, 'src/functions'), { recursive: true });
  const config = readFileSync(path.join(root, 'ops.config.ts'), 'utf8')
    .replace(/app: '[^']+'/, `app: '${app}'`)
    .replace(/from '\.\/src\/config\/define(\.js)?'/, `from '${root}/src/config/define.ts'`);
  writeFileSync(path.join(dir, 'ops.config.ts'), config);
  for (const p of ['amadeus/client-id', 'amadeus/client-secret']) ops(['params', 'set', p, '--stdin', '--yes'], 'bench\n');
  ops(['deploy', '--yes']);

  watch = spawn(process.execPath, [bin, 'deploy', '--watch', '--yes'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  watch.stderr.on('data', (d) => (stderr += d));
  const until = async (ok, what, ms = 60_000) => {
    for (const t0 = Date.now(); !(await ok()); await new Promise((r) => setTimeout(r, 25)))
      if (Date.now() - t0 > ms) throw new Error(`gave up waiting for ${what}\n${stderr.slice(-1500)}`);
  };
  await until(() => stderr.includes('watching'), 'the watch to start');

  const handler = path.join(dir, 'src/functions/health-check/handler.ts');
  const res = { watch: [], aws: [] };
  for (let i = 0; i < edits; i++) {
    const before = await liveSha();
    const lines = (stderr.match(/health-check: [^\n]* live in [\d.]+s/g) ?? []).length;
    const t0 = Date.now();
    // A statement with an effect: esbuild drops an unused export, which would leave the zip unchanged.
    writeFileSync(handler, `${readFileSync(handler, 'utf8')}\nconsole.log('watch bench ${i}');\n`);
    await until(async () => (await liveSha()) !== before, `edit ${i} to be live`);
    res.aws.push(Date.now() - t0);
    await until(() => (stderr.match(/health-check: [^\n]* live in [\d.]+s/g) ?? []).length > lines, `edit ${i}'s line`);
    res.watch.push(Number([...stderr.matchAll(/health-check: [^\n]* live in ([\d.]+)s/g)].at(-1)[1]) * 1000);
  }
  const exited = new Promise((resolve) => watch.on('exit', (code) => resolve(code)));
  watch.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`the watch exited ${code} on Ctrl-C\n${stderr.slice(-1500)}`);
  const plan = spawnSync(process.execPath, [bin, 'plan'], { cwd: dir, env, encoding: 'utf8' });
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`| save to live, ${edits} edits of health-check | median | runs |`);
  console.log('|---|---|---|');
  console.log(
    `| aws (GetAlias live → CodeSha256, polled) | ${s(median(res.aws))} | ${res.aws.map((x) => (x / 1000).toFixed(2)).join(', ')} |`,
  );
  console.log(`| watch's own line | ${s(median(res.watch))} | ${res.watch.map((x) => (x / 1000).toFixed(1)).join(', ')} |`);
  console.log(`ops plan after Ctrl-C: exit ${plan.status} (${plan.status === 0 ? 'empty' : 'NOT empty'})`);
  if (plan.status !== 0) process.exitCode = 1;
} finally {
  if (watch && watch.exitCode === null) watch.kill('SIGKILL');
  await moto.stop();
}
