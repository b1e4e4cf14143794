import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { faults, type Responder } from '../support/fault-proxy.js';
import { createDeployedFunction, queueLambdaResults, tempFleet, unique } from './remote-helpers.js';

// moto's simple Lambda keeps one queue of results per region: this file has a region of its own.
const REGION = 'eu-west-3';

describe('ops invoke (remote) against the emulator', () => {
  const emu = useEmulator();
  const app = unique('inv');
  const name = `${app}-dev-echo`;
  let dir: string;

  beforeAll(async () => {
    dir = await tempFleet({
      app,
      region: REGION,
      functions: { echo: {} },
      samples: { echo: { ping: '{"ping": 1.0, "big": 12345678901234567890123}\n' } },
    });
    await createDeployedFunction(emu.clientConfig, REGION, name);
  });
  afterAll(async () => {
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });

  const ops = (args: string[], env: Record<string, string | undefined> = emu.env, stdin?: string) =>
    runCli(['invoke', 'echo', ...args], { cwd: dir, env: env as NodeJS.ProcessEnv, stdin });

  /** A proxy that records the Qualifier of every Invoke and lets it through. */
  async function spy() {
    const proxy = await emu.proxy();
    const qualifiers: (string | null)[] = [];
    const responder: Responder = {
      label: 'spy',
      action: (request) => {
        qualifiers.push(request.query.get('Qualifier'));
        return { kind: 'delay', ms: 0 };
      },
    };
    proxy.addFault({ match: { service: 'lambda', operation: 'Invoke' }, respond: responder });
    return { proxy, qualifiers };
  }

  it('sends the payload exactly as given and prints the echo with every digit kept', async () => {
    const r = await ops(['--payload', '{"n": 1.50, "id": 12345678901234567890123, "s": "é ✓"}']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('{\n  "n": 1.50,\n  "id": 12345678901234567890123,\n  "s": "é ✓"\n}\n');
    expect(r.stderr).toContain(`${name}:live`);
  });

  it('a sample file and stdin are sent as they are too', async () => {
    const sample = await ops(['--event', 'ping']);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toContain('"ping": 1.0');
    expect(sample.stdout).toContain('12345678901234567890123');
    const piped = await ops(['-'], emu.env, '{"from":"stdin"}');
    expect(JSON.parse(piped.stdout)).toEqual({ from: 'stdin' });
  });

  it("invokes the 'live' alias by default and honours --qualifier", async () => {
    const { proxy, qualifiers } = await spy();
    expect((await ops(['--payload', '{}'], proxy.env)).code).toBe(0);
    expect((await ops(['--payload', '{}', '--qualifier', '1'], proxy.env)).code).toBe(0);
    expect(qualifiers).toEqual(['live', '1']);
    expect(proxy.operations()).toEqual(['lambda.Invoke', 'lambda.Invoke']);
  });

  it('prints a queued result instead of the echo', async () => {
    await queueLambdaResults(emu.url, REGION, ['{"statusCode": 200, "body": "{\\"queued\\": true}"}']);
    const r = await ops(['--payload', '{"ignored": true}', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ status: 200, functionError: null, payload: { statusCode: 200, body: '{"queued": true}' } });
  });

  it("a function error (Lambda's X-Amz-Function-Error) exits 1 with its type, message and decoded log tail", async () => {
    // moto's simple Lambda cannot set X-Amz-Function-Error; the proxy answers as Lambda does.
    const proxy = await emu.proxy();
    const tail =
      'START RequestId: r-1 Version: 3\nboom happened\nEND RequestId: r-1\nREPORT RequestId: r-1\tDuration: 12.34 ms\tBilled Duration: 13 ms\n';
    const error = {
      errorType: 'ValueError',
      errorMessage: 'bad quantity: -1',
      stackTrace: ['  File "/var/task/main.py", line 2, in handler'],
    };
    proxy.addFault({
      match: { service: 'lambda', operation: 'Invoke' },
      respond: faults.raw(200, JSON.stringify(error), {
        'content-type': 'application/json',
        'x-amz-function-error': 'Unhandled',
        'x-amz-executed-version': '3',
        'x-amz-log-result': Buffer.from(tail).toString('base64'),
      }),
    });
    const r = await ops(['--payload', '{}'], proxy.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom happened');
    expect(r.stderr).toContain('function error: ValueError: bad quantity: -1');
    expect(r.stderr).toContain(`${name}:live → version 3 · status 200 · 12ms`);
    expect(JSON.parse(r.stdout)).toEqual(error);

    const json = await ops(['--payload', '{}', '--json'], proxy.env);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ status: 200, functionError: 'Unhandled', executedVersion: '3', payload: error, logs: tail });
  });

  it('--async queues the invoke (InvocationType Event) and prints the request id', async () => {
    const proxy = await emu.proxy();
    const r = await ops(['--payload', '{"later": true}', '--async'], proxy.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('queued (status 202)');
    expect(r.stdout.trim()).toMatch(/^[\w-]{16,}$/); // the request id, alone on stdout
    const invoke = proxy.requests.find((q) => q.operation === 'Invoke');
    expect(invoke?.status).toBe(202);
    const json = await ops(['--payload', '{}', '--async', '--json'], proxy.env);
    expect(json.json()).toMatchObject({ status: 202, functionError: null });
  });

  it('a function that is not deployed is one line with a hint', async () => {
    const proxy = await emu.proxy();
    proxy.addFault({
      match: { service: 'lambda', operation: 'Invoke' },
      respond: faults.awsError({ status: 404, code: 'ResourceNotFoundException', message: `Function not found: ${name}:live` }),
    });
    const r = await ops(['--payload', '{}'], proxy.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: ${name}:live was not found in ${REGION}\n  hint: deploy it first: ops deploy echo\n`);
  });

  it('bad input is a usage error before any request: invalid JSON names the position; --env needs --local', async () => {
    const proxy = await emu.proxy();
    const bad = await ops(['--payload', '{"a": 1,}'], proxy.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --payload is not valid JSON at line 1, column 9/);
    const env = await ops(['--payload', '{}', '--env', 'A=1'], proxy.env);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--env works with --local only');
    expect((await ops(['--local', '--async'], proxy.env)).code).toBe(2);
    expect(proxy.requests).toEqual([]);
  });
});
