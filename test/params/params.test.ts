import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { paramsFleet, readBack, uniqueApp } from './fleet.js';

/** `ops params ...` in-process against moto, each test with its own app. */
describe('ops params against the emulator', () => {
  const emu = useEmulator();
  let app: string;
  let dir: string;
  const ops = (args: string[], opts: { stdin?: string; env?: Record<string, string | undefined> } = {}) =>
    runCli(['params', ...args], { cwd: dir, env: (opts.env ?? emu.env) as NodeJS.ProcessEnv, stdin: opts.stdin });
  const at = (name: string, stage = 'dev') => `/${app}/${stage}/${name}`;

  beforeEach(async () => {
    app = uniqueApp();
    dir = await paramsFleet(app);
  });

  it('set from stdin stores a tagged SecureString and says created, then unchanged, then updated with --yes', async () => {
    const first = await ops(['set', 'api/key', '--stdin'], { stdin: 'k-one\n' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('created api/key (version 1)\n');
    const stored = await readBack(emu.clientConfig, at('api/key'));
    expect(stored).toMatchObject({ Type: 'SecureString', Value: 'k-one', Version: 1 });
    expect(stored?.tags).toEqual({ 'ops:app': app, 'ops:stage': 'dev' });

    const again = await ops(['set', 'api/key', '--stdin'], { stdin: 'k-one' });
    expect(again.stdout).toBe('unchanged api/key (version 1)\n');

    const updated = await ops(['set', 'api/key', '--stdin', '--yes'], { stdin: 'k-two\n' });
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toBe('updated api/key (version 2)\n');
    const after = await readBack(emu.clientConfig, at('api/key'));
    expect(after).toMatchObject({ Type: 'SecureString', Value: 'k-two', Version: 2 });
    expect(after?.tags).toEqual({ 'ops:app': app, 'ops:stage': 'dev' });
  });

  it('set from a file, and a plain param from argv as a String; --json names the outcome', async () => {
    await writeFile(path.join(dir, 'secret.txt'), 'from-a-file\n');
    const file = await ops(['set', 'api/secret', '--from-file', 'secret.txt']);
    expect(file.code, file.stderr).toBe(0);
    expect((await readBack(emu.clientConfig, at('api/secret')))?.Value).toBe('from-a-file');

    const plain = await ops(['set', 'db-url', 'postgres://db/tasks', '--json', '--stage', 'qa']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json()).toEqual({ name: 'db-url', path: at('db-url', 'qa'), type: 'String', outcome: 'created', version: 1 });
    expect(await readBack(emu.clientConfig, at('db-url', 'qa'))).toMatchObject({ Type: 'String', Value: 'postgres://db/tasks' });
  });

  it('a secure value in argv is refused with exit 2, without echoing it and without calling AWS', async () => {
    const proxy = await emu.proxy();
    const r = await ops(['set', 'api/key', 'hunter2-in-argv'], { env: proxy.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: refusing the value of secure param api\/key from the command line/);
    expect(r.stderr).toContain('--stdin');
    expect(r.stdout + r.stderr).not.toContain('hunter2-in-argv');
    expect(proxy.requests).toEqual([]);
  });

  it('overwriting a different value needs a terminal or --yes; an unchanged value writes nothing', async () => {
    expect((await ops(['set', 'db-url', 'v1'])).code).toBe(0);
    const refused = await ops(['set', 'db-url', 'v2']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`not overwriting ${at('db-url')} (version 1): no terminal to confirm on`);
    expect(refused.stderr).toContain('--yes');
    expect((await readBack(emu.clientConfig, at('db-url')))?.Value).toBe('v1');

    const proxy = await emu.proxy();
    const same = await ops(['set', 'db-url', 'v1'], { env: proxy.env });
    expect(same.stdout).toBe('unchanged db-url (version 1)\n');
    expect(proxy.writeCount()).toBe(0);
    expect(proxy.operations()).toEqual(['ssm.GetParameter']);
  });

  it('a secure param stored as a plain String is rewritten as a SecureString even when the value is the same', async () => {
    const ssm = new SSMClient(emu.clientConfig);
    await ssm.send(new PutParameterCommand({ Name: at('api/key'), Value: 'same', Type: 'String' }));
    const listed = await ops(['list']);
    expect(listed.stderr).toContain('api/key is declared secure but stored as String');
    const r = await ops(['set', 'api/key', '--stdin', '--yes'], { stdin: 'same' });
    expect(r.stdout).toBe('updated api/key (version 2)\n');
    expect((await readBack(emu.clientConfig, at('api/key')))?.Type).toBe('SecureString');
  });

  it('an undeclared name is refused with "did you mean" and the command, unless --force (then a SecureString)', async () => {
    const typo = await ops(['set', 'api/kye', '--stdin'], { stdin: 'x' });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`error: 'api/kye' is not a param of ${app}`);
    expect(typo.stderr).toContain("did you mean 'api/key'? (ops params set api/key --stage dev)");
    const forced = await ops(['set', 'legacy/token', '--stdin', '--force'], { stdin: 'tok' });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readBack(emu.clientConfig, at('legacy/token')))?.Type).toBe('SecureString');
  });

  it('get masks secure values unless --reveal, prints plain ones, and names the command when unset', async () => {
    await ops(['set', 'api/key', '--stdin'], { stdin: 'shown-only-revealed' });
    await ops(['set', 'db-url', 'postgres://x']);
    const masked = await ops(['get', 'api/key']);
    expect(masked.code).toBe(0);
    expect(masked.stdout).toBe('••••••••\n');
    expect(masked.stderr).toContain(`${at('api/key')}  SecureString  version 1`);
    expect(masked.stderr).toContain('pass --reveal');
    expect(masked.stdout + masked.stderr).not.toContain('shown-only-revealed');

    const revealed = await ops(['get', 'api/key', '--reveal']);
    expect(revealed.stdout).toBe('shown-only-revealed\n');
    const json = await ops(['get', 'api/key', '--json']);
    expect(json.json()).toMatchObject({ name: 'api/key', type: 'SecureString', version: 1, masked: true });
    expect(json.json()).not.toHaveProperty('value');
    expect((await ops(['get', 'db-url'])).stdout).toBe('postgres://x\n');

    const unset = await ops(['get', 'api/secret']);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('api/secret is not set for stage dev');
    expect(unset.stderr).toContain('ops params set api/secret --stage dev');
  });

  it('list shows every declared param, set or missing, with readers; --json too', async () => {
    await ops(['set', 'api/key', '--stdin'], { stdin: 'k' });
    await ops(['set', 'db-url', 'postgres://x']);
    await ops(['set', 'old/thing', '--stdin', '--force'], { stdin: 'o' });
    const proxy = await emu.proxy();
    const r = await ops(['list'], { env: proxy.env });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.operations()).toEqual(['ssm.GetParametersByPath']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+TYPE\s+VERSION\s+MODIFIED\s+READ BY$/);
    expect(lines[1]).toMatch(/^db-url\s+set\s+String\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+api$/);
    expect(lines[2]).toMatch(/^api\/key\s+set\s+SecureString\s+1\s+\S+ \S+\s+api$/);
    expect(lines[3]).toMatch(/^api\/secret\s+missing\s+SecureString\s+-\s+-\s+worker$/);
    expect(lines[4]).toMatch(/^feature-flags\s+missing\s+String\s+-\s+-\s+worker$/);
    expect(lines[5]).toMatch(/^old\/thing\s+undeclared\s+SecureString\s+1\s+/);
    expect(r.stderr).toContain('2 of 4 params set for stage dev');

    const json = (await ops(['list', '--json'])).json();
    expect(json).toMatchObject({ app, stage: 'dev', path: `/${app}/dev/` });
    expect(json.params.map((p: { name: string; status: string }) => `${p.name}:${p.status}`)).toEqual([
      'db-url:set',
      'api/key:set',
      'api/secret:missing',
      'feature-flags:missing',
      'old/thing:undeclared',
    ]);
    expect(json.params[1]).toMatchObject({ type: 'SecureString', version: 1, readers: ['api'], secure: true, declared: true });
    expect(json.params[1].lastModified).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(json)).not.toContain('postgres://x');
  });

  it('unset asks first (refused without a terminal), deletes with --yes, and is quiet when already unset', async () => {
    await ops(['set', 'db-url', 'v']);
    const refused = await ops(['unset', 'db-url']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`not deleting ${at('db-url')}: no terminal to confirm on`);
    const done = await ops(['unset', 'db-url', '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe('deleted db-url (was version 1)\n');
    expect(await readBack(emu.clientConfig, at('db-url'))).toBeUndefined();
    const again = await ops(['unset', 'db-url', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('db-url is not set for stage dev: nothing to delete');
  });

  it('import sets from a dotenv file by name or UPPER_SNAKE, secure by declaration, and sums up', async () => {
    await ops(['set', 'db-url', 'postgres://old']);
    await ops(['set', 'feature-flags', 'a,b']);
    await writeFile(
      path.join(dir, '.env.dev'),
      [
        'db-url=postgres://new',
        'API_KEY=imported-key',
        'api/secret="imported secret"',
        'FEATURE_FLAGS=a,b',
        'UNKNOWN_THING=zzz',
        'API_KEYS=typo',
      ].join('\n'),
    );
    const refused = await ops(['import', '.env.dev']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not overwriting');
    expect((await readBack(emu.clientConfig, at('db-url')))?.Value).toBe('postgres://old');

    const r = await ops(['import', '.env.dev', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'created api/key (version 1)',
      'created api/secret (version 1)',
      'unchanged feature-flags (version 1)',
      'updated db-url (version 2)',
    ]);
    expect(r.stderr).toContain('skipped UNKNOWN_THING: not a declared param');
    expect(r.stderr).toContain("skipped API_KEYS: not a declared param (did you mean 'API_KEY'?)");
    expect(r.stderr).toContain('2 created, 1 updated, 1 unchanged, 2 skipped');
    for (const v of ['imported-key', 'imported secret', 'postgres://new', 'zzz', 'typo']) expect(r.stdout + r.stderr).not.toContain(v);
    expect(await readBack(emu.clientConfig, at('api/key'))).toMatchObject({ Type: 'SecureString', Value: 'imported-key' });
    expect(await readBack(emu.clientConfig, at('api/secret'))).toMatchObject({ Type: 'SecureString', Value: 'imported secret' });
    expect(await readBack(emu.clientConfig, at('db-url'))).toMatchObject({ Type: 'String', Value: 'postgres://new' });

    const json = await ops(['import', '.env.dev', '--json']);
    expect(json.json()).toMatchObject({ created: [], updated: [], skipped: ['UNKNOWN_THING', 'API_KEYS'] });
    expect(json.json().unchanged).toHaveLength(4);
  });

  it('check exits 1 naming each missing param with the command to set it, then 0 when all are set', async () => {
    await ops(['set', 'db-url', 'v']);
    const missing = await ops(['check', '--stage', 'dev']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('3 of 4 params not set for stage dev');
    expect(missing.stdout).toMatch(/api\/key\s+api\s+ops params set api\/key --stage dev/);
    expect(missing.stdout).toMatch(/api\/secret\s+worker\s+ops params set api\/secret --stage dev/);
    expect(missing.stdout).toMatch(/feature-flags\s+worker\s+ops params set feature-flags --stage dev/);

    const onlyApi = await ops(['check', 'api', '--json']);
    expect(onlyApi.code).toBe(1);
    expect(onlyApi.json()).toEqual({
      app,
      stage: 'dev',
      total: 2,
      missing: [{ name: 'api/key', path: at('api/key'), readers: ['api'], command: 'ops params set api/key --stage dev' }],
    });

    await ops(['set', 'api/key', '--stdin'], { stdin: 'k' });
    await ops(['set', 'api/secret', '--stdin'], { stdin: 's' });
    await ops(['set', 'feature-flags', 'on']);
    const ok = await ops(['check']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('all 4 params set for stage dev');
  });

  it('a prompt without a terminal is refused with a hint to pipe the value', async () => {
    const r = await ops(['set', 'api/key']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no terminal');
    expect(r.stderr).toContain('--stdin');
  });
});
