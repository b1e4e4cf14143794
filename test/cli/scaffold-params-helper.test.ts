import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const base = mkdtempSync(path.join(tmpdir(), 'ops-scaffold-py-params-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
// Nothing may reach AWS: the param's value comes from .env.dev, as for a developer without a stage.
const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_ENDPOINT_URL: '' };
const ops = (args: string[], cwd: string) => runCli(args, { cwd, env });
const zipNames = async (zip: string) => (await execa('unzip', ['-Z1', zip])).stdout.split('\n');

/**
 * Issue 12.13: a fresh Python fleet follows the README's secure-param pattern (declare the param,
 * list it on the function, read it with ops_params) with nothing copied from the ops repository.
 */
describe('a fresh Python fleet reads a secure param through the scaffolded helper', () => {
  it('ops init and ops new function write ops_params.py where the handler imports it, in the zip and in a local run', async () => {
    const dir = path.join(base, 'mail');
    expect((await ops(['init', dir, '--runtime', 'python3.12'], base)).code).toBe(0);
    const added = await ops(['new', 'function', 'notify', '--runtime', 'python3.12'], dir);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('create src/functions/notify/ops_params.py');

    // The README's pattern: declared once and secure, listed on the function, read at run time.
    const config = path.join(dir, 'ops.config.ts');
    const text = readFileSync(config, 'utf8')
      .replace("region: 'eu-west-1',", "region: 'eu-west-1',\n  params: { 'mail/api-key': { secure: true } },")
      .replace(
        "handler: 'src/functions/notify/lambda_function.lambda_handler',",
        "handler: 'src/functions/notify/lambda_function.lambda_handler',\n      params: ['mail/api-key'],",
      );
    expect(text).toContain("params: ['mail/api-key']");
    writeFileSync(config, text);
    writeFileSync(
      path.join(dir, 'src/functions/notify/lambda_function.py'),
      [
        'import ops_params',
        '',
        '',
        'def lambda_handler(event, context):',
        '    key = ops_params.get_param("mail/api-key")',
        '    return {"keyLength": len(key), "startsWith": key[:2]}',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, '.env.dev'), 'mail/api-key=s3cret-value\n');

    const packaged = await ops(['package'], dir);
    expect(packaged.code, packaged.stderr).toBe(0);
    for (const fn of ['hello', 'notify']) {
      expect(await zipNames(path.join(dir, `.ops/build/${fn}/${fn}.zip`))).toContain('ops_params.py');
    }

    const r = await ops(['invoke', 'notify', '--local', '--json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json().result).toEqual({ keyLength: 12, startsWith: 's3' });

    // The init's own function can import it too.
    const hello = (await ops(['invoke', 'hello', '--local', '--json'], dir)).json();
    expect(hello.ok).toBe(true);
    const check = await execa('python3', ['-c', 'import ops_params; print(ops_params.name_env("mail/api-key"))'], {
      cwd: path.join(dir, 'src/functions/hello'),
    });
    expect(check.stdout).toBe('OPS_PARAM_MAIL_API_KEY');
  }, 120_000);
});

/** The same pattern in TypeScript: the helper is written once for the fleet, and kept by later functions. */
describe('a fresh TypeScript fleet reads a secure param through the scaffolded helper', () => {
  it('ops init writes src/functions/_shared/params.ts; ops new function keeps it; a handler imports it', async () => {
    const dir = path.join(base, 'mail-ts');
    expect((await ops(['init', dir], base)).code).toBe(0);
    const helper = path.join(dir, 'src/functions/_shared/params.ts');
    writeFileSync(helper, `${readFileSync(helper, 'utf8')}// edited by the fleet\n`);
    const added = await ops(['new', 'function', 'mailer'], dir);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).not.toContain('_shared/params.ts');
    expect(readFileSync(helper, 'utf8')).toContain('// edited by the fleet');

    const config = path.join(dir, 'ops.config.ts');
    const text = readFileSync(config, 'utf8')
      .replace("region: 'eu-west-1',", "region: 'eu-west-1',\n  params: { 'mail/api-key': { secure: true } },")
      .replace(
        "handler: 'src/functions/mailer/handler.ts',",
        "handler: 'src/functions/mailer/handler.ts',\n      params: ['mail/api-key'],",
      );
    expect(text).toContain("params: ['mail/api-key']");
    writeFileSync(config, text);
    writeFileSync(
      path.join(dir, 'src/functions/mailer/handler.ts'),
      "import { getParam } from '../_shared/params';\n\nexport const handler = async () => {\n  const key = await getParam('mail/api-key');\n  return { keyLength: key.length };\n};\n",
    );
    writeFileSync(path.join(dir, '.env.dev'), 'MAIL_API_KEY=s3cret-value\n');

    const r = await ops(['invoke', 'mailer', '--local', '--json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json().result).toEqual({ keyLength: 12 });
  }, 120_000);
});
