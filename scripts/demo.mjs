#!/usr/bin/env node
// `npm run demo`: the whole job on a local default, no AWS account needed. Starts an AWS emulator
// (moto, `python3 -m moto.server`) on a loopback port, then runs the real `ops` commands against it:
// set the fleet's params, plan, deploy (which creates the fleet's tasks table too: nothing is made by
// hand), status, a no-op redeploy, invoke a function remotely and run the task API locally. Each command is printed before it runs. The emulator stops at the end.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'dist/cli.js'))) {
  console.error('dist/ is missing: run `npm ci` (or `npm run build`) first');
  process.exit(1);
}
const { startMoto } = await import(path.join(root, 'dist/emulator.js'));
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

console.log(bold('Starting a local AWS emulator (moto)…'));
const moto = await startMoto();
console.log(`emulator at ${moto.url}\n`);
const stage = 'demo';
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: moto.url,
  AWS_ACCESS_KEY_ID: 'demo',
  AWS_SECRET_ACCESS_KEY: 'demo',
  AWS_REGION: 'us-east-1',
  AWS_PROFILE: '',
  OPS_STAGE: stage,
};
delete env.AWS_PROFILE;

function ops(args, { input, expect = [0] } = {}) {
  console.log(bold(`$ ops ${args.join(' ')}${input !== undefined ? '   (value from stdin)' : ''}`));
  const r = spawnSync(process.execPath, [path.join(root, 'bin/ops'), ...args], {
    cwd: root,
    env,
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'inherit', 'inherit'],
  });
  console.log('');
  if (!expect.includes(r.status)) {
    console.error(`ops ${args.join(' ')} exited ${r.status}`);
    throw new Error('demo step failed');
  }
  return r.status;
}

try {
  // The emulator starts empty: the tasks table is declared in ops.config.ts (`resources`) and the deploy
  // creates it; only the secrets are set by hand, from stdin.
  ops(['params', 'check'], { expect: [1] });
  ops(['params', 'set', 'amadeus/client-id', '--stdin', '--yes'], { input: 'demo-client-id\n' });
  ops(['params', 'set', 'amadeus/client-secret', '--stdin', '--yes'], { input: 'demo-client-secret\n' });
  ops(['params', 'list']);
  ops(['plan'], { expect: [2] });
  ops(['deploy', '--yes']);
  ops(['status']);
  ops(['deploy', '--yes']); // nothing changed: nothing written
  ops(['invoke', 'gateway', '--payload', '{"hello":"ops"}']); // the emulator's Lambda echoes the payload
  ops(['invoke', 'tasks-api', '--local', '--event', 'create-task']);
  ops(['invoke', 'tasks-api', '--local', '--event', 'list-tasks']);
  ops(['smoke', '--local']);
  console.log(bold('Done. Everything above ran against the local emulator; nothing left this machine.'));
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await moto.stop();
}
