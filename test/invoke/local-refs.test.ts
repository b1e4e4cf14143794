import path from 'node:path';
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { describe, expect, it } from 'vitest';
import { loadFleet } from '../../src/config/load.js';
import { startDevServer } from '../../src/dev/server.js';
import { edit, smallFleet, uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';

/**
 * References to the fleet in a function's environment (issue 12.6) in local runs: filled in as the
 * deploy fills them, from the stage as deployed; `ops dev` gives ref.api.url its own URL; what cannot
 * be known is left unset with a warning, never made up.
 */
describe('local runs fill in references to the fleet', () => {
  const emu = useEmulator();

  async function fleetWithRefs() {
    const app = uniqueApp('lref');
    const dir = await smallFleet(app);
    await edit(path.join(dir, 'src/api/handler.ts'), () =>
      [
        'export const handler = async () => ({',
        '  statusCode: 200,',
        '  body: JSON.stringify({ url: process.env.ITEMS_URL ?? null, self: process.env.WORKER ?? null, arn: process.env.WORKER_ARN ?? null }),',
        '});',
        '',
      ].join('\n'),
    );
    await edit(path.join(dir, 'ops.config.ts'), (t) =>
      t.replace(
        "routes: ['GET /items', 'GET /items/{id}'], invokes: ['worker'] },",
        "routes: ['GET /items', 'GET /items/{id}'], invokes: ['worker'], environment: { ITEMS_URL: { ref: 'api.url', suffix: '/items' }, WORKER: { ref: 'function.worker.qualifiedName' }, WORKER_ARN: { ref: 'function.worker.arn' } } },",
      ),
    );
    return { app, dir };
  }
  const answer = (stdout: string) => JSON.parse(JSON.parse(stdout).body);

  it('without AWS: names from the config, the API URL and ARNs left unset with one warning each', async () => {
    const { app, dir } = await fleetWithRefs();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'us-east-1' } as NodeJS.ProcessEnv;
    const r = await runCli(['invoke', 'api', '--local', '--payload', '{}'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(answer(r.stdout)).toEqual({ url: null, self: `${app}-dev-worker:live`, arn: null });
    expect(r.stderr).toContain(
      'api: ITEMS_URL (api.url) is not set in this local run: the stage has no HTTP API deployed (no AWS credentials)',
    );
    expect(r.stderr).toContain('api: WORKER_ARN (function.worker.arn) is not set in this local run: its ARN needs the account id');
  }, 60_000);

  it('after a deploy: the deployed API URL and the ARN, as the deployed function has them', async () => {
    const { app, dir } = await fleetWithRefs();
    const env = emu.env as NodeJS.ProcessEnv;
    const deployed = await runCli(['deploy', '--yes'], { cwd: dir, env });
    expect(deployed.code, deployed.stderr).toBe(0);
    const api = (await new ApiGatewayV2Client(emu.clientConfig).send(new GetApisCommand({}))).Items?.find((a) => a.Name === `${app}-dev`);
    expect(api?.ApiEndpoint).toBeTruthy();
    const r = await runCli(['invoke', 'api', '--local', '--payload', '{}'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(answer(r.stdout)).toEqual({
      url: `${api?.ApiEndpoint}/items`,
      self: `${app}-dev-worker:live`,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${app}-dev-worker`,
    });
    expect(r.stderr).not.toContain('is not set in this local run');
    await runCli(['destroy', '--yes'], { cwd: dir, env });
  }, 90_000);

  it("ops dev: ref.api.url is the local server's own URL", async () => {
    const { dir } = await fleetWithRefs();
    const env = { ...process.env, ...emu.env } as NodeJS.ProcessEnv;
    const fleet = await loadFleet({ cwd: dir, stage: 'dev', env });
    const server = await startDevServer({ fleet, port: 0, env, watch: false });
    try {
      const res = await fetch(`${server.url}/items`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { url: string };
      expect(body.url).toBe(`${server.url}/items`);
    } finally {
      await server.close();
    }
  }, 60_000);
});
