import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A config imports defineFleet and ref from 'opsfleet' (the package's name), or from 'ops' (what configs wrote
// before it had one). Both load where nothing is installed (a global ops, npx): the import is served by ops itself.
const env = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_PROFILE: '' };
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function fleetImporting(from: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ops-config-import-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'h.ts'), 'export const handler = async () => ({ ok: true });\n');
  await writeFile(
    path.join(dir, 'ops.config.ts'),
    `import { defineFleet, ref } from '${from}';\n` +
      "export default defineFleet({ app: 'imports', region: 'us-east-1', functions: {\n" +
      "  a: { handler: 'h.ts', environment: { B_ARN: ref.fn('b').arn } },\n  b: { handler: 'h.ts' },\n} });\n",
  );
  return dir;
}

describe("a config's import of defineFleet and ref", () => {
  it.each(['opsfleet', 'ops'])("loads from '%s' with no package installed, ref included", async (from) => {
    const r = await runCli(['config'], { cwd: await fleetImporting(from), env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/B_ARN +function\.b\.arn, filled in at deploy time/);
  });
});
