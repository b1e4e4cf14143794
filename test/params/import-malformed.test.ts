import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { paramsFleet, readBack, uniqueApp } from './fleet.js';

describe('ops params import of a file with a malformed line', () => {
  const emu = useEmulator();

  it('names the file and each line, writes nothing, and never echoes a value', async () => {
    const app = uniqueApp();
    const dir = await paramsFleet(app);
    // Line 3 lost its `=`; line 4's quote spans two lines. Both used to be dropped without a word.
    await writeFile(
      path.join(dir, '.env.dev'),
      ['db-url=postgres://new', 'API_KEY=imported-key', 'FEATURE_FLAGS a,b', 'api/secret="s3cr3t', 'tail"'].join('\n'),
    );
    const proxy = await emu.proxy();
    const r = await runCli(['params', 'import', '.env.dev', '--yes'], { cwd: dir, env: proxy.env as NodeJS.ProcessEnv });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: .env.dev: 3 malformed lines, nothing imported');
    expect(r.stderr).toContain('.env.dev:3: no = sign');
    expect(r.stderr).toContain('.env.dev:4: the double quote is not closed on this line');
    expect(r.stderr).toContain('.env.dev:5: no = sign');
    for (const v of ['postgres://new', 'imported-key', 'a,b', 's3cr3t', 'tail']) expect(r.stdout + r.stderr).not.toContain(v);
    expect(proxy.writeCount(), proxy.operations().join(', ')).toBe(0);
    expect(await readBack(emu.clientConfig, `/${app}/dev/db-url`)).toBeUndefined();
  });
});
