// Shared by the benches that deploy: a moto server on loopback and the environment that points ops (and the AWS CLI) at it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts moto (dist/emulator.js: run `node scripts/build.mjs` first); `envFor(url)` gives the environment for a URL in front of it. */
export async function startBenchEmulator() {
  const { startMoto } = await import(path.join(root, 'dist/emulator.js'));
  const moto = await startMoto();
  return { moto, env: envFor(moto.url) };
}

export function envFor(url) {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    NO_COLOR: '1',
    CI: 'true',
  };
}

/**
 * The AWS CLI v2 the benches compare against: `AWS_CLI` when set, else Debian's /usr/bin/aws (the `aws`
 * first on PATH may be a v1 from pyenv). `undefined` when it is missing; `version` is `aws-cli/2.9.19`.
 */
export function awsCli() {
  const file = process.env.AWS_CLI || '/usr/bin/aws';
  const r = spawnSync(file, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return { file, version: `${r.stdout}${r.stderr}`.trim().split(' ')[0] };
}
